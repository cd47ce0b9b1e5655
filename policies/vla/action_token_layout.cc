#include "policies/vla/action_token_layout.h"

#include <string>

#include "core/error.h"
#include "tokenizers/fastervq/fastervq_tokenizer.h"

namespace fb::policies {

ActionTokenLayout::ActionTokenLayout(const tokenizers::TokenizerPackage& package, int horizon, int dims,
                                     int block_size, int max_action_tokens)
    : k_tokenizer_vocab_(package.tokenizer->vocab_size()) {
  const auto& tokenizer = *package.tokenizer;
  if (const auto* vq = dynamic_cast<const tokenizers::FasterVqTokenizer*>(&tokenizer)) {
    k_length_ = vq->tokens_per_chunk();
    k_level_size_ = vq->positions();
    k_codebook_size_ = vq->config().codebook_size;
    k_block_ = block_size == 0 ? k_level_size_ : block_size;
  } else if (tokenizer.type() == "binning") {
    k_length_ = horizon * dims;
    k_block_ = block_size == 0 ? 1 : block_size;
  } else {
    k_variable_ = true;
    k_length_ = max_action_tokens + 1;
    k_block_ = block_size == 0 ? 1 : block_size;
  }
  if (!k_variable_ && k_length_ % k_block_ != 0) {
    throw InputError("model.block_size " + std::to_string(k_block_) + " does not divide the " +
                     std::to_string(k_length_) + " action tokens of a " + tokenizer.type() + " chunk");
  }
}

std::pair<int32_t, int32_t> ActionTokenLayout::allowed(int position) const {
  if (k_level_size_ > 0) {
    const auto level = static_cast<int32_t>(position / k_level_size_);
    return {static_cast<int32_t>(level * k_codebook_size_), static_cast<int32_t>((level + 1) * k_codebook_size_)};
  }
  return {0, static_cast<int32_t>(k_variable_ ? k_tokenizer_vocab_ + 1 : k_tokenizer_vocab_)};
}

bool ActionTokenLayout::MakeTrainingPair(const tokenizers::TokenIds& tokens, std::vector<int64_t>& inputs,
                                         std::vector<int64_t>& targets) const {
  const size_t length = tokens.size() + (k_variable_ ? 1 : 0);
  if (length > static_cast<size_t>(k_length_) || (!k_variable_ && length != static_cast<size_t>(k_length_))) {
    return false;
  }
  targets.assign(static_cast<size_t>(k_length_), kIgnore);
  for (size_t i = 0; i < tokens.size(); ++i) targets[i] = tokens[i];
  if (k_variable_) targets[tokens.size()] = end_token();
  inputs.assign(static_cast<size_t>(k_length_), end_token());
  for (int i = 0; i < k_length_; ++i) {
    if (i < k_block_) {
      inputs[static_cast<size_t>(i)] = block_start_token();
    } else if (targets[static_cast<size_t>(i - k_block_)] != kIgnore) {
      inputs[static_cast<size_t>(i)] = targets[static_cast<size_t>(i - k_block_)];
    }
  }
  return true;
}

}  // namespace fb::policies
