#include "tokenizers/fast/hf_tokenizer_json.h"

#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace fb::tokenizers {
namespace {

using nlohmann::json;

[[noreturn]] void Fail(const std::string& origin, const std::string& key, const std::string& problem) {
  throw InputError(origin + ": " + key + ": " + problem);
}

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string() + ": cannot read the file (missing or no permission)");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

json ParseJson(std::string_view text, const std::string& origin) {
  try {
    json doc = json::parse(text);
    if (!doc.is_object()) Fail(origin, "(root)", "expected a JSON object");
    return doc;
  } catch (const json::exception& e) {
    throw InputError(origin + ": not valid JSON: " + e.what());
  }
}

// Absent and null are the same to HF's deserializer.
bool IsNullOrAbsent(const json& obj, const char* key) { return !obj.contains(key) || obj.at(key).is_null(); }

void RequireNull(const json& obj, const std::string& origin, const std::string& prefix, const char* key,
                 const char* why) {
  if (!IsNullOrAbsent(obj, key)) Fail(origin, prefix + key, std::string("must be null (") + why + "), got " + obj.at(key).dump());
}

void RequireFalse(const json& obj, const std::string& origin, const std::string& prefix, const char* key) {
  if (IsNullOrAbsent(obj, key)) return;
  const json& v = obj.at(key);
  if (!v.is_boolean()) Fail(origin, prefix + key, "expected true/false, got " + v.dump());
  if (v.get<bool>()) Fail(origin, prefix + key, "true is not supported (FAST uses a plain byte-level BPE)");
}

void RequireByteLevel(const json& obj, const std::string& origin, const char* key) {
  if (IsNullOrAbsent(obj, key) || !obj.at(key).is_object()) {
    Fail(origin, key, "expected a {\"type\": \"ByteLevel\"} object");
  }
  const json& part = obj.at(key);
  if (!part.contains("type") || part.at("type") != "ByteLevel") {
    Fail(origin, std::string(key) + ".type",
         "only \"ByteLevel\" is supported, got " + (part.contains("type") ? part.at("type").dump() : "nothing"));
  }
}

std::string PieceAt(const json& v, const std::string& origin, const std::string& key) {
  if (!v.is_string()) Fail(origin, key, "expected a piece string, got " + v.dump());
  return v.get<std::string>();
}

}  // namespace

BpeModel ParseHfTokenizerJson(std::string_view text, const std::string& origin) {
  const json doc = ParseJson(text, origin);

  if (doc.contains("version") && doc.at("version") != "1.0") {
    Fail(origin, "version", "expected \"1.0\", got " + doc.at("version").dump());
  }
  if (!IsNullOrAbsent(doc, "added_tokens")) {
    const json& added = doc.at("added_tokens");
    if (!added.is_array()) Fail(origin, "added_tokens", "expected a list");
    if (!added.empty()) Fail(origin, "added_tokens", "must be empty (FAST has no special tokens), has " + std::to_string(added.size()));
  }
  RequireNull(doc, origin, "", "normalizer", "FAST text is never normalized");

  RequireByteLevel(doc, origin, "pre_tokenizer");
  const json& pre = doc.at("pre_tokenizer");
  if (pre.contains("add_prefix_space") && pre.at("add_prefix_space") != false) {
    Fail(origin, "pre_tokenizer.add_prefix_space", "only false is supported, got " + pre.at("add_prefix_space").dump());
  }
  if (pre.contains("use_regex") && pre.at("use_regex") != true) {
    Fail(origin, "pre_tokenizer.use_regex", "only true (the GPT-2 split) is supported, got " + pre.at("use_regex").dump());
  }
  // The ByteLevel post-processor only adjusts offsets; anything else could add ids.
  if (!IsNullOrAbsent(doc, "post_processor")) RequireByteLevel(doc, origin, "post_processor");
  RequireByteLevel(doc, origin, "decoder");

  if (!doc.contains("model") || !doc.at("model").is_object()) Fail(origin, "model", "missing or not an object");
  const json& model = doc.at("model");
  if (!model.contains("type") || model.at("type") != "BPE") {
    Fail(origin, "model.type", "only \"BPE\" is supported, got " + (model.contains("type") ? model.at("type").dump() : "nothing"));
  }
  RequireNull(model, origin, "model.", "dropout", "encoding must be deterministic");
  RequireNull(model, origin, "model.", "unk_token", "byte-level BPE needs no unknown token");
  RequireNull(model, origin, "model.", "continuing_subword_prefix", "not used by byte-level BPE");
  RequireNull(model, origin, "model.", "end_of_word_suffix", "not used by byte-level BPE");
  RequireFalse(model, origin, "model.", "fuse_unk");
  RequireFalse(model, origin, "model.", "byte_fallback");
  RequireFalse(model, origin, "model.", "ignore_merges");

  if (!model.contains("vocab") || !model.at("vocab").is_object()) Fail(origin, "model.vocab", "missing or not an object");
  const json& vocab = model.at("vocab");
  const size_t n = vocab.size();
  std::vector<std::string> pieces(n);
  std::vector<bool> taken(n, false);
  for (const auto& [piece, id_json] : vocab.items()) {
    if (!id_json.is_number_integer()) Fail(origin, "model.vocab[\"" + piece + "\"]", "expected an integer id, got " + id_json.dump());
    const auto id = id_json.get<int64_t>();
    if (id < 0 || static_cast<size_t>(id) >= n) {
      Fail(origin, "model.vocab[\"" + piece + "\"]",
           "id " + std::to_string(id) + " is outside [0, " + std::to_string(n) +
               "): the vocabulary must map its pieces one-to-one onto 0..size-1");
    }
    if (taken[static_cast<size_t>(id)]) {
      Fail(origin, "model.vocab[\"" + piece + "\"]",
           "id " + std::to_string(id) + " is also used by \"" + pieces[static_cast<size_t>(id)] +
               "\": the vocabulary must map its pieces one-to-one onto 0..size-1");
    }
    taken[static_cast<size_t>(id)] = true;
    pieces[static_cast<size_t>(id)] = piece;
  }
  std::unordered_map<std::string, int32_t> ids;
  for (size_t id = 0; id < n; ++id) ids.emplace(pieces[id], static_cast<int32_t>(id));

  if (!model.contains("merges") || !model.at("merges").is_array()) Fail(origin, "model.merges", "missing or not a list");
  const json& merges_json = model.at("merges");
  std::vector<std::pair<int32_t, int32_t>> merges;
  merges.reserve(merges_json.size());
  for (size_t rank = 0; rank < merges_json.size(); ++rank) {
    const json& m = merges_json[rank];
    const std::string key = "model.merges[" + std::to_string(rank) + "]";
    std::string a;
    std::string b;
    if (m.is_string()) {
      // "a b": HF splits on ' ' and wants exactly two parts.
      const std::string s = m.get<std::string>();
      const size_t space = s.find(' ');
      if (space == std::string::npos || s.find(' ', space + 1) != std::string::npos) {
        Fail(origin, key, "expected \"left right\" with exactly one space, got " + m.dump());
      }
      a = s.substr(0, space);
      b = s.substr(space + 1);
    } else if (m.is_array() && m.size() == 2) {
      a = PieceAt(m[0], origin, key + "[0]");
      b = PieceAt(m[1], origin, key + "[1]");
    } else {
      Fail(origin, key, "expected \"left right\" or [\"left\", \"right\"], got " + m.dump());
    }
    const auto left = ids.find(a);
    if (left == ids.end()) Fail(origin, key, "piece \"" + a + "\" is not in model.vocab");
    const auto right = ids.find(b);
    if (right == ids.end()) Fail(origin, key, "piece \"" + b + "\" is not in model.vocab");
    if (!ids.contains(a + b)) Fail(origin, key, "merged piece \"" + a + b + "\" is not in model.vocab");
    merges.emplace_back(left->second, right->second);
  }
  try {
    return BpeModel(std::move(pieces), merges);
  } catch (const std::invalid_argument& e) {
    Fail(origin, "model", e.what());
  }
}

BpeModel LoadHfTokenizerJson(const std::filesystem::path& path) {
  return ParseHfTokenizerJson(ReadText(path), path.string());
}

std::string HfTokenizerJsonText(const BpeModel& model) {
  using ojson = nlohmann::ordered_json;
  ojson vocab = ojson::object();
  for (int32_t id = 0; id < model.size(); ++id) vocab[model.piece(id)] = id;
  ojson merges = ojson::array();
  for (const auto& [left, right] : model.merges()) merges.push_back(model.piece(left) + " " + model.piece(right));

  ojson doc;
  doc["version"] = "1.0";
  doc["truncation"] = nullptr;
  doc["padding"] = nullptr;
  doc["added_tokens"] = ojson::array();
  doc["normalizer"] = nullptr;
  doc["pre_tokenizer"] = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}};
  doc["post_processor"] = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", false}, {"use_regex", true}};
  doc["decoder"] = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}};
  ojson m;
  m["type"] = "BPE";
  m["dropout"] = nullptr;
  m["unk_token"] = nullptr;
  m["continuing_subword_prefix"] = nullptr;
  m["end_of_word_suffix"] = nullptr;
  m["fuse_unk"] = false;
  m["byte_fallback"] = false;
  m["ignore_merges"] = false;
  m["vocab"] = std::move(vocab);
  m["merges"] = std::move(merges);
  doc["model"] = std::move(m);
  return doc.dump(2) + "\n";
}

ProcessorConfig ParseProcessorConfig(std::string_view text, const std::string& origin) {
  const json doc = ParseJson(text, origin);
  ProcessorConfig config;
  const auto number = [&](const char* key) -> const json& {
    if (!doc.contains(key)) Fail(origin, key, "missing");
    const json& v = doc.at(key);
    if (!v.is_number()) Fail(origin, key, "expected a number, got " + v.dump());
    return v;
  };
  const auto integer = [&](const char* key) -> int64_t {
    const json& v = number(key);
    if (v.is_number_integer()) return v.get<int64_t>();
    const double d = v.get<double>();
    if (d != std::floor(d) || std::abs(d) > 9.0e15) Fail(origin, key, "expected an integer, got " + v.dump());
    return static_cast<int64_t>(d);
  };
  const auto optional_int = [&](const char* key) -> std::optional<int> {
    if (IsNullOrAbsent(doc, key)) return std::nullopt;
    const json& v = doc.at(key);
    if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 1000000) {
      Fail(origin, key, "expected null or a positive integer, got " + v.dump());
    }
    return static_cast<int>(v.get<int64_t>());
  };
  config.scale = number("scale").get<double>();
  if (!(config.scale > 0.0) || !std::isfinite(config.scale)) Fail(origin, "scale", "must be a finite number > 0, got " + doc.at("scale").dump());
  config.vocab_size = integer("vocab_size");
  if (config.vocab_size < 1) Fail(origin, "vocab_size", "must be >= 1, got " + doc.at("vocab_size").dump());
  config.min_token = integer("min_token");
  config.time_horizon = optional_int("time_horizon");
  config.action_dim = optional_int("action_dim");
  return config;
}

ProcessorConfig LoadProcessorConfig(const std::filesystem::path& path) {
  return ParseProcessorConfig(ReadText(path), path.string());
}

std::string ProcessorConfigText(const ProcessorConfig& config) {
  using ojson = nlohmann::ordered_json;
  ojson doc;
  doc["action_dim"] = config.action_dim ? ojson(*config.action_dim) : ojson(nullptr);
  doc["auto_map"] = {{"AutoProcessor", "processing_action_tokenizer.UniversalActionProcessor"}};
  doc["min_token"] = config.min_token;
  doc["processor_class"] = "UniversalActionProcessor";
  // An integral scale is written as an int, as Python's json writes scale=10.
  if (config.scale == std::floor(config.scale) && std::abs(config.scale) < 1e15) {
    doc["scale"] = static_cast<int64_t>(config.scale);
  } else {
    doc["scale"] = config.scale;
  }
  doc["time_horizon"] = config.time_horizon ? ojson(*config.time_horizon) : ojson(nullptr);
  doc["vocab_size"] = config.vocab_size;
  return doc.dump(2) + "\n";
}

std::string TokenizerConfigText() {
  nlohmann::ordered_json doc;
  doc["added_tokens_decoder"] = nlohmann::ordered_json::object();
  doc["clean_up_tokenization_spaces"] = false;
  doc["tokenizer_class"] = "PreTrainedTokenizerFast";
  return doc.dump(2) + "\n";
}

}  // namespace fb::tokenizers
