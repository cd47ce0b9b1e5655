// Action episodes as loaded from any source, and their grouping by robot and action
// space: only episodes of one group may share a chunk batch or a tokenizer fit.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace fb::data {

struct Episode {
  std::string embodiment;    // "panda", "widowx", ...; "unknown" when the source does not say
  std::string action_space;  // "delta_eef", "joint_position", "bimanual_delta_eef", ...
  int dims = 0;
  int64_t steps = 0;
  std::vector<float> actions;  // (steps x dims), row-major
  std::string source;          // where it came from, for messages: "<file>:data/demo_3"

  std::span<const float> step(int64_t t) const {
    return {actions.data() + t * dims, static_cast<size_t>(dims)};
  }
};

struct ActionDataset {
  std::string name;
  std::vector<Episode> episodes;
};

// Episodes that share (embodiment, action_space, dims), in dataset order.
struct EpisodeGroup {
  std::string embodiment;
  std::string action_space;
  int dims = 0;
  std::vector<const Episode*> episodes;  // point into the dataset grouped

  // "panda/delta_eef/7dims": names the group in logs and report keys.
  std::string label() const;
  int64_t total_steps() const;
};

// Splits `dataset` into groups, ordered by first appearance. The pointers stay valid
// while `dataset.episodes` is not modified. Never throws for well-formed episodes.
std::vector<EpisodeGroup> GroupEpisodes(const ActionDataset& dataset);

// Checks dims > 0, steps >= 0, actions.size() == steps * dims and that every value is
// finite. Throws fb::InputError naming episode.source and, for a bad value, its step,
// dim and value.
void ValidateEpisode(const Episode& episode);

}  // namespace fb::data
