// `fasterbench eval`: one policy over a suite's tasks x splits x embodiments x init indices.
// Appends every episode to <out>/episodes.jsonl (a rerun resumes from it) and writes
// <out>/results.json and the resolved <out>/config.yaml. With --shard i/N, or under
// `mpirun -np N`, each process runs one shard into <out>/shard-i-of-N/ (see eval/shard.h);
// under mpirun rank 0 then merges them into <out>.
#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "apps/command.h"
#include "core/error.h"
#include "eval/eval_config.h"
#include "eval/eval_run.h"
#include "eval/merge.h"
#include "eval/mpi_world.h"
#include "eval/run_protocol.h"
#include "policies/registry.h"

namespace fb::apps {
namespace {

constexpr const char* kBuiltin = "eval.yaml";

struct EvalOptions {
  ConfigOptions config;
  std::string shard;  // "i/N"; empty = the whole run (or the MPI rank's shard)
};

void PrintSummary(const std::string& policy, const nlohmann::json& results, const std::string& dir) {
  const auto& overall = results["overall"];
  fmt::print("policy {}: {} episodes, success {:.1f}% [95% CI {:.1f}%, {:.1f}%]\n", policy,
             overall["episodes"].get<int>(), 100.0 * overall["success_rate"].get<double>(),
             100.0 * overall["success_ci95"][0].get<double>(), 100.0 * overall["success_ci95"][1].get<double>());
  for (const auto& [group, summary] : results["per_group"].items()) {
    fmt::print("  {:<24} {:>4}/{:<4} {:5.1f}%\n", group, summary["successes"].get<int>(),
               summary["episodes"].get<int>(), 100.0 * summary["success_rate"].get<double>());
  }
  fmt::print("results: {}/results.json, episodes: {}/episodes.jsonl\n", dir, dir);
}

// Runs `shard` of `config` into its directory and prints its summary.
void RunShard(const eval::EvalConfig& config, const eval::Shard& shard) {
  const std::string dir = shard.whole() ? config.out : eval::ShardDir(config.out, shard).string();
  eval::CheckResumable(config, dir, shard);  // before the snapshot overwrites the earlier run's
  const std::string hash = WriteConfigSnapshot(dir, config::Dump(config));
  spdlog::info("config {} -> {}{}", hash, dir, shard.whole() ? "" : " (shard " + shard.ToString() + ")");
  eval::EvalRunStats stats;
  const nlohmann::json results = eval::RunEvaluation(config, hash, dir, &stats, shard);
  if (stats.resumed > 0) spdlog::info("{} of {} episodes were resumed from the log", stats.resumed, stats.planned);
  PrintSummary(config.policy.name, results, dir);
}

// Under mpirun: rank r runs shard r/size, every rank reports its status, rank 0 merges.
int RunMpi(const eval::EvalConfig& config, eval::MpiWorld& world) {
  const eval::Shard shard{world.rank(), world.size()};
  int status = kExitOk;
  try {
    RunShard(config, shard);
  } catch (...) {
    status = StatusOfCurrentException();
  }
  const std::vector<int> statuses = world.GatherStatus(status);
  if (world.rank() != 0) return status;
  std::vector<std::string> failed;
  std::vector<std::filesystem::path> dirs;
  for (int r = 0; r < world.size(); ++r) {
    if (statuses[static_cast<size_t>(r)] != kExitOk) failed.push_back(fmt::format("rank {} (exit {})", r, statuses[static_cast<size_t>(r)]));
    dirs.push_back(eval::ShardDir(config.out, {r, world.size()}));
  }
  if (!failed.empty()) {
    spdlog::error("not merging: {} failed; rerun the same mpirun command to resume", fmt::join(failed, ", "));
    return *std::max_element(statuses.begin(), statuses.end());
  }
  const nlohmann::json results = eval::MergeShards(config.out, dirs, /*allow_partial=*/false);
  fmt::print("merged {} shards:\n", world.size());
  PrintSummary(config.policy.name, results, config.out);
  return kExitOk;
}

int RunEval(const EvalOptions& options) {
  auto config = LoadCommandConfig<eval::EvalConfig>(kBuiltin, options.config);
  if (!options.config.out.empty()) config.out = options.config.out;
  // The policy is built once before anything is written: a bad name, parameter or checkpoint
  // fails here and leaves --out untouched, and its protocol fills the run's defaults. Unknown
  // tasks, splits and embodiments, and episodes the policy cannot run, fail here too.
  const auto policy = policies::CreatePolicy(config.policy.name, config.policy.params);
  config = eval::ApplyPolicyProtocol(config, policy->protocol());
  policy->CheckEpisodes(eval::BuildEpisodeList(config));
  policy->Preflight();  // a remote policy's server must answer
  const auto world = eval::JoinMpiWorldIfLaunched();
  if (world && world->size() > 1) {
    if (!options.shard.empty()) throw InputError("--shard cannot be combined with mpirun: each rank takes shard rank/size");
    return RunMpi(config, *world);
  }
  RunShard(config, options.shard.empty() ? eval::Shard{} : eval::ParseShard(options.shard));
  return kExitOk;
}

}  // namespace

void RegisterEvalCommand(CLI::App& app, Dispatch& dispatch) {
  auto options = std::make_shared<EvalOptions>();
  auto* command = app.add_subcommand(
      "eval", "Evaluate a policy on a suite (tasks x splits x embodiments x init indices); resumable, shardable");
  AddConfigOptions(*command, options->config, kBuiltin, ConfigFlags{.seed = true, .workers = true, .out = true});
  command->add_option("--shard", options->shard,
                      "Run shard i of N (episodes at list positions p with p % N == i) into <out>/shard-i-of-N; "
                      "join them with `fasterbench merge`");
  command->callback([&dispatch, options] { dispatch.run = [options] { return RunEval(*options); }; });
}

}  // namespace fb::apps
