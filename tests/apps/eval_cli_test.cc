// End-to-end checks of `fasterbench eval` as a process: a SIGKILL in the middle of a run and
// a rerun give the same results as an uninterrupted run; shards join with `merge`; under
// `mpirun -np 2` the ranks' shards are merged into the run's results.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "eval/run_log.h"
#include "tests/eval/run_outcomes.h"
#include "tests/support/child_process.h"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using fb::testing::ReadText;
using fb::testing::Spawn;
using fb::testing::Wait;
using fb::eval::testing::Outcomes;
using fb::eval::testing::Untimed;

fs::path Scratch(const std::string& name) { return fb::testing::FreshDir("eval_cli_test_" + name); }

// `eval` of the scripted expert on one task and embodiment.
std::vector<std::string> EvalArgs(const fs::path& out, const std::string& splits, const std::string& init_indices) {
  return {"eval",  "--set", "tasks=[spatial_red_block_on_plate]", "--set", "embodiments=[widowx250]",
          "--set", "splits=" + splits, "--set", "init_indices=" + init_indices, "--out", out.string()};
}

int EpisodeLines(const fs::path& log) {
  const std::string text = ReadText(log);
  const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  return std::max(0, lines - 1);  // the header
}

nlohmann::json Results(const fs::path& dir) { return nlohmann::json::parse(ReadText(dir / "results.json")); }

// A local port nobody listens on: bound by the kernel's choice, then released.
int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t size = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  close(fd);
  return ntohs(address.sin_port);
}

// With no policy server, eval stops before its first episode (exit 2) and leaves --out
// untouched, instead of logging every episode as a policy failure.
TEST(EvalCliTest, ARemotePolicyWithoutAServerFailsBeforeAnythingIsWritten) {
  const fs::path out = Scratch("no_server") / "run";
  const int port = ClosedPort();
  const auto result = fb::testing::Run(
      FB_BINARY,
      {"eval", "--set", "policy.name=openpi", "--set", "policy.params.port=" + std::to_string(port), "--set",
       "tasks=[spatial_red_block_on_plate]", "--set", "embodiments=[panda]", "--set", "init_indices=[0]", "--out",
       out.string()},
      out.parent_path());
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_THAT(result.err, HasSubstr("127.0.0.1:" + std::to_string(port)));
  EXPECT_THAT(result.err, HasSubstr("start the policy server first"));
  EXPECT_FALSE(fs::exists(out));
}

TEST(EvalCliTest, AKilledRunResumesToTheResultsOfAnUninterruptedOne) {
  const fs::path dir = Scratch("kill");
  const auto args = EvalArgs(dir / "killed", "[id, ood-position]", "[0, 1, 2, 3, 4, 5]");  // 12 episodes
  const pid_t child = Spawn(FB_BINARY, args, dir);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (EpisodeLines(dir / "killed" / "episodes.jsonl") < 3 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  const fb::testing::ProcessResult killed = Wait(child, dir);
  ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << "the run ended before the kill: " << killed.err;
  EXPECT_LT(EpisodeLines(dir / "killed" / "episodes.jsonl"), 12);
  EXPECT_FALSE(fs::exists(dir / "killed" / "results.json"));

  const fb::testing::ProcessResult resumed = fb::testing::Run(FB_BINARY, args, dir);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const fb::testing::ProcessResult clean = fb::testing::Run(FB_BINARY, EvalArgs(dir / "clean", "[id, ood-position]", "[0, 1, 2, 3, 4, 5]"), dir);
  ASSERT_EQ(clean.exit_code, 0) << clean.err;

  EXPECT_EQ(Untimed(Results(dir / "killed")), Untimed(Results(dir / "clean")));
  const auto outcomes = Outcomes(dir / "killed" / "episodes.jsonl");
  EXPECT_EQ(outcomes.size(), 12u);
  EXPECT_EQ(outcomes, Outcomes(dir / "clean" / "episodes.jsonl"));
  std::multiset<std::string> keys;
  for (const auto& r : fb::eval::ReadRunLog(dir / "killed" / "episodes.jsonl")) keys.insert(r["key"].get<std::string>());
  for (const auto& key : keys) EXPECT_EQ(keys.count(key), 1u) << key << " is logged twice";
  EXPECT_EQ(keys.size(), 13u);  // header + 12
}

TEST(EvalCliTest, ShardsJoinWithMergeWhichRefusesMissingOnes) {
  const fs::path dir = Scratch("shards");
  auto shard = [&](const std::string& s) {
    auto args = EvalArgs(dir / "run", "[id]", "[0, 1, 2]");
    args.insert(args.end(), {"--shard", s});
    return fb::testing::Run(FB_BINARY, args, dir);
  };
  ASSERT_EQ(shard("0/2").exit_code, 0);
  EXPECT_TRUE(fs::exists(dir / "run" / "shard-0-of-2" / "results.json"));
  const std::string s0 = (dir / "run" / "shard-0-of-2").string(), s1 = (dir / "run" / "shard-1-of-2").string();
  fb::testing::ProcessResult merge = fb::testing::Run(FB_BINARY, {"merge", (dir / "run").string(), s0}, dir);
  EXPECT_EQ(merge.exit_code, 2);
  EXPECT_THAT(merge.err, HasSubstr("1 of 3 episodes missing: shard 1/2 not given"));
  EXPECT_EQ(fb::testing::Run(FB_BINARY, {"merge", (dir / "run").string(), s0, "--allow-partial"}, dir).exit_code, 0);
  ASSERT_EQ(shard("1/2").exit_code, 0);
  ASSERT_EQ(fb::testing::Run(FB_BINARY, {"merge", (dir / "run").string(), s0, s1}, dir).exit_code, 0);
  EXPECT_EQ(Results(dir / "run")["overall"]["episodes"], 3);
  EXPECT_EQ(shard("2/2").exit_code, 2);
}

TEST(EvalCliTest, MpirunRanksRunShardsAndRankZeroMerges) {
  if (std::system("command -v mpirun > /dev/null 2>&1") != 0) GTEST_SKIP() << "mpirun is not installed";
  const fs::path dir = Scratch("mpi");
  const fb::testing::ProcessResult single = fb::testing::Run(FB_BINARY, EvalArgs(dir / "single", "[id]", "[0, 1, 2, 3]"), dir);
  ASSERT_EQ(single.exit_code, 0) << single.err;
  auto args = EvalArgs(dir / "mpi", "[id]", "[0, 1, 2, 3]");
  args.insert(args.begin(), {"--allow-run-as-root", "--oversubscribe", "-np", "2", FB_BINARY});
  const fb::testing::ProcessResult mpi = fb::testing::Run("mpirun", args, dir);
  ASSERT_EQ(mpi.exit_code, 0) << mpi.err;
  EXPECT_TRUE(fs::exists(dir / "mpi" / "shard-1-of-2" / "episodes.jsonl"));
  EXPECT_EQ(Untimed(Results(dir / "mpi")), Untimed(Results(dir / "single")));
  EXPECT_EQ(Outcomes(dir / "mpi" / "episodes.jsonl"), Outcomes(dir / "single" / "episodes.jsonl"));
  EXPECT_EQ(Outcomes(dir / "mpi" / "episodes.jsonl").size(), 4u);
}

}  // namespace
