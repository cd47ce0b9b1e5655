#include "core/data/chunker.h"

#include <algorithm>
#include <string>

#include "core/error.h"
#include "core/interrupt.h"

namespace fb::data {

PadRule ParsePadRule(std::string_view name) {
  for (PadRule rule : {PadRule::kRepeatLast, PadRule::kZero, PadRule::kDrop}) {
    if (name == PadRuleName(rule)) return rule;
  }
  throw InputError("pad rule '" + std::string(name) + "' is unknown; choose repeat_last, zero or drop");
}

const char* PadRuleName(PadRule rule) {
  switch (rule) {
    case PadRule::kRepeatLast: return "repeat_last";
    case PadRule::kZero: return "zero";
    case PadRule::kDrop: return "drop";
  }
  return "?";
}

void ChunkingOptions::Check() const {
  if (horizon < 1) throw InputError("chunking horizon is " + std::to_string(horizon) + ", must be >= 1");
  if (stride < 1) throw InputError("chunking stride is " + std::to_string(stride) + ", must be >= 1");
}

ActionChunks MakeChunks(const std::vector<const Episode*>& episodes, const ChunkingOptions& options,
                        std::vector<ChunkOrigin>* origins) {
  options.Check();
  const int dims = episodes.empty() ? 0 : episodes.front()->dims;
  for (const Episode* episode : episodes) {
    ValidateEpisode(*episode);
    if (episode->dims != dims) {
      throw InputError("episodes '" + episodes.front()->source + "' (" + std::to_string(dims) + " dims) and '" +
                       episode->source + "' (" + std::to_string(episode->dims) +
                       " dims) cannot share a chunk batch; group them with GroupEpisodes");
    }
  }

  ActionChunks chunks{0, options.horizon, dims, {}};
  std::vector<ChunkOrigin> record;
  for (size_t e = 0; e < episodes.size(); ++e) {
    ThrowIfInterrupted();
    const Episode& episode = *episodes[e];
    const int64_t last_start = options.pad == PadRule::kDrop ? episode.steps - options.horizon : episode.steps - 1;
    for (int64_t start = 0; start <= last_start; start += options.stride) {
      const int valid = static_cast<int>(std::min<int64_t>(options.horizon, episode.steps - start));
      const auto first = episode.actions.begin() + start * dims;
      chunks.values.insert(chunks.values.end(), first, first + static_cast<int64_t>(valid) * dims);
      for (int t = valid; t < options.horizon; ++t) {
        if (options.pad == PadRule::kZero) {
          chunks.values.insert(chunks.values.end(), static_cast<size_t>(dims), 0.0f);
        } else {
          const std::span<const float> held = episode.step(episode.steps - 1);
          chunks.values.insert(chunks.values.end(), held.begin(), held.end());
        }
      }
      record.push_back({static_cast<int64_t>(e), start, valid});
      ++chunks.count;
    }
  }
  if (origins != nullptr) *origins = std::move(record);
  return chunks;
}

}  // namespace fb::data
