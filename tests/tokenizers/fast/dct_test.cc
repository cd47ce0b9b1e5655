#include "tokenizers/fast/dct.h"

#include <cmath>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.h"

namespace fb::tokenizers {
namespace {

TEST(RoundHalfEvenTest, MatchesNumpyAround) {
  EXPECT_EQ(RoundHalfEven(2.5), 2.0);
  EXPECT_EQ(RoundHalfEven(3.5), 4.0);
  EXPECT_EQ(RoundHalfEven(-2.5), -2.0);
  EXPECT_EQ(RoundHalfEven(0.5), 0.0);
  EXPECT_EQ(RoundHalfEven(-0.5), -0.0);
  EXPECT_EQ(RoundHalfEven(1.5), 2.0);
  EXPECT_EQ(RoundHalfEven(2.5000001), 3.0);
  EXPECT_EQ(RoundHalfEven(-3.5), -4.0);
}

// Golden example of tokenizers.md 3.10: T = 4, D = 2.
TEST(DctTest, GoldenCoefficients) {
  const std::vector<double> x = {0.10, -0.50, 0.20, -0.40, 0.30, -0.35, 0.35, -0.30};
  std::vector<double> c(8);
  DctBasis::ForHorizon(4).Forward(x, 2, c);
  const std::vector<double> expected = {0.475, -0.775, -0.190381, -0.144186, -0.025, -0.025, -0.002321, -0.021456};
  for (size_t i = 0; i < 8; ++i) EXPECT_NEAR(c[i], expected[i], 1e-6) << i;
}

TEST(DctTest, ConstantSignalHasOnlyDc) {
  for (int t : {1, 4, 20, 50}) {
    const double value = 1.0;
    std::vector<double> x(static_cast<size_t>(t) * 3, value);
    std::vector<double> c(x.size());
    DctBasis::ForHorizon(t).Forward(x, 3, c);
    for (int d = 0; d < 3; ++d) EXPECT_NEAR(c[static_cast<size_t>(d)], value * std::sqrt(t), 1e-12);
    for (size_t i = 3; i < c.size(); ++i) EXPECT_NEAR(c[i], 0.0, 1e-12);
  }
  // T = 50, c = 1 -> DC 7.07 -> 70.7 after scaling by 10.
  std::vector<double> x(50, 1.0);
  std::vector<double> c(50);
  DctBasis::ForHorizon(50).Forward(x, 1, c);
  EXPECT_NEAR(c[0] * 10, 70.7107, 1e-4);
}

TEST(DctTest, InverseRoundTrips) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(-2, 2);
  for (int t : {1, 2, 7, 20, 50}) {
    const int dims = 5;
    std::vector<double> x(static_cast<size_t>(t) * dims);
    for (double& v : x) v = u(rng);
    std::vector<double> c(x.size());
    std::vector<double> back(x.size());
    const DctBasis& basis = DctBasis::ForHorizon(t);
    basis.Forward(x, dims, c);
    basis.Inverse(c, dims, back);
    for (size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(back[i], x[i], 1e-12);
    // Orthonormal: energy is preserved.
    double ex = 0;
    double ec = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      ex += x[i] * x[i];
      ec += c[i] * c[i];
    }
    EXPECT_NEAR(ex, ec, 1e-9);
  }
}

TEST(DctTest, FloatOverloadsMatchDouble) {
  const std::vector<float> xf = {0.1f, -0.5f, 0.2f, -0.4f, 0.3f, -0.35f};
  const std::vector<double> xd(xf.begin(), xf.end());
  std::vector<double> cf(6);
  std::vector<double> cd(6);
  const DctBasis& basis = DctBasis::ForHorizon(3);
  basis.Forward(xf, 2, cf);
  basis.Forward(xd, 2, cd);
  EXPECT_EQ(cf, cd);
  std::vector<float> back(6);
  basis.Inverse(cd, 2, std::span<float>(back));
  for (size_t i = 0; i < 6; ++i) EXPECT_FLOAT_EQ(back[i], xf[i]);
}

TEST(DctTest, CacheReturnsSameBasisAndRejectsBadHorizon) {
  EXPECT_EQ(&DctBasis::ForHorizon(20), &DctBasis::ForHorizon(20));
  EXPECT_EQ(&DctBasis::ForHorizon(1000), &DctBasis::ForHorizon(1000));
  EXPECT_EQ(DctBasis::ForHorizon(13).horizon(), 13);
  EXPECT_THROW(DctBasis::ForHorizon(0), InputError);
}

}  // namespace
}  // namespace fb::tokenizers
