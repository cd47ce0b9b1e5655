// End-to-end checks of `fasterbench compare` (the regression gate's exit codes) and
// `fasterbench report` on run directories written by the test.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/child_process.h"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using fb::testing::ReadText;

fs::path Scratch(const std::string& name) { return fb::testing::FreshDir("compare_report_cli_" + name); }

struct Result {
  int exit_code = -1;
  std::string out;
};

Result RunFasterbench(const std::string& args, const fs::path& dir) {
  const fs::path out = dir / "stdout.txt";
  const std::string command = std::string(FB_BINARY) + " " + args + " > " + out.string() + " 2>&1";
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadText(out)};
}

// An eval run directory: results.json (schema 2) and episodes.jsonl whose episode i of `n`
// (split id, seed i) succeeds when i < successes.
fs::path WriteRun(const fs::path& dir, const std::string& policy, int n, int successes) {
  fs::create_directories(dir);
  std::ofstream log(dir / "episodes.jsonl");
  log << nlohmann::json{{"type", "header"}, {"key", "header"}, {"policy", policy}}.dump() << "\n";
  for (int i = 0; i < n; ++i) {
    const nlohmann::json episode = {{"key", "spatial/t/id/panda/" + std::to_string(i) + "/" + std::to_string(i)},
                                    {"suite", "spatial"},
                                    {"task", "t"},
                                    {"split", "id"},
                                    {"embodiment", "panda"},
                                    {"init_index", i},
                                    {"seed", i},
                                    {"policy", policy},
                                    {"success_once", i < successes},
                                    {"calls", {{{"latency_s", 0.001 * (i + 1)}}}}};
    log << episode.dump() << "\n";
  }
  const double rate = static_cast<double>(successes) / n;
  const nlohmann::json summary = {{"episodes", n},
                                  {"successes", successes},
                                  {"success_rate", rate},
                                  {"success_ci95", {0.0, 1.0}},
                                  {"act_calls", n},
                                  {"mean_tokens_per_chunk", 0.0},
                                  {"mean_forward_passes_per_chunk", 0.0},
                                  {"decode_failures", 0},
                                  {"timing",
                                   {{"latency_mean_s", 0.01},
                                    {"latency_p50_s", 0.01},
                                    {"latency_p95_s", 0.02},
                                    {"latency_p99_s", 0.02},
                                    {"policy_s", 1.0},
                                    {"control_rate_hz", 50.0},
                                    {"control_rate_at_p95_hz", 40.0}}}};
  nlohmann::json results = {{"kind", "fasterbench.eval.results"}, {"schema_version", 2}, {"policy", policy}};
  results["per_group"]["spatial/id"] = summary;
  results["overall"] = summary;
  results["overall"]["ood_drop"] = nlohmann::json::object();
  std::ofstream(dir / "results.json") << results.dump(2);
  return dir;
}

TEST(CompareCliTest, ExitsOneOnASignificantRegressionAndZeroOtherwise) {
  const fs::path dir = Scratch("gate");
  const fs::path base = WriteRun(dir / "base", "scripted_expert", 20, 20);
  const fs::path worse = WriteRun(dir / "worse", "random", 20, 2);
  const fs::path same = WriteRun(dir / "same", "scripted_expert", 20, 20);

  const Result regression = RunFasterbench("compare " + base.string() + " " + worse.string() + " --out " +
                                    (dir / "summary.md").string(), dir);
  EXPECT_EQ(regression.exit_code, 1) << regression.out;
  EXPECT_THAT(regression.out, HasSubstr("## fasterbench compare: REGRESSION"));
  EXPECT_THAT(regression.out, HasSubstr("| **overall** | 20 | 100.0% | 10.0% |"));
  EXPECT_THAT(ReadText(dir / "summary.md"), HasSubstr("| 18 / 0 |"));

  const Result unchanged = RunFasterbench("compare " + base.string() + " " + (same / "results.json").string(), dir);
  EXPECT_EQ(unchanged.exit_code, 0) << unchanged.out;
  EXPECT_THAT(unchanged.out, HasSubstr("compare: passed"));

  // The same drop passes when the config asks for a larger one.
  const Result lenient = RunFasterbench("compare " + base.string() + " " + worse.string() + " --set min_drop=0.95", dir);
  EXPECT_EQ(lenient.exit_code, 0) << lenient.out;
  // An improvement never fails the gate.
  EXPECT_EQ(RunFasterbench("compare " + worse.string() + " " + base.string(), dir).exit_code, 0);
}

TEST(CompareCliTest, ExitsTwoOnBadInput) {
  const fs::path dir = Scratch("bad");
  const fs::path base = WriteRun(dir / "base", "p", 4, 4);
  const Result missing = RunFasterbench("compare " + base.string() + " " + (dir / "nope").string(), dir);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.out, HasSubstr("does not exist"));
  fs::create_directories(dir / "other");
  std::ofstream(dir / "other" / "episodes.jsonl")
      << nlohmann::json{{"suite", "libero"}, {"task", "x"}, {"split", "id"}, {"embodiment", "panda"},
                        {"init_index", 0}, {"seed", 0}, {"success_once", true}}.dump()
      << "\n";
  const Result unpaired = RunFasterbench("compare " + base.string() + " " + (dir / "other").string(), dir);
  EXPECT_EQ(unpaired.exit_code, 2);
  EXPECT_THAT(unpaired.out, HasSubstr("share no episode"));
  EXPECT_EQ(RunFasterbench("compare " + base.string() + " " + base.string() + " --set alpha=2", dir).exit_code, 2);
}

TEST(ReportCliTest, WritesTheLeaderboardAndTheHtmlReportOfTwoRuns) {
  const fs::path dir = Scratch("report");
  const fs::path a = WriteRun(dir / "expert", "scripted_expert", 10, 9);
  const fs::path b = WriteRun(dir / "random", "random", 10, 1);
  const Result result = RunFasterbench("report " + a.string() + " " + b.string() + " --out " + (dir / "out").string(), dir);
  ASSERT_EQ(result.exit_code, 0) << result.out;
  const std::string leaderboard = ReadText(dir / "out" / "leaderboard.md");
  EXPECT_THAT(leaderboard, HasSubstr("| expert | scripted_expert | 90.0%"));
  EXPECT_THAT(leaderboard, HasSubstr("| random | random | 10.0%"));
  EXPECT_THAT(ReadText(dir / "out" / "report.html"), HasSubstr("<svg"));
  EXPECT_EQ(RunFasterbench("report " + (dir / "nope").string() + " --out " + (dir / "out2").string(), dir).exit_code, 2);
}

}  // namespace
