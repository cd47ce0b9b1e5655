#include "core/data/episode_split.h"

#include <algorithm>
#include <numeric>

#include "core/error.h"

namespace fb::data {
namespace {

uint64_t Mix(uint64_t x) {  // splitmix64 finalizer
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

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
  for (size_t i = 0; i < n; ++i) key[i] = Mix(Mix(static_cast<uint64_t>(seed)) ^ i);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key[a] < key[b]; });
  const size_t held = std::clamp<size_t>(static_cast<size_t>(heldout_fraction * static_cast<double>(n) + 0.5), 1, n - 1);
  std::vector<bool> is_test(n, false);
  for (size_t k = 0; k < held; ++k) is_test[order[k]] = true;
  for (size_t i = 0; i < n; ++i) (is_test[i] ? split.test : split.train).push_back(group.episodes[i]);
  return split;
}

}  // namespace fb::data
