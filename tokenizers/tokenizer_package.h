// A fitted tokenizer together with its normalizer and the chunk shape it was fit on:
// what `tokenizer fit` writes and every consumer loads. On disk it is a directory with
// manifest.json plus the tokenizer's own files; a FAST directory written by the
// reference processor (tokenizer.json + processor_config.json) loads as well.
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <string>

#include "tokenizers/action_tokenizer.h"
#include "tokenizers/normalizer.h"

namespace fb::tokenizers {

inline constexpr int kPackageFormatVersion = 1;

struct TokenizerPackage {
  std::string name;  // user-facing label, e.g. "fast" or "binning-rt1"
  Normalizer normalizer;
  std::shared_ptr<const ActionTokenizer> tokenizer;
  int horizon = 0;  // 0 = not recorded (reference FAST directories may omit it)
  int dims = 0;

  // Normalizes a raw chunk (a copy) and encodes it. Throws fb::InputError.
  TokenIds EncodeRaw(std::span<const float> raw_chunk, int horizon, int dims) const;
  // Decodes and denormalizes to raw units; never throws on bad ids.
  Decoded DecodeRaw(std::span<const int32_t> ids, int horizon, int dims) const;
};

// Writes the package to `dir` atomically: a complete new directory replaces the old one.
void SavePackage(const std::filesystem::path& dir, const TokenizerPackage& package);

// Loads a package directory or a reference FAST directory. Throws fb::InputError naming
// the file and key on anything missing, malformed or of another format version.
TokenizerPackage LoadPackage(const std::filesystem::path& dir);

}  // namespace fb::tokenizers
