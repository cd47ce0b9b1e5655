#include "core/fnv1a.h"

#include <gtest/gtest.h>

namespace fb {
namespace {

// The published FNV-1a 64 test vectors: config hashes and seeds depend on these values.
TEST(Fnv1aTest, MatchesTheStandardTestVectors) {
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(Fnv1a64("foobar"), 0x85944171f73967e8ull);
}

// The episode-seed basis is kept as committed (a truncated copy of the standard basis): the
// saved initial states were drawn with it.
TEST(Fnv1aTest, TheEpisodeSeedBasisGivesItsOwnStableValues) {
  EXPECT_EQ(Fnv1a64("", kEpisodeSeedBasis), kEpisodeSeedBasis);
  EXPECT_EQ(Fnv1a64("a", kEpisodeSeedBasis), 0x44bd8ad473cd9906ull);
}

}  // namespace
}  // namespace fb
