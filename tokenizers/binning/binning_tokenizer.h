// Uniform per-scalar binning, one token per action value (H x D tokens per chunk).
//  openvla: numpy.digitize against linspace(-1, 1, bins) edges, decode to the bins-1
//           interval centres (OpenVLA's ActionTokenizer in our own id space 0..bins-1);
//  rt1:     floor(clamp((a + 1) / 2, 0, 1) * (bins - 1)), decode to the grid points.
// Inputs are normalized to [-1, 1] by the Normalizer (q01/q99 with clip for OpenVLA,
// min/max for RT-1).
#pragma once

#include <string>
#include <vector>

#include "core/config/checks.h"
#include "tokenizers/action_tokenizer.h"

namespace fb::tokenizers {

struct BinningConfig {
  std::string variant;  // openvla | rt1
  int bins{};
  template <class V>
  void Describe(V& v) {
    v("variant", variant, config::OneOf{"openvla", "rt1"});
    v("bins", bins, config::Range{2, 65536});
  }
};

class BinningTokenizer final : public ActionTokenizer {
 public:
  explicit BinningTokenizer(BinningConfig config);

  std::string type() const override { return "binning"; }
  int64_t vocab_size() const override { return k_config_.bins; }
  TokenIds Encode(std::span<const float> chunk, int horizon, int dims) const override;
  // Ids outside the vocabulary clamp to the edge bins (kUnknownId); a wrong count is
  // truncated or padded with the value 0 (kWrongLength).
  Decoded Decode(std::span<const int32_t> ids, int horizon, int dims) const override;
  // Fixed: horizon x dims ids, one at a time, each any bin.
  TokenLayout token_layout(int horizon, int dims) const override;
  nlohmann::json Save(const std::filesystem::path& dir) const override;

  static std::unique_ptr<BinningTokenizer> Load(const nlohmann::json& settings, const std::string& where);
  const BinningConfig& config() const { return k_config_; }

 private:
  void DoFit(const ActionChunks&, const FitOptions&) override {}
  int32_t EncodeValue(double value) const;
  float DecodeId(int32_t id) const;

  BinningConfig k_config_;
  std::vector<double> k_edges_;  // openvla: bins edges on [-1, 1]
};

}  // namespace fb::tokenizers
