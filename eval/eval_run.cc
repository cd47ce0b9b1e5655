#include "eval/eval_run.h"

#include <algorithm>
#include <map>
#include <memory>

#include <fmt/format.h>
#include <mujoco/mujoco.h>
#include <spdlog/spdlog.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "core/progress.h"
#include "core/version.h"
#include "envs/task_spec.h"
#include "eval/episode_runner.h"
#include "eval/eval_results.h"
#include "eval/run_log.h"
#include "policies/registry.h"

namespace fb::eval {
namespace {

std::string PolicyParamsText(const EvalConfig& config) {
  YAML::Emitter out;
  out << YAML::Flow << config.policy.params.Merged();
  return out.c_str();
}

}  // namespace

std::vector<envs::EpisodeId> BuildEpisodeList(const EvalConfig& config) {
  const envs::SuiteConfig suite = envs::LoadSuite(config.suite);
  std::vector<std::string> tasks = config.tasks.empty() ? suite.tasks : config.tasks;
  for (const auto& task : tasks) {
    if (std::find(suite.tasks.begin(), suite.tasks.end(), task) == suite.tasks.end()) {
      throw InputError(fmt::format("eval config: suite '{}' has no task '{}' (tasks: {})", config.suite, task,
                                   fmt::join(suite.tasks, ", ")));
    }
  }
  const std::vector<std::string> embodiments = config.embodiments.empty() ? suite.embodiments : config.embodiments;
  for (const auto& embodiment : embodiments) {
    if (std::find(suite.embodiments.begin(), suite.embodiments.end(), embodiment) == suite.embodiments.end()) {
      throw InputError(fmt::format("eval config: suite '{}' does not run on '{}' (embodiments: {})", config.suite,
                                   embodiment, fmt::join(suite.embodiments, ", ")));
    }
  }
  const auto& known = envs::KnownSplits();
  for (const auto& split : config.splits) {
    if (std::find(known.begin(), known.end(), split) == known.end()) {
      throw InputError(fmt::format("eval config: unknown split '{}' (known: {})", split, fmt::join(known, ", ")));
    }
  }
  std::vector<envs::EpisodeId> episodes;
  for (const auto& task : suite.tasks) {  // suite order, whatever order the config gives
    if (std::find(tasks.begin(), tasks.end(), task) == tasks.end()) continue;
    for (const auto& embodiment : embodiments) {
      for (const auto& split : config.splits) {
        for (const int index : config.init_indices) {
          episodes.push_back({config.suite, task, split, embodiment, index,
                              static_cast<uint64_t>(config.seed) + static_cast<uint64_t>(index)});
        }
      }
    }
  }
  return episodes;
}

void CheckResumable(const EvalConfig& config, const std::filesystem::path& out) {
  const auto records = ReadRunLog(out / "episodes.jsonl");
  if (records.empty()) return;
  const auto& first = records.front();
  const std::string params = PolicyParamsText(config);
  if (first.value("policy", "") != config.policy.name || first.value("policy_params", "") != params) {
    throw InputError(fmt::format(
        "{}: the log holds a run of policy '{}' with params {}; this config asks for '{}' with params {}. Resuming "
        "needs the same policy and params: choose a fresh out directory",
        (out / "episodes.jsonl").string(), first.value("policy", "?"), first.value("policy_params", "?"),
        config.policy.name, params));
  }
}

nlohmann::json RunEvaluation(const EvalConfig& config, const std::string& config_hash,
                             const std::filesystem::path& out, EvalRunStats* stats) {
  const std::vector<envs::EpisodeId> episodes = BuildEpisodeList(config);
  auto policy = policies::CreatePolicy(config.policy.name, config.policy.params);
  const nlohmann::json header = {{"fasterbench_version", kVersion},
                                 {"git_revision", kGitRevision},
                                 {"mujoco_version", mj_version()},
                                 {"config_hash", config_hash},
                                 {"policy", config.policy.name},
                                 {"policy_params", PolicyParamsText(config)}};

  CheckResumable(config, out);
  RunLog log(out / "episodes.jsonl");
  if (log.records().empty()) {
    nlohmann::json line = header;
    line["key"] = "header";
    line["type"] = "header";
    line["schema_version"] = kResultsSchemaVersion;
    log.Append(line);
  }

  EvalRunStats local;
  local.planned = static_cast<int>(episodes.size());
  for (const auto& id : episodes) local.resumed += log.Contains(id.ToString()) ? 1 : 0;
  if (local.resumed > 0) spdlog::info("resuming: {} of {} episodes already in {}", local.resumed, local.planned, log.path().string());

  const EpisodeRunOptions options{config.replan_interval};
  std::map<std::string, std::unique_ptr<const envs::EnvSpec>> specs;  // by task/embodiment
  envs::EpisodeState state;
  {
    Progress progress("eval " + config.policy.name, local.planned - local.resumed, "episodes");
    int successes = 0;
    for (const auto& id : episodes) {
      if (log.Contains(id.ToString())) continue;
      ThrowIfInterrupted();
      auto& spec = specs[id.task + "/" + id.embodiment];
      if (!spec) spec = envs::EnvSpec::Create(id.suite, id.task, id.embodiment);
      const EpisodeRecord record = RunEpisode(*spec, *policy, id, state, options);
      nlohmann::json line = ToJson(record);
      line["type"] = "episode";
      log.Append(line);
      successes += record.success_once ? 1 : 0;
      ++local.ran;
      spdlog::debug("{}: {} ({} steps{})", id.ToString(), record.success_once ? "success" : "failure", record.steps,
                    record.failure == EpisodeFailure::kNone ? "" : ", " + EpisodeFailureName(record.failure));
      progress.Advance();
    }
    progress.Finish();
  }

  std::map<std::string, EpisodeRecord> logged;
  for (const auto& line : log.records()) {
    if (line.value("type", "") == "episode") logged.emplace(line["key"].get<std::string>(), EpisodeRecordFromJson(line));
  }
  std::vector<EpisodeRecord> records;
  for (const auto& id : episodes) records.push_back(logged.at(id.ToString()));
  nlohmann::json results = Aggregate(records, header);
  WriteFileAtomic(out / "results.json", results.dump(2) + "\n");
  if (stats != nullptr) *stats = local;
  return results;
}

}  // namespace fb::eval
