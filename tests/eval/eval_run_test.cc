#include "eval/eval_run.h"

#include <fstream>
#include <set>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/config/schema.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "eval/run_log.h"
#include "tests/support/scratch_dir.h"

namespace fb::eval {
namespace {

namespace fs = std::filesystem;

EvalConfig Config(const fs::path& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> assignments = {"tasks=[spatial_red_block_on_plate]", "embodiments=[widowx250]",
                                          "init_indices=[0, 1, 2]", "out=" + out.string()};
  assignments.insert(assignments.end(), extra.begin(), extra.end());
  return config::LoadLayered<EvalConfig>("eval.yaml", "", assignments);
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Results without the fields that measure time.
nlohmann::json Untimed(nlohmann::json results) {
  for (auto* level : {&results["overall"]}) level->erase("mean_latency_s");
  for (auto& [k, v] : results["per_task"].items()) v.erase("mean_latency_s");
  for (auto& [k, v] : results["per_group"].items()) v.erase("mean_latency_s");
  return results;
}

TEST(EvalRunTest, EpisodeListHasAFixedOrderAndSeeds) {
  auto config = Config("unused", {"tasks=[spatial_red_block_in_bowl, spatial_red_block_on_plate]",
                                  "embodiments=[]", "splits=[id, ood-position]", "init_indices=[0, 1]", "seed=100"});
  const auto episodes = BuildEpisodeList(config);
  ASSERT_EQ(episodes.size(), 2u * 3u * 2u * 2u);
  EXPECT_EQ(episodes.front().ToString(), "spatial/spatial_red_block_on_plate/id/panda/0/100");
  EXPECT_EQ(episodes[1].ToString(), "spatial/spatial_red_block_on_plate/id/panda/1/101");
  EXPECT_EQ(episodes[2].ToString(), "spatial/spatial_red_block_on_plate/ood-position/panda/0/100");
  config.embodiments = {"aloha"};
  EXPECT_THAT([&] { BuildEpisodeList(config); },
              ::testing::ThrowsMessage<InputError>(::testing::HasSubstr("does not run on 'aloha'")));
  EXPECT_THROW(Config("x", {"init_indices=[1, 1]"}), InputError);
}

TEST(EvalRunTest, ResumeAfterATornWriteGivesTheSameResultsWithNoEpisodeTwice) {
  const testing::ScratchDir scratch;
  const auto config = Config(scratch / "run");
  EvalRunStats stats;
  const nlohmann::json uninterrupted = RunEvaluation(config, "hash", config.out, &stats);
  EXPECT_EQ(stats.planned, 3);
  EXPECT_EQ(stats.ran, 3);
  EXPECT_EQ(uninterrupted["overall"]["episodes"], 3);
  EXPECT_EQ(uninterrupted["overall"]["successes"], 3);
  EXPECT_EQ(uninterrupted["policy"], "scripted_expert");

  // A kill in the middle of writing the third episode: cut its line in half.
  const fs::path log = scratch / "run" / "episodes.jsonl";
  const std::string text = ReadText(log);
  const size_t third = text.rfind('\n', text.size() - 2) + 1;
  fs::resize_file(log, third + (text.size() - third) / 2);
  fs::remove(scratch / "run" / "results.json");

  const nlohmann::json resumed = RunEvaluation(config, "hash", config.out, &stats);
  EXPECT_EQ(stats.resumed, 2);
  EXPECT_EQ(stats.ran, 1);
  EXPECT_EQ(Untimed(resumed), Untimed(uninterrupted));
  const auto records = ReadRunLog(log);
  ASSERT_EQ(records.size(), 4u);  // header + 3 episodes
  std::set<std::string> keys;
  for (const auto& r : records) keys.insert(r["key"].get<std::string>());
  EXPECT_EQ(keys.size(), 4u);

  // A complete log: nothing runs again.
  RunEvaluation(config, "hash", config.out, &stats);
  EXPECT_EQ(stats.ran, 0);
  EXPECT_EQ(ReadRunLog(log).size(), 4u);
  EXPECT_TRUE(fs::exists(scratch / "run" / "results.json"));
}

TEST(EvalRunTest, InterruptStopsBetweenEpisodesAndAnotherPolicyCannotResume) {
  const testing::ScratchDir scratch;
  const auto config = Config(scratch / "run", {"policy={name: zero, params: {chunk: 4}}", "init_indices=[0]"});
  RequestInterrupt();
  EXPECT_THROW(RunEvaluation(config, "hash", config.out), Interrupted);
  ClearInterrupt();
  EXPECT_EQ(ReadRunLog(scratch / "run" / "episodes.jsonl").size(), 1u);  // the header only
  EXPECT_FALSE(fs::exists(scratch / "run" / "results.json"));
  const auto other = Config(scratch / "run", {"policy={name: random}", "init_indices=[0]"});
  EXPECT_THAT([&] { RunEvaluation(other, "hash", other.out); },
              ::testing::ThrowsMessage<InputError>(::testing::HasSubstr("the log holds a run of policy 'zero' with params {chunk: 4}; this config asks for 'random'")));
}

}  // namespace
}  // namespace fb::eval
