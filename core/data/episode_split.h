// Deterministic train / held-out split of a group's episodes: an episode's side is a hash
// of (seed, its index), so it never depends on order of loading or on thread count.
#pragma once

#include <cstdint>
#include <vector>

#include "core/data/action_dataset.h"

namespace fb::data {

struct EpisodeSplit {
  std::vector<const Episode*> train;
  std::vector<const Episode*> test;
};

// Holds out about `heldout_fraction` of the episodes (at least one each side when the
// group has two or more). Throws fb::InputError for a group of fewer than two episodes
// when heldout_fraction > 0. heldout_fraction == 0 evaluates on the training episodes.
EpisodeSplit SplitEpisodes(const EpisodeGroup& group, double heldout_fraction, int64_t seed);

}  // namespace fb::data
