#include "eval/paired_comparison.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/error.h"

namespace fb::eval {
namespace {

// Reference p-values from Python: min(1, 2 * sum(comb(n, i) for i in range(min(b, c) + 1)) / 2**n).
TEST(McNemarExactPTest, MatchesExactBinomialValues) {
  EXPECT_NEAR(McNemarExactP(10, 2), 0.03857421875, 1e-12);
  EXPECT_NEAR(McNemarExactP(2, 10), 0.03857421875, 1e-12);
  EXPECT_NEAR(McNemarExactP(0, 5), 0.0625, 1e-12);
  EXPECT_NEAR(McNemarExactP(0, 6), 0.03125, 1e-12);
  EXPECT_NEAR(McNemarExactP(1, 9), 0.021484375, 1e-12);
  EXPECT_NEAR(McNemarExactP(30, 15), 0.035697803555194696, 1e-10);
  EXPECT_NEAR(McNemarExactP(100, 70), 0.02584438758134169, 1e-10);
  EXPECT_EQ(McNemarExactP(3, 3), 1.0);
  EXPECT_EQ(McNemarExactP(0, 0), 1.0);
  EXPECT_THROW(McNemarExactP(-1, 2), InputError);
}

TEST(PairedBootstrapTest, IsDeterministicAndCoversTheMean) {
  std::vector<int> differences(100, 0);
  for (int i = 0; i < 20; ++i) differences[i] = 1;  // mean 0.2, standard error 0.04
  const BootstrapOptions options{.resamples = 4000, .seed = 7, .confidence = 0.95};
  const DiffInterval ci = PairedBootstrap(differences, options);
  EXPECT_EQ(PairedBootstrap(differences, options).low, ci.low);
  EXPECT_EQ(PairedBootstrap(differences, options).high, ci.high);
  // The normal approximation gives 0.2 -+ 1.96 * 0.04 = [0.122, 0.278].
  EXPECT_NEAR(ci.low, 0.122, 0.02);
  EXPECT_NEAR(ci.high, 0.278, 0.02);
  const DiffInterval narrower = PairedBootstrap(differences, {.resamples = 4000, .seed = 7, .confidence = 0.5});
  EXPECT_GT(narrower.low, ci.low);
  EXPECT_LT(narrower.high, ci.high);
  const DiffInterval constant = PairedBootstrap(std::vector<int>(10, -1), options);
  EXPECT_EQ(constant.low, -1.0);
  EXPECT_EQ(constant.high, -1.0);
  const DiffInterval empty = PairedBootstrap({}, options);
  EXPECT_EQ(empty.low, 0.0);
  EXPECT_EQ(empty.high, 0.0);
}

EpisodeOutcome Outcome(const std::string& split, int index, bool success) {
  return {"spatial/t/" + split + "/panda/" + std::to_string(index) + "/0", "spatial/" + split, success};
}

TEST(ComparePairedTest, PairsByKeyCountsDiscordantPairsAndListsUnpaired) {
  std::vector<EpisodeOutcome> baseline, candidate;
  // id: 12 pairs, baseline wins 10 of the discordant ones, candidate 2.
  for (int i = 0; i < 12; ++i) {
    baseline.push_back(Outcome("id", i, i < 10));
    candidate.push_back(Outcome("id", i, i >= 10));
  }
  // ood-position: 4 concordant successes; one episode in each run only.
  for (int i = 0; i < 4; ++i) {
    baseline.push_back(Outcome("ood-position", i, true));
    candidate.push_back(Outcome("ood-position", i, true));
  }
  baseline.push_back(Outcome("ood-position", 98, true));
  candidate.push_back(Outcome("ood-position", 99, false));

  const auto result = ComparePaired(baseline, candidate, {.resamples = 500, .seed = 1, .confidence = 0.95});
  ASSERT_EQ(result.groups.size(), 2u);
  const GroupComparison& id = result.groups[0];
  EXPECT_EQ(id.group, "spatial/id");
  EXPECT_EQ(id.paired, 12);
  EXPECT_EQ(id.baseline_only, 10);
  EXPECT_EQ(id.candidate_only, 2);
  EXPECT_NEAR(id.p_value, 0.03857421875, 1e-12);
  EXPECT_NEAR(id.diff(), 2.0 / 12 - 10.0 / 12, 1e-12);
  EXPECT_LE(id.diff_ci.low, id.diff());
  EXPECT_GE(id.diff_ci.high, id.diff());
  EXPECT_LT(id.diff_ci.high, 0.0);
  const GroupComparison& ood = result.groups[1];
  EXPECT_EQ(ood.paired, 4);
  EXPECT_EQ(ood.p_value, 1.0);
  EXPECT_EQ(ood.diff(), 0.0);
  EXPECT_EQ(result.overall.paired, 16);
  EXPECT_EQ(result.overall.baseline_successes, 14);
  EXPECT_EQ(result.overall.candidate_successes, 6);
  EXPECT_EQ(result.baseline_unpaired, std::vector<std::string>{"spatial/t/ood-position/panda/98/0"});
  EXPECT_EQ(result.candidate_unpaired, std::vector<std::string>{"spatial/t/ood-position/panda/99/0"});
}

TEST(JudgeTest, NeedsSignificanceAndALargeEnoughDrop) {
  GroupComparison g;
  g.paired = 12;
  g.baseline_successes = 10;
  g.candidate_successes = 2;
  g.p_value = 0.0386;
  EXPECT_EQ(Judge(g, {.alpha = 0.05, .min_drop = 0.05}), Verdict::kRegression);
  EXPECT_EQ(Judge(g, {.alpha = 0.01, .min_drop = 0.05}), Verdict::kNoChange);
  EXPECT_EQ(Judge(g, {.alpha = 0.05, .min_drop = 0.9}), Verdict::kNoChange);
  std::swap(g.baseline_successes, g.candidate_successes);
  EXPECT_EQ(Judge(g, {.alpha = 0.05, .min_drop = 0.05}), Verdict::kImprovement);
  g.paired = 20;
  g.baseline_successes = 10;
  g.candidate_successes = 9;  // a drop of exactly min_drop counts
  EXPECT_EQ(Judge(g, {.alpha = 0.05, .min_drop = 0.05}), Verdict::kRegression);
}

TEST(OutcomesFromLogTest, SkipsTheHeaderAndRejectsBadLines) {
  const std::vector<nlohmann::json> log = {
      {{"type", "header"}, {"key", "header"}},
      {{"suite", "spatial"}, {"task", "t"}, {"split", "id"}, {"embodiment", "panda"}, {"init_index", 3},
       {"seed", 5}, {"success_once", true}}};
  const auto outcomes = OutcomesFromLog(log, "run/episodes.jsonl");
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].key, "spatial/t/id/panda/3/5");
  EXPECT_EQ(outcomes[0].group, "spatial/id");
  EXPECT_TRUE(outcomes[0].success);
  EXPECT_THROW(OutcomesFromLog({log[1], log[1]}, "x"), InputError);
  nlohmann::json broken = log[1];
  broken.erase("seed");
  try {
    OutcomesFromLog({broken}, "run/episodes.jsonl");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("run/episodes.jsonl"), std::string::npos);
  }
}

}  // namespace
}  // namespace fb::eval
