#include "eval/tokenizer_evaluation.h"

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
#include "eval/tokenizer_metrics.h"
#include "tokenizers/registry.h"

namespace fb::eval {
namespace {

using Clock = std::chrono::steady_clock;
using tokenizers::Decoded;
using tokenizers::TokenIds;
using tokenizers::TokenizerPackage;

void Append(ActionChunks& into, const ActionChunks& more) {
  if (into.count == 0) {
    into = more;
    return;
  }
  into.values.insert(into.values.end(), more.values.begin(), more.values.end());
  into.count += more.count;
}

// Copies chunks into `dims` columns, zero-filling the extra ones.
ActionChunks PadDims(const ActionChunks& chunks, int dims) {
  if (chunks.dims == dims) return chunks;
  ActionChunks padded = ActionChunks::Zeros(chunks.count, chunks.horizon, dims);
  for (int64_t r = 0; r < chunks.count * chunks.horizon; ++r) {
    std::copy_n(chunks.values.begin() + r * chunks.dims, chunks.dims, padded.values.begin() + r * dims);
  }
  return padded;
}

// Encode and decode throughput (chunks/s) over the first `limit` chunks, repeated until
// at least kMinTimingSeconds have passed so thread start-up does not dominate short runs.
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

}  // namespace

int ResolveWorkers(int workers) {
  return workers > 0 ? workers : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

SplitChunks PrepareChunks(const std::vector<const data::EpisodeGroup*>& groups, const data::ActionDataConfig& data,
                          int64_t seed) {
  const data::ChunkingOptions chunking{data.horizon, data.stride, data::ParsePadRule(data.pad)};
  SplitChunks out;
  for (const auto* group : groups) {
    if (out.dims != 0 && group->dims != out.dims) {
      throw InputError("cannot pool " + group->label() + " (" + std::to_string(group->dims) + " dims) with " +
                       std::to_string(out.dims) + "-D groups");
    }
    out.dims = group->dims;
    const auto split = data::SplitEpisodes(*group, data.heldout_fraction, seed);
    for (const auto* e : split.train) out.train_steps.insert(out.train_steps.end(), e->actions.begin(), e->actions.end());
    Append(out.train, data::MakeChunks(split.train, chunking));
    Append(out.test, data::MakeChunks(split.test, chunking));
    out.train_episodes += static_cast<int64_t>(split.train.size());
    out.test_episodes += static_cast<int64_t>(split.test.size());
  }
  if (out.train.count == 0 || out.test.count == 0) {
    throw InputError("no chunks to fit on or to evaluate (train " + std::to_string(out.train.count) + ", held-out " +
                     std::to_string(out.test.count) + "); need longer episodes or more of them");
  }
  return out;
}

std::vector<double> UnitScale(const std::vector<float>& steps, int dims) {
  const auto reference = tokenizers::Normalizer::Fit({"quantile", false}, steps, dims);
  std::vector<double> scale(static_cast<size_t>(dims));
  for (int d = 0; d < dims; ++d) {
    scale[static_cast<size_t>(d)] = std::max((reference.high()[d] - reference.low()[d]) / 2.0, 1e-6);
  }
  return scale;
}

TokenizerPackage FitPackage(const TokenizerSpec& spec, const SplitChunks& data, const tokenizers::FitOptions& options,
                            const std::string& label) {
  if (!spec.path.empty()) {
    TokenizerPackage package = tokenizers::LoadPackage(spec.path);
    package.name = spec.name;
    return package;
  }
  TokenizerPackage package;
  package.name = spec.name;
  package.horizon = data.train.horizon;
  package.dims = data.dims;
  package.normalizer = tokenizers::Normalizer::Fit(spec.normalizer.value(), data.train_steps, data.dims);
  ActionChunks normalized = data.train;
  package.normalizer.Normalize(normalized.values);
  auto tokenizer = tokenizers::FindTokenizer(spec.type).create(spec.params);
  const auto start = Clock::now();
  tokenizer->Fit(normalized, options);
  spdlog::info("{} / {}: fitted on {} chunks in {:.1f}s", label, spec.name, normalized.count,
               std::chrono::duration<double>(Clock::now() - start).count());
  package.tokenizer = std::move(tokenizer);
  return package;
}

nlohmann::json EvaluatePackage(const TokenizerPackage& package, const tokenizers::Normalizer& data_normalizer,
                               const ActionChunks& raw_test, const std::vector<double>& unit_scale,
                               const TokenizerMetricsConfig& metrics_config, int workers, const std::string& label,
                               bool throughput) {
  const int h = raw_test.horizon, d = raw_test.dims;
  const int tokenizer_dims = package.dims != 0 ? package.dims : d;
  if (d > tokenizer_dims) {
    throw InputError("tokenizer '" + package.name + "' takes " + std::to_string(tokenizer_dims) +
                     "-D actions; the data has " + std::to_string(d));
  }
  if (package.horizon != 0 && package.horizon != h) {
    throw InputError("tokenizer '" + package.name + "' was fit on horizon " + std::to_string(package.horizon) +
                     "; the data gives " + std::to_string(h));
  }
  ActionChunks normalized = raw_test;
  data_normalizer.Normalize(normalized.values);
  normalized = PadDims(normalized, tokenizer_dims);

  std::vector<TokenIds> ids(static_cast<size_t>(raw_test.count));
  std::vector<Decoded> decoded(ids.size());
  Progress progress(label, raw_test.count, "chunks");
  tbb::task_arena(workers).execute([&] {
    tbb::parallel_for(int64_t{0}, raw_test.count, [&](int64_t i) {
      if (InterruptRequested()) return;
      const auto k = static_cast<size_t>(i);
      ids[k] = package.tokenizer->Encode(normalized.chunk(i), h, tokenizer_dims);
      decoded[k] = package.tokenizer->Decode(ids[k], h, tokenizer_dims);
      // Back to the data's own dims and units.
      std::vector<float> actions(static_cast<size_t>(h * d));
      for (int t = 0; t < h; ++t) {
        std::copy_n(decoded[k].actions.begin() + t * tokenizer_dims, d, actions.begin() + t * d);
      }
      data_normalizer.Denormalize(actions);
      decoded[k].actions = std::move(actions);
      progress.Advance();
    });
  });
  ThrowIfInterrupted();
  progress.Finish();

  TokenizerMetrics metrics({h, d, package.tokenizer->vocab_size(), metrics_config.vrr_sigmas, unit_scale});
  for (size_t k = 0; k < ids.size(); ++k) {
    metrics.Add(raw_test.chunk(static_cast<int64_t>(k)), decoded[k].actions, ids[k], decoded[k].failure);
  }
  nlohmann::json result = metrics.ToJson();
  if (auto codes = package.tokenizer->AnalyzeCodes(normalized); !codes.is_null()) result["codes"] = std::move(codes);
  if (throughput) result["throughput"] = MeasureThroughput(package, normalized, metrics_config.throughput_chunks, workers);
  return result;
}

}  // namespace fb::eval
