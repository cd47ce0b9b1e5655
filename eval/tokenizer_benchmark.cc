#include "eval/tokenizer_benchmark.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include <spdlog/spdlog.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "core/data/chunker.h"
#include "core/data/episode_split.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "core/progress.h"
#include "core/version.h"
#include "eval/tokenizer_metrics.h"
#include "tokenizers/registry.h"
#include "tokenizers/tokenizer_package.h"

namespace fb::eval {
namespace {

using Clock = std::chrono::steady_clock;
using tokenizers::Decoded;
using tokenizers::TokenIds;
using tokenizers::TokenizerPackage;

// "<dataset>-<embodiment>-<action space>": names a group in logs, reports and directories.
std::string GroupName(const data::ActionDataset& dataset, const data::EpisodeGroup& group) {
  return dataset.name + "-" + group.embodiment + "-" + group.action_space;
}

std::vector<float> ConcatSteps(const std::vector<const data::Episode*>& episodes) {
  std::vector<float> steps;
  for (const auto* e : episodes) steps.insert(steps.end(), e->actions.begin(), e->actions.end());
  return steps;
}

// One normalized unit in raw units per dim: half the q01..q99 range of the training data.
std::vector<double> UnitScale(const std::vector<float>& train_steps, int dims) {
  const auto reference = tokenizers::Normalizer::Fit({"quantile", false}, train_steps, dims);
  std::vector<double> scale(static_cast<size_t>(dims));
  for (int d = 0; d < dims; ++d) {
    scale[static_cast<size_t>(d)] = std::max((reference.high()[d] - reference.low()[d]) / 2.0, 1e-6);
  }
  return scale;
}

TokenizerPackage BuildPackage(const TokenizerSpec& spec, const std::string& group_name, const data::EpisodeGroup& group,
                              const std::vector<float>& train_steps, const ActionChunks& train_chunks,
                              const tokenizers::FitOptions& fit_options) {
  if (!spec.path.empty()) {
    TokenizerPackage package = tokenizers::LoadPackage(spec.path);
    package.name = spec.name;
    return package;
  }
  TokenizerPackage package;
  package.name = spec.name;
  package.horizon = train_chunks.horizon;
  package.dims = group.dims;
  package.normalizer = tokenizers::Normalizer::Fit(spec.normalizer, train_steps, group.dims);
  ActionChunks normalized = train_chunks;
  package.normalizer.Normalize(normalized.values);
  auto tokenizer = tokenizers::FindTokenizer(spec.type).create(spec.params);
  const auto start = Clock::now();
  tokenizer->Fit(normalized, fit_options);
  spdlog::info("{} / {}: fitted on {} chunks in {:.1f}s", group_name, spec.name, normalized.count,
               std::chrono::duration<double>(Clock::now() - start).count());
  package.tokenizer = std::move(tokenizer);
  return package;
}

// Encode and decode throughput (chunks/s) over the first `limit` chunks, repeated until
// at least kMinTiming has passed so thread start-up does not dominate short runs.
constexpr double kMinTimingSeconds = 0.25;

nlohmann::json MeasureThroughput(const TokenizerPackage& package, const ActionChunks& normalized, int limit,
                                 int workers) {
  const int64_t n = std::min<int64_t>(limit, normalized.count);
  const int h = normalized.horizon, d = normalized.dims;
  std::vector<TokenIds> ids(static_cast<size_t>(n));
  tbb::task_arena arena(workers);
  auto time_loop = [&](bool parallel, auto&& body) {
    const auto start = Clock::now();
    int64_t done = 0;
    double elapsed = 0.0;
    do {
      if (parallel) {
        arena.execute([&] { tbb::parallel_for(int64_t{0}, n, [&](int64_t i) { body(i); }); });
      } else {
        for (int64_t i = 0; i < n; ++i) body(i);
      }
      done += n;
      elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < kMinTimingSeconds);
    return static_cast<double>(done) / elapsed;
  };
  auto encode = [&](int64_t i) { ids[static_cast<size_t>(i)] = package.tokenizer->Encode(normalized.chunk(i), h, d); };
  auto decode = [&](int64_t i) { (void)package.tokenizer->Decode(ids[static_cast<size_t>(i)], h, d); };
  nlohmann::json result;
  result["chunks"] = n;
  result["threads"] = workers;
  result["encode_chunks_per_s_1_thread"] = time_loop(false, encode);
  result["decode_chunks_per_s_1_thread"] = time_loop(false, decode);
  result["encode_chunks_per_s_all_threads"] = time_loop(true, encode);
  result["decode_chunks_per_s_all_threads"] = time_loop(true, decode);
  return result;
}

nlohmann::json EvaluatePackage(const TokenizerPackage& package, const ActionChunks& test_chunks,
                               const std::vector<double>& unit_scale, const TokenizerEvalConfig& config,
                               int workers, Progress& progress) {
  const int h = test_chunks.horizon, d = test_chunks.dims;
  if ((package.horizon != 0 && package.horizon != h) || (package.dims != 0 && package.dims != d)) {
    throw InputError("tokenizer '" + package.name + "' was fit on " + std::to_string(package.horizon) + "x" +
                     std::to_string(package.dims) + " chunks but the data gives " + std::to_string(h) + "x" +
                     std::to_string(d));
  }
  ActionChunks normalized = test_chunks;
  package.normalizer.Normalize(normalized.values);
  std::vector<TokenIds> ids(static_cast<size_t>(test_chunks.count));
  std::vector<Decoded> decoded(ids.size());
  tbb::task_arena(workers).execute([&] {
    tbb::parallel_for(int64_t{0}, test_chunks.count, [&](int64_t i) {
      if (InterruptRequested()) return;
      const auto k = static_cast<size_t>(i);
      ids[k] = package.tokenizer->Encode(normalized.chunk(i), h, d);
      decoded[k] = package.tokenizer->Decode(ids[k], h, d);
      package.normalizer.Denormalize(decoded[k].actions);
      progress.Advance();
    });
  });
  ThrowIfInterrupted();
  TokenizerMetrics metrics({h, d, package.tokenizer->vocab_size(), config.metrics.vrr_sigmas, unit_scale});
  for (size_t k = 0; k < ids.size(); ++k) {
    metrics.Add(test_chunks.chunk(static_cast<int64_t>(k)), decoded[k].actions, ids[k], decoded[k].failure);
  }
  nlohmann::json result = metrics.ToJson();
  if (auto codes = package.tokenizer->AnalyzeCodes(normalized); !codes.is_null()) result["codes"] = std::move(codes);
  result["throughput"] = MeasureThroughput(package, normalized, config.metrics.throughput_chunks, workers);
  return result;
}

}  // namespace

nlohmann::json RunTokenizerBenchmark(const TokenizerEvalConfig& config, const data::ActionDataset& dataset,
                                     const std::filesystem::path& out_dir, bool evaluate) {
  const int workers = config.workers > 0 ? config.workers : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const data::ChunkingOptions chunking{config.data.horizon, config.data.stride, data::ParsePadRule(config.data.pad)};
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& group : data::GroupEpisodes(dataset)) {
    const std::string name = GroupName(dataset, group);
    const auto split = data::SplitEpisodes(group, config.data.heldout_fraction, config.seed);
    const ActionChunks train_chunks = data::MakeChunks(split.train, chunking);
    const ActionChunks test_chunks = data::MakeChunks(split.test, chunking);
    const auto train_steps = ConcatSteps(split.train);
    const auto unit_scale = UnitScale(train_steps, group.dims);
    spdlog::info("{}: {} train episodes ({} chunks), {} held-out episodes ({} chunks)", name,
                 split.train.size(), train_chunks.count, split.test.size(), test_chunks.count);
    nlohmann::json group_result = {{"dataset", dataset.name},
                                   {"embodiment", group.embodiment},
                                   {"action_space", group.action_space},
                                   {"dims", group.dims},
                                   {"horizon", config.data.horizon},
                                   {"train_episodes", split.train.size()},
                                   {"test_episodes", split.test.size()},
                                   {"train_chunks", train_chunks.count},
                                   {"test_chunks", test_chunks.count},
                                   {"unit_scale", unit_scale},
                                   {"tokenizers", nlohmann::json::array()}};
    for (const auto& spec : config.tokenizers) {
      ThrowIfInterrupted();
      const std::filesystem::path package_dir = out_dir / "tokenizers" / name / spec.name;
      const tokenizers::FitOptions fit_options{out_dir / "work" / name / spec.name, static_cast<uint64_t>(config.seed)};
      const TokenizerPackage package = BuildPackage(spec, name, group, train_steps, train_chunks, fit_options);
      if (spec.path.empty()) {
        tokenizers::SavePackage(package_dir, package);
      }
      nlohmann::json entry = {{"name", spec.name},
                              {"type", package.tokenizer->type()},
                              {"vocab_size", package.tokenizer->vocab_size()},
                              {"normalizer", package.normalizer.kind() + (package.normalizer.clip() ? "+clip" : "")}};
      if (evaluate) {
        Progress progress(name + " / " + spec.name, test_chunks.count, "chunks");
        entry["metrics"] = EvaluatePackage(package, test_chunks, unit_scale, config, workers, progress);
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
