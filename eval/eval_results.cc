#include "eval/eval_results.h"

#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/error.h"

namespace fb::eval {

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

nlohmann::json Summarize(const std::vector<const EpisodeRecord*>& records) {
  int successes = 0, at_end = 0;
  int64_t steps = 0, calls = 0;
  double latency = 0;
  std::map<std::string, int> failures;
  for (const EpisodeRecord* r : records) {
    successes += r->success_once ? 1 : 0;
    at_end += r->success_at_end ? 1 : 0;
    steps += r->steps;
    if (r->failure != EpisodeFailure::kNone) ++failures[EpisodeFailureName(r->failure)];
    for (const CallRecord& c : r->calls) latency += c.latency_s;
    calls += static_cast<int64_t>(r->calls.size());
  }
  const int n = static_cast<int>(records.size());
  const Interval ci = WilsonInterval(successes, n);
  return {{"episodes", n},
          {"successes", successes},
          {"success_rate", n ? static_cast<double>(successes) / n : 0.0},
          {"success_ci95", {ci.low, ci.high}},
          {"success_at_end_rate", n ? static_cast<double>(at_end) / n : 0.0},
          {"mean_steps", n ? static_cast<double>(steps) / n : 0.0},
          {"failures", failures},
          {"act_calls", calls},
          {"mean_latency_s", calls ? latency / static_cast<double>(calls) : 0.0}};
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
  return results;
}

}  // namespace fb::eval
