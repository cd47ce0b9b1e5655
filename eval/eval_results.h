// Aggregation of episode records into results.json: per task (suite/split/task/embodiment)
// -> per group (suite/split) -> overall, the same keys at every level, plus the schema
// version and code identity.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/episode_runner.h"

namespace fb::eval {

inline constexpr int kResultsSchemaVersion = 1;

struct Interval {
  double low = 0;
  double high = 0;
};

// Wilson score interval for `successes` of `trials` at z = 1.959964 (95%); {0, 1} when
// trials == 0. Throws fb::InputError when successes > trials or either is negative.
Interval WilsonInterval(int successes, int trials, double z = 1.959963984540054);

// One level's summary: episodes, successes, success_rate, success_ci95 [low, high],
// success_at_end_rate, mean_steps, failures {reason: count}, act_calls, mean_latency_s.
nlohmann::json Summarize(const std::vector<const EpisodeRecord*>& records);

// The results document: {schema_version, kind, policy, per_task, per_group, overall} plus
// `header` (code identity, config hash) merged at the top. Keys sort, so it is
// deterministic for the same records in any order.
nlohmann::json Aggregate(const std::vector<EpisodeRecord>& records, const nlohmann::json& header);

}  // namespace fb::eval
