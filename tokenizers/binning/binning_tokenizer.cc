#include "tokenizers/binning/binning_tokenizer.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace fb::tokenizers {

BinningTokenizer::BinningTokenizer(BinningConfig config) : k_config_(std::move(config)) {
  // numpy.linspace: start + i * step, with the last edge set to stop exactly.
  const int n = k_config_.bins;
  const double step = 2.0 / static_cast<double>(n - 1);
  k_edges_.resize(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) k_edges_[static_cast<size_t>(i)] = -1.0 + i * step;
  k_edges_.back() = 1.0;
}

int32_t BinningTokenizer::EncodeValue(double value) const {
  const double clipped = std::clamp(value, -1.0, 1.0);
  if (k_config_.variant == "rt1") {
    return static_cast<int32_t>(std::floor((clipped + 1.0) / 2.0 * (k_config_.bins - 1)));
  }
  // numpy.digitize(right=False) = number of edges <= value, in [1, bins]; our id is that - 1.
  const auto bin = std::upper_bound(k_edges_.begin(), k_edges_.end(), clipped) - k_edges_.begin();
  return static_cast<int32_t>(bin - 1);
}

float BinningTokenizer::DecodeId(int32_t id) const {
  const int bins = k_config_.bins;
  if (k_config_.variant == "rt1") return static_cast<float>(id / static_cast<double>(bins - 1) * 2.0 - 1.0);
  const auto b = static_cast<size_t>(std::min(id, bins - 2));  // bins - 1 centres; id bins-1 is value 1.0
  return static_cast<float>((k_edges_[b] + k_edges_[b + 1]) / 2.0);
}

TokenIds BinningTokenizer::Encode(std::span<const float> chunk, int horizon, int dims) const {
  if (chunk.size() != static_cast<size_t>(horizon) * static_cast<size_t>(dims)) {
    throw InputError("binning: chunk has " + std::to_string(chunk.size()) + " values, expected " +
                     std::to_string(horizon) + " x " + std::to_string(dims));
  }
  TokenIds ids(chunk.size());
  for (size_t i = 0; i < chunk.size(); ++i) {
    if (!std::isfinite(chunk[i])) {
      throw InputError("binning: non-finite action value at step " + std::to_string(i / dims) + ", dim " +
                       std::to_string(i % dims));
    }
    ids[i] = EncodeValue(chunk[i]);
  }
  return ids;
}

Decoded BinningTokenizer::Decode(std::span<const int32_t> ids, int horizon, int dims) const {
  const size_t expected = static_cast<size_t>(horizon) * static_cast<size_t>(dims);
  Decoded out;
  out.actions.assign(expected, 0.0f);
  if (ids.size() != expected) out.failure = DecodeFailure::kWrongLength;
  const size_t n = std::min(ids.size(), expected);
  for (size_t i = 0; i < n; ++i) {
    int32_t id = ids[i];
    if (id < 0 || id >= k_config_.bins) {
      if (out.failure == DecodeFailure::kNone) out.failure = DecodeFailure::kUnknownId;
      id = std::clamp(id, 0, k_config_.bins - 1);
    }
    out.actions[i] = DecodeId(id);
  }
  return out;
}

TokenLayout BinningTokenizer::token_layout(int horizon, int dims) const {
  if (horizon < 1 || dims < 1) {
    throw InputError("binning: no token layout for horizon " + std::to_string(horizon) + " x dims " +
                     std::to_string(dims));
  }
  const int length = horizon * dims;
  return {false, length, 1, std::vector<IdRange>(static_cast<size_t>(length), IdRange{0, k_config_.bins})};
}

nlohmann::json BinningTokenizer::Save(const std::filesystem::path&) const {
  return {{"variant", k_config_.variant}, {"bins", k_config_.bins}};
}

std::unique_ptr<BinningTokenizer> BinningTokenizer::Load(const nlohmann::json& settings, const std::string& where) {
  BinningConfig config;
  try {
    config.variant = settings.at("variant").get<std::string>();
    config.bins = settings.at("bins").get<int>();
  } catch (const nlohmann::json::exception& e) {
    throw InputError(where + ": malformed binning settings: " + e.what());
  }
  if (config::OneOf{"openvla", "rt1"}.Violation(config.variant) || config.bins < 2) {
    throw InputError(where + ": unsupported binning settings " + settings.dump());
  }
  return std::make_unique<BinningTokenizer>(std::move(config));
}

}  // namespace fb::tokenizers
