// Per-dimension action normalization, kept apart from the tokenizers and saved with them.
// quantile: q01 -> -1, q99 -> +1 as in openpi (no clip) or OpenVLA (clip to [-1, 1]);
// min_max: observed bounds -> [-1, 1] (RT-1 style); mean_std: z-score; none: identity.
#pragma once

#include <span>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/config/checks.h"

namespace fb::tokenizers {

struct NormalizerConfig {
  std::string kind;  // none | quantile | min_max | mean_std
  bool clip{};       // clip normalized values to [-1, 1]
  template <class V>
  void Describe(V& v);
};

class Normalizer final {
 public:
  Normalizer() = default;  // identity over any number of dims

  // Learns per-dimension statistics from `values`, rows of `dims` (every step of every
  // episode). Throws fb::InputError on empty data or a non-finite value.
  static Normalizer Fit(const NormalizerConfig& config, std::span<const float> values, int dims);

  // In place, rows of dims(); a no-op for kind "none". Throws std::invalid_argument
  // when values.size() is not a multiple of dims().
  void Normalize(std::span<float> values) const;
  void Denormalize(std::span<float> values) const;

  const std::string& kind() const { return k_kind_; }
  bool clip() const { return k_clip_; }
  int dims() const { return static_cast<int>(k_low_.size()); }
  // Per-dim statistics: (q01, q99), (min, max) or (mean, std).
  const std::vector<double>& low() const { return k_low_; }
  const std::vector<double>& high() const { return k_high_; }

  nlohmann::json ToJson() const;
  // Throws fb::InputError naming `where` on a malformed section.
  static Normalizer FromJson(const nlohmann::json& json, const std::string& where);

 private:
  void CheckShape(std::span<const float> values) const;

  std::string k_kind_ = "none";
  bool k_clip_ = false;
  std::vector<double> k_low_;
  std::vector<double> k_high_;
};

// Linear-interpolated quantile as numpy.quantile's default; `values` is reordered.
double Quantile(std::vector<double>& values, double q);

template <class V>
void NormalizerConfig::Describe(V& v) {
  v("kind", kind, config::OneOf{"none", "quantile", "min_max", "mean_std"});
  v("clip", clip);
}

}  // namespace fb::tokenizers
