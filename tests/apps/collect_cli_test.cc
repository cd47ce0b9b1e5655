// `fasterbench collect` as a process: killed with SIGKILL after some episodes finished, then
// rerun, it yields the same demos as an uninterrupted run with another worker count.
#include <signal.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/child_process.h"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using fb::testing::ReadText;

fs::path Scratch(const std::string& name) { return fb::testing::FreshDir("collect_cli_test_" + name); }

// Starts `fasterbench collect` on a small config writing to dir/out, output in dir/std*.
pid_t SpawnCollect(const fs::path& dir, int workers) {
  return fb::testing::Spawn(FB_BINARY,
                            {"collect", "--set", "tasks=[spatial_red_block_on_plate]", "--set", "embodiments=[panda]",
                             "--set", "init_indices=[0, 1, 2, 3]", "--set", "image_size=16", "--set",
                             "cameras=[agentview]", "--workers", std::to_string(workers), "--out", (dir / "out").string()},
                            dir);
}

int Wait(pid_t pid, const fs::path& dir) { return fb::testing::Wait(pid, dir).exit_code; }

int CountParts(const fs::path& out) {
  int parts = 0;
  std::error_code ignored;
  for (fs::recursive_directory_iterator it(out / ".parts", ignored), end; it != end; it.increment(ignored)) {
    if (it->path().extension() == ".part") ++parts;
  }
  return parts;
}

TEST(CollectCliTest, KilledRunResumesToTheSameDemosAsAnUninterruptedOne) {
  const fs::path whole = Scratch("whole");
  ASSERT_EQ(Wait(SpawnCollect(whole, 1), whole), 0) << ReadText(whole / "stderr");
  const auto reference = nlohmann::json::parse(ReadText(whole / "out" / "collect_summary.json"));
  ASSERT_EQ(reference["planned"], 4);

  const fs::path killed = Scratch("killed");
  const pid_t pid = SpawnCollect(killed, 2);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (CountParts(killed / "out") < 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_GE(CountParts(killed / "out"), 1);
  kill(pid, SIGKILL);
  ASSERT_EQ(Wait(pid, killed), 128 + SIGKILL);
  const int finished = CountParts(killed / "out");
  ASSERT_LT(finished, 4) << "the run finished before the kill; the resume path was not exercised";
  EXPECT_FALSE(fs::exists(killed / "out" / "collect_summary.json"));

  ASSERT_EQ(Wait(SpawnCollect(killed, 2), killed), 0) << ReadText(killed / "stderr");
  EXPECT_THAT(ReadText(killed / "stdout"), HasSubstr(std::to_string(finished) + " resumed"));
  const auto resumed = nlohmann::json::parse(ReadText(killed / "out" / "collect_summary.json"));
  EXPECT_EQ(resumed["files"], reference["files"]);  // same demos, steps and action/state digests
  EXPECT_EQ(CountParts(killed / "out"), 0);
  EXPECT_TRUE(fs::exists(killed / "out" / "spatial_red_block_on_plate_panda_demo.hdf5"));
}

}  // namespace
