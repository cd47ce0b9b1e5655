// `fasterbench eval`: one policy over a suite's tasks x splits x embodiments x init indices.
// Appends every episode to <out>/episodes.jsonl (a rerun resumes from it) and writes
// <out>/results.json and the resolved <out>/config.yaml.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "apps/command.h"
#include "core/error.h"
#include "eval/eval_config.h"
#include "eval/eval_run.h"

namespace fb::apps {
namespace {

constexpr const char* kBuiltin = "eval.yaml";

int RunEval(const ConfigOptions& options) {
  auto config = LoadCommandConfig<eval::EvalConfig>(kBuiltin, options);
  if (!options.out.empty()) config.out = options.out;
  eval::CheckResumable(config, config.out);  // before the snapshot overwrites the earlier run's
  const std::string hash = WriteConfigSnapshot(config.out, config::Dump(config));
  spdlog::info("config {} -> {}", hash, config.out);
  eval::EvalRunStats stats;
  const nlohmann::json results = eval::RunEvaluation(config, hash, config.out, &stats);
  const auto& overall = results["overall"];
  fmt::print("policy {}: {} episodes ({} resumed), success {:.1f}% [95% CI {:.1f}%, {:.1f}%]\n", config.policy.name,
             stats.planned, stats.resumed, 100.0 * overall["success_rate"].get<double>(),
             100.0 * overall["success_ci95"][0].get<double>(), 100.0 * overall["success_ci95"][1].get<double>());
  for (const auto& [group, summary] : results["per_group"].items()) {
    fmt::print("  {:<24} {:>4}/{:<4} {:5.1f}%\n", group, summary["successes"].get<int>(),
               summary["episodes"].get<int>(), 100.0 * summary["success_rate"].get<double>());
  }
  fmt::print("results: {}/results.json, episodes: {}/episodes.jsonl\n", config.out, config.out);
  return kExitOk;
}

}  // namespace

void RegisterEvalCommand(CLI::App& app, Dispatch& dispatch) {
  auto options = std::make_shared<ConfigOptions>();
  auto* command = app.add_subcommand(
      "eval", "Evaluate a policy on a suite (tasks x splits x embodiments x init indices); resumable");
  AddConfigOptions(*command, *options, kBuiltin, ConfigFlags{.seed = true, .workers = false, .out = true});
  command->callback([&dispatch, options] { dispatch.run = [options] { return RunEval(*options); }; });
}

}  // namespace fb::apps
