// The Markdown summary of `fasterbench compare`, fit for a CI log or a PR comment: the gate's
// verdict first, then one row per suite/split group and overall, then the unpaired episodes.
#pragma once

#include <string>

#include "eval/paired_comparison.h"

namespace fb::reports {

// What the gate could see at its sample size (eval/gate_power.h), for the overall group.
struct GatePower {
  double power_target = 0.8;
  double relative_drop = 0.5;    // the drop that must be seen, as a share of the baseline's rate
  double power_at_drop = 0;      // the gate's power against that drop at this n
  double detectable_drop = 0;    // the smallest drop (a rate) seen with power_target at this n
  int episodes_needed = 0;       // paired episodes that would give power_target; 0 = over 5000
  bool sufficient() const { return power_at_drop >= power_target; }
};
GatePower MeasureGatePower(const eval::GroupComparison& overall, const eval::GateThresholds& thresholds,
                           double power_target, double relative_drop);

struct ComparisonContext {
  std::string baseline;  // what was read, e.g. the run directory
  std::string candidate;
  std::string baseline_policy;
  std::string candidate_policy;
  eval::GateThresholds thresholds;
  eval::BootstrapOptions bootstrap;
  std::string gate;  // "overall" | "any_group"
  bool failed = false;
  GatePower power;
};

std::string ComparisonMarkdown(const eval::PairedComparison& comparison, const ComparisonContext& context);

}  // namespace fb::reports
