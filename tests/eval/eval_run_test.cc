#include "eval/eval_run.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/config/schema.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "envs/splits.h"
#include "envs/task_spec.h"
#include "eval/run_log.h"
#include "tests/eval/run_outcomes.h"
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

using testing::Outcomes;
using testing::Untimed;

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

TEST(EvalRunTest, AnEmbodimentSplitRunsOnlyOnItsHeldOutEmbodimentsAndTheOthersNeverOnThem) {
  const auto config = Config("unused", {"tasks=[spatial_red_block_on_plate]", "embodiments=[]",
                                        "splits=[id, ood-embodiment]", "init_indices=[0]"});
  const auto held_out = envs::LoadSplit("ood-embodiment").embodiments;
  ASSERT_FALSE(held_out.empty());
  int id = 0, embodiment_split = 0;
  for (const auto& episode : BuildEpisodeList(config)) {
    const bool held = std::find(held_out.begin(), held_out.end(), episode.embodiment) != held_out.end();
    if (episode.split == "id") {
      ++id;
      EXPECT_FALSE(held) << episode.ToString();
    } else {
      ++embodiment_split;
      EXPECT_TRUE(held) << episode.ToString();
    }
  }
  EXPECT_EQ(id + embodiment_split, static_cast<int>(envs::LoadSuite("spatial").embodiments.size()));
  EXPECT_EQ(embodiment_split, static_cast<int>(held_out.size()));
  const auto without = Config("unused", {"tasks=[spatial_red_block_on_plate]", "embodiments=[panda]",
                                         "splits=[ood-embodiment]", "init_indices=[0]"});
  EXPECT_TRUE(BuildEpisodeList(without).empty());
}

TEST(EvalRunTest, ResumeAfterATornWriteGivesTheSameResultsWithNoEpisodeTwice) {
  const fb::testing::ScratchDir scratch;
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
  const fb::testing::ScratchDir scratch;
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

TEST(EvalRunTest, WorkerCountChangesNeitherOutcomesNorResults) {
  const fb::testing::ScratchDir scratch;
  const auto one = Config(scratch / "one", {"init_indices=[0, 1, 2, 3]", "workers=1"});
  const auto two = Config(scratch / "two", {"init_indices=[0, 1, 2, 3]", "workers=2"});
  const nlohmann::json a = RunEvaluation(one, "hash", one.out);
  const nlohmann::json b = RunEvaluation(two, "hash", two.out);
  EXPECT_EQ(Untimed(a), Untimed(b));
  EXPECT_EQ(a["overall"]["episodes"], 4);
  const auto outcomes = Outcomes(scratch / "one" / "episodes.jsonl");
  EXPECT_EQ(outcomes.size(), 4u);
  EXPECT_EQ(outcomes, Outcomes(scratch / "two" / "episodes.jsonl"));
  EXPECT_EQ(a["run_hash"], b["run_hash"]);  // workers is not part of the run's identity
}

TEST(EvalRunTest, VideosFilmTheFirstInitIndicesOfEachTaskUnderTheirIdentity) {
  const fb::testing::ScratchDir scratch;
  const auto config = Config(scratch / "run", {"init_indices=[1, 0]", "videos=1", "workers=2"});
  RunEvaluation(config, "hash", config.out);
  std::map<int, std::string> videos;
  for (const auto& r : ReadRunLog(scratch / "run" / "episodes.jsonl")) {
    if (r.value("type", "") == "episode") videos[r["init_index"].get<int>()] = r.value("video", "");
  }
  ASSERT_EQ(videos.size(), 2u);
  EXPECT_EQ(videos[0], "videos/spatial/spatial_red_block_on_plate/id/widowx250/init0-seed0.mp4");
  EXPECT_EQ(videos[1], "");  // init index 1 is the task's second
  EXPECT_GT(fs::file_size(scratch / "run" / videos[0]), 1000u);
}

TEST(EvalRunTest, ShardsTakeInterleavedPositionsAndRefuseAnotherShardsLog) {
  const fb::testing::ScratchDir scratch;
  const auto config = Config(scratch / "run", {"policy={name: zero, params: {chunk: 4}}", "init_indices=[0, 1, 2]"});
  const auto all = BuildEpisodeList(config);
  EvalRunStats stats;
  RequestInterrupt();  // plan only: nothing runs
  EXPECT_THROW(RunEvaluation(config, "hash", ShardDir(config.out, {1, 2}), &stats, {1, 2}), Interrupted);
  ClearInterrupt();
  const auto header = ReadRunLog(ShardDir(config.out, {1, 2}) / "episodes.jsonl").front();
  EXPECT_EQ(header["shard"], "1/2");
  EXPECT_EQ(header["episodes_total"], all.size());
  EXPECT_EQ(header["episode_list_hash"], EpisodeListHash(all));
  EXPECT_THAT([&] { CheckResumable(config, ShardDir(config.out, {1, 2}), {0, 2}); },
              ::testing::ThrowsMessage<InputError>(::testing::HasSubstr("the log holds shard 1/2; this run is shard 0/2")));
}

}  // namespace
}  // namespace fb::eval
