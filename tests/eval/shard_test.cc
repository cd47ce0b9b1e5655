#include "eval/shard.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"

namespace fb::eval {
namespace {

TEST(ShardTest, ParsesAndSelectsByPositionModuloCount) {
  const Shard shard = ParseShard("1/3");
  EXPECT_EQ(shard.index, 1);
  EXPECT_EQ(shard.count, 3);
  EXPECT_EQ(shard.ToString(), "1/3");
  EXPECT_FALSE(shard.Holds(0));
  EXPECT_TRUE(shard.Holds(1));
  EXPECT_TRUE(shard.Holds(4));
  EXPECT_TRUE(Shard{}.whole());
  EXPECT_EQ(ShardDir("runs/x", shard), std::filesystem::path("runs/x/shard-1-of-3"));
  for (const char* bad : {"3/3", "-1/2", "1", "a/2", "1/0", "1/2x", ""}) {
    EXPECT_THAT([&] { ParseShard(bad); }, ::testing::ThrowsMessage<InputError>(::testing::HasSubstr("expected i/N")))
        << bad;
  }
}

}  // namespace
}  // namespace fb::eval
