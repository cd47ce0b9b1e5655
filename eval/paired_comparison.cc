#include "eval/paired_comparison.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.h"

namespace fb::eval {
namespace {

uint64_t Fnv1a64(const std::string& text) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char ch : text) hash = (hash ^ ch) * 1099511628211ull;
  return hash;
}

// Uniform in [0, n) by rejection: std::uniform_int_distribution differs between standard
// libraries, and the intervals must not.
uint64_t Below(std::mt19937_64& rng, uint64_t n) {
  const uint64_t limit = std::mt19937_64::max() - std::mt19937_64::max() % n;
  uint64_t draw;
  do draw = rng(); while (draw >= limit);
  return draw % n;
}

double SortedQuantile(const std::vector<double>& sorted, double q) {
  const auto n = static_cast<double>(sorted.size());
  return sorted[static_cast<size_t>(std::clamp(std::ceil(q * n), 1.0, n)) - 1];
}

struct Pair {
  bool baseline, candidate;
};

GroupComparison Compare(const std::string& name, const std::vector<Pair>& pairs, const BootstrapOptions& options) {
  GroupComparison g;
  g.group = name;
  g.paired = static_cast<int>(pairs.size());
  std::vector<int> differences;
  for (const Pair& p : pairs) {
    g.baseline_successes += p.baseline;
    g.candidate_successes += p.candidate;
    g.baseline_only += p.baseline && !p.candidate;
    g.candidate_only += p.candidate && !p.baseline;
    differences.push_back(static_cast<int>(p.candidate) - static_cast<int>(p.baseline));
  }
  g.p_value = McNemarExactP(g.baseline_only, g.candidate_only);
  BootstrapOptions seeded = options;
  seeded.seed = options.seed ^ Fnv1a64(name);
  g.diff_ci = PairedBootstrap(differences, seeded);
  return g;
}

}  // namespace

std::vector<EpisodeOutcome> OutcomesFromLog(const std::vector<nlohmann::json>& records, const std::string& source) {
  std::vector<EpisodeOutcome> outcomes;
  std::set<std::string> seen;
  for (size_t i = 0; i < records.size(); ++i) {
    const nlohmann::json& r = records[i];
    if (r.value("type", "") == "header") continue;
    EpisodeOutcome o;
    try {
      const std::string suite = r.at("suite").get<std::string>(), split = r.at("split").get<std::string>();
      o.key = fmt::format("{}/{}/{}/{}/{}/{}", suite, r.at("task").get<std::string>(), split,
                          r.at("embodiment").get<std::string>(), r.at("init_index").get<int>(),
                          r.at("seed").get<uint64_t>());
      o.group = suite + "/" + split;
      o.success = r.at("success_once").get<bool>();
    } catch (const nlohmann::json::exception& e) {
      throw InputError(fmt::format("{}: record {}: malformed episode: {}", source, i + 1, e.what()));
    }
    if (!seen.insert(o.key).second) throw InputError(fmt::format("{}: episode '{}' logged twice", source, o.key));
    outcomes.push_back(std::move(o));
  }
  return outcomes;
}

double McNemarExactP(int b, int c) {
  if (b < 0 || c < 0) throw InputError(fmt::format("McNemar needs non-negative counts; got b={} c={}", b, c));
  const int n = b + c, k = std::min(b, c);
  if (n == 0) return 1.0;
  // The binomial(n, 1/2) lower tail, term by term in log space (no overflow for large n).
  double tail = 0;
  for (int i = 0; i <= k; ++i) {
    tail += std::exp(std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(n - i + 1.0) - n * std::log(2.0));
  }
  return std::min(1.0, 2 * tail);
}

DiffInterval PairedBootstrap(const std::vector<int>& differences, const BootstrapOptions& options) {
  if (differences.empty() || options.resamples <= 0) return {};
  std::mt19937_64 rng(options.seed);
  const uint64_t n = differences.size();
  std::vector<double> means;
  means.reserve(static_cast<size_t>(options.resamples));
  for (int r = 0; r < options.resamples; ++r) {
    int64_t sum = 0;
    for (uint64_t i = 0; i < n; ++i) sum += differences[Below(rng, n)];
    means.push_back(static_cast<double>(sum) / static_cast<double>(n));
  }
  std::sort(means.begin(), means.end());
  const double tail = (1 - options.confidence) / 2;
  return {SortedQuantile(means, tail), SortedQuantile(means, 1 - tail)};
}

PairedComparison ComparePaired(const std::vector<EpisodeOutcome>& baseline,
                               const std::vector<EpisodeOutcome>& candidate, const BootstrapOptions& options) {
  std::map<std::string, const EpisodeOutcome*> by_key;
  for (const EpisodeOutcome& o : baseline) by_key[o.key] = &o;
  std::map<std::string, std::vector<Pair>> by_group;
  std::vector<Pair> all;
  PairedComparison result;
  std::set<std::string> matched;
  for (const EpisodeOutcome& o : candidate) {
    const auto found = by_key.find(o.key);
    if (found == by_key.end()) {
      result.candidate_unpaired.push_back(o.key);
      continue;
    }
    matched.insert(o.key);
    const Pair pair{found->second->success, o.success};
    by_group[o.group].push_back(pair);
    all.push_back(pair);
  }
  for (const auto& [key, outcome] : by_key) {
    if (!matched.count(key)) result.baseline_unpaired.push_back(key);
  }
  std::sort(result.candidate_unpaired.begin(), result.candidate_unpaired.end());
  for (const auto& [group, pairs] : by_group) result.groups.push_back(Compare(group, pairs, options));
  result.overall = Compare("overall", all, options);
  return result;
}

Verdict Judge(const GroupComparison& comparison, const GateThresholds& thresholds) {
  constexpr double kRateTolerance = 1e-12;  // a drop of exactly min_drop counts
  const double diff = comparison.diff();
  if (comparison.p_value >= thresholds.alpha || std::abs(diff) + kRateTolerance < thresholds.min_drop) {
    return Verdict::kNoChange;
  }
  return diff < 0 ? Verdict::kRegression : Verdict::kImprovement;
}

std::string VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kRegression:
      return "REGRESSION";
    case Verdict::kImprovement:
      return "improvement";
    case Verdict::kNoChange:
      break;
  }
  return "no significant change";
}

}  // namespace fb::eval
