#include "core/data/chunker.h"

#include <limits>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/interrupt.h"

namespace fb::data {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// An episode whose action (t, d) is base + 10 t + d, so every value names its origin.
Episode Ramp(int64_t steps, int dims, float base, std::string source) {
  Episode episode{"panda", "delta_eef", dims, steps, {}, std::move(source)};
  for (int64_t t = 0; t < steps; ++t) {
    for (int d = 0; d < dims; ++d) episode.actions.push_back(base + 10.0f * static_cast<float>(t) + static_cast<float>(d));
  }
  return episode;
}

TEST(ChunkerTest, RepeatLastHoldsTheFinalAction) {
  const Episode episode = Ramp(3, 2, 0, "e0");
  std::vector<ChunkOrigin> origins;
  const ActionChunks chunks = MakeChunks({&episode}, {.horizon = 2, .stride = 1, .pad = PadRule::kRepeatLast}, &origins);
  EXPECT_EQ(chunks.count, 3);
  EXPECT_EQ(chunks.horizon, 2);
  EXPECT_EQ(chunks.dims, 2);
  EXPECT_THAT(chunks.values, ElementsAre(0, 1, 10, 11, /**/ 10, 11, 20, 21, /**/ 20, 21, 20, 21));
  EXPECT_THAT(origins, ElementsAre(ChunkOrigin{0, 0, 2}, ChunkOrigin{0, 1, 2}, ChunkOrigin{0, 2, 1}));
}

TEST(ChunkerTest, ZeroPadsWithZeros) {
  const Episode episode = Ramp(3, 1, 1, "e0");
  const ActionChunks chunks = MakeChunks({&episode}, {.horizon = 3, .stride = 2, .pad = PadRule::kZero});
  EXPECT_EQ(chunks.count, 2);
  EXPECT_THAT(chunks.values, ElementsAre(1, 11, 21, /**/ 21, 0, 0));
}

TEST(ChunkerTest, DropKeepsOnlyWholeChunks) {
  const Episode short_episode = Ramp(2, 1, 0, "short");
  const Episode long_episode = Ramp(7, 1, 100, "long");
  std::vector<ChunkOrigin> origins;
  const ActionChunks chunks =
      MakeChunks({&short_episode, &long_episode}, {.horizon = 3, .stride = 2, .pad = PadRule::kDrop}, &origins);
  EXPECT_EQ(chunks.count, 3);
  EXPECT_THAT(origins, ElementsAre(ChunkOrigin{1, 0, 3}, ChunkOrigin{1, 2, 3}, ChunkOrigin{1, 4, 3}));
  EXPECT_THAT(chunks.chunk(2), ElementsAre(140, 150, 160));
}

TEST(ChunkerTest, OriginsIndexTheInputOrderAcrossEpisodes) {
  const Episode a = Ramp(4, 3, 0, "a");
  const Episode b = Ramp(5, 3, 1000, "b");
  std::vector<ChunkOrigin> origins = {{9, 9, 9}};  // replaced, not appended to
  const ActionChunks chunks = MakeChunks({&b, &a}, {.horizon = 4, .stride = 3, .pad = PadRule::kRepeatLast}, &origins);
  ASSERT_EQ(chunks.count, 4);
  EXPECT_THAT(origins, ElementsAre(ChunkOrigin{0, 0, 4}, ChunkOrigin{0, 3, 2}, ChunkOrigin{1, 0, 4}, ChunkOrigin{1, 3, 1}));
  for (int64_t i = 0; i < chunks.count; ++i) {
    const Episode& source = *std::vector<const Episode*>{&b, &a}[static_cast<size_t>(origins[i].episode)];
    EXPECT_EQ(chunks.chunk(i)[0], source.step(origins[i].start)[0]) << "chunk " << i;
  }
  EXPECT_EQ(chunks.values.size(), static_cast<size_t>(4 * 4 * 3));
}

TEST(ChunkerTest, EmptyInputGivesNoChunks) {
  const ActionChunks chunks = MakeChunks({}, {.horizon = 5});
  EXPECT_EQ(chunks.count, 0);
  EXPECT_EQ(chunks.dims, 0);
  EXPECT_TRUE(chunks.values.empty());
}

TEST(ChunkerTest, RejectsMixedDimsNamingBothEpisodes) {
  const Episode a = Ramp(4, 7, 0, "panda.hdf5:data/demo_0");
  const Episode b = Ramp(4, 14, 0, "aloha.hdf5:data/demo_1");
  EXPECT_THAT([&] { MakeChunks({&a, &b}, {.horizon = 2}); },
              ThrowsMessage<InputError>(AllOf(HasSubstr("panda.hdf5:data/demo_0' (7 dims)"),
                                              HasSubstr("aloha.hdf5:data/demo_1' (14 dims)"))));
}

TEST(ChunkerTest, RejectsNonFiniteActionsNamingSourceStepAndDim) {
  Episode episode = Ramp(6, 7, 0, "libero_spatial.hdf5:data/demo_4");
  episode.actions[3 * 7 + 6] = std::numeric_limits<float>::infinity();
  EXPECT_THAT([&] { MakeChunks({&episode}, {.horizon = 2}); },
              ThrowsMessage<InputError>(AllOf(HasSubstr("libero_spatial.hdf5:data/demo_4"), HasSubstr("step 3, dim 6"))));
}

TEST(ChunkerTest, RejectsBadOptionsQuotingTheValue) {
  const Episode episode = Ramp(3, 1, 0, "e");
  EXPECT_THAT([&] { MakeChunks({&episode}, {.horizon = 0}); }, ThrowsMessage<InputError>(HasSubstr("horizon is 0")));
  EXPECT_THAT([&] { MakeChunks({&episode}, {.horizon = 2, .stride = -1}); },
              ThrowsMessage<InputError>(HasSubstr("stride is -1")));
}

TEST(ChunkerTest, PadRuleNamesRoundTrip) {
  for (PadRule rule : {PadRule::kRepeatLast, PadRule::kZero, PadRule::kDrop}) {
    EXPECT_EQ(ParsePadRule(PadRuleName(rule)), rule);
  }
  EXPECT_THAT([] { ParsePadRule("edge"); },
              ThrowsMessage<InputError>(AllOf(HasSubstr("'edge'"), HasSubstr("repeat_last, zero or drop"))));
}

TEST(ChunkerTest, StopsWhenInterrupted) {
  const Episode episode = Ramp(3, 1, 0, "e");
  RequestInterrupt();
  EXPECT_THROW(MakeChunks({&episode}, {.horizon = 2}), Interrupted);
  ClearInterrupt();
}

}  // namespace
}  // namespace fb::data
