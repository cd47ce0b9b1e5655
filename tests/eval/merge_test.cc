#include "eval/merge.h"

#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "core/config/schema.h"
#include "core/error.h"
#include "eval/eval_run.h"
#include "tests/eval/run_outcomes.h"
#include "tests/support/scratch_dir.h"

namespace fb::eval {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

EvalConfig Config(const fs::path& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> assignments = {"tasks=[spatial_red_block_on_plate]", "embodiments=[widowx250]",
                                          "init_indices=[0, 1, 2, 3]", "out=" + out.string()};
  assignments.insert(assignments.end(), extra.begin(), extra.end());
  return config::LoadLayered<EvalConfig>("eval.yaml", "", assignments);
}

// What `fasterbench eval --shard` does: the snapshot, then the shard's episodes.
fs::path RunShard(const EvalConfig& config, Shard shard) {
  const fs::path dir = ShardDir(config.out, shard);
  const std::string yaml = config::Dump(config);
  WriteFileAtomic(dir / "config.yaml", "# snapshot\n" + yaml);
  RunEvaluation(config, config::HashText(yaml), dir, nullptr, shard);
  return dir;
}

// Drops the last line of a log: an episode that never finished.
void DropLastLine(const fs::path& log) {
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  s.pop_back();
  s.erase(s.rfind('\n') + 1);
  WriteFileAtomic(log, s);
}

class MergeTest : public ::testing::Test {
 protected:
  const fb::testing::ScratchDir scratch_;
};

TEST_F(MergeTest, MergedShardsEqualAnUnshardedRun) {
  const auto whole = Config(scratch_ / "whole");
  const nlohmann::json expected = RunEvaluation(whole, "hash", whole.out);

  const auto config = Config(scratch_ / "run", {"workers=2"});
  const fs::path s0 = RunShard(config, {0, 2});
  const fs::path s1 = RunShard(config, {1, 2});
  EXPECT_EQ(testing::Outcomes(s0 / "episodes.jsonl").size(), 2u);

  MergeStats stats;
  const nlohmann::json merged = MergeShards(config.out, {s1, s0}, false, &stats);
  EXPECT_EQ(stats.shards, 2);
  EXPECT_EQ(stats.episodes, 4);
  EXPECT_EQ(stats.merged, 4);
  EXPECT_EQ(testing::Untimed(merged), testing::Untimed(expected));
  EXPECT_EQ(testing::Outcomes(scratch_ / "run" / "episodes.jsonl"), testing::Outcomes(scratch_ / "whole" / "episodes.jsonl"));
  EXPECT_TRUE(fs::exists(scratch_ / "run" / "config.yaml"));
  // Merging again replaces the merged outputs; a run's own log is never overwritten.
  EXPECT_NO_THROW(MergeShards(config.out, {s0, s1}, false));
  EXPECT_THAT([&] { MergeShards(whole.out, {s0, s1}, false); },
              ThrowsMessage<InputError>(HasSubstr("holds a run's own log")));
}

TEST_F(MergeTest, MissingEpisodesAreListedAndRefusedUnlessPartialIsAllowed) {
  const auto config = Config(scratch_ / "run", {"init_indices=[0, 1, 2]"});
  const fs::path s0 = RunShard(config, {0, 2});
  const fs::path s1 = RunShard(config, {1, 2});
  EXPECT_THAT([&] { MergeShards(config.out, {s0}, false); },
              ThrowsMessage<InputError>(HasSubstr("1 of 3 episodes missing: shard 1/2 not given (1 episodes)")));
  DropLastLine(s0 / "episodes.jsonl");
  EXPECT_THAT([&] { MergeShards(config.out, {s0, s1}, false); },
              ThrowsMessage<InputError>(HasSubstr("shard 0/2 ('" + s0.string() + "') lacks 1 episodes: "
                                                  "spatial/spatial_red_block_on_plate/id/widowx250/2/2")));
  MergeStats stats;
  const nlohmann::json partial = MergeShards(config.out, {s0, s1}, true, &stats);
  EXPECT_EQ(stats.merged, 2);
  EXPECT_EQ(partial["overall"]["episodes"], 2);
}

TEST_F(MergeTest, ShardsOfDifferentRunsAreRefused) {
  const auto a = Config(scratch_ / "a", {"init_indices=[0]"});
  const auto b = Config(scratch_ / "b", {"init_indices=[0]", "seed=7"});
  const fs::path s0 = RunShard(a, {0, 2});
  const fs::path s1 = RunShard(b, {1, 2});
  EXPECT_THAT([&] { MergeShards(scratch_ / "out", {s0, s1}, true); },
              ThrowsMessage<InputError>(HasSubstr("are not shards of one run")));
  const fs::path again = RunShard(a, {1, 3});
  EXPECT_THAT([&] { MergeShards(scratch_ / "out", {s0, again}, true); },
              ThrowsMessage<InputError>(HasSubstr("one run, one shard count")));
  EXPECT_THAT([&] { MergeShards(scratch_ / "out", {s0, s0}, true); },
              ThrowsMessage<InputError>(HasSubstr("shard 0/2 given twice")));
}

}  // namespace
}  // namespace fb::eval
