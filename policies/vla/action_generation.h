// Autoregressive generation of one chunk's action tokens from an encoded prefix: one forward
// pass per block (FASTerVLA: one RVQ level per pass; block size 1 = token by token), each
// pass fed the previous block's tokens, with the KV cache carrying everything before it.
// Uses LibTorch.
#pragma once

#include <cstdint>

#include "core/split_mix64.h"
#include "policies/vla/action_token_layout.h"
#include "policies/vla/vla_net.h"
#include "tokenizers/action_tokenizer.h"
#include "tokenizers/decoding_constraint.h"

namespace fb::policies {

struct SamplingConfig {
  bool greedy = true;
  int top_k = 50;
  double temperature = 0.8;
};

struct GeneratedTokens {
  tokenizers::TokenIds ids;  // the tokenizer's ids, without the end token
  int forward_passes = 0;
};

// Positions of action tokens 0..n-1 at inference: a fixed gap of 2 after training with
// jittered gaps (the paper's RoPE spacing), else consecutive.
torch::Tensor InferencePositions(const VlaNet& net, int64_t first_token, int64_t count, bool gap_jitter);

// Generates for a batch of one. Each token is drawn among the ids its position may take
// (ActionTokenLayout::allowed), or with a `constraint` (constrained decoding, made by the
// tokenizer for this layout's id budget) among the ids it allows, the end token only
// where it allows the end; sampling draws come from `rng` only, so they depend on the
// episode and call, not on the thread.
GeneratedTokens GenerateActionTokens(VlaNet& net, const PrefixCache& prefix, const ActionTokenLayout& layout,
                                     bool gap_jitter, const SamplingConfig& sampling, SplitMix64& rng,
                                     const tokenizers::DecodingConstraint* constraint = nullptr);

}  // namespace fb::policies
