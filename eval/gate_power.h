// What a paired regression gate can see. The gate (paired_comparison.h: exact McNemar at alpha
// and a drop of at least min_drop) is judged against a candidate whose episodes succeed
// independently of the baseline's at a lower rate: with baseline rate p and candidate rate q,
// a pair is baseline-only with probability p(1 - q) and candidate-only with q(1 - p). The
// power is the exact probability, over those discordant counts, that the gate fails.
#pragma once

#include "eval/paired_comparison.h"

namespace fb::eval {

// Probability that the gate reports a regression on n paired episodes when the baseline
// succeeds at `baseline_rate` and the candidate at `candidate_rate` (both in [0, 1]).
// Throws fb::InputError for n < 1 or a rate outside [0, 1].
double RegressionPower(int n, double baseline_rate, double candidate_rate, const GateThresholds& thresholds);

// The smallest drop (a rate, in steps of 0.005) that the gate detects with at least `power`
// on n pairs at `baseline_rate`; a value above baseline_rate means that even a candidate that
// never succeeds is detected with less than `power`.
double MinimumDetectableDrop(int n, double baseline_rate, const GateThresholds& thresholds, double power);

// The fewest paired episodes (up to max_n) at which the gate detects a drop of the
// baseline's rate by the share `relative_drop` (0.5 = a halving) with at least `power`;
// 0 when even max_n is not enough.
int EpisodesToDetect(double baseline_rate, double relative_drop, const GateThresholds& thresholds, double power,
                     int max_n = 5000);

}  // namespace fb::eval
