#include "bench/bench_chunks.h"

#include <map>
#include <mutex>
#include <tuple>

#include "core/data/chunker.h"
#include "core/data/synthetic_trajectories.h"

namespace fb::bench {

const ActionChunks& SyntheticChunks(int horizon, int dims, int episodes, const tokenizers::NormalizerConfig& normalizer) {
  static std::map<std::tuple<int, int, int, std::string, bool>, ActionChunks> cache;
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  auto& slot = cache[{horizon, dims, episodes, normalizer.kind, normalizer.clip}];
  if (slot.count == 0) {
    data::SyntheticOptions options;
    options.episodes = episodes;
    options.action_space = dims == 14 ? "bimanual_delta_eef" : "delta_eef";
    const auto dataset = data::GenerateSyntheticDataset(options);
    std::vector<const data::Episode*> pointers;
    std::vector<float> steps;
    for (const auto& e : dataset.episodes) {
      pointers.push_back(&e);
      steps.insert(steps.end(), e.actions.begin(), e.actions.end());
    }
    slot = data::MakeChunks(pointers, {horizon, 2, data::PadRule::kRepeatLast});
    tokenizers::Normalizer::Fit(normalizer, steps, dims).Normalize(slot.values);
  }
  return slot;
}

void EncodeDecodeLoop(benchmark::State& state, const tokenizers::ActionTokenizer& tokenizer,
                      const ActionChunks& chunks) {
  int64_t i = 0;
  for (auto _ : state) {
    const auto ids = tokenizer.Encode(chunks.chunk(i++ % chunks.count), chunks.horizon, chunks.dims);
    benchmark::DoNotOptimize(tokenizer.Decode(ids, chunks.horizon, chunks.dims));
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace fb::bench
