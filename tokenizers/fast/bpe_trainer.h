// Learns byte-level BPE merges the way HF tokenizers' BpeTrainer does, so a fit here
// gives the vocabulary and merges the Python reference would give on the same words.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokenizers/fast/bpe.h"

namespace fb::tokenizers {

struct BpeTrainerOptions {
  int vocab_size = 1024;                    // stop once the vocabulary has this many pieces
  int min_frequency = 2;                    // stop when the best pair occurs fewer times
  std::vector<char32_t> initial_alphabet;   // characters added to the alphabet even if unseen
  int64_t max_token_length = 10000;         // in characters; the FAST reference's setting
};

// Collects pre-tokenizer words, then trains. Not thread-safe; Train() is const and may
// be called more than once.
class BpeTrainer final {
 public:
  explicit BpeTrainer(BpeTrainerOptions options) : k_options_(std::move(options)) {}

  // Counts one occurrence (or `count`) of a pre-tokenizer word given as raw UTF-8 bytes.
  void AddWord(std::string_view word_bytes, uint64_t count = 1);

  // Number of distinct words added so far.
  size_t num_words() const { return k_word_counts_.size(); }

  // Trains: alphabet = byte symbols seen plus the initial alphabet, sorted by code point;
  // then repeatedly merges the most frequent pair (ties: the smaller (left id, right id))
  // until the vocabulary reaches vocab_size or the best count drops below
  // min_frequency. Deterministic; never throws for valid options.
  BpeModel Train() const;

 private:
  BpeTrainerOptions k_options_;
  std::unordered_map<std::string, uint64_t> k_word_counts_;
};

}  // namespace fb::tokenizers
