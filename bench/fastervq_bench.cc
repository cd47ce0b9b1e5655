// FASTerVQ encode + decode latency of the default-sized model (configs/tokenizers/
// fastervq.yaml) on 20x7 synthetic chunks: one chunk at a time (target <= 1 ms) and one
// batch of 256 (target <= 20 ms). The model is fitted for a single step: the weights do
// not change the cost, and a full fit takes minutes.
#include <benchmark/benchmark.h>

#include <memory>
#include <mutex>

#include "core/config/schema.h"
#include "core/data/chunker.h"
#include "core/data/synthetic_trajectories.h"
#include "core/torch_runtime.h"
#include "tokenizers/fastervq/fastervq_tokenizer.h"
#include "tokenizers/normalizer.h"

namespace {

using namespace fb;

constexpr int kHorizon = 20;
constexpr int kDims = 7;

const ActionChunks& Chunks() {
  static const ActionChunks chunks = [] {
    data::SyntheticOptions options;
    options.episodes = 60;
    const auto dataset = data::GenerateSyntheticDataset(options);
    std::vector<const data::Episode*> episodes;
    std::vector<float> steps;
    for (const auto& e : dataset.episodes) {
      episodes.push_back(&e);
      steps.insert(steps.end(), e.actions.begin(), e.actions.end());
    }
    ActionChunks out = data::MakeChunks(episodes, {kHorizon, 2, data::PadRule::kRepeatLast});
    tokenizers::Normalizer::Fit({"quantile", true}, steps, kDims).Normalize(out.values);
    return out;
  }();
  return chunks;
}

const tokenizers::FasterVqTokenizer& Tokenizer() {
  static std::once_flag once;
  static std::unique_ptr<tokenizers::FasterVqTokenizer> tokenizer;
  std::call_once(once, [] {
    ConfigureTorchRuntime(0);  // as the app does: all cores
    tokenizers::FasterVqConfig config{};
    config::Apply(config::LoadBuiltin("tokenizers/fastervq.yaml"), config, /*complete=*/true);
    config.steps = 1;
    tokenizer = tokenizers::FasterVqTokenizer::FromConfig(config);
    tokenizer->Fit(Chunks());
  });
  return *tokenizer;
}

void BM_FasterVqEncodeDecodeOne(benchmark::State& state) {
  const auto& tokenizer = Tokenizer();
  const auto& chunks = Chunks();
  int64_t i = 0;
  for (auto _ : state) {
    const auto ids = tokenizer.Encode(chunks.chunk(i % chunks.count), kHorizon, kDims);
    benchmark::DoNotOptimize(tokenizer.Decode(ids, kHorizon, kDims));
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
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
