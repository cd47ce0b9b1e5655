// `fasterbench collect`: scripted-expert demonstrations for a suite, one LIBERO-layout HDF5
// per (task, embodiment) in <out>; resumable (rerun the same command), Ctrl-C safe.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "apps/command.h"
#include "core/error.h"
#include "envs/collect_config.h"
#include "envs/demo_collection.h"

namespace fb::apps {
namespace {

constexpr const char* kBuiltin = "collect.yaml";

int RunCollect(const ConfigOptions& options) {
  auto config = LoadCommandConfig<envs::CollectConfig>(kBuiltin, options);
  if (!options.out.empty()) config.out = options.out;
  const std::string hash = WriteConfigSnapshot(config.out, config::Dump(config));
  spdlog::info("config {} -> {}", hash, config.out);
  const envs::CollectStats stats = envs::CollectDemos(config);
  const double minutes = stats.seconds / 60;
  fmt::print("{} episodes ({} resumed, {} run with {} workers in {:.1f} s{})\n", stats.planned, stats.resumed,
             stats.ran, config.workers, stats.seconds,
             stats.ran > 0 && minutes > 0 ? fmt::format(", {:.1f} episodes/min", stats.ran / minutes) : "");
  fmt::print("kept {} demos, dropped {} failed episodes\n", stats.kept, stats.failed);
  for (const auto& [reason, count] : stats.failures) fmt::print("  {:<16} {}\n", reason, count);
  for (const auto& file : stats.files) fmt::print("wrote {}\n", file.string());
  fmt::print("summary: {}/collect_summary.json\n", config.out);
  return kExitOk;
}

}  // namespace

void RegisterCollectCommand(CLI::App& app, Dispatch& dispatch) {
  auto options = std::make_shared<ConfigOptions>();
  auto* command = app.add_subcommand(
      "collect", "Record scripted-expert demonstrations (LIBERO-layout HDF5 per task x embodiment); resumable");
  AddConfigOptions(*command, *options, kBuiltin, ConfigFlags{.seed = true, .workers = true, .out = true});
  command->callback([&dispatch, options] { dispatch.run = [options] { return RunCollect(*options); }; });
}

}  // namespace fb::apps
