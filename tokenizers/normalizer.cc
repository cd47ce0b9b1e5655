#include "tokenizers/normalizer.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace fb::tokenizers {
namespace {

// openpi adds this to the quantile range so constant dimensions do not divide by zero.
constexpr double kRangeEpsilon = 1e-6;

}  // namespace

double Quantile(std::vector<double>& values, double q) {
  const double position = q * static_cast<double>(values.size() - 1);
  const auto below = static_cast<size_t>(std::floor(position));
  const double fraction = position - static_cast<double>(below);
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(below), values.end());
  const double low = values[below];
  if (fraction == 0.0 || below + 1 >= values.size()) return low;
  const double high = *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(below) + 1, values.end());
  return low + fraction * (high - low);
}

Normalizer Normalizer::Fit(const NormalizerConfig& config, std::span<const float> values, int dims) {
  if (dims <= 0 || values.empty() || values.size() % static_cast<size_t>(dims) != 0) {
    throw InputError("normalizer: need a non-empty set of rows of " + std::to_string(dims) + " values, got " +
                     std::to_string(values.size()) + " values");
  }
  Normalizer normalizer;
  normalizer.k_kind_ = config.kind;
  normalizer.k_clip_ = config.clip;
  normalizer.k_low_.assign(static_cast<size_t>(dims), 0.0);
  normalizer.k_high_.assign(static_cast<size_t>(dims), 1.0);
  if (config.kind == "none") {
    normalizer.k_low_.clear();
    normalizer.k_high_.clear();
    return normalizer;
  }
  const size_t rows = values.size() / static_cast<size_t>(dims);
  std::vector<double> column(rows);
  for (int d = 0; d < dims; ++d) {
    for (size_t r = 0; r < rows; ++r) {
      column[r] = values[r * static_cast<size_t>(dims) + static_cast<size_t>(d)];
      if (!std::isfinite(column[r])) {
        throw InputError("normalizer: non-finite action value at row " + std::to_string(r) + ", dim " +
                         std::to_string(d));
      }
    }
    double& low = normalizer.k_low_[static_cast<size_t>(d)];
    double& high = normalizer.k_high_[static_cast<size_t>(d)];
    if (config.kind == "quantile") {
      low = Quantile(column, 0.01);
      high = Quantile(column, 0.99);
    } else if (config.kind == "min_max") {
      const auto [min, max] = std::minmax_element(column.begin(), column.end());
      low = *min;
      high = *max;
    } else {  // mean_std
      double sum = 0.0;
      for (double x : column) sum += x;
      low = sum / static_cast<double>(rows);
      double squares = 0.0;
      for (double x : column) squares += (x - low) * (x - low);
      high = std::sqrt(squares / static_cast<double>(rows));
    }
  }
  return normalizer;
}

void Normalizer::CheckShape(std::span<const float> values) const {
  if (!k_low_.empty() && values.size() % k_low_.size() != 0) {
    throw std::invalid_argument("normalizer: " + std::to_string(values.size()) + " values are not rows of " +
                                std::to_string(k_low_.size()));
  }
}

void Normalizer::Normalize(std::span<float> values) const {
  if (k_kind_ == "none") return;
  CheckShape(values);
  const size_t dims = k_low_.size();
  for (size_t i = 0; i < values.size(); ++i) {
    const size_t d = i % dims;
    double y = k_kind_ == "mean_std" ? (values[i] - k_low_[d]) / (k_high_[d] + kRangeEpsilon)
                                     : (values[i] - k_low_[d]) / (k_high_[d] - k_low_[d] + kRangeEpsilon) * 2.0 - 1.0;
    if (k_clip_) y = std::clamp(y, -1.0, 1.0);
    values[i] = static_cast<float>(y);
  }
}

void Normalizer::Denormalize(std::span<float> values) const {
  if (k_kind_ == "none") return;
  CheckShape(values);
  const size_t dims = k_low_.size();
  for (size_t i = 0; i < values.size(); ++i) {
    const size_t d = i % dims;
    const double y = values[i];
    values[i] = static_cast<float>(k_kind_ == "mean_std"
                                       ? y * (k_high_[d] + kRangeEpsilon) + k_low_[d]
                                       : (y + 1.0) / 2.0 * (k_high_[d] - k_low_[d] + kRangeEpsilon) + k_low_[d]);
  }
}

nlohmann::json Normalizer::ToJson() const {
  return {{"kind", k_kind_}, {"clip", k_clip_}, {"low", k_low_}, {"high", k_high_}};
}

Normalizer Normalizer::FromJson(const nlohmann::json& json, const std::string& where) {
  Normalizer normalizer;
  try {
    normalizer.k_kind_ = json.at("kind").get<std::string>();
    normalizer.k_clip_ = json.at("clip").get<bool>();
    normalizer.k_low_ = json.at("low").get<std::vector<double>>();
    normalizer.k_high_ = json.at("high").get<std::vector<double>>();
  } catch (const nlohmann::json::exception& e) {
    throw InputError(where + ": malformed normalizer section: " + e.what());
  }
  const auto& kind = normalizer.k_kind_;
  if (kind != "none" && kind != "quantile" && kind != "min_max" && kind != "mean_std") {
    throw InputError(where + ": unknown normalizer kind '" + kind + "'");
  }
  if (normalizer.k_low_.size() != normalizer.k_high_.size() || (kind != "none" && normalizer.k_low_.empty())) {
    throw InputError(where + ": normalizer 'low' and 'high' must be non-empty and of equal length");
  }
  return normalizer;
}

}  // namespace fb::tokenizers
