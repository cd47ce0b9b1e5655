#include "eval/tokenizer_benchmark.h"

#include <spdlog/spdlog.h>

#include "core/interrupt.h"
#include "core/version.h"
#include "eval/tokenizer_evaluation.h"

namespace fb::eval {

nlohmann::json RunTokenizerBenchmark(const TokenizerEvalConfig& config, const data::ActionDataset& dataset,
                                     const std::filesystem::path& out_dir, bool evaluate) {
  const int workers = ResolveWorkers(config.workers);
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& group : data::GroupEpisodes(dataset)) {
    // "<dataset>-<embodiment>-<action space>" names the group in logs, reports and directories.
    const std::string name = dataset.name + "-" + group.embodiment + "-" + group.action_space;
    const SplitChunks chunks = PrepareChunks({&group}, config.data, config.seed);
    const auto unit_scale = UnitScale(chunks.train_steps, chunks.dims);
    spdlog::info("{}: {} train episodes ({} chunks), {} held-out episodes ({} chunks)", name, chunks.train_episodes,
                 chunks.train.count, chunks.test_episodes, chunks.test.count);
    nlohmann::json group_result = {{"dataset", dataset.name},
                                   {"embodiment", group.embodiment},
                                   {"action_space", group.action_space},
                                   {"dims", group.dims},
                                   {"horizon", config.data.horizon},
                                   {"train_episodes", chunks.train_episodes},
                                   {"test_episodes", chunks.test_episodes},
                                   {"train_chunks", chunks.train.count},
                                   {"test_chunks", chunks.test.count},
                                   {"unit_scale", unit_scale},
                                   {"tokenizers", nlohmann::json::array()}};
    for (const auto& spec : config.tokenizers) {
      ThrowIfInterrupted();
      const auto package_dir = out_dir / "tokenizers" / name / spec.name;
      const tokenizers::FitOptions fit_options{out_dir / "work" / name / spec.name, static_cast<uint64_t>(config.seed)};
      const auto package = FitPackage(spec, chunks, fit_options, name);
      if (spec.path.empty()) tokenizers::SavePackage(package_dir, package);
      nlohmann::json entry = {{"name", spec.name},
                              {"type", package.tokenizer->type()},
                              {"vocab_size", package.tokenizer->vocab_size()},
                              {"normalizer", package.normalizer.kind() + (package.normalizer.clip() ? "+clip" : "")}};
      if (evaluate) {
        entry["metrics"] = EvaluatePackage(package, package.normalizer, chunks.test, unit_scale, config.metrics, workers,
                                           name + " / " + spec.name, config.metrics.measure_throughput);
      }
      group_result["tokenizers"].push_back(std::move(entry));
    }
    groups.push_back(std::move(group_result));
  }
  return {{"schema", "fasterbench.tokenizer_eval"},
          {"schema_version", kTokenizerResultsSchemaVersion},
          {"fasterbench_version", kVersion},
          {"git_revision", kGitRevision},
          {"groups", groups}};
}

}  // namespace fb::eval
