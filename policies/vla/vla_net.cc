#include "policies/vla/vla_net.h"

#include <array>
#include <cmath>
#include <limits>
#include <string>

#include "policies/vla/object_tokens.h"

namespace fb::policies {
namespace F = torch::nn::functional;

StreamLayerImpl::StreamLayerImpl(int width, int attention_width)
    : norm1(register_module("norm1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({width})))),
      norm2(register_module("norm2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({width})))),
      qkv(register_module("qkv", torch::nn::Linear(width, 3 * attention_width))),
      proj(register_module("proj", torch::nn::Linear(attention_width, width))),
      fc1(register_module("fc1", torch::nn::Linear(width, 4 * width))),
      fc2(register_module("fc2", torch::nn::Linear(4 * width, width))) {}

torch::Tensor BlockCausalMask(const torch::Tensor& blocks) {
  return blocks.unsqueeze(0).le(blocks.unsqueeze(1));
}

torch::Tensor PositionEncoding(const torch::Tensor& positions, int width) {
  const int half = width / 2;
  const auto index = torch::arange(half, torch::kFloat32);
  const auto frequency = torch::exp(index * (-std::log(10000.0f) * 2.0f / static_cast<float>(width)));
  const auto angles = positions.to(torch::kFloat32).unsqueeze(1) * frequency.unsqueeze(0);
  return torch::cat({torch::sin(angles), torch::cos(angles)}, 1);
}

namespace {

// Prefix tokens per sample from the images: each camera's pooled grid plus its keypoint token.
int64_t ImageTokenCount(const VlaModelConfig& config) {
  if (!config.uses_images()) return 0;
  return 2 * (config.image_grid * config.image_grid + (config.keypoints > 0 ? 1 : 0));
}

int64_t ObjectTokenCount(const VlaModelConfig& config) { return config.uses_objects() ? config.max_objects : 0; }

}  // namespace

VlaNetImpl::VlaNetImpl(const VlaModelConfig& config, const VlaVocabularies& vocab, int proprio_dims)
    : k_config_(config),
      k_prefix_slots_(ImageTokenCount(config) + ObjectTokenCount(config) + 1 + config.max_words),
      k_action_width_(config.action_expert ? config.expert_width : config.width) {
  const int c = config.conv_channels, w = config.width;
  using torch::nn::Conv2dOptions;
  k_image_tokens_ = ImageTokenCount(config);
  if (config.uses_images()) {
    k_conv1_ = register_module("conv1", torch::nn::Conv2d(Conv2dOptions(3, c, 4).stride(2).padding(1)));
    k_conv2_ = register_module("conv2", torch::nn::Conv2d(Conv2dOptions(c, 2 * c, 3).stride(2).padding(1)));
    k_conv3_ = register_module("conv3", torch::nn::Conv2d(Conv2dOptions(2 * c, w, 3).stride(2).padding(1)));
    if (config.keypoints > 0) {
      k_keypoint_maps_ = register_module("keypoint_maps", torch::nn::Conv2d(Conv2dOptions(w, config.keypoints, 1)));
      k_keypoint_token_ = register_module("keypoint_token", torch::nn::Linear(2 * config.keypoints, w));
    }
    k_image_pos_ = register_parameter("image_pos", torch::randn({k_image_tokens_, w}) * 0.02);
  }
  k_proprio_pos_ = register_parameter("proprio_pos", torch::randn({1, w}) * 0.02);
  k_word_pos_ = register_parameter("word_pos", torch::randn({config.max_words, w}) * 0.02);
  k_proprio_ = register_module("proprio", torch::nn::Linear(proprio_dims, w));
  k_words_ = register_module("words", torch::nn::Embedding(vocab.words, w));
  k_action_tokens_ = register_module("action_tokens", torch::nn::Embedding(vocab.action_input, k_action_width_));
  if (config.uses_objects()) {
    k_object_values_ = register_module("object_values", torch::nn::Linear(kObjectFeatures, w));
    k_object_kinds_ = register_module("object_kinds", torch::nn::Embedding(vocab.object_kinds, w));
    k_object_colours_ = register_module("object_colours", torch::nn::Embedding(vocab.object_colours, w));
    k_object_pos_ = register_parameter("object_pos", torch::randn({1, w}) * 0.02);
  }
  torch::NoGradGuard no_grad;
  k_words_->weight.normal_(0, 0.02);
  k_action_tokens_->weight.normal_(0, 0.02);
  if (config.uses_objects()) {
    k_object_kinds_->weight.normal_(0, 0.02);
    k_object_colours_->weight.normal_(0, 0.02);
  }
  for (int l = 0; l < config.layers; ++l) {
    k_backbone_.push_back(register_module("backbone" + std::to_string(l), StreamLayer(w, w)));
    if (config.action_expert) {
      k_expert_.push_back(register_module("expert" + std::to_string(l), StreamLayer(config.expert_width, w)));
    }
  }
  k_out_norm_ = register_module("out_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({k_action_width_})));
  k_head_ = register_module("head", torch::nn::Linear(k_action_width_, vocab.action_output));
  if (config.object_slots > 0) {
    k_object_norm_ = register_module("object_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({w})));
    k_object_head_ = register_module("object_head", torch::nn::Linear(k_image_tokens_ * w, 3 * config.object_slots));
  }
}

torch::Tensor VlaNetImpl::Attend(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                 const torch::Tensor& mask) const {
  const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  auto scores = torch::matmul(q, k.transpose(-2, -1)) * scale;
  scores = scores.masked_fill(mask.logical_not(), -std::numeric_limits<float>::infinity());
  const auto out = torch::matmul(torch::softmax(scores, -1), v);  // batch x heads x n x head
  return out.transpose(1, 2).reshape({q.size(0), q.size(2), q.size(1) * q.size(3)});
}

namespace {

// (batch x n x 3*attention) -> q, k, v as (batch x heads x n x head size).
std::array<torch::Tensor, 3> SplitHeads(const torch::Tensor& qkv, int heads) {
  const int64_t batch = qkv.size(0), n = qkv.size(1), width = qkv.size(2) / 3;
  auto parts = qkv.view({batch, n, 3, heads, width / heads}).permute({2, 0, 3, 1, 4});
  return {parts[0], parts[1], parts[2]};
}

torch::Tensor Mlp(StreamLayer& layer, const torch::Tensor& x) {
  return layer->fc2(F::gelu(layer->fc1(layer->norm2(x))));
}

}  // namespace

torch::Tensor VlaNetImpl::ImageTokens(const torch::Tensor& images) {
  const int64_t batch = images.size(0), size = images.size(2), w = k_config_.width, g = k_config_.image_grid;
  auto x = images.to(torch::kFloat32).div(255.0).sub(0.5).permute({0, 1, 4, 2, 3}).reshape({batch * 2, 3, size, size});
  x = F::gelu(k_conv1_(x));
  x = F::gelu(k_conv2_(x));
  const auto features = k_conv3_(x);
  x = F::adaptive_avg_pool2d(features, F::AdaptiveAvgPool2dFuncOptions({g, g})).flatten(2).transpose(1, 2);
  if (k_config_.keypoints > 0) {
    // Spatial softmax (as in robomimic's visual BC): each keypoint map becomes the expected
    // (x, y) of its activation, a sub-cell location the pooled grid tokens blur away.
    const auto maps = k_keypoint_maps_(F::gelu(features));
    const int64_t k = maps.size(1), h = maps.size(2), wd = maps.size(3);
    const auto weights = torch::softmax(maps.flatten(2), 2).view({batch * 2, k, h, wd});
    const auto ys = torch::linspace(-1.0, 1.0, h).view({1, 1, h, 1});
    const auto xs = torch::linspace(-1.0, 1.0, wd).view({1, 1, 1, wd});
    const auto points = torch::cat({(weights * xs).sum({2, 3}), (weights * ys).sum({2, 3})}, 1);
    x = torch::cat({x, k_keypoint_token_(points).unsqueeze(1)}, 1);
  }
  return x.reshape({batch, k_image_tokens_, w}) + k_image_pos_;
}

PrefixCache VlaNetImpl::EncodePrefix(const PrefixInputs& in, bool predict_objects) {
  const int64_t batch = in.batch();
  std::vector<torch::Tensor> parts;
  std::vector<torch::Tensor> real;
  if (k_config_.uses_images()) {
    parts.push_back(ImageTokens(in.images));
    real.push_back(torch::ones({batch, k_image_tokens_}, torch::kBool));
  }
  if (k_config_.uses_objects()) {
    parts.push_back(k_object_values_(in.objects) + k_object_kinds_(in.object_kinds) +
                    k_object_colours_(in.object_colours) + k_object_pos_);
    real.push_back(in.object_kinds.ne(NameVocab::kNone));
  }
  parts.push_back(k_proprio_(in.proprio).unsqueeze(1) + k_proprio_pos_);
  real.push_back(torch::ones({batch, 1}, torch::kBool));
  parts.push_back(k_words_(in.words) + k_word_pos_);
  real.push_back(in.words.ne(0));
  auto tokens = torch::cat(parts, 1);

  PrefixCache cache;
  cache.real = torch::cat(real, 1);
  const auto mask = cache.real.view({batch, 1, 1, -1});
  for (auto& layer : k_backbone_) {
    const auto [q, k, v] = SplitHeads(layer->qkv(layer->norm1(tokens)), k_config_.heads);
    tokens = tokens + layer->proj(Attend(q, k, v, mask));
    tokens = tokens + Mlp(layer, tokens);
    cache.keys.push_back(k);
    cache.values.push_back(v);
  }
  if (predict_objects && k_object_head_) {
    cache.objects = k_object_head_(k_object_norm_(tokens.narrow(1, 0, k_image_tokens_)).flatten(1));
  }
  return cache;
}

torch::Tensor VlaNetImpl::DecodeActions(const PrefixCache& prefix, ActionCache& cache, const torch::Tensor& ids,
                                        const torch::Tensor& positions, const torch::Tensor& blocks) {
  const int64_t batch = ids.size(0), n = ids.size(1), cached = cache.length();
  auto x = k_action_tokens_(ids) + PositionEncoding(positions, k_action_width_).unsqueeze(0);
  const auto mask = torch::cat({prefix.real.view({batch, 1, 1, -1}).expand({batch, 1, n, prefix.real.size(1)}),
                                torch::ones({batch, 1, n, cached}, torch::kBool),
                                BlockCausalMask(blocks).view({1, 1, n, n}).expand({batch, 1, n, n})},
                               3);
  const bool first = cache.keys.empty();
  auto& layers = k_config_.action_expert ? k_expert_ : k_backbone_;
  for (size_t l = 0; l < layers.size(); ++l) {
    auto& layer = layers[l];
    const auto [q, k, v] = SplitHeads(layer->qkv(layer->norm1(x)), k_config_.heads);
    const auto keys = first ? k : torch::cat({cache.keys[l], k}, 2);
    const auto values = first ? v : torch::cat({cache.values[l], v}, 2);
    x = x + layer->proj(Attend(q, torch::cat({prefix.keys[l], keys}, 2), torch::cat({prefix.values[l], values}, 2), mask));
    x = x + Mlp(layer, x);
    if (first) {
      cache.keys.push_back(keys);
      cache.values.push_back(values);
    } else {
      cache.keys[l] = keys;
      cache.values[l] = values;
    }
  }
  return k_head_(k_out_norm_(x));
}

}  // namespace fb::policies
