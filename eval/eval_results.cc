#include "eval/eval_results.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "core/error.h"

namespace fb::eval {
namespace {

double Ratio(double numerator, double denominator) { return denominator > 0 ? numerator / denominator : 0.0; }

nlohmann::json Timing(const std::vector<double>& latencies, double policy_s, int64_t steps) {
  double total = 0;
  for (double l : latencies) total += l;
  const double calls = static_cast<double>(latencies.size());
  const double p95 = NearestRankPercentile(latencies, 95);
  // Executed actions per call is the chunk length as replanning uses it: a policy that
  // answers every call at its p95 latency sustains this many actions per second.
  return {{"latency_mean_s", Ratio(total, calls)},
          {"latency_p50_s", NearestRankPercentile(latencies, 50)},
          {"latency_p95_s", p95},
          {"latency_p99_s", NearestRankPercentile(latencies, 99)},
          {"policy_s", policy_s},
          {"control_rate_hz", Ratio(static_cast<double>(steps), policy_s)},
          {"control_rate_at_p95_hz", Ratio(Ratio(static_cast<double>(steps), calls), p95)}};
}

}  // namespace

Interval WilsonInterval(int successes, int trials, double z) {
  if (trials < 0 || successes < 0 || successes > trials) {
    throw InputError(fmt::format("Wilson interval needs 0 <= successes <= trials; got {} of {}", successes, trials));
  }
  if (trials == 0) return {0.0, 1.0};
  const double n = trials, p = successes / n, z2 = z * z;
  const double denominator = 1 + z2 / n;
  const double centre = (p + z2 / (2 * n)) / denominator;
  const double half = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

double NearestRankPercentile(std::vector<double> values, double p) {
  if (!(p >= 0 && p <= 100)) throw InputError(fmt::format("percentile must be in [0, 100]; got {}", p));
  if (values.empty()) return 0.0;
  const auto n = static_cast<double>(values.size());
  const auto rank = static_cast<size_t>(std::clamp(std::ceil(p / 100.0 * n), 1.0, n));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank - 1), values.end());
  return values[rank - 1];
}

nlohmann::json Summarize(const std::vector<const EpisodeRecord*>& records) {
  int successes = 0, at_end = 0;
  int64_t steps = 0, tokens = 0, forward_passes = 0, decode_failures = 0;
  double policy_s = 0;
  std::vector<double> latencies;
  std::map<std::string, int> failures;
  for (const EpisodeRecord* r : records) {
    successes += r->success_once ? 1 : 0;
    at_end += r->success_at_end ? 1 : 0;
    steps += r->steps;
    policy_s += r->policy_s;
    if (r->failure != EpisodeFailure::kNone) ++failures[EpisodeFailureName(r->failure)];
    for (const CallRecord& c : r->calls) {
      latencies.push_back(c.latency_s);
      tokens += c.metrics.tokens;
      forward_passes += c.metrics.forward_passes;
      decode_failures += c.metrics.decode_failures;
    }
  }
  const int n = static_cast<int>(records.size());
  const auto calls = static_cast<double>(latencies.size());
  const Interval ci = WilsonInterval(successes, n);
  return {{"episodes", n},
          {"successes", successes},
          {"success_rate", Ratio(successes, n)},
          {"success_ci95", {ci.low, ci.high}},
          {"success_at_end_rate", Ratio(at_end, n)},
          {"mean_steps", Ratio(static_cast<double>(steps), n)},
          {"failures", failures},
          {"act_calls", latencies.size()},
          {"mean_tokens_per_chunk", Ratio(static_cast<double>(tokens), calls)},
          {"mean_forward_passes_per_chunk", Ratio(static_cast<double>(forward_passes), calls)},
          {"decode_failures", decode_failures},
          {"timing", Timing(latencies, policy_s, steps)}};
}

nlohmann::json OodDrop(const std::vector<EpisodeRecord>& records) {
  using Cell = std::tuple<std::string, std::string, std::string>;  // suite, task, embodiment
  struct Count {
    int episodes = 0, successes = 0;
  };
  std::map<std::string, std::map<Cell, Count>> by_split;
  for (const EpisodeRecord& r : records) {
    Count& count = by_split[r.id.split][{r.id.suite, r.id.task, r.id.embodiment}];
    ++count.episodes;
    count.successes += r.success_once ? 1 : 0;
  }
  nlohmann::json drops = nlohmann::json::object();
  const auto id = by_split.find("id");
  if (id == by_split.end()) return drops;
  for (const auto& [split, cells] : by_split) {
    if (!split.starts_with("ood-")) continue;
    Count in_id, in_split;
    for (const auto& [cell, count] : cells) {
      const auto match = id->second.find(cell);
      if (match == id->second.end()) continue;
      in_id.episodes += match->second.episodes;
      in_id.successes += match->second.successes;
      in_split.episodes += count.episodes;
      in_split.successes += count.successes;
    }
    if (in_id.episodes == 0) continue;
    const double id_rate = Ratio(in_id.successes, in_id.episodes);
    const double split_rate = Ratio(in_split.successes, in_split.episodes);
    drops[split] = {{"id_rate", id_rate},
                    {"split_rate", split_rate},
                    {"drop", split_rate - id_rate},
                    {"id_episodes", in_id.episodes},
                    {"split_episodes", in_split.episodes}};
  }
  return drops;
}

nlohmann::json Aggregate(const std::vector<EpisodeRecord>& records, const nlohmann::json& header) {
  std::map<std::string, std::vector<const EpisodeRecord*>> by_task, by_group;
  std::vector<const EpisodeRecord*> all;
  for (const EpisodeRecord& r : records) {
    const std::string group = r.id.suite + "/" + r.id.split;
    by_task[group + "/" + r.id.task + "/" + r.id.embodiment].push_back(&r);
    by_group[group].push_back(&r);
    all.push_back(&r);
  }
  nlohmann::json results = header;
  // The name the policy reported labels the row: it names a variant the registered name
  // does not (e.g. "fast_ar (constrained)").
  if (!records.empty() && !records.front().policy.empty()) results["policy"] = records.front().policy;
  results["schema_version"] = kResultsSchemaVersion;
  results["kind"] = "fasterbench.eval.results";
  results["per_task"] = nlohmann::json::object();
  for (const auto& [key, list] : by_task) {
    nlohmann::json entry = Summarize(list);
    entry["suite"] = list.front()->id.suite;
    entry["split"] = list.front()->id.split;
    entry["task"] = list.front()->id.task;
    entry["embodiment"] = list.front()->id.embodiment;
    results["per_task"][key] = entry;
  }
  results["per_group"] = nlohmann::json::object();
  for (const auto& [key, list] : by_group) {
    nlohmann::json entry = Summarize(list);
    entry["suite"] = list.front()->id.suite;
    entry["split"] = list.front()->id.split;
    results["per_group"][key] = entry;
  }
  results["overall"] = Summarize(all);
  results["overall"]["ood_drop"] = OodDrop(records);
  return results;
}

}  // namespace fb::eval
