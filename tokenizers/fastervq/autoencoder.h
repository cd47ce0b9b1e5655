// FASTerVQ's action autoencoder (the paper's TAAE): per dim group, convolutions over time
// (local structure) and a patchifying strided convolution (downsampling by time_patch),
// then a transformer over the (time group x dim group) tokens (global structure); the
// decoder mirrors it. Uses LibTorch: include only from fastervq .cc files and tests.
#pragma once

#include <vector>

#include <torch/torch.h>

#include "tokenizers/fastervq/action_image.h"
#include "tokenizers/fastervq/fastervq_config.h"

namespace fb::tokenizers {

// Pre-norm transformer block (self-attention + 4x GELU MLP) on [batch, tokens, width];
// written here because LibTorch 1.13 has no batch_first / norm_first encoder layer.
class TransformerBlockImpl final : public torch::nn::Module {
 public:
  TransformerBlockImpl(int width, int heads);
  // x: (batch x tokens x width) -> same shape.
  torch::Tensor forward(const torch::Tensor& x);

 private:
  int k_heads_;
  torch::nn::LayerNorm k_norm1_{nullptr}, k_norm2_{nullptr};
  torch::nn::Linear k_qkv_{nullptr}, k_proj_{nullptr}, k_fc1_{nullptr}, k_fc2_{nullptr};
};
TORCH_MODULE(TransformerBlock);

// Encoder + decoder. "hybrid": conv stem + patchify + transformer; "conv": conv stem +
// patchify + per-token MLP blocks instead of attention-free mixing; "transformer":
// linear patchify + transformer. Every dim group has its own convolution weights
// (grouped convolutions), so a gripper group does not share filters with position.
class ActionAutoencoderImpl final : public torch::nn::Module {
 public:
  ActionAutoencoderImpl(const FasterVqConfig& config, const ActionImageLayout& layout);

  // images (batch x padded_horizon x image_columns) -> z (batch x positions x code_dim).
  torch::Tensor Encode(const torch::Tensor& images);
  // z (batch x positions x code_dim) -> images (batch x padded_horizon x image_columns).
  torch::Tensor Decode(const torch::Tensor& z);

 private:
  // Conv stem on (batch x groups*channels x time) with a residual second layer.
  torch::Tensor Stem(torch::nn::Conv1d& first, torch::nn::Conv1d& second, const torch::Tensor& x);

  bool k_conv_;         // conv stems present (hybrid, conv)
  bool k_attention_;    // transformer blocks (hybrid, transformer); conv uses MLP blocks
  int k_groups_, k_time_groups_, k_width_;
  torch::nn::Conv1d k_enc_conv1_{nullptr}, k_enc_conv2_{nullptr}, k_patchify_{nullptr};
  torch::Tensor k_enc_pos_, k_dec_pos_;
  std::vector<torch::nn::AnyModule> k_enc_blocks_, k_dec_blocks_;
  torch::nn::LayerNorm k_enc_norm_{nullptr}, k_dec_norm_{nullptr};
  torch::nn::Linear k_to_code_{nullptr}, k_from_code_{nullptr};
  torch::nn::ConvTranspose1d k_unpatchify_{nullptr};
  torch::nn::Conv1d k_dec_conv1_{nullptr}, k_dec_conv2_{nullptr}, k_dec_out_{nullptr};
};
TORCH_MODULE(ActionAutoencoder);

}  // namespace fb::tokenizers
