// The Markdown summary of `fasterbench compare`, fit for a CI log or a PR comment: the gate's
// verdict first, then one row per suite/split group and overall, then the unpaired episodes.
#pragma once

#include <string>

#include "eval/paired_comparison.h"

namespace fb::reports {

struct ComparisonContext {
  std::string baseline;  // what was read, e.g. the run directory
  std::string candidate;
  std::string baseline_policy;
  std::string candidate_policy;
  eval::GateThresholds thresholds;
  eval::BootstrapOptions bootstrap;
  std::string gate;  // "overall" | "any_group"
  bool failed = false;
};

std::string ComparisonMarkdown(const eval::PairedComparison& comparison, const ComparisonContext& context);

}  // namespace fb::reports
