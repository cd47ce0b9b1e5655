// `fasterbench merge OUT SHARD_DIR...`: joins the shards of one evaluation run (from
// `fasterbench eval --shard i/N`) into OUT's episodes.jsonl and results.json.
#include <fmt/format.h>

#include "apps/command.h"
#include "eval/merge.h"

namespace fb::apps {
namespace {

struct MergeOptions {
  std::string out;
  std::vector<std::string> shards;
  bool allow_partial = false;
};

int RunMerge(const MergeOptions& options) {
  const std::vector<std::filesystem::path> dirs(options.shards.begin(), options.shards.end());
  eval::MergeStats stats;
  const nlohmann::json results = eval::MergeShards(options.out, dirs, options.allow_partial, &stats);
  const auto& overall = results["overall"];
  fmt::print("merged {} of {} episodes from {} shard directories: success {:.1f}% [95% CI {:.1f}%, {:.1f}%]\n",
             stats.merged, stats.episodes, dirs.size(), 100.0 * overall["success_rate"].get<double>(),
             100.0 * overall["success_ci95"][0].get<double>(), 100.0 * overall["success_ci95"][1].get<double>());
  fmt::print("results: {}/results.json, episodes: {}/episodes.jsonl\n", options.out, options.out);
  return kExitOk;
}

}  // namespace

void RegisterMergeCommand(CLI::App& app, Dispatch& dispatch) {
  auto options = std::make_shared<MergeOptions>();
  auto* command = app.add_subcommand(
      "merge", "Join the shard directories of one `eval --shard i/N` run into OUT (episodes.jsonl, results.json)");
  command->add_option("out", options->out, "Output directory of the merged run")->required();
  command->add_option("shards", options->shards, "Shard directories (<out>/shard-i-of-N)")->required()->check(CLI::ExistingDirectory);
  command->add_flag("--allow-partial", options->allow_partial,
                    "Merge even when episodes are missing (a shard not given or unfinished); results cover those found");
  command->callback([&dispatch, options] { dispatch.run = [options] { return RunMerge(*options); }; });
}

}  // namespace fb::apps
