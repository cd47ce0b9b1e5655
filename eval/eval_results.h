// Aggregation of episode records into results.json: per task (suite/split/task/embodiment)
// -> per group (suite/split) -> overall, the same keys at every level, plus the schema
// version, code identity and, at the overall level, the ID -> OOD drop per split.
// docs/results-schema.md documents every field.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/episode_runner.h"

namespace fb::eval {

// 2: adds `timing` (latency percentiles, control rates), the per-chunk token and forward
// pass means, decode failures and the overall `ood_drop`.
inline constexpr int kResultsSchemaVersion = 2;

struct Interval {
  double low = 0;
  double high = 0;
};

// Wilson score interval for `successes` of `trials` at z = 1.959964 (95%); {0, 1} when
// trials == 0. Throws fb::InputError when successes > trials or either is negative.
Interval WilsonInterval(int successes, int trials, double z = 1.959963984540054);

// The nearest-rank percentile: the smallest value with at least p% of the values at or
// below it, i.e. sorted[ceil(p / 100 * n) - 1] (always one of the values, no
// interpolation); 0 for no values. `values` need not be sorted. Throws fb::InputError for
// p outside [0, 100].
double NearestRankPercentile(std::vector<double> values, double p);

// One level's summary: episodes, successes, success_rate, success_ci95 [low, high],
// success_at_end_rate, mean_steps, failures {reason: count}, act_calls,
// mean_tokens_per_chunk, mean_forward_passes_per_chunk, decode_failures, and `timing`
// {latency_mean_s, latency_p50_s, latency_p95_s, latency_p99_s, policy_s, control_rate_hz,
// control_rate_at_p95_hz}: everything measured in wall time sits under `timing`.
nlohmann::json Summarize(const std::vector<const EpisodeRecord*>& records);

// The ID -> OOD drop of every ood-* split present with `id`: {split: {id_rate, split_rate,
// drop, id_episodes, split_episodes}} with drop = split_rate - id_rate (negative when the
// policy does worse out of distribution). Both rates count only the (suite, task,
// embodiment) cells the run has in both splits, so a split run on fewer tasks is compared
// like for like. {} without id episodes.
nlohmann::json OodDrop(const std::vector<EpisodeRecord>& records);

// The results document: {schema_version, kind, policy, per_task, per_group, overall} plus
// `header` (code identity, config hash) merged at the top; overall also carries ood_drop.
// `policy` is the name the policy reported in its records (a variant such as
// "fast_ar (constrained)"), or the header's when there are none.
// Keys sort, so it is deterministic for the same records in any order.
nlohmann::json Aggregate(const std::vector<EpisodeRecord>& records, const nlohmann::json& header);

}  // namespace fb::eval
