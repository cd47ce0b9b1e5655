// The tokenizer benchmark's metrics (the FASTer paper's set plus throughput), accumulated
// chunk by chunk in a fixed order so results do not depend on thread count.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "tokenizers/action_tokenizer.h"

namespace fb::eval {

struct TokenizerMetricsOptions {
  int horizon = 0;
  int dims = 0;
  int64_t vocab_size = 0;
  std::vector<double> vrr_sigmas;  // raw units
  // Per-dim raw-unit scale of one normalized unit: (q99 - q01) / 2 of the training data,
  // shared by all tokenizers so normalized errors are comparable across normalizers.
  std::vector<double> unit_scale;
};

class TokenizerMetrics final {
 public:
  explicit TokenizerMetrics(TokenizerMetricsOptions options);

  // One evaluated chunk: ground truth and reconstruction in raw units (horizon x dims).
  void Add(std::span<const float> truth, std::span<const float> reconstruction, const tokenizers::TokenIds& ids,
           tokenizers::DecodeFailure failure);

  // {"reconstruction": {...}, "vrr": {...}, "tokens": {...}, "vocabulary": {...},
  //  "decode_failures": {...}} — see docs/metrics.md.
  nlohmann::json ToJson() const;

 private:
  TokenizerMetricsOptions k_options_;
  int64_t k_chunks_ = 0;
  int64_t k_steps_ = 0;
  std::vector<double> k_abs_sum_raw_;  // (dims)
  std::vector<double> k_sq_sum_raw_;
  std::vector<double> k_abs_sum_norm_;
  std::vector<double> k_sq_sum_norm_;
  double k_max_abs_raw_ = 0.0;
  double k_max_abs_norm_ = 0.0;
  std::vector<int64_t> k_vrr_valid_;  // (sigmas)
  std::vector<int64_t> k_token_counts_;  // tokens per chunk, one per chunk
  std::vector<int64_t> k_id_frequency_;  // (vocab_size)
  std::map<tokenizers::DecodeFailure, int64_t> k_failures_;
};

// Nearest-rank percentile (p in [0, 100]) of a non-empty sample; `values` is reordered.
double Percentile(std::vector<int64_t>& values, double p);

}  // namespace fb::eval
