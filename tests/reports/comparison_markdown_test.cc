#include "reports/comparison_markdown.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fb::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

eval::EpisodeOutcome Outcome(const std::string& split, int index, bool success) {
  return {"spatial/t/" + split + "/panda/" + std::to_string(index) + "/0", "spatial/" + split, success};
}

TEST(ComparisonMarkdownTest, OneRowPerGroupWithRatesDiscordantPairsAndVerdicts) {
  std::vector<eval::EpisodeOutcome> baseline, candidate;
  for (int i = 0; i < 12; ++i) {
    baseline.push_back(Outcome("id", i, i < 10));
    candidate.push_back(Outcome("id", i, i >= 10));
  }
  baseline.push_back(Outcome("ood-visual", 0, true));
  candidate.push_back(Outcome("ood-visual", 0, true));
  candidate.push_back(Outcome("ood-visual", 7, true));
  const auto comparison = eval::ComparePaired(baseline, candidate, {.resamples = 200, .seed = 0, .confidence = 0.95});
  ComparisonContext context{"runs/base", "runs/cand", "scripted_expert", "random", {0.05, 0.05}, {200, 0, 0.95},
                            "overall", true, {}};
  const std::string md = ComparisonMarkdown(comparison, context);
  EXPECT_THAT(md, HasSubstr("## fasterbench compare: REGRESSION"));
  EXPECT_THAT(md, HasSubstr("Baseline `runs/base` (policy `scripted_expert`) vs candidate `runs/cand` (policy `random`)"));
  // spatial/id: 10/12 -> 2/12, b = 10, c = 2, p = 0.03857.
  EXPECT_THAT(md, HasSubstr("| spatial/id | 12 | 83.3% | 16.7% | -66.7 ["));
  EXPECT_THAT(md, HasSubstr("| 10 / 2 | 0.03857 | REGRESSION |"));
  EXPECT_THAT(md, HasSubstr("| spatial/ood-visual | 1 | 100.0% | 100.0% | +0.0 [+0.0, +0.0] | 0 / 0 | 1 | no significant change |"));
  EXPECT_THAT(md, HasSubstr("| **overall** | 13 |"));
  EXPECT_THAT(md, HasSubstr("- candidate only: 1 episode: `spatial/t/ood-visual/panda/7/0`"));
  EXPECT_THAT(md, Not(HasSubstr("- baseline only")));
  // Without a regression, "passed" needs the power to see a halving; 13 pairs at 85% lack it.
  context.failed = false;
  context.power = MeasureGatePower(comparison.overall, context.thresholds, 0.8, 0.5);
  EXPECT_LT(context.power.power_at_drop, 0.8);
  EXPECT_GT(context.power.episodes_needed, 13);
  const std::string unseen = ComparisonMarkdown(comparison, context);
  EXPECT_THAT(unseen, HasSubstr("## fasterbench compare: inconclusive"));
  EXPECT_THAT(unseen, HasSubstr(fmt::format("takes {} paired episodes", context.power.episodes_needed)));
  context.power.power_at_drop = 0.95;
  EXPECT_THAT(ComparisonMarkdown(comparison, context), HasSubstr("## fasterbench compare: passed"));
}

}  // namespace
}  // namespace fb::reports
