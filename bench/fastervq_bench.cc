// FASTerVQ encode + decode latency of the default-sized model (configs/tokenizers/
// fastervq.yaml) on 20x7 synthetic chunks: one chunk at a time (target <= 1 ms) and one
// batch of 256 (target <= 20 ms). The model is fitted for a single (quantized) step: the
// weights do not change the cost, and a full fit takes minutes.
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

const tokenizers::FasterVqTokenizer& Tokenizer() {
  static std::once_flag once;
  static std::unique_ptr<tokenizers::FasterVqTokenizer> tokenizer;
  std::call_once(once, [] {
    ConfigureTorchRuntime(0);  // as the app does: all cores
    tokenizers::FasterVqConfig config{};
    config::Apply(config::LoadBuiltin("tokenizers/fastervq.yaml"), config, /*complete=*/true);
    config.steps = 1;
    config.vq_warmup_steps = 0;  // the one step must quantize, or the codebooks stay empty
    tokenizer = tokenizers::FasterVqTokenizer::FromConfig(config);
    tokenizer->Fit(Chunks());
  });
  return *tokenizer;
}

void BM_FasterVqEncodeDecodeOne(benchmark::State& state) {
  bench::EncodeDecodeLoop(state, Tokenizer(), Chunks());
}
BENCHMARK(BM_FasterVqEncodeDecodeOne)->Unit(benchmark::kMicrosecond);

void BM_FasterVqEncodeDecodeBatch256(benchmark::State& state) {
  const auto& tokenizer = Tokenizer();
  const auto& all = Chunks();
  ActionChunks batch = ActionChunks::Zeros(256, kHorizon, kDims);
  std::copy(all.values.begin(), all.values.begin() + static_cast<int64_t>(batch.values.size()), batch.values.begin());
  for (auto _ : state) {
    const auto ids = tokenizer.EncodeBatch(batch);
    benchmark::DoNotOptimize(tokenizer.DecodeBatch(ids, kHorizon, kDims));
  }
  state.SetItemsProcessed(state.iterations() * batch.count);
}
BENCHMARK(BM_FasterVqEncodeDecodeBatch256)->Unit(benchmark::kMillisecond);

}  // namespace
