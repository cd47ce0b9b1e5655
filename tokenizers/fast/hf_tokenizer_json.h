// The Hugging Face files of a FAST tokenizer: `tokenizer.json` (a ByteLevel BPE, HF
// tokenizers serialization) and `processor_config.json` (UniversalActionProcessor
// settings). Files written here load in the Python reference and vice versa.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "tokenizers/fast/bpe.h"

namespace fb::tokenizers {

// Parses tokenizer.json text. `origin` (the file path) leads every error message.
// Throws fb::InputError "origin: key: problem" for invalid JSON and for anything other
// than a plain ByteLevel BPE: added tokens, a normalizer, a non-ByteLevel pre-tokenizer
// or decoder, add_prefix_space, unk/dropout/prefix/suffix, fuse_unk/byte_fallback/
// ignore_merges, a vocabulary that is not a bijection onto 0..n-1, or a merge naming an
// unknown piece (both "a b" and ["a", "b"] merge notations are accepted).
BpeModel ParseHfTokenizerJson(std::string_view text, const std::string& origin);

// Reads and parses `path`; throws fb::InputError naming the path when unreadable.
BpeModel LoadHfTokenizerJson(const std::filesystem::path& path);

// tokenizer.json text for `model`, laid out as HF's ByteLevelBPETokenizer saves it.
// Merges use the "a b" notation, which every tokenizers version reads (byte-level pieces
// never contain U+0020, so the split is unambiguous).
std::string HfTokenizerJsonText(const BpeModel& model);

// UniversalActionProcessor's settings (processor_config.json).
struct ProcessorConfig {
  double scale = 10.0;
  int64_t vocab_size = 1024;
  int64_t min_token = 0;
  std::optional<int> time_horizon;  // null in FAST+
  std::optional<int> action_dim;    // null in FAST+
};

// Parses processor_config.json text; throws fb::InputError "origin: key: problem" when
// scale, vocab_size or min_token is missing or mistyped, or scale is not > 0.
ProcessorConfig ParseProcessorConfig(std::string_view text, const std::string& origin);

// Reads and parses `path`; throws fb::InputError naming the path when unreadable.
ProcessorConfig LoadProcessorConfig(const std::filesystem::path& path);

// processor_config.json text, with the processor_class/auto_map keys HF's
// save_pretrained writes, so AutoProcessor finds the class next to the files.
std::string ProcessorConfigText(const ProcessorConfig& config);

// tokenizer_config.json text: makes AutoTokenizer load tokenizer.json as a
// PreTrainedTokenizerFast without clean-up of tokenization spaces.
std::string TokenizerConfigText();

}  // namespace fb::tokenizers
