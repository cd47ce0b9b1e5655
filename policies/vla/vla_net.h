// The VLA network shared by FASTerVLA and the two baselines (LibTorch; include only from
// policies/vla .cc files and tests). A bidirectional transformer encodes the prefix
// (agent-view and wrist image tokens from a small CNN, one proprio token, the instruction's
// words) once per observation and keeps its keys/values; the action tokens then attend to
// that cache, to earlier action tokens and, within a block, to each other (block-causal).
// With the action expert on, action tokens run through a separate, narrower set of weights
// whose attention shares the backbone's head space (pi0-style); off, they use the backbone's.
// An optional head reads the task objects' positions off the encoded image tokens, so that
// training can supervise where the objects are (an auxiliary loss; inference ignores it).
#pragma once

#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "policies/vla/vla_config.h"

namespace fb::policies {

// One token stream's weights for one layer: pre-norm attention projections into the
// shared head space (attention_width = heads x head size) and a 4x GELU MLP.
class StreamLayerImpl final : public torch::nn::Module {
 public:
  StreamLayerImpl(int width, int attention_width);
  torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};
  torch::nn::Linear qkv{nullptr}, proj{nullptr}, fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(StreamLayer);

// The prefix's keys and values per layer, (batch x heads x prefix x head size), and which
// prefix tokens are real (batch x prefix; padding words are false).
struct PrefixCache {
  std::vector<torch::Tensor> keys, values;
  torch::Tensor real;
  torch::Tensor objects;  // (batch x 3 object_slots) predicted object positions, when asked for
};

// Keys and values of the action tokens decoded so far, per layer.
struct ActionCache {
  std::vector<torch::Tensor> keys, values;
  int64_t length() const { return keys.empty() ? 0 : keys.front().size(2); }
};

// allowed[i][j] = block[j] <= block[i]: a token sees earlier blocks and its own block.
torch::Tensor BlockCausalMask(const torch::Tensor& blocks);

// Sinusoidal encoding (n x width) of real-valued positions (n), so gapped positions work.
torch::Tensor PositionEncoding(const torch::Tensor& positions, int width);

class VlaNetImpl final : public torch::nn::Module {
 public:
  VlaNetImpl(const VlaModelConfig& config, int64_t word_vocab, int proprio_dims, int64_t action_input_vocab,
             int64_t action_output_vocab);

  // images: uint8 (batch x 2 x size x size x 3), agent view then wrist; words: int64
  // (batch x max_words), 0 = padding; proprio: float (batch x proprio_dims), normalized.
  // predict_objects (training) also fills PrefixCache::objects when the model has the head.
  PrefixCache EncodePrefix(const torch::Tensor& images, const torch::Tensor& words, const torch::Tensor& proprio,
                           bool predict_objects = false);

  // Runs n new action tokens: ids (batch x n), positions (n) and block indices (n, not
  // below any cached token's). Appends their keys/values to `cache`; returns logits
  // (batch x n x action_output_vocab).
  torch::Tensor DecodeActions(const PrefixCache& prefix, ActionCache& cache, const torch::Tensor& ids,
                              const torch::Tensor& positions, const torch::Tensor& blocks);

  // First action position: past every prefix slot, whatever the instruction's length.
  int64_t first_action_position() const { return k_prefix_slots_; }

 private:
  torch::Tensor Attend(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                       const torch::Tensor& mask) const;

  VlaModelConfig k_config_;
  int64_t k_prefix_slots_;
  int k_action_width_;
  torch::nn::Conv2d k_conv1_{nullptr}, k_conv2_{nullptr}, k_conv3_{nullptr}, k_keypoint_maps_{nullptr};
  torch::nn::Linear k_keypoint_token_{nullptr};
  torch::Tensor k_image_pos_, k_proprio_pos_, k_word_pos_;
  int64_t k_image_tokens_;  // per sample: both cameras' grid cells and keypoint tokens
  torch::nn::Linear k_proprio_{nullptr};
  torch::nn::Embedding k_words_{nullptr}, k_action_tokens_{nullptr};
  std::vector<StreamLayer> k_backbone_, k_expert_;
  torch::nn::LayerNorm k_out_norm_{nullptr}, k_object_norm_{nullptr};
  torch::nn::Linear k_head_{nullptr}, k_object_head_{nullptr};
};
TORCH_MODULE(VlaNet);

}  // namespace fb::policies
