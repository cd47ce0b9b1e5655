#include "core/data/episode_split.h"

#include <algorithm>
#include <numeric>

#include "core/error.h"
#include "core/split_mix64.h"

namespace fb::data {
EpisodeSplit SplitEpisodes(const EpisodeGroup& group, double heldout_fraction, int64_t seed) {
  EpisodeSplit split;
  const size_t n = group.episodes.size();
  if (heldout_fraction <= 0.0) {
    split.train = group.episodes;
    split.test = group.episodes;
    return split;
  }
  if (n < 2) {
    throw InputError("group " + group.label() + " has " + std::to_string(n) +
                     " episode(s); holding some out needs at least 2 (or set data.heldout_fraction: 0)");
  }
  // Rank episodes by a seeded hash of their index and hold out the lowest ranks.
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::vector<uint64_t> key(n);
  for (size_t i = 0; i < n; ++i) key[i] = MixSeed(MixSeed(static_cast<uint64_t>(seed)) ^ i);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key[a] < key[b]; });
  const size_t held = std::clamp<size_t>(static_cast<size_t>(heldout_fraction * static_cast<double>(n) + 0.5), 1, n - 1);
  std::vector<bool> is_test(n, false);
  for (size_t k = 0; k < held; ++k) is_test[order[k]] = true;
  for (size_t i = 0; i < n; ++i) (is_test[i] ? split.test : split.train).push_back(group.episodes[i]);
  return split;
}

}  // namespace fb::data
