// Encode/decode cost of binning and FAST on realistic chunks (synthetic trajectories,
// quantile-normalized) at H in {10, 20, 50}, D in {7, 14}, FAST's BPE training, and the
// cost of FAST constrained decoding (building the grammar; one step per generated token).
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <vector>

#include "bench/bench_chunks.h"
#include "tokenizers/binning/binning_tokenizer.h"
#include "tokenizers/fast/fast_tokenizer.h"

namespace {

using namespace fb;

const ActionChunks& Chunks(int horizon, int dims, int episodes = 400) {
  return bench::SyntheticChunks(horizon, dims, episodes, {"quantile", false});
}

const tokenizers::FastTokenizer& FittedFast(int horizon, int dims) {
  static std::map<std::pair<int, int>, std::unique_ptr<tokenizers::FastTokenizer>> cache;
  auto& slot = cache[{horizon, dims}];
  if (!slot) {
    slot = tokenizers::FastTokenizer::FromConfig({10.0, 1024, 2, false, true, "zeros"});
    slot->Fit(Chunks(horizon, dims));
  }
  return *slot;
}

void BM_BinningEncodeDecode(benchmark::State& state) {
  const int h = static_cast<int>(state.range(0)), d = static_cast<int>(state.range(1));
  bench::EncodeDecodeLoop(state, tokenizers::BinningTokenizer({"openvla", 256}), Chunks(h, d));
}

void BM_FastEncode(benchmark::State& state) {
  const int h = static_cast<int>(state.range(0)), d = static_cast<int>(state.range(1));
  const auto& chunks = Chunks(h, d);
  const auto& tokenizer = FittedFast(h, d);
  int64_t i = 0, tokens = 0;
  for (auto _ : state) {
    const auto ids = tokenizer.Encode(chunks.chunk(i++ % chunks.count), h, d);
    tokens += static_cast<int64_t>(ids.size());
    benchmark::DoNotOptimize(ids);
  }
  state.counters["tokens/chunk"] = static_cast<double>(tokens) / static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations());
}

void BM_FastEncodeDecode(benchmark::State& state) {
  const int h = static_cast<int>(state.range(0)), d = static_cast<int>(state.range(1));
  bench::EncodeDecodeLoop(state, FittedFast(h, d), Chunks(h, d));
}

void BM_FastTrainBpe10kChunks(benchmark::State& state) {
  const auto& all = Chunks(20, 7, 1200);
  ActionChunks chunks = ActionChunks::Zeros(10000, 20, 7);
  for (int64_t i = 0; i < chunks.count; ++i) {
    const auto src = all.chunk(i % all.count);
    std::copy(src.begin(), src.end(), chunks.chunk(i).begin());
  }
  for (auto _ : state) {
    auto tokenizer = tokenizers::FastTokenizer::FromConfig({10.0, 1024, 2, false, true, "zeros"});
    tokenizer->Fit(chunks);
    benchmark::DoNotOptimize(tokenizer->vocab_size());
  }
}

void BM_FastConstraintBuild(benchmark::State& state) {
  const auto& tokenizer = FittedFast(20, 7);
  for (auto _ : state) benchmark::DoNotOptimize(tokenizer.MakeDecodingConstraint(20, 7, 64));
}

// Allowed + Advance along the ids of real chunks: the per-token cost a policy adds.
void BM_FastConstraintStep(benchmark::State& state) {
  const auto& chunks = Chunks(20, 7);
  const auto& tokenizer = FittedFast(20, 7);
  const auto constraint = tokenizer.MakeDecodingConstraint(20, 7, 512);
  std::vector<int32_t> allowed;
  int64_t i = 0, tokens = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const auto ids = tokenizer.Encode(chunks.chunk(i++ % chunks.count), 20, 7);
    state.ResumeTiming();
    auto at = constraint->Start();
    for (int32_t id : ids) {
      constraint->Allowed(at, allowed);
      at = constraint->Advance(at, id);
    }
    benchmark::DoNotOptimize(constraint->EndAllowed(at));
    tokens += static_cast<int64_t>(ids.size());
  }
  state.SetItemsProcessed(tokens);  // items = tokens
}

void Shapes(benchmark::internal::Benchmark* b) {
  for (int h : {10, 20, 50}) {
    for (int d : {7, 14}) b->Args({h, d});
  }
  b->ArgNames({"H", "D"});
}

BENCHMARK(BM_BinningEncodeDecode)->Apply(Shapes);
BENCHMARK(BM_FastEncode)->Apply(Shapes);
BENCHMARK(BM_FastEncodeDecode)->Apply(Shapes)->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_FastTrainBpe10kChunks)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_FastConstraintBuild)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FastConstraintStep);

}  // namespace
