// Typed configs from YAML. A config struct lists its fields once, in a Describe method,
// and gets validation with exact error locations, a resolved dump and a hash from it:
//
//   struct DataConfig {
//     int horizon{};
//     std::string source;
//     template <class V> void Describe(V& v) {
//       v("horizon", horizon, Range{1, 1000});
//       v("source", source, OneOf{"synthetic", "npy", "hdf5"});
//     }
//     void Validate() const;  // optional: cross-field invariants, quoting both values
//   };
//
// Elements of a list of structs are complete objects: each must give every key except
// those marked config::Optional{}.
//
// Errors are fb::InputError with "file:line:col: key.path: what is wrong". Unknown keys
// suggest the nearest valid key. Defaults come from a configs/ file applied as the first,
// complete layer; later layers (a user file, --set flags) change only the keys they name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/config/checks.h"
#include "core/config/document.h"
#include "core/error.h"

namespace fb::config {

// A YAML map kept unparsed, for sections whose schema depends on a sibling value (a
// tokenizer's parameters depend on its `type`). Each config layer that names the section
// adds one entry, with its origin, so the code that finally applies it to a typed struct
// layers them in order and still reports exact locations.
struct Subtree {
  struct Layer {
    YAML::Node node;  // a map
    Document document;
    std::string path;  // key path of the section, e.g. "tokenizers[1].params"
  };
  std::vector<Layer> layers;  // empty when no layer gave the section

  // All layers merged key by key (later layers win), for the resolved snapshot.
  YAML::Node Merged() const;
};

// Anything callable like a field visitor; used only to detect Describe methods.
struct DescribeProbe {
  template <class... Args>
  void operator()(Args&&...) {}
};

template <class T>
concept Described = requires(T& t, DescribeProbe& probe) { t.Describe(probe); };

template <class T>
concept HasValidate = requires(const T t) { t.Validate(); };

std::string JoinPath(const std::string& prefix, const std::string& key);

// Throws fb::InputError "location: path: message".
[[noreturn]] void Fail(const Document& doc, const YAML::Node& node, const std::string& path,
                       const std::string& message);

void ReadValue(const YAML::Node& node, const Document& doc, const std::string& path, bool& out);
void ReadValue(const YAML::Node& node, const Document& doc, const std::string& path, int& out);
void ReadValue(const YAML::Node& node, const Document& doc, const std::string& path, int64_t& out);
void ReadValue(const YAML::Node& node, const Document& doc, const std::string& path, double& out);
void ReadValue(const YAML::Node& node, const Document& doc, const std::string& path, std::string& out);
void ReadValue(const YAML::Node& node, const Document& doc, const std::string& path, Subtree& out);

template <class T>
void ReadValue(const YAML::Node& node, const Document& doc, const std::string& path, std::optional<T>& out);
template <class T>
void ReadValue(const YAML::Node& node, const Document& doc, const std::string& path, std::vector<T>& out);
template <Described T>
void ReadValue(const YAML::Node& node, const Document& doc, const std::string& path, T& out,
               bool require_all = false);

// Lists the keys a struct describes, so unknown keys are reported (with a suggestion)
// before anything else about the map.
struct KeyLister {
  std::vector<std::string> keys;
  template <class T, class... Checks>
  void operator()(const char* key, T&, const Checks&...) {
    keys.emplace_back(key);
  }
};

// Throws for the first key of `map` not in `known`, suggesting the nearest valid one.
void RejectUnknownKeys(const YAML::Node& map, const Document& doc, const std::string& path,
                       const std::vector<std::string>& known);

// Reads the keys of one YAML map into a struct, field by field (see Describe above).
class Reader final {
 public:
  Reader(const YAML::Node& map, const Document& doc, std::string path, bool require_all)
      : k_map_(map), k_doc_(doc), k_path_(std::move(path)), k_require_all_(require_all) {}

  template <class T, class... Checks>
  void operator()(const char* key, T& field, const Checks&... checks) {
    const YAML::Node child = k_map_[key];
    const std::string path = JoinPath(k_path_, key);
    if (!child.IsDefined()) {
      constexpr bool optional = (std::is_same_v<Checks, Optional> || ...);
      if (k_require_all_ && !optional) Fail(k_doc_, k_map_, path, "missing key");
      return;
    }
    if constexpr (Described<T>) {
      ReadValue(child, k_doc_, path, field, k_require_all_);
    } else {
      ReadValue(child, k_doc_, path, field);
    }
    (CheckOne(child, path, field, checks), ...);
  }

 private:
  template <class T, class Check>
  void CheckOne(const YAML::Node& node, const std::string& path, const T& field, const Check& check) {
    if (auto violation = check.Violation(field)) Fail(k_doc_, node, path, *violation);
  }

  const YAML::Node& k_map_;
  const Document& k_doc_;
  const std::string k_path_;
  const bool k_require_all_;
};

template <Described T>
void ReadValue(const YAML::Node& node, const Document& doc, const std::string& path, T& out,
               bool require_all) {
  if (node.IsNull() && !require_all) return;
  if (!node.IsMap()) Fail(doc, node, path, "expected a mapping of keys to values");
  KeyLister lister;
  out.Describe(lister);
  RejectUnknownKeys(node, doc, path, lister.keys);
  Reader reader(node, doc, path, require_all);
  out.Describe(reader);
}

template <class T>
void ReadValue(const YAML::Node& node, const Document& doc, const std::string& path, std::optional<T>& out) {
  if (node.IsNull()) {
    out.reset();
    return;
  }
  T value = out.value_or(T{});
  ReadValue(node, doc, path, value);
  out = std::move(value);
}

// A sequence replaces the list; a map with integer keys (from --set list.1.key=v)
// updates the named elements in place.
template <class T>
void ReadValue(const YAML::Node& node, const Document& doc, const std::string& path, std::vector<T>& out) {
  if (node.IsSequence()) {
    std::vector<T> values(node.size());
    for (size_t i = 0; i < node.size(); ++i) {
      const std::string element_path = path + "[" + std::to_string(i) + "]";
      if constexpr (Described<T>) {
        ReadValue(node[i], doc, element_path, values[i], /*require_all=*/true);
      } else {
        ReadValue(node[i], doc, element_path, values[i]);
      }
    }
    out = std::move(values);
    return;
  }
  if (node.IsMap() && !doc.has_lines) {
    for (const auto& entry : node) {
      const std::string key = entry.first.as<std::string>();
      char* end = nullptr;
      const long index = std::strtol(key.c_str(), &end, 10);
      if (key.empty() || *end != '\0' || index < 0 || static_cast<size_t>(index) >= out.size()) {
        Fail(doc, node, path, "no list element '" + key + "' (the list has " + std::to_string(out.size()) +
                                  " elements, indices from 0)");
      }
      ReadValue(entry.second, doc, path + "[" + key + "]", out[static_cast<size_t>(index)]);
    }
    return;
  }
  Fail(doc, node, path, "expected a list");
}

// Emits a struct as YAML (the resolved config snapshot).
class Writer final {
 public:
  explicit Writer(YAML::Emitter& out) : k_out_(out) {}
  template <class T, class... Checks>
  void operator()(const char* key, const T& field, const Checks&...) {
    k_out_ << YAML::Key << key << YAML::Value;
    Write(field);
  }

 private:
  template <class T>
  void Write(const T& value) {
    if constexpr (Described<T>) {
      k_out_ << YAML::BeginMap;
      const_cast<T&>(value).Describe(*this);
      k_out_ << YAML::EndMap;
    } else if constexpr (std::is_same_v<T, Subtree>) {
      k_out_ << value.Merged();
    } else if constexpr (requires { value.has_value(); }) {
      if (value) {
        Write(*value);
      } else {
        k_out_ << YAML::Null;
      }
    } else if constexpr (requires { value.begin(); } && !std::is_same_v<T, std::string>) {
      k_out_ << YAML::BeginSeq;
      for (const auto& element : value) Write(element);
      k_out_ << YAML::EndSeq;
    } else if constexpr (std::is_same_v<T, double>) {
      k_out_ << YAML::Precision(17) << value;
    } else {
      k_out_ << value;
    }
  }
  YAML::Emitter& k_out_;
};

// Calls Validate() on the struct and on every nested struct that has one.
class Validator final {
 public:
  template <class T, class... Checks>
  void operator()(const char*, const T& field, const Checks&...) {
    Visit(field);
  }
  template <class T>
  void Visit(const T& value) {
    if constexpr (Described<T>) {
      const_cast<T&>(value).Describe(*this);
      if constexpr (HasValidate<T>) value.Validate();
    } else if constexpr (requires { value.begin(); } && !std::is_same_v<T, std::string>) {
      for (const auto& element : value) Visit(element);
    } else if constexpr (requires { value.has_value(); }) {
      if (value) Visit(*value);
    }
  }
};

// Applies one document to `target`. `complete` demands that the document name every
// key (used for the configs/ defaults layer). Throws fb::InputError.
template <Described T>
void Apply(const Document& doc, T& target, bool complete = false) {
  ReadValue(doc.root, doc, "", target, complete);
}

// Applies a deferred section (see Subtree) onto a typed struct, layer by layer.
template <Described T>
void Apply(const Subtree& section, T& target) {
  for (const auto& layer : section.layers) ReadValue(layer.node, layer.document, layer.path, target);
}

template <Described T>
void Validate(const T& config) {
  Validator{}.Visit(config);
}

// Resolved YAML text of a config.
template <Described T>
std::string Dump(const T& config) {
  YAML::Emitter out;
  Writer writer(out);
  out << YAML::BeginMap;
  const_cast<T&>(config).Describe(writer);
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

// Stable content hash of a resolved config dump: "fnv1a64:<16 hex digits>".
std::string HashText(const std::string& text);

// The standard layering of a command's config: built-in defaults (complete), then an
// optional user file, then --set assignments in order, then cross-field validation.
template <Described T>
T LoadLayered(std::string_view builtin_name, const std::string& user_file,
              const std::vector<std::string>& assignments) {
  T config{};
  Apply(LoadBuiltin(builtin_name), config, /*complete=*/true);
  if (!user_file.empty()) Apply(LoadFile(user_file), config);
  for (const auto& assignment : assignments) Apply(FromAssignment(assignment), config);
  Validate(config);
  return config;
}

}  // namespace fb::config
