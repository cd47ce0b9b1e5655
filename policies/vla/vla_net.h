// The VLA network shared by FASTerVLA and the two baselines (LibTorch; include only from
// policies/vla .cc files and tests). A bidirectional transformer encodes the prefix
// (agent-view and wrist image tokens from a small CNN and/or one token per object on the
// table, one proprio token, the instruction's words) once per observation and keeps its keys/values; the action tokens then attend to
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

// Vocabulary sizes the network's embeddings and output head are made for.
struct VlaVocabularies {
  int64_t words = 0;
  int64_t object_kinds = 0, object_colours = 0;  // state modes (NameVocab sizes)
  int64_t action_input = 0, action_output = 0;
};

// One batch of prefix inputs. Images in image modes, object tokens in state modes; the
// tensors a mode does not use stay undefined.
struct PrefixInputs {
  torch::Tensor images;          // uint8 (batch x 2 x size x size x 3): agent view, wrist
  torch::Tensor words;           // int64 (batch x max_words), 0 = padding
  torch::Tensor proprio;         // float (batch x proprio dims), normalized
  torch::Tensor objects;         // float (batch x max_objects x kObjectFeatures), normalized
  torch::Tensor object_kinds;    // int64 (batch x max_objects), NameVocab ids, 0 = no object
  torch::Tensor object_colours;  // int64 (batch x max_objects)
  int64_t batch() const { return words.size(0); }
};

// allowed[i][j] = block[j] <= block[i]: a token sees earlier blocks and its own block.
torch::Tensor BlockCausalMask(const torch::Tensor& blocks);

// Sinusoidal encoding (n x width) of real-valued positions (n), so gapped positions work.
torch::Tensor PositionEncoding(const torch::Tensor& positions, int width);

class VlaNetImpl final : public torch::nn::Module {
 public:
  VlaNetImpl(const VlaModelConfig& config, const VlaVocabularies& vocab, int proprio_dims);

  // predict_objects (training) also fills PrefixCache::objects when the model has the head.
  PrefixCache EncodePrefix(const PrefixInputs& inputs, bool predict_objects = false);

  // Runs n new action tokens: ids (batch x n), positions (n) and block indices (n, not
  // below any cached token's). Appends their keys/values to `cache`; returns logits
  // (batch x n x action_output_vocab).
  torch::Tensor DecodeActions(const PrefixCache& prefix, ActionCache& cache, const torch::Tensor& ids,
                              const torch::Tensor& positions, const torch::Tensor& blocks);

  // First action position: past every prefix slot, whatever the instruction's length.
  int64_t first_action_position() const { return k_prefix_slots_; }

 private:
  torch::Tensor ImageTokens(const torch::Tensor& images);
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
  torch::nn::Linear k_object_values_{nullptr};
  torch::nn::Embedding k_object_kinds_{nullptr}, k_object_colours_{nullptr};
  torch::Tensor k_object_pos_;  // one learned embedding for every object token: the set has no order
  std::vector<StreamLayer> k_backbone_, k_expert_;
  torch::nn::LayerNorm k_out_norm_{nullptr}, k_object_norm_{nullptr};
  torch::nn::Linear k_head_{nullptr}, k_object_head_{nullptr};
};
TORCH_MODULE(VlaNet);

}  // namespace fb::policies
