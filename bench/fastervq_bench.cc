// FASTerVQ encode + decode latency of the default-sized model (configs/tokenizers/
// fastervq.yaml: 21 tokens, one per dim and level) on 20x7 synthetic chunks: one chunk at a
// time (target <= 1 ms) and one batch of 256 (target <= 20 ms); the same for the earlier
// 9-token layout (dim groups [[0,1,2],[3,4,5],[6]]) beside it. The model is fitted for a
// single (quantized) step: the weights do not change the cost, and a full fit takes minutes.
#include <benchmark/benchmark.h>

#include <memory>
#include <mutex>

#include "bench/bench_chunks.h"
#include "core/config/schema.h"
#include "core/torch_runtime.h"
#include "tokenizers/fastervq/fastervq_tokenizer.h"

namespace {

using namespace fb;

constexpr int kHorizon = 20;
constexpr int kDims = 7;

const ActionChunks& Chunks() { return bench::SyntheticChunks(kHorizon, kDims, 60, {"quantile", true}); }

// Default layout (grouped = false) or the 9-token physical grouping (grouped = true).
const tokenizers::FasterVqTokenizer& Tokenizer(bool grouped) {
  static std::once_flag once[2];
  static std::unique_ptr<tokenizers::FasterVqTokenizer> tokenizers[2];
  std::call_once(once[grouped], [grouped] {
    ConfigureTorchRuntime(0);  // as the app does: all cores
    tokenizers::FasterVqConfig config{};
    config::Apply(config::LoadBuiltin("tokenizers/fastervq.yaml"), config, /*complete=*/true);
    if (grouped) config.dim_groups = {{0, 1, 2}, {3, 4, 5}, {6}};
    config.steps = 1;
    config.vq_warmup_steps = 0;  // the one step must quantize, or the codebooks stay empty
    tokenizers[grouped] = tokenizers::FasterVqTokenizer::FromConfig(config);
    tokenizers[grouped]->Fit(Chunks());
  });
  return *tokenizers[grouped];
}

void BM_FasterVqEncodeDecodeOne(benchmark::State& state) {
  const auto& tokenizer = Tokenizer(state.range(0) == 9);
  bench::EncodeDecodeLoop(state, tokenizer, Chunks());
  state.counters["tokens/chunk"] = tokenizer.tokens_per_chunk();
}
BENCHMARK(BM_FasterVqEncodeDecodeOne)->Arg(21)->Arg(9)->ArgName("tokens")->Unit(benchmark::kMicrosecond);

void BM_FasterVqEncodeDecodeBatch256(benchmark::State& state) {
  const auto& tokenizer = Tokenizer(state.range(0) == 9);
  const auto& all = Chunks();
  ActionChunks batch = ActionChunks::Zeros(256, kHorizon, kDims);
  std::copy(all.values.begin(), all.values.begin() + static_cast<int64_t>(batch.values.size()), batch.values.begin());
  for (auto _ : state) {
    const auto ids = tokenizer.EncodeBatch(batch);
    benchmark::DoNotOptimize(tokenizer.DecodeBatch(ids, kHorizon, kDims));
  }
  state.SetItemsProcessed(state.iterations() * batch.count);
}
BENCHMARK(BM_FasterVqEncodeDecodeBatch256)->Arg(21)->Arg(9)->ArgName("tokens")->Unit(benchmark::kMillisecond);

}  // namespace
