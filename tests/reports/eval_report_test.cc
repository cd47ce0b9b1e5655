#include "reports/eval_report.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "reports/leaderboard.h"
#include "tests/support/scratch_dir.h"

namespace fb::reports {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// The Wilson 95% interval of successes/episodes, as results.json holds it.
std::pair<double, double> Wilson(int episodes, int successes) {
  const double z = 1.959963984540054, n = episodes, p = successes / n;
  const double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
  const double half = z * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

nlohmann::json Summary(int episodes, int successes) {
  const auto [low, high] = Wilson(episodes, successes);
  return {{"episodes", episodes},
          {"successes", successes},
          {"success_rate", static_cast<double>(successes) / episodes},
          {"success_ci95", {low, high}},
          {"act_calls", 4},
          {"mean_tokens_per_chunk", 12.5},
          {"mean_forward_passes_per_chunk", 3.0},
          {"decode_failures", 1},
          {"timing",
           {{"latency_mean_s", 0.025},
            {"latency_p50_s", 0.02},
            {"latency_p95_s", 0.04},
            {"latency_p99_s", 0.04},
            {"policy_s", 0.1},
            {"control_rate_hz", 400.0},
            {"control_rate_at_p95_hz", 250.0}}}};
}

// A run directory as fasterbench eval leaves it: id 8/10, ood-position 3/10.
fs::path WriteRun(const fs::path& dir, const std::string& policy, int id_successes, int ood_successes) {
  nlohmann::json results = {{"kind", "fasterbench.eval.results"},
                            {"schema_version", 2},
                            {"policy", policy},
                            {"fasterbench_version", "0.1.0"},
                            {"git_revision", "abc1234"},
                            {"config_hash", "fnv1a64:" + policy}};
  results["per_group"]["spatial/id"] = Summary(10, id_successes);
  results["per_group"]["spatial/ood-position"] = Summary(10, ood_successes);
  results["overall"] = Summary(20, id_successes + ood_successes);
  const double id_rate = id_successes / 10.0, ood_rate = ood_successes / 10.0;
  results["overall"]["ood_drop"]["ood-position"] = {{"id_rate", id_rate},
                                                    {"split_rate", ood_rate},
                                                    {"drop", ood_rate - id_rate},
                                                    {"id_episodes", 10},
                                                    {"split_episodes", 10}};
  Write(dir / "results.json", results.dump(2));
  const nlohmann::json header = {{"type", "header"}, {"key", "header"}, {"policy", policy}};
  const nlohmann::json episode = {{"key", "spatial/t/id/panda/0/0"},
                                  {"calls", {{{"latency_s", 0.01}}, {{"latency_s", 0.03}}}}};
  // The last line was cut short by a kill: it is skipped.
  Write(dir / "episodes.jsonl", header.dump() + "\n" + episode.dump() + "\n{\"key\": \"spatial/t/id/pa");
  return dir;
}

TEST(EvalReportTest, MergesTwoRunsIntoOneLeaderboardWithTheirNumbers) {
  const testing::ScratchDir scratch;
  const fs::path a = WriteRun(scratch / "expert_run", "scripted_expert", 8, 3);
  const fs::path b = WriteRun(scratch / "random_run", "random", 1, 0);
  Write(a / "videos" / "spatial_t_id_0.mp4", "not really a video");
  const std::vector<EvalRunData> runs = {LoadEvalRun(a), LoadEvalRun(b)};
  EXPECT_EQ(runs[0].label, "expert_run");
  EXPECT_EQ(runs[0].latencies_s, (std::vector<double>{0.01, 0.03}));
  ASSERT_EQ(runs[0].videos.size(), 1u);

  const Table table = LeaderboardTable(runs);
  EXPECT_EQ(table.header,
            (std::vector<std::string>{"run", "policy", "spatial/id", "spatial/ood-position", "overall",
                                      "id -> ood-position", "latency p50 ms", "latency p95 ms", "control Hz"}));
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0][0], "expert_run");
  EXPECT_EQ(table.rows[0][1], "scripted_expert");
  EXPECT_EQ(table.rows[0][2], "80.0% [49, 94] n=10");
  EXPECT_EQ(table.rows[0][5], "-50.0 pts (80% -> 30%)");
  EXPECT_EQ(table.rows[0][6], "20");
  EXPECT_EQ(table.rows[0][7], "40");
  EXPECT_EQ(table.rows[1][2], "10.0% [2, 40] n=10");
  EXPECT_EQ(table.rows[1][5], "-10.0 pts (10% -> 0%)");

  // A run that marks a split n/a (a state-track policy under ood-visual) shows "n/a" there,
  // never a rate, in the split's group column and in its drop column.
  const fs::path c = WriteRun(scratch / "state_run", "fastervla", 9, 0);
  nlohmann::json state_results = nlohmann::json::parse(std::ifstream(c / "results.json"));
  state_results["not_applicable_splits"] = {"ood-visual"};
  Write(c / "results.json", state_results.dump());
  const fs::path d = WriteRun(scratch / "image_run", "fastervla", 5, 0);
  nlohmann::json image_results = nlohmann::json::parse(std::ifstream(d / "results.json"));
  image_results["per_group"]["spatial/ood-visual"] = Summary(10, 2);
  image_results["overall"]["ood_drop"]["ood-visual"] = image_results["overall"]["ood_drop"]["ood-position"];
  Write(d / "results.json", image_results.dump());
  const Table mixed = LeaderboardTable({LoadEvalRun(c), LoadEvalRun(d)});
  const auto column = [&](const std::string& name) {
    return static_cast<size_t>(std::find(mixed.header.begin(), mixed.header.end(), name) - mixed.header.begin());
  };
  ASSERT_LT(column("spatial/ood-visual"), mixed.header.size());
  ASSERT_LT(column("id -> ood-visual"), mixed.header.size());
  EXPECT_EQ(mixed.rows[0][column("spatial/ood-visual")], "n/a");
  EXPECT_EQ(mixed.rows[0][column("id -> ood-visual")], "n/a");
  EXPECT_EQ(mixed.rows[1][column("spatial/ood-visual")], "20.0% [6, 51] n=10");

  const fs::path out = scratch / "report";
  const std::string markdown = WriteEvalReport(runs, out);
  EXPECT_THAT(markdown, HasSubstr("| expert_run | scripted_expert | 80.0% [49, 94] n=10 |"));
  EXPECT_THAT(markdown, HasSubstr("| random_run | random |"));
  EXPECT_THAT(markdown, HasSubstr("abc1234"));
  ASSERT_TRUE(fs::exists(out / "leaderboard.md"));

  std::ifstream in(out / "report.html");
  const std::string html{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  EXPECT_THAT(html, HasSubstr("<td class=\"name\">expert_run</td>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"name\">random_run</td>"));
  EXPECT_THAT(html, HasSubstr("80.0% [49, 94] n=10"));
  EXPECT_THAT(html, HasSubstr("<svg"));
  EXPECT_THAT(html, HasSubstr("href=\"../expert_run/videos/spatial_t_id_0.mp4\""));
  EXPECT_THAT(html, Not(HasSubstr("src=\"http")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("Action tokenizers")));  // no tokenizer results: no trade-off plot
}

TEST(EvalReportTest, PlotsTheTokenizerTradeoffWhenARunCarriesTokenizerResults) {
  const testing::ScratchDir scratch;
  const fs::path a = WriteRun(scratch / "vla_run", "p", 5, 5);
  const nlohmann::json tokenizer = {
      {"schema", "fasterbench.tokenizer_eval"},
      {"groups",
       {{{"dataset", "synthetic"},
         {"embodiment", "panda"},
         {"tokenizers",
          {{{"name", "binning"}, {"metrics", {{"tokens", {{"mean", 140.0}}}, {"reconstruction", {{"normalized", {{"mse", 6e-4}}}}}}}},
           {{"name", "fastervq"}, {"metrics", {{"tokens", {{"mean", 24.0}}}, {"reconstruction", {{"normalized", {{"mse", 2e-3}}}}}}}}}}}}}};
  Write(a / "tokenizer_eval" / "results.json", tokenizer.dump());
  const std::vector<EvalRunData> runs = {LoadEvalRun(a)};
  ASSERT_TRUE(runs[0].tokenizer.has_value());
  const std::string html = ReportHtml(runs, scratch / "report");
  EXPECT_THAT(html, HasSubstr("Action tokenizers"));
  EXPECT_THAT(html, HasSubstr(">fastervq</text>"));
}

TEST(EvalReportTest, RejectsDirectoriesWithoutResultsAndOldSchemas) {
  const testing::ScratchDir scratch;
  EXPECT_THROW(LoadEvalRun(scratch / "missing"), InputError);
  fs::create_directories(scratch / "empty");
  EXPECT_THROW(LoadEvalRun(scratch / "empty"), InputError);
  Write(scratch / "old" / "results.json", R"({"kind": "fasterbench.eval.results", "schema_version": 1})");
  EXPECT_THAT([&] { LoadEvalRun(scratch / "old"); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("schema_version 1")));

  // A results file of the right kind and version with a value missing names the file and the
  // value's path: an input error, not a crash in the middle of the report.
  const fs::path run = WriteRun(scratch / "cut", "random", 1, 0);
  auto results = nlohmann::json::parse(std::ifstream(run / "results.json"));
  results.erase("overall");
  Write(run / "results.json", results.dump());
  EXPECT_THAT([&] { LoadEvalRun(run); },
              ::testing::ThrowsMessage<InputError>(AllOf(HasSubstr("cut/results.json"), HasSubstr("overall is missing"))));
  results = nlohmann::json::parse(std::ifstream(WriteRun(scratch / "cut2", "random", 1, 0) / "results.json"));
  results["per_group"]["spatial/id"]["timing"].erase("latency_p95_s");
  Write(scratch / "cut2" / "results.json", results.dump());
  EXPECT_THAT([&] { LoadEvalRun(scratch / "cut2"); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("per_group.spatial/id.timing.latency_p95_s is missing")));
  EXPECT_NO_THROW(LoadEvalRun(WriteRun(scratch / "whole", "random", 1, 0)));
}

TEST(CallLatenciesTest, RejectsAMalformedLineBeforeTheLast) {
  EXPECT_THROW(CallLatencies("{oops\n{\"calls\": []}\n", "run/episodes.jsonl"), InputError);
  EXPECT_EQ(CallLatencies("{\"calls\": [{\"latency_s\": 0.5}]}\n", "x"), std::vector<double>{0.5});
}

}  // namespace
}  // namespace fb::reports
