// `fasterbench collect`: scripted-expert demonstrations for a suite, one LIBERO-layout HDF5
// per (task, embodiment) in <out>; `fasterbench dagger`: the same with a learner driving and
// the expert labelling. Resumable (rerun the same command), Ctrl-C safe.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "apps/command.h"
#include "core/error.h"
#include "collect/collect_config.h"
#include "collect/demo_collection.h"

namespace fb::apps {
namespace {

int RunCollect(const std::string& builtin, const ConfigOptions& options) {
  auto config = LoadCommandConfig<collect::CollectConfig>(builtin, options);
  if (!options.out.empty()) config.out = options.out;
  if (builtin == "dagger.yaml" && config.learner.name.empty()) {
    throw InputError("dagger config: learner.name is empty; name the policy that drives, e.g. --set learner.name=fastervla "
                     "--set learner.params.checkpoint=runs/train/fastervla/policy");
  }
  const std::string hash = WriteConfigSnapshot(config.out, config::Dump(config));
  spdlog::info("config {} -> {}", hash, config.out);
  const collect::CollectStats stats = collect::CollectDemos(config);
  const double minutes = stats.seconds / 60;
  fmt::print("{} episodes ({} resumed, {} run with {} workers in {:.1f} s{})\n", stats.planned, stats.resumed,
             stats.ran, config.workers, stats.seconds,
             stats.ran > 0 && minutes > 0 ? fmt::format(", {:.1f} episodes/min", stats.ran / minutes) : "");
  if (config.learner.name.empty()) {
    fmt::print("kept {} demos, dropped {} failed episodes\n", stats.kept, stats.failed);
  } else {
    fmt::print("kept {} learner episodes with expert labels; the learner solved {} ({:.1f}%)\n", stats.kept,
               stats.solved, stats.kept > 0 ? 100.0 * stats.solved / stats.kept : 0.0);
  }
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
  AddConfigOptions(*command, *options, "collect.yaml", ConfigFlags{.seed = true, .workers = true, .out = true});
  command->callback([&dispatch, options] { dispatch.run = [options] { return RunCollect("collect.yaml", *options); }; });

  auto dagger_options = std::make_shared<ConfigOptions>();
  auto* dagger = app.add_subcommand(
      "dagger", "Roll out a learned policy and label every state it visits with the expert's clean chunks "
                "(demos to train on beside the originals); resumable");
  AddConfigOptions(*dagger, *dagger_options, "dagger.yaml", ConfigFlags{.seed = true, .workers = true, .out = true});
  dagger->callback([&dispatch, dagger_options] {
    dispatch.run = [dagger_options] { return RunCollect("dagger.yaml", *dagger_options); };
  });
}

}  // namespace fb::apps
