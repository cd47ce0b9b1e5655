// Shared fixtures of the FASTerVQ tests: a tiny config that trains in about a second and
// smooth, structured chunks (delta-EEF-like moves, a +-1 gripper) in [-1, 1].
#pragma once

#include <cmath>
#include <cstdint>

#include "core/action_chunks.h"
#include "tokenizers/fastervq/fastervq_config.h"
#include "core/split_mix64.h"

namespace fb::tokenizers::testing {

inline FasterVqConfig TinyConfig() {
  FasterVqConfig c;
  // The physical grouping, not the per-dim default: fewer positions keep the tests fast.
  c.dim_groups = {{0, 1, 2}, {3, 4, 5}, {6}};
  c.time_patch = 10;  // 20-step chunks: 2 time groups x 3 dim groups = 6 positions
  c.architecture = "hybrid";
  c.width = 32;
  c.heads = 2;
  c.layers = 1;
  c.conv_channels = 8;
  c.codebook_size = 32;
  c.code_dim = 8;
  c.levels = 3;
  c.commitment = 0.25;
  c.ema_decay = 0.9;
  c.dead_code_threshold = 0.1;
  c.dead_code_interval = 10;
  c.dct_loss_weight = 1.0;
  c.steps = 150;
  c.batch_size = 32;
  c.lr = 3e-3;
  c.weight_decay = 0.0;
  c.warmup_steps = 10;
  c.grad_clip = 1.0;
  c.checkpoint_every = 0;
  return c;
}

// `count` chunks (horizon x 7) shaped like delta-EEF moves: position and rotation
// follow one slow sinusoid profile along one of 8 directions with a random amplitude and
// one of 4 phases; the last dim is a +-1 gripper that may switch once.
inline ActionChunks SmoothChunks(int64_t count, uint64_t seed = 1, int horizon = 20) {
  static constexpr double kDirections[8][6] = {
      {1, 0, 0, 0, 0, 1},  {0, 1, 0, 0, 0, -1},  {0, 0, 1, 0, 0, 0},  {0.7, 0.7, 0, 0, 0, 0.5},
      {-1, 0, 0, 0, 0, 0}, {0, -0.7, -0.7, 0, 0, 0}, {0.5, -0.5, 0.7, 0, 0, -1}, {-0.7, 0.7, 0, 0, 0, 0.3}};
  ActionChunks chunks = ActionChunks::Zeros(count, horizon, 7);
  SplitMix64 rng(seed);
  auto uniform = [&rng] { return static_cast<double>(rng.Next() >> 11) * 0x1.0p-53; };
  for (int64_t i = 0; i < count; ++i) {
    auto chunk = chunks.chunk(i);
    const auto& direction = kDirections[rng.Below(8)];
    const double amplitude = 0.3 + 0.6 * uniform(), phase = 1.57 * static_cast<double>(rng.Below(4));
    const double switch_at = uniform() * 2.0 * horizon;
    const double grip = uniform() < 0.5 ? -1.0 : 1.0;
    for (int t = 0; t < horizon; ++t) {
      const double profile = amplitude * std::sin(phase + 6.28 * 0.04 * t);
      for (int d = 0; d < 6; ++d) chunk[static_cast<size_t>(t * 7 + d)] = static_cast<float>(direction[d] * profile);
      chunk[static_cast<size_t>(t * 7 + 6)] = static_cast<float>(t < switch_at ? grip : -grip);
    }
  }
  return chunks;
}

}  // namespace fb::tokenizers::testing
