#include "tokenizers/fastervq/autoencoder.h"

#include <cmath>
#include <string>

namespace fb::tokenizers {
namespace {

namespace nn = torch::nn;
namespace F = torch::nn::functional;

// A block that mixes only within a token (the pure-CNN ablation has no attention).
class MlpBlockImpl final : public nn::Module {
 public:
  explicit MlpBlockImpl(int width)
      : k_norm_(register_module("norm", nn::LayerNorm(nn::LayerNormOptions({width})))),
        k_fc1_(register_module("fc1", nn::Linear(width, 4 * width))),
        k_fc2_(register_module("fc2", nn::Linear(4 * width, width))) {}
  torch::Tensor forward(const torch::Tensor& x) { return x + k_fc2_(F::gelu(k_fc1_(k_norm_(x)))); }

 private:
  nn::LayerNorm k_norm_;
  nn::Linear k_fc1_, k_fc2_;
};
TORCH_MODULE(MlpBlock);

}  // namespace

TransformerBlockImpl::TransformerBlockImpl(int width, int heads)
    : k_heads_(heads),
      k_norm1_(register_module("norm1", nn::LayerNorm(nn::LayerNormOptions({width})))),
      k_norm2_(register_module("norm2", nn::LayerNorm(nn::LayerNormOptions({width})))),
      k_qkv_(register_module("qkv", nn::Linear(width, 3 * width))),
      k_proj_(register_module("proj", nn::Linear(width, width))),
      k_fc1_(register_module("fc1", nn::Linear(width, 4 * width))),
      k_fc2_(register_module("fc2", nn::Linear(4 * width, width))) {}

torch::Tensor TransformerBlockImpl::forward(const torch::Tensor& x) {
  const int64_t batch = x.size(0), tokens = x.size(1), width = x.size(2);
  const int64_t head_dim = width / k_heads_;
  // (batch, tokens, 3, heads, head_dim) -> three (batch, heads, tokens, head_dim).
  const auto qkv = k_qkv_(k_norm1_(x)).view({batch, tokens, 3, k_heads_, head_dim}).permute({2, 0, 3, 1, 4});
  const auto scores = torch::matmul(qkv[0], qkv[1].transpose(-2, -1)) / std::sqrt(static_cast<double>(head_dim));
  const auto attended = torch::matmul(torch::softmax(scores, -1), qkv[2]).transpose(1, 2).reshape({batch, tokens, width});
  const auto h = x + k_proj_(attended);
  return h + k_fc2_(F::gelu(k_fc1_(k_norm2_(h))));
}

ActionAutoencoderImpl::ActionAutoencoderImpl(const FasterVqConfig& config, const ActionImageLayout& layout)
    : k_conv_(config.architecture != "transformer"),
      k_attention_(config.architecture != "conv"),
      k_groups_(layout.num_groups()),
      k_time_groups_(layout.time_groups()),
      k_width_(config.width) {
  const int64_t n = k_groups_, d = layout.group_width(), c = config.conv_channels, w = config.width;
  const int64_t h = layout.time_patch();
  const int64_t patch_in = k_conv_ ? n * c : n * d;
  if (k_conv_) {
    k_enc_conv1_ = register_module("enc_conv1", nn::Conv1d(nn::Conv1dOptions(n * d, n * c, 3).padding(1).groups(n)));
    k_enc_conv2_ = register_module("enc_conv2", nn::Conv1d(nn::Conv1dOptions(n * c, n * c, 3).padding(1).groups(n)));
    k_dec_conv1_ = register_module("dec_conv1", nn::Conv1d(nn::Conv1dOptions(n * c, n * c, 3).padding(1).groups(n)));
    k_dec_conv2_ = register_module("dec_conv2", nn::Conv1d(nn::Conv1dOptions(n * c, n * c, 3).padding(1).groups(n)));
    k_dec_out_ = register_module("dec_out", nn::Conv1d(nn::Conv1dOptions(n * c, n * d, 3).padding(1).groups(n)));
  }
  k_patchify_ = register_module("patchify", nn::Conv1d(nn::Conv1dOptions(patch_in, n * w, h).stride(h).groups(n)));
  k_unpatchify_ = register_module(
      "unpatchify", nn::ConvTranspose1d(nn::ConvTranspose1dOptions(n * w, patch_in, h).stride(h).groups(n)));
  const int64_t positions = layout.positions();
  k_enc_pos_ = register_parameter("enc_pos", torch::randn({positions, w}) * 0.02);
  k_dec_pos_ = register_parameter("dec_pos", torch::randn({positions, w}) * 0.02);
  // Names are Python identifiers ("enc_block0"): torch::load rejects others.
  for (int i = 0; i < config.layers; ++i) {
    for (auto* blocks : {&k_enc_blocks_, &k_dec_blocks_}) {
      nn::AnyModule block = k_attention_ ? nn::AnyModule(TransformerBlock(config.width, config.heads))
                                         : nn::AnyModule(MlpBlock(config.width));
      register_module((blocks == &k_enc_blocks_ ? "enc_block" : "dec_block") + std::to_string(i), block.ptr());
      blocks->push_back(std::move(block));
    }
  }
  k_enc_norm_ = register_module("enc_norm", nn::LayerNorm(nn::LayerNormOptions({w})));
  k_dec_norm_ = register_module("dec_norm", nn::LayerNorm(nn::LayerNormOptions({w})));
  k_to_code_ = register_module("to_code", nn::Linear(w, config.code_dim));
  k_from_code_ = register_module("from_code", nn::Linear(config.code_dim, w));
}

torch::Tensor ActionAutoencoderImpl::Stem(nn::Conv1d& first, nn::Conv1d& second, const torch::Tensor& x) {
  const auto h = F::gelu(first(x));
  return F::gelu(h + second(h));
}

torch::Tensor ActionAutoencoderImpl::Encode(const torch::Tensor& images) {
  const int64_t batch = images.size(0);
  auto x = images.transpose(1, 2);  // (batch, groups*width, time): channels are the grouped dims
  if (k_conv_) x = Stem(k_enc_conv1_, k_enc_conv2_, x);
  // (batch, groups*W, time_groups) -> tokens (batch, time_groups*groups, W), time-major.
  auto tokens = k_patchify_(x)
                    .view({batch, k_groups_, k_width_, k_time_groups_})
                    .permute({0, 3, 1, 2})
                    .reshape({batch, k_time_groups_ * k_groups_, k_width_});
  tokens = tokens + k_enc_pos_;
  for (auto& block : k_enc_blocks_) tokens = block.forward(tokens);
  return k_to_code_(k_enc_norm_(tokens));
}

torch::Tensor ActionAutoencoderImpl::Decode(const torch::Tensor& z) {
  const int64_t batch = z.size(0);
  auto tokens = k_from_code_(z) + k_dec_pos_;
  for (auto& block : k_dec_blocks_) tokens = block.forward(tokens);
  tokens = k_dec_norm_(tokens);
  auto x = tokens.view({batch, k_time_groups_, k_groups_, k_width_})
               .permute({0, 2, 3, 1})
               .reshape({batch, k_groups_ * k_width_, k_time_groups_});
  x = k_unpatchify_(x);
  if (k_conv_) x = k_dec_out_(Stem(k_dec_conv1_, k_dec_conv2_, F::gelu(x)));
  return x.transpose(1, 2);
}

}  // namespace fb::tokenizers
