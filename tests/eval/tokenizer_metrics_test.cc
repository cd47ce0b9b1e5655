#include "eval/tokenizer_metrics.h"

#include <gtest/gtest.h>

#include <cmath>

#include <nlohmann/json.hpp>

namespace fb::eval {
namespace {

using tokenizers::DecodeFailure;

TEST(TokenizerMetricsTest, ReconstructionVrrTokensAndVocabulary) {
  // Two chunks of 2 steps x 2 dims; one normalized unit = 2 raw units in dim 0, 1 in dim 1.
  TokenizerMetrics metrics({2, 2, 4, {0.05, 0.5}, {2.0, 1.0}});
  const std::vector<float> truth = {0, 0, 1, 1};
  metrics.Add(truth, std::vector<float>{0.1f, 0, 1, 1}, {0, 1, 2}, DecodeFailure::kNone);
  metrics.Add(truth, std::vector<float>{0, 0, 1, 2}, {0, 0}, DecodeFailure::kWrongLength);
  const auto json = metrics.ToJson();

  const auto& raw = json["reconstruction"]["raw"];
  EXPECT_NEAR(raw["l1"].get<double>(), (0.1 + 1.0) / 8, 1e-6);
  EXPECT_NEAR(raw["mse"].get<double>(), (0.01 + 1.0) / 8, 1e-6);
  EXPECT_NEAR(raw["max_abs"].get<double>(), 1.0, 1e-6);
  EXPECT_NEAR(raw["l1_per_dim"][0].get<double>(), 0.1 / 4, 1e-6);
  EXPECT_NEAR(json["reconstruction"]["normalized"]["l1_per_dim"][0].get<double>(), 0.05 / 4, 1e-6);

  // Step mean errors: 0.05, 0, 0, 0.5 -> below 0.05: 2 of 4; below 0.5: 3 of 4.
  EXPECT_DOUBLE_EQ(json["vrr"][0]["rate"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(json["vrr"][1]["rate"].get<double>(), 0.75);

  EXPECT_DOUBLE_EQ(json["tokens"]["mean"].get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(json["tokens"]["max"].get<double>(), 3.0);
  EXPECT_DOUBLE_EQ(json["tokens"]["compression_ratio"].get<double>(), 4 / 2.5);

  // Ids 0,1,2,0,0: 3 of 4 used, 0 has 3/5.
  const auto& vocab = json["vocabulary"];
  EXPECT_EQ(vocab["used"].get<int>(), 3);
  EXPECT_DOUBLE_EQ(vocab["usage"].get<double>(), 0.75);
  EXPECT_DOUBLE_EQ(vocab["max_token_frequency"].get<double>(), 0.6);
  const double entropy = -(0.6 * std::log(0.6) + 2 * 0.2 * std::log(0.2));
  EXPECT_NEAR(vocab["normalized_entropy"].get<double>(), entropy / std::log(4.0), 1e-12);

  EXPECT_DOUBLE_EQ(json["decode_failures"]["rate"].get<double>(), 0.5);
  EXPECT_EQ(json["decode_failures"]["by_kind"]["wrong_length"].get<int>(), 1);
}

TEST(TokenizerMetricsTest, PercentileUsesNearestRank) {
  std::vector<int64_t> values = {5, 1, 4, 2, 3};
  EXPECT_EQ(Percentile(values, 50), 3);
  EXPECT_EQ(Percentile(values, 99), 5);
  EXPECT_EQ(Percentile(values, 0), 1);
}

}  // namespace
}  // namespace fb::eval
