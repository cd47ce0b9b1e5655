// What the tokenizer benchmarks share: normalized synthetic chunks and the timed
// encode-then-decode loop.
#pragma once

#include <benchmark/benchmark.h>

#include "core/action_chunks.h"
#include "tokenizers/action_tokenizer.h"
#include "tokenizers/normalizer.h"

namespace fb::bench {

// Chunks (horizon x dims, stride 2) of synthetic episodes (dims 14 = two arms), normalized
// with `normalizer` fitted on their steps; cached per arguments, thread-safe.
const ActionChunks& SyntheticChunks(int horizon, int dims, int episodes, const tokenizers::NormalizerConfig& normalizer);

// Times Encode then Decode of one chunk per iteration, cycling through `chunks`.
void EncodeDecodeLoop(benchmark::State& state, const tokenizers::ActionTokenizer& tokenizer,
                      const ActionChunks& chunks);

}  // namespace fb::bench
