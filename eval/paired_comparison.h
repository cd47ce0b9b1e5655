// Paired comparison of two evaluation runs of the same episodes: episodes pair by identity
// (suite/task/split/embodiment/init_index/seed), so both policies faced the same starts and
// only the discordant pairs carry information. The exact McNemar test asks whether the
// candidate's wins and losses could be a fair coin; a paired bootstrap bounds the
// success-rate difference. Per suite/split group and overall; unpaired episodes are listed
// and left out.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace fb::eval {

// One episode's outcome, all a comparison needs of an episode record.
struct EpisodeOutcome {
  std::string key;    // "suite/task/split/embodiment/init_index/seed"
  std::string group;  // "suite/split"
  bool success = false;
};

// The outcomes of the episode lines of an episodes.jsonl (its header line skipped), using
// success_once. Throws fb::InputError naming `source` and the field for a malformed line, or
// a key logged twice.
std::vector<EpisodeOutcome> OutcomesFromLog(const std::vector<nlohmann::json>& records, const std::string& source);

// Two-sided exact McNemar p-value for b and c discordant pairs: twice the binomial(b + c,
// 1/2) tail at min(b, c), capped at 1; 1 when b + c == 0. Throws fb::InputError when either
// is negative.
double McNemarExactP(int b, int c);

struct BootstrapOptions {
  int resamples = 10000;
  uint64_t seed = 0;
  double confidence = 0.95;
};

// Percentile bootstrap interval of mean(candidate - baseline) over pairs, resampling pairs
// with replacement. `differences` holds -1, 0 or +1 per pair. Deterministic for a given
// seed (its own generator, no library distributions); {0, 0} for no pairs.
struct DiffInterval {
  double low = 0;
  double high = 0;
};
DiffInterval PairedBootstrap(const std::vector<int>& differences, const BootstrapOptions& options);

struct GroupComparison {
  std::string group;  // "suite/split", or "overall"
  int paired = 0;
  int baseline_successes = 0;
  int candidate_successes = 0;
  int baseline_only = 0;   // b: baseline succeeded, candidate failed
  int candidate_only = 0;  // c: candidate succeeded, baseline failed
  double p_value = 1;      // exact McNemar on (b, c)
  DiffInterval diff_ci;    // candidate rate - baseline rate
  double baseline_rate() const { return paired ? static_cast<double>(baseline_successes) / paired : 0.0; }
  double candidate_rate() const { return paired ? static_cast<double>(candidate_successes) / paired : 0.0; }
  double diff() const { return candidate_rate() - baseline_rate(); }
};

struct PairedComparison {
  std::vector<GroupComparison> groups;  // by group name
  GroupComparison overall;
  std::vector<std::string> baseline_unpaired;  // keys only the baseline ran, sorted
  std::vector<std::string> candidate_unpaired;
};

// Pairs the outcomes by key and compares them per group and overall. Each group's bootstrap
// seeds from options.seed and the group name, so adding a group changes no other interval.
PairedComparison ComparePaired(const std::vector<EpisodeOutcome>& baseline,
                               const std::vector<EpisodeOutcome>& candidate, const BootstrapOptions& options);

// When a difference counts: a regression needs the candidate below the baseline with
// p < alpha and a drop of at least min_drop (a rate, 0.05 = 5 points); an improvement the
// mirror image.
struct GateThresholds {
  double alpha = 0.05;
  double min_drop = 0.05;
};
enum class Verdict { kNoChange, kRegression, kImprovement };
Verdict Judge(const GroupComparison& comparison, const GateThresholds& thresholds);
// "no significant change" | "REGRESSION" | "improvement".
std::string VerdictName(Verdict verdict);

}  // namespace fb::eval
