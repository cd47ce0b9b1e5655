#include "reports/comparison_markdown.h"

#include <algorithm>

#include <fmt/format.h>

#include "eval/gate_power.h"

namespace fb::reports {
namespace {

constexpr size_t kListedUnpaired = 10;  // a PR comment stays readable; the count says the rest

std::string Percent(double rate) { return fmt::format("{:.1f}%", 100 * rate); }

std::string Row(const eval::GroupComparison& g, const eval::GateThresholds& thresholds, bool bold) {
  const std::string name = bold ? "**" + g.group + "**" : g.group;
  return fmt::format("| {} | {} | {} | {} | {:+.1f} [{:+.1f}, {:+.1f}] | {} / {} | {:.4g} | {} |\n", name, g.paired,
                     Percent(g.baseline_rate()), Percent(g.candidate_rate()), 100 * g.diff(), 100 * g.diff_ci.low,
                     100 * g.diff_ci.high, g.baseline_only, g.candidate_only, g.p_value,
                     eval::VerdictName(eval::Judge(g, thresholds)));
}

std::string Unpaired(const std::string& side, const std::vector<std::string>& keys) {
  if (keys.empty()) return "";
  std::string text = fmt::format("- {} only: {} episode{}", side, keys.size(), keys.size() == 1 ? "" : "s");
  for (size_t i = 0; i < std::min(keys.size(), kListedUnpaired); ++i) text += (i ? ", `" : ": `") + keys[i] + "`";
  if (keys.size() > kListedUnpaired) text += ", ...";
  return text + "\n";
}

}  // namespace

GatePower MeasureGatePower(const eval::GroupComparison& overall, const eval::GateThresholds& thresholds,
                           double power_target, double relative_drop) {
  GatePower power{power_target, relative_drop};
  if (overall.paired == 0) return power;
  const double rate = overall.baseline_rate();
  power.power_at_drop = eval::RegressionPower(overall.paired, rate, rate * (1 - relative_drop), thresholds);
  power.detectable_drop = eval::MinimumDetectableDrop(overall.paired, rate, thresholds, power_target);
  power.episodes_needed = eval::EpisodesToDetect(rate, relative_drop, thresholds, power_target);
  return power;
}

std::string ComparisonMarkdown(const eval::PairedComparison& comparison, const ComparisonContext& context) {
  const GatePower& power = context.power;
  const std::string verdict = context.failed             ? "REGRESSION (gate failed)"
                              : power.sufficient()       ? "passed"
                                                         : "inconclusive (no regression found, too few episodes to rule one out)";
  std::string text = fmt::format("## fasterbench compare: {}\n\n", verdict);
  text += fmt::format("Baseline `{}` (policy `{}`) vs candidate `{}` (policy `{}`), {} paired episodes.\n\n",
                      context.baseline, context.baseline_policy, context.candidate, context.candidate_policy,
                      comparison.overall.paired);
  text +=
      "| group | paired | baseline | candidate | diff, points [CI] | b / c | McNemar p | verdict |\n"
      "|---|---:|---:|---:|---|---:|---:|---|\n";
  for (const auto& g : comparison.groups) text += Row(g, context.thresholds, false);
  text += Row(comparison.overall, context.thresholds, true);
  text += fmt::format(
      "\nb = pairs only the baseline solved, c = pairs only the candidate solved; p from the two-sided exact "
      "McNemar test on b and c; diff = candidate - baseline success rate with a {:g}% paired bootstrap interval "
      "({} resamples, seed {}). A regression is a drop of at least {:.1f} points with p < {:g}; the gate checks {}.\n",
      100 * context.bootstrap.confidence, context.bootstrap.resamples, context.bootstrap.seed,
      100 * context.thresholds.min_drop, context.thresholds.alpha,
      context.gate == "any_group" ? "every group and overall" : "overall");
  const double rate = comparison.overall.baseline_rate();
  text += fmt::format(
      "\nPower: at {} paired episodes and the baseline's {}, the gate detects a drop to {} ({:.0f}% of the baseline) "
      "with probability {:.2f}; the smallest drop it detects with {:.0f}% power is {}. ",
      comparison.overall.paired, Percent(rate), Percent(rate * (1 - power.relative_drop)),
      100 * (1 - power.relative_drop), power.power_at_drop, 100 * power.power_target,
      power.detectable_drop > rate ? "none (even a candidate that never succeeds is missed more often)"
                                   : fmt::format("{:.1f} points", 100 * power.detectable_drop));
  text += power.episodes_needed > 0
              ? fmt::format("{:.0f}% power against that drop takes {} paired episodes.\n", 100 * power.power_target,
                            power.episodes_needed)
              : fmt::format("No sample up to 5000 episodes reaches {:.0f}% power against that drop.\n",
                            100 * power.power_target);
  if (!comparison.baseline_unpaired.empty() || !comparison.candidate_unpaired.empty()) {
    text += "\nUnpaired episodes (left out of every number above):\n\n";
    text += Unpaired("baseline", comparison.baseline_unpaired) + Unpaired("candidate", comparison.candidate_unpaired);
  }
  return text;
}

}  // namespace fb::reports
