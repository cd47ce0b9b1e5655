#include "core/data/portable_random.h"

#include <gtest/gtest.h>

namespace fb::data {
namespace {

TEST(PortableRandomTest, UniformIsPinnedToTheStandardEngine) {
  // std::mt19937_64's first output for its default seed 5489 is fixed by the standard
  // (14514284786278117030); Uniform keeps its top 53 bits.
  PortableRandom random(5489);
  EXPECT_EQ(random.Uniform(), 0.7868209548678019);
}

TEST(PortableRandomTest, MixSeedIsSplitMix64) {
  EXPECT_EQ(MixSeed(0), 16294208416658607535ull);
  EXPECT_NE(MixSeed(1), MixSeed(2));
}

TEST(PortableRandomTest, DrawsHaveTheRightRangeAndMoments) {
  PortableRandom random(42);
  constexpr int kDraws = 200000;
  double uniform_sum = 0, normal_sum = 0, normal_squares = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double u = random.Uniform(-2.0, 3.0);
    ASSERT_GE(u, -2.0);
    ASSERT_LT(u, 3.0);
    uniform_sum += u;
    const double n = random.Normal();
    normal_sum += n;
    normal_squares += n * n;
  }
  EXPECT_NEAR(uniform_sum / kDraws, 0.5, 0.02);
  EXPECT_NEAR(normal_sum / kDraws, 0.0, 0.01);
  EXPECT_NEAR(normal_squares / kDraws, 1.0, 0.02);
}

}  // namespace
}  // namespace fb::data
