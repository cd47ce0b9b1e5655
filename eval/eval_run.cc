#include "eval/eval_run.h"

#include <algorithm>
#include <map>
#include <memory>
#include <thread>

#include <fmt/format.h>
#include <mujoco/mujoco.h>
#include <spdlog/spdlog.h>

#include "core/atomic_file.h"
#include "core/config/checks.h"
#include "core/error.h"
#include "core/progress.h"
#include "core/version.h"
#include "core/worker_pool.h"
#include "envs/splits.h"
#include "envs/task_spec.h"
#include "eval/episode_runner.h"
#include "eval/episode_video.h"
#include "eval/eval_results.h"
#include "eval/eval_worker.h"
#include "eval/run_log.h"

namespace fb::eval {
namespace {

std::string PolicyParamsText(const EvalConfig& config) {
  YAML::Emitter out;
  out << YAML::Flow << config.policy.params.Merged();
  return out.c_str();
}

int ResolveWorkers(int workers) {
  return workers > 0 ? workers : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

}  // namespace

std::vector<envs::EpisodeId> BuildEpisodeList(const EvalConfig& config) {
  const envs::SuiteConfig suite = envs::LoadSuite(config.suite);
  std::vector<std::string> tasks = config.tasks.empty() ? suite.tasks : config.tasks;
  for (const auto& task : tasks) {
    if (std::find(suite.tasks.begin(), suite.tasks.end(), task) == suite.tasks.end()) {
      throw InputError(fmt::format("eval config: suite '{}' has no task '{}'{} (tasks: {})", config.suite, task,
                                   config::DidYouMean(task, suite.tasks), fmt::join(suite.tasks, ", ")));
    }
  }
  const std::vector<std::string> embodiments = config.embodiments.empty() ? suite.embodiments : config.embodiments;
  for (const auto& embodiment : embodiments) {
    if (std::find(suite.embodiments.begin(), suite.embodiments.end(), embodiment) == suite.embodiments.end()) {
      throw InputError(fmt::format("eval config: suite '{}' does not run on '{}'{} (embodiments: {})", config.suite,
                                   embodiment, config::DidYouMean(embodiment, suite.embodiments),
                                   fmt::join(suite.embodiments, ", ")));
    }
  }
  const auto& known = envs::KnownSplits();
  for (const auto& split : config.splits) {
    if (std::find(known.begin(), known.end(), split) == known.end()) {
      throw InputError(fmt::format("eval config: unknown split '{}'{} (known: {})", split, config::DidYouMean(split, known),
                                   fmt::join(known, ", ")));
    }
  }
  // A split that names embodiments (ood-embodiment) runs only on those, and the others never
  // on them: an embodiment the run holds out is not in-distribution anywhere in it.
  const std::vector<std::string> held_out = HeldOutEmbodiments(config);
  std::map<std::string, std::vector<std::string>> split_embodiments;
  for (const auto& split : config.splits) {
    std::vector<std::string>& allowed = split_embodiments[split];
    const std::vector<std::string> only = envs::LoadSplit(split).embodiments;
    for (const auto& embodiment : embodiments) {
      const auto& listed = only.empty() ? held_out : only;
      const bool named = std::find(listed.begin(), listed.end(), embodiment) != listed.end();
      if (only.empty() != named) allowed.push_back(embodiment);
    }
    if (allowed.empty()) {
      spdlog::warn("split '{}' runs only on {}, which this run leaves out: it gets no episodes", split,
                   fmt::join(only, ", "));
    }
  }
  std::vector<envs::EpisodeId> episodes;
  for (const auto& task : suite.tasks) {  // suite order, whatever order the config gives
    if (std::find(tasks.begin(), tasks.end(), task) == tasks.end()) continue;
    for (const auto& embodiment : embodiments) {
      for (const auto& split : config.splits) {
        const auto& allowed = split_embodiments[split];
        if (std::find(allowed.begin(), allowed.end(), embodiment) == allowed.end()) continue;
        for (const int index : config.init_indices) {
          episodes.push_back({config.suite, task, split, embodiment, index,
                              static_cast<uint64_t>(config.seed) + static_cast<uint64_t>(index)});
        }
      }
    }
  }
  return episodes;
}

std::vector<std::string> HeldOutEmbodiments(const EvalConfig& config) {
  std::vector<std::string> held_out;
  for (const auto& split : config.splits) {
    for (const auto& embodiment : envs::LoadSplit(split).embodiments) {
      if (std::find(held_out.begin(), held_out.end(), embodiment) == held_out.end()) held_out.push_back(embodiment);
    }
  }
  return held_out;
}

std::string RunIdentityHash(const EvalConfig& config) {
  EvalConfig identity = config;
  identity.workers = 0;
  identity.out = "-";
  identity.videos = 0;
  return config::HashText(config::Dump(identity));
}

std::string EpisodeListHash(const std::vector<envs::EpisodeId>& episodes) {
  std::string keys;
  for (const auto& id : episodes) keys += id.ToString() + "\n";
  return config::HashText(keys);
}

nlohmann::json RunHeader(const EvalConfig& config, const std::string& config_hash) {
  nlohmann::json header = {{"fasterbench_version", kVersion},
                           {"git_revision", kGitRevision},
                           {"mujoco_version", mj_version()},
                           {"config_hash", config_hash},
                           {"run_hash", RunIdentityHash(config)},
                           {"policy", config.policy.name},
                           {"policy_params", PolicyParamsText(config)}};
  if (!config.not_applicable_splits.empty()) header["not_applicable_splits"] = config.not_applicable_splits;
  return header;
}

void CheckResumable(const EvalConfig& config, const std::filesystem::path& out, const Shard& shard) {
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
  if (first.value("shard", "0/1") != shard.ToString()) {
    throw InputError(fmt::format("{}: the log holds shard {}; this run is shard {}: choose a fresh out directory",
                                 (out / "episodes.jsonl").string(), first.value("shard", "0/1"), shard.ToString()));
  }
}

nlohmann::json RunEvaluation(const EvalConfig& config, const std::string& config_hash,
                             const std::filesystem::path& out, EvalRunStats* stats, const Shard& shard) {
  const std::vector<envs::EpisodeId> all = BuildEpisodeList(config);
  const std::vector<bool> filmed = SelectVideoEpisodes(all, config.videos);
  std::vector<size_t> mine;  // positions in `all` of this shard's episodes
  for (size_t p = 0; p < all.size(); ++p) {
    if (shard.Holds(p)) mine.push_back(p);
  }
  nlohmann::json header = RunHeader(config, config_hash);
  if (!shard.whole()) header["shard"] = shard.ToString();

  CheckResumable(config, out, shard);
  RunLog log(out / "episodes.jsonl");
  if (log.records().empty()) {
    nlohmann::json line = header;
    line["key"] = "header";
    line["type"] = "header";
    line["schema_version"] = kResultsSchemaVersion;
    line["shard"] = shard.ToString();
    line["episodes_total"] = all.size();
    line["episode_list_hash"] = EpisodeListHash(all);
    log.Append(line);
  }

  EvalRunStats local;
  local.planned = static_cast<int>(mine.size());
  std::vector<size_t> todo;
  for (const size_t p : mine) {
    if (log.Contains(all[p].ToString())) {
      ++local.resumed;
    } else {
      todo.push_back(p);
    }
  }
  if (local.resumed > 0) spdlog::info("resuming: {} of {} episodes already in {}", local.resumed, local.planned, log.path().string());

  {
    SpecCache specs;
    const int workers = ResolveWorkers(config.workers);
    Progress progress(fmt::format("eval {} x{}", config.policy.name, workers), static_cast<int64_t>(todo.size()),
                      "episodes");
    RunOnWorkers(
        static_cast<int>(todo.size()), workers,
        [&](int) { return std::make_unique<EvalWorker>(config, specs, out, RegistryPolicyMaker(config)); },
        [&](std::unique_ptr<EvalWorker>& worker, int item) {
          const size_t p = todo[static_cast<size_t>(item)];
          return worker->Run(all[p], filmed[p]);
        },
        [&](int, EpisodeRecord&& record) {
          nlohmann::json line = ToJson(record);
          line["type"] = "episode";
          log.Append(line);
          ++local.ran;
          spdlog::debug("{}: {} ({} steps{})", record.id.ToString(), record.success_once ? "success" : "failure",
                        record.steps,
                        record.failure == EpisodeFailure::kNone ? "" : ", " + EpisodeFailureName(record.failure));
          progress.Advance();
        });
    progress.Finish();
  }

  std::map<std::string, EpisodeRecord> logged;
  for (const auto& line : log.records()) {
    if (line.value("type", "") == "episode") logged.emplace(line["key"].get<std::string>(), EpisodeRecordFromJson(line));
  }
  std::vector<EpisodeRecord> records;
  for (const size_t p : mine) records.push_back(logged.at(all[p].ToString()));
  nlohmann::json results = Aggregate(records, header);
  WriteFileAtomic(out / "results.json", results.dump(2) + "\n");
  if (stats != nullptr) *stats = local;
  return results;
}

}  // namespace fb::eval
