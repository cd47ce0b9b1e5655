// How a policy's action tokens are laid out for autoregressive decoding, whatever the
// tokenizer: the output vocabulary (the tokenizer's ids, plus an end token when the length
// varies), the block-start input token, the block size (tokens predicted per forward pass)
// and which ids each output position may take. Torch-free.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "tokenizers/tokenizer_package.h"

namespace fb::policies {

class ActionTokenLayout final {
 public:
  // Built from the tokenizer's own token_layout, so a new tokenizer needs nothing here.
  // Throws fb::InputError when block_size does not divide a fixed-length sequence.
  // block_size 0 = the tokenizer's natural block (FASTerVQ: one RVQ level).
  ActionTokenLayout(const tokenizers::TokenizerPackage& package, int horizon, int dims, int block_size,
                    int max_action_tokens);

  int64_t tokenizer_vocab() const { return k_tokenizer_vocab_; }
  bool variable_length() const { return k_variable_; }
  int32_t end_token() const { return static_cast<int32_t>(k_tokenizer_vocab_); }        // variable length only
  int32_t block_start_token() const { return static_cast<int32_t>(k_tokenizer_vocab_ + 1); }
  int64_t input_vocab() const { return k_tokenizer_vocab_ + 2; }
  int64_t output_vocab() const { return k_tokenizer_vocab_ + 1; }
  // Longest sequence, the end token included.
  int sequence_length() const { return k_length_; }
  int block_size() const { return k_block_; }
  int blocks() const { return (k_length_ + k_block_ - 1) / k_block_; }
  // Ids output position i may take, as [first, last) (FASTerVQ: its level's codes; variable
  // length: the tokenizer's range, then the end token).
  std::pair<int32_t, int32_t> allowed(int position) const;

  // Teacher-forcing pair for one chunk's tokens: targets (padded with kIgnore past the end)
  // and inputs (block_size block-start tokens, then the targets shifted by one block).
  // Returns false when the tokens do not fit sequence_length().
  static constexpr int64_t kIgnore = -100;
  bool MakeTrainingPair(const tokenizers::TokenIds& tokens, std::vector<int64_t>& inputs,
                        std::vector<int64_t>& targets) const;

 private:
  int64_t k_tokenizer_vocab_ = 0;
  bool k_variable_ = false;
  int k_length_ = 0;
  int k_block_ = 1;
  tokenizers::TokenLayout k_layout_;
};

}  // namespace fb::policies
