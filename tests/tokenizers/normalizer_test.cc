#include "tokenizers/normalizer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace fb::tokenizers {
namespace {

std::vector<float> Ramp(int rows, int dims) {
  std::vector<float> values;
  for (int r = 0; r < rows; ++r) {
    for (int d = 0; d < dims; ++d) values.push_back(static_cast<float>(r * (d + 1)));
  }
  return values;
}

TEST(NormalizerTest, QuantileMatchesNumpyLinearInterpolation) {
  std::vector<double> values = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5};
  // numpy.quantile(v, 0.01) = 1.0, quantile(v, 0.99) = 8.7, quantile(v, 0.5) = 4.0
  EXPECT_DOUBLE_EQ(Quantile(values, 0.01), 1.0);
  EXPECT_NEAR(Quantile(values, 0.99), 8.7, 1e-12);
  EXPECT_DOUBLE_EQ(Quantile(values, 0.5), 4.0);
}

TEST(NormalizerTest, QuantileMapsQ01ToMinusOneAndQ99ToOneAndInverts) {
  const auto values = Ramp(101, 2);  // dim 0: 0..100, dim 1: 0..200
  const auto normalizer = Normalizer::Fit({"quantile", false}, values, 2);
  EXPECT_DOUBLE_EQ(normalizer.low()[0], 1.0);
  EXPECT_DOUBLE_EQ(normalizer.high()[0], 99.0);
  std::vector<float> probe = {1.0f, 2.0f, 99.0f, 198.0f, 150.0f, -100.0f};
  normalizer.Normalize(probe);
  EXPECT_NEAR(probe[0], -1.0, 1e-6);
  EXPECT_NEAR(probe[1], -1.0, 1e-6);
  EXPECT_NEAR(probe[2], 1.0, 1e-6);
  EXPECT_NEAR(probe[3], 1.0, 1e-6);
  EXPECT_GT(probe[4], 1.0f);  // openpi: no clipping
  normalizer.Denormalize(probe);
  EXPECT_NEAR(probe[4], 150.0, 1e-3);
  EXPECT_NEAR(probe[5], -100.0, 1e-3);
}

TEST(NormalizerTest, ClipBoundsToUnitInterval) {
  const auto normalizer = Normalizer::Fit({"quantile", true}, Ramp(101, 1), 1);
  std::vector<float> probe = {500.0f, -500.0f};
  normalizer.Normalize(probe);
  EXPECT_EQ(probe[0], 1.0f);
  EXPECT_EQ(probe[1], -1.0f);
}

TEST(NormalizerTest, MeanStdAndMinMax) {
  const std::vector<float> values = {1, 10, 3, 10, 5, 10};
  const auto z = Normalizer::Fit({"mean_std", false}, values, 2);
  EXPECT_DOUBLE_EQ(z.low()[0], 3.0);
  EXPECT_NEAR(z.high()[0], std::sqrt(8.0 / 3.0), 1e-12);
  EXPECT_DOUBLE_EQ(z.high()[1], 0.0);  // constant dim: std 0, epsilon keeps it finite
  std::vector<float> probe = {3.0f, 10.0f};
  z.Normalize(probe);
  EXPECT_NEAR(probe[0], 0.0, 1e-6);
  EXPECT_NEAR(probe[1], 0.0, 1e-6);
  const auto mm = Normalizer::Fit({"min_max", true}, values, 2);
  std::vector<float> edge = {5.0f, 10.0f};
  mm.Normalize(edge);
  EXPECT_NEAR(edge[0], 1.0, 1e-6);
}

TEST(NormalizerTest, JsonRoundTripAndMalformedInput) {
  const auto normalizer = Normalizer::Fit({"quantile", true}, Ramp(50, 3), 3);
  const auto restored = Normalizer::FromJson(normalizer.ToJson(), "m.json");
  EXPECT_EQ(restored.kind(), "quantile");
  EXPECT_TRUE(restored.clip());
  EXPECT_EQ(restored.low(), normalizer.low());
  EXPECT_EQ(restored.high(), normalizer.high());
  EXPECT_THROW(Normalizer::FromJson({{"kind", "quantile"}}, "m.json"), InputError);
  auto bad = normalizer.ToJson();
  bad["kind"] = "zscore";
  EXPECT_THROW(Normalizer::FromJson(bad, "m.json"), InputError);
}

TEST(NormalizerTest, RejectsNonFiniteAndEmptyData) {
  std::vector<float> values = {1.0f, NAN};
  try {
    Normalizer::Fit({"quantile", false}, values, 2);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("row 0, dim 1"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Normalizer::Fit({"quantile", false}, {}, 2), InputError);
}

}  // namespace
}  // namespace fb::tokenizers
