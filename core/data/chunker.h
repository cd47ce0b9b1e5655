// Cuts episodes into fixed-horizon action chunks, the unit that tokenizers encode and
// policies emit, and records where each chunk came from.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/action_chunks.h"
#include "core/data/action_dataset.h"

namespace fb::data {

// What fills a chunk that runs past its episode's last step.
enum class PadRule {
  kRepeatLast,  // hold the last action (LeRobot / openpi)
  kZero,        // zeros
  kDrop,        // emit only chunks that fit entirely inside the episode
};

// "repeat_last", "zero", "drop" -> PadRule; throws fb::InputError quoting the value and the choices.
PadRule ParsePadRule(std::string_view name);
const char* PadRuleName(PadRule rule);

struct ChunkingOptions {
  int horizon = 0;  // steps per chunk
  int stride = 1;   // steps between chunk starts within an episode
  PadRule pad = PadRule::kRepeatLast;

  // Throws fb::InputError quoting the value when horizon < 1 or stride < 1.
  void Check() const;
};

// Where chunk i came from: episodes[episode] steps [start, start + valid_steps); the
// remaining horizon - valid_steps rows are padding.
struct ChunkOrigin {
  int64_t episode = 0;  // index into the episodes passed to MakeChunks
  int64_t start = 0;
  int valid_steps = 0;

  bool operator==(const ChunkOrigin&) const = default;
};

// Chunks start at steps 0, stride, 2*stride, ... of each episode, in episode order;
// with kDrop only starts with start + horizon <= steps. Every episode is validated
// first (ValidateEpisode) and all must share dims, else fb::InputError names the two
// episodes. An empty input gives zero chunks of dims 0. If `origins` is given it is
// replaced by one ChunkOrigin per chunk. Polls fb::ThrowIfInterrupted per episode.
ActionChunks MakeChunks(const std::vector<const Episode*>& episodes, const ChunkingOptions& options,
                        std::vector<ChunkOrigin>* origins = nullptr);

}  // namespace fb::data
