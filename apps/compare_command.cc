// `fasterbench compare BASELINE CANDIDATE`: the regression gate. Pairs the episodes of two
// evaluation runs, prints a Markdown summary (also to --out FILE) and exits 1 when the
// candidate regressed significantly (thresholds: configs/compare.yaml), 0 otherwise.
#include <filesystem>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "apps/command.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "eval/paired_comparison.h"
#include "eval/run_log.h"
#include "reports/comparison_markdown.h"

namespace fb::apps {
namespace {

namespace fs = std::filesystem;

constexpr const char* kBuiltin = "compare.yaml";

struct CompareConfig {
  double alpha = 0.05;
  double min_drop = 0.05;
  std::string gate;
  double power = 0.8;
  double detect_relative_drop = 0.5;
  int bootstrap_resamples = 10000;
  double confidence = 0.95;
  int64_t seed = 0;
  template <class V>
  void Describe(V& v) {
    v("alpha", alpha, config::Range{0.0, 1.0});
    v("min_drop", min_drop, config::Range{0.0, 1.0});
    v("gate", gate, config::OneOf{"overall", "any_group"});
    v("power", power, config::Range{0.5, 0.999});
    v("detect_relative_drop", detect_relative_drop, config::Range{0.01, 1.0});
    v("bootstrap_resamples", bootstrap_resamples, config::Range{1, 10000000});
    v("confidence", confidence, config::Range{0.5, 0.9999});
    v("seed", seed, config::Range{int64_t{0}, int64_t{1} << 62});
  }
};

struct RunEpisodes {
  fs::path path;
  std::string policy;
  std::vector<eval::EpisodeOutcome> outcomes;
};

// A run directory, its results.json or its episodes.jsonl: the episode log either way.
fs::path EpisodesPath(const fs::path& given) {
  if (!fs::exists(given)) throw InputError(fmt::format("'{}' does not exist", given.string()));
  if (fs::is_directory(given)) return given / "episodes.jsonl";
  if (given.extension() == ".jsonl") return given;
  return given.parent_path() / "episodes.jsonl";
}

RunEpisodes ReadRun(const std::string& given) {
  RunEpisodes run;
  run.path = EpisodesPath(given);
  if (!fs::exists(run.path)) {
    throw InputError(fmt::format("'{}': no episode log '{}' (compare needs the episodes of a fasterbench eval run)",
                                 given, run.path.string()));
  }
  const auto records = eval::ReadRunLog(run.path);
  run.outcomes = eval::OutcomesFromLog(records, run.path.string());
  for (const auto& r : records) {
    if (r.contains("policy") && r["policy"].is_string()) {
      run.policy = r["policy"].get<std::string>();
      break;
    }
  }
  return run;
}

int RunCompare(const std::string& baseline_path, const std::string& candidate_path, const ConfigOptions& options,
               const std::string& out_file) {
  const auto config = LoadCommandConfig<CompareConfig>(kBuiltin, options);
  const RunEpisodes baseline = ReadRun(baseline_path), candidate = ReadRun(candidate_path);
  const eval::BootstrapOptions bootstrap{config.bootstrap_resamples, static_cast<uint64_t>(config.seed),
                                         config.confidence};
  const auto comparison = eval::ComparePaired(baseline.outcomes, candidate.outcomes, bootstrap);
  if (comparison.overall.paired == 0) {
    throw InputError(fmt::format("'{}' ({} episodes) and '{}' ({} episodes) share no episode to pair",
                                 baseline.path.string(), baseline.outcomes.size(), candidate.path.string(),
                                 candidate.outcomes.size()));
  }
  const eval::GateThresholds thresholds{config.alpha, config.min_drop};
  bool failed = eval::Judge(comparison.overall, thresholds) == eval::Verdict::kRegression;
  if (config.gate == "any_group") {
    for (const auto& g : comparison.groups) failed |= eval::Judge(g, thresholds) == eval::Verdict::kRegression;
  }
  const reports::GatePower power = reports::MeasureGatePower(comparison.overall, thresholds, config.power,
                                                              config.detect_relative_drop);
  const std::string markdown = reports::ComparisonMarkdown(
      comparison, {baseline_path, candidate_path, baseline.policy, candidate.policy, thresholds, bootstrap,
                   config.gate, failed, power});
  fmt::print("{}", markdown);
  if (!out_file.empty()) WriteFileAtomic(out_file, markdown);
  if (failed) spdlog::error("regression: the candidate is significantly worse than the baseline");
  if (!failed && !power.sufficient()) {
    spdlog::warn("inconclusive: {} paired episodes cannot detect a {:.0f}% drop of the baseline's success with {:.0f}% "
                 "power (it would take {}); no regression was found, none is ruled out",
                 comparison.overall.paired, 100 * config.detect_relative_drop, 100 * config.power,
                 power.episodes_needed > 0 ? std::to_string(power.episodes_needed) + " episodes" : "more than 5000");
  }
  return failed ? kExitCheckFailed : kExitOk;
}

}  // namespace

void RegisterCompareCommand(CLI::App& app, Dispatch& dispatch) {
  struct Args {
    std::string baseline, candidate, out;
    ConfigOptions options;
  };
  auto args = std::make_shared<Args>();
  auto* command = app.add_subcommand(
      "compare",
      "Regression gate: pair two eval runs' episodes; exit 1 when the candidate is significantly worse");
  command->add_option("BASELINE", args->baseline, "Baseline run directory, results.json or episodes.jsonl")
      ->required();
  command->add_option("CANDIDATE", args->candidate, "Candidate run directory, results.json or episodes.jsonl")
      ->required();
  command->add_option("--out", args->out, "Also write the Markdown summary to this file");
  AddConfigOptions(*command, args->options, kBuiltin, ConfigFlags{.seed = true, .workers = false, .out = false});
  command->callback([&dispatch, args] {
    dispatch.run = [args] { return RunCompare(args->baseline, args->candidate, args->options, args->out); };
  });
}

}  // namespace fb::apps
