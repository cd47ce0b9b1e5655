#include "eval/tokenizer_metrics.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace fb::eval {

double Percentile(std::vector<int64_t>& values, double p) {
  const auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  const size_t index = rank == 0 ? 0 : std::min(rank - 1, values.size() - 1);
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index), values.end());
  return static_cast<double>(values[index]);
}

TokenizerMetrics::TokenizerMetrics(TokenizerMetricsOptions options) : k_options_(std::move(options)) {
  const auto dims = static_cast<size_t>(k_options_.dims);
  k_abs_sum_raw_.assign(dims, 0.0);
  k_sq_sum_raw_.assign(dims, 0.0);
  k_abs_sum_norm_.assign(dims, 0.0);
  k_sq_sum_norm_.assign(dims, 0.0);
  k_vrr_valid_.assign(k_options_.vrr_sigmas.size(), 0);
  k_id_frequency_.assign(static_cast<size_t>(k_options_.vocab_size), 0);
  if (k_options_.unit_scale.empty()) k_options_.unit_scale.assign(dims, 1.0);
}

void TokenizerMetrics::Add(std::span<const float> truth, std::span<const float> reconstruction,
                           const tokenizers::TokenIds& ids, tokenizers::DecodeFailure failure) {
  const auto dims = static_cast<size_t>(k_options_.dims);
  const size_t steps = truth.size() / dims;
  for (size_t t = 0; t < steps; ++t) {
    double step_l1 = 0.0;
    for (size_t d = 0; d < dims; ++d) {
      const double error = std::abs(static_cast<double>(reconstruction[t * dims + d]) - truth[t * dims + d]);
      const double error_norm = error / k_options_.unit_scale[d];
      k_abs_sum_raw_[d] += error;
      k_sq_sum_raw_[d] += error * error;
      k_abs_sum_norm_[d] += error_norm;
      k_sq_sum_norm_[d] += error_norm * error_norm;
      k_max_abs_raw_ = std::max(k_max_abs_raw_, error);
      k_max_abs_norm_ = std::max(k_max_abs_norm_, error_norm);
      step_l1 += error;
    }
    // VRR counts a step valid when its mean absolute error over dims is below sigma.
    const double step_mae = step_l1 / static_cast<double>(dims);
    for (size_t s = 0; s < k_options_.vrr_sigmas.size(); ++s) {
      if (step_mae < k_options_.vrr_sigmas[s]) ++k_vrr_valid_[s];
    }
  }
  k_steps_ += static_cast<int64_t>(steps);
  ++k_chunks_;
  k_token_counts_.push_back(static_cast<int64_t>(ids.size()));
  for (int32_t id : ids) {
    if (id >= 0 && id < k_options_.vocab_size) ++k_id_frequency_[static_cast<size_t>(id)];
  }
  if (failure != tokenizers::DecodeFailure::kNone) ++k_failures_[failure];
}

nlohmann::json TokenizerMetrics::ToJson() const {
  using nlohmann::json;
  if (k_chunks_ == 0) return json{{"chunks", 0}};
  const double values = static_cast<double>(k_steps_);
  auto summarize = [&](const std::vector<double>& abs_sum, const std::vector<double>& sq_sum, double max_abs) {
    std::vector<double> l1_per_dim, mse_per_dim;
    double l1 = 0.0, mse = 0.0;
    for (size_t d = 0; d < abs_sum.size(); ++d) {
      l1_per_dim.push_back(abs_sum[d] / values);
      mse_per_dim.push_back(sq_sum[d] / values);
      l1 += abs_sum[d];
      mse += sq_sum[d];
    }
    const double count = values * static_cast<double>(abs_sum.size());
    return json{{"l1", l1 / count}, {"mse", mse / count}, {"max_abs", max_abs},
                {"l1_per_dim", l1_per_dim}, {"mse_per_dim", mse_per_dim}};
  };
  json vrr = json::array();
  for (size_t s = 0; s < k_options_.vrr_sigmas.size(); ++s) {
    vrr.push_back({{"sigma", k_options_.vrr_sigmas[s]}, {"rate", static_cast<double>(k_vrr_valid_[s]) / values}});
  }

  std::vector<int64_t> counts = k_token_counts_;
  double total_tokens = 0.0;
  for (int64_t c : counts) total_tokens += static_cast<double>(c);
  const double mean_tokens = total_tokens / static_cast<double>(k_chunks_);
  const double p50 = Percentile(counts, 50), p99 = Percentile(counts, 99);
  const double max_tokens = static_cast<double>(*std::max_element(counts.begin(), counts.end()));

  int64_t used = 0, most = 0;
  double entropy = 0.0;
  for (int64_t f : k_id_frequency_) {
    if (f == 0) continue;
    ++used;
    most = std::max(most, f);
    const double p = static_cast<double>(f) / total_tokens;
    entropy -= p * std::log(p);
  }
  const double vocab = static_cast<double>(k_options_.vocab_size);

  json failures = json::object();
  int64_t failed = 0;
  for (const auto& [kind, count] : k_failures_) {
    failures[tokenizers::DecodeFailureName(kind)] = count;
    failed += count;
  }
  return {
      {"chunks", k_chunks_},
      {"reconstruction",
       {{"raw", summarize(k_abs_sum_raw_, k_sq_sum_raw_, k_max_abs_raw_)},
        {"normalized", summarize(k_abs_sum_norm_, k_sq_sum_norm_, k_max_abs_norm_)}}},
      {"vrr", vrr},
      {"tokens",
       {{"mean", mean_tokens},
        {"p50", p50},
        {"p99", p99},
        {"max", max_tokens},
        {"compression_ratio", static_cast<double>(k_options_.horizon * k_options_.dims) / mean_tokens}}},
      {"vocabulary",
       {{"size", k_options_.vocab_size},
        {"used", used},
        {"usage", static_cast<double>(used) / vocab},
        {"normalized_entropy", vocab > 1 ? entropy / std::log(vocab) : 0.0},
        {"max_token_frequency", total_tokens > 0 ? static_cast<double>(most) / total_tokens : 0.0}}},
      {"decode_failures",
       {{"rate", static_cast<double>(failed) / static_cast<double>(k_chunks_)}, {"by_kind", failures}}},
  };
}

}  // namespace fb::eval
