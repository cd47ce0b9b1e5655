#include "policies/vla/action_token_layout.h"

#include <stdexcept>
#include <string>

#include "core/error.h"

namespace fb::policies {

ActionTokenLayout::ActionTokenLayout(const tokenizers::TokenizerPackage& package, int horizon, int dims,
                                     int block_size, int max_action_tokens)
    : k_tokenizer_vocab_(package.tokenizer->vocab_size()),
      k_layout_(package.tokenizer->token_layout(horizon, dims)) {
  k_variable_ = k_layout_.variable_length;
  k_length_ = k_variable_ ? max_action_tokens + 1 : k_layout_.length;
  k_block_ = block_size == 0 ? k_layout_.block : block_size;
  if (k_variable_ && k_layout_.slot(0).last != end_token()) {
    throw std::logic_error("a variable-length token layout must allow ids up to the vocabulary size");
  }
  if (!k_variable_ && k_length_ % k_block_ != 0) {
    throw InputError("model.block_size " + std::to_string(k_block_) + " does not divide the " +
                     std::to_string(k_length_) + " action tokens of a " + package.tokenizer->type() + " chunk");
  }
}

std::pair<int32_t, int32_t> ActionTokenLayout::allowed(int position) const {
  const tokenizers::IdRange range = k_layout_.slot(position);
  // A variable-length sequence may end anywhere: the end token follows the tokenizer's ids.
  return {range.first, k_variable_ ? end_token() + 1 : range.last};
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
