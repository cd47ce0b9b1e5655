// A small hand-built FAST tokenizer shared by the tests: the 256 GPT-2 byte symbols (ids
// 0..255 by code point, as a trainer would number them) plus eight merges chosen so that
// priorities and multi-byte pieces can be checked by hand.
#pragma once

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "tokenizers/fast/byte_level.h"

namespace fb::tokenizers::testing {

// Merges in rank order and the piece each makes (ids 256..263):
//   0 "Å ¢"  -> "Å¢"   256     4 "Å §"   -> "Å§"   260
//   1 "Å¢ Å¢" -> "Å¢Å¢" 257     5 "łÅ ¡"  -> "łÅ¡"  261
//   2 "ł Å"  -> "łÅ"   258     6 "Å ļ"   -> "Åļ"   262
//   3 "Å ł"  -> "Åł"   259     7 "Ġ Å¢"  -> "ĠÅ¢"  263
// Rank 2 ("ł Å") beats rank 3 ("Å ł") even where "Å ł" starts earlier.
inline const std::vector<std::pair<std::string, std::string>>& HandMerges() {
  static const std::vector<std::pair<std::string, std::string>> merges = {
      {"Å", "¢"}, {"Å¢", "Å¢"}, {"ł", "Å"}, {"Å", "ł"}, {"Å", "§"}, {"łÅ", "¡"}, {"Å", "ļ"}, {"Ġ", "Å¢"}};
  return merges;
}

// The 256 byte symbols sorted by code point.
inline std::vector<std::string> ByteSymbolsByCodePoint() {
  std::vector<char32_t> symbols;
  for (int b = 0; b < 256; ++b) symbols.push_back(ByteToSymbol(static_cast<uint8_t>(b)));
  std::sort(symbols.begin(), symbols.end());
  std::vector<std::string> out;
  for (char32_t c : symbols) out.push_back(EncodeUtf8(std::u32string(1, c)));
  return out;
}

inline std::string JsonEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

// tokenizer.json text of the hand-built tokenizer; `pair_notation` picks ["a","b"]
// merges (tokenizers >= 0.20) over "a b" strings (older writers).
inline std::string HandBuiltTokenizerJson(bool pair_notation) {
  std::string vocab;
  int id = 0;
  // Appends only: GCC 12 flags "literal" + std::string with a false -Wrestrict.
  for (const std::string& s : ByteSymbolsByCodePoint()) {
    vocab += '"';
    vocab += JsonEscape(s);
    vocab += "\": ";
    vocab += std::to_string(id++);
    vocab += ",\n";
  }
  vocab +=
      "\"Å¢\": 256, \"Å¢Å¢\": 257, \"łÅ\": 258, \"Åł\": 259, \"Å§\": 260, \"łÅ¡\": 261, \"Åļ\": 262, \"ĠÅ¢\": 263";
  std::string merges;
  for (const auto& [a, b] : HandMerges()) {
    if (!merges.empty()) merges += ", ";
    merges += pair_notation ? "[\"" : "\"";
    merges += a;
    merges += pair_notation ? "\", \"" : " ";
    merges += b;
    merges += pair_notation ? "\"]" : "\"";
  }
  return R"({
  "version": "1.0",
  "truncation": null,
  "padding": null,
  "added_tokens": [],
  "normalizer": null,
  "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
  "post_processor": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true},
  "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},
  "model": {
    "type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null,
    "end_of_word_suffix": null, "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
    "vocab": {)" + vocab + R"(},
    "merges": [)" + merges + R"(]
  }
})";
}

// FAST+ settings exactly (min_token -354, scale 10, vocab_size 2048), although the
// hand-built vocabulary has only 264 pieces.
inline std::string HandBuiltProcessorConfig() {
  return R"({"action_dim": null, "min_token": -354, "scale": 10, "time_horizon": null, "vocab_size": 2048})";
}

// A fresh directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : k_path_(std::filesystem::temp_directory_path() / ("fb_fast_" + name + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(k_path_);
    std::filesystem::create_directories(k_path_);
  }
  ~TempDir() { std::filesystem::remove_all(k_path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return k_path_; }
  std::filesystem::path Write(const std::string& file, const std::string& text) const {
    std::ofstream(k_path_ / file, std::ios::binary) << text;
    return k_path_ / file;
  }

 private:
  std::filesystem::path k_path_;
};

}  // namespace fb::tokenizers::testing
