#include "core/config/schema.h"

#include "core/fnv1a.h"

#include <cinttypes>
#include <cstdio>

namespace fb::config {
namespace {

template <class T>
void ReadScalar(const YAML::Node& node, const Document& doc, const std::string& path, T& out,
                const char* expected) {
  if (!node.IsScalar() || !YAML::convert<T>::decode(node, out)) {
    std::string got = node.IsScalar()   ? "'" + node.Scalar() + "'"
                      : node.IsMap()      ? std::string("a mapping")
                      : node.IsSequence() ? std::string("a list")
                                          : std::string("nothing");
    Fail(doc, node, path, std::string("expected ") + expected + ", got " + got);
  }
}

}  // namespace

std::string JoinPath(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

void Fail(const Document& doc, const YAML::Node& node, const std::string& path, const std::string& message) {
  throw InputError(Locate(doc, node) + ": " + (path.empty() ? std::string("<root>") : path) + ": " + message);
}

void ReadValue(const YAML::Node& node, const Document& doc, const std::string& path, bool& out) {
  ReadScalar(node, doc, path, out, "true or false");
}
void ReadValue(const YAML::Node& node, const Document& doc, const std::string& path, int& out) {
  ReadScalar(node, doc, path, out, "an integer");
}
void ReadValue(const YAML::Node& node, const Document& doc, const std::string& path, int64_t& out) {
  ReadScalar(node, doc, path, out, "an integer");
}
void ReadValue(const YAML::Node& node, const Document& doc, const std::string& path, double& out) {
  ReadScalar(node, doc, path, out, "a number");
}
void ReadValue(const YAML::Node& node, const Document& doc, const std::string& path, std::string& out) {
  if (node.IsNull()) Fail(doc, node, path, "expected a string, got nothing");
  ReadScalar(node, doc, path, out, "a string");
}
void ReadValue(const YAML::Node& node, const Document& doc, const std::string& path, Subtree& out) {
  if (node.IsNull()) return;
  if (!node.IsMap()) Fail(doc, node, path, "expected a mapping of keys to values");
  out.layers.push_back({node, doc, path});
}

namespace {

void MergeInto(YAML::Node& into, const YAML::Node& from) {
  for (const auto& entry : from) {
    const std::string key = entry.first.as<std::string>();
    YAML::Node existing = into[key];
    if (entry.second.IsMap() && existing.IsMap()) {
      MergeInto(existing, entry.second);
    } else {
      into[key] = YAML::Clone(entry.second);
    }
  }
}

}  // namespace

YAML::Node Subtree::Merged() const {
  YAML::Node merged(YAML::NodeType::Map);
  for (const auto& layer : layers) MergeInto(merged, layer.node);
  return layers.empty() ? YAML::Node(YAML::NodeType::Null) : merged;
}

void RejectUnknownKeys(const YAML::Node& map, const Document& doc, const std::string& path,
                       const std::vector<std::string>& known) {
  for (const auto& entry : map) {
    const std::string key = entry.first.as<std::string>();
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string message = "unknown key";
    if (auto near = NearestName(key, known); !near.empty()) {
      message += "; did you mean '" + near + "'?";
    } else {
      message += " (valid keys:";
      for (const auto& k : known) message += " " + k;
      message += ")";
    }
    Fail(doc, entry.first, JoinPath(path, key), message);
  }
}

std::string HashText(const std::string& text) {
  const uint64_t hash = Fnv1a64(text);
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "fnv1a64:%016" PRIx64, hash);
  return buffer;
}

}  // namespace fb::config
