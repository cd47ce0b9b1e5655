#include "core/data/action_dataset.h"

#include <cmath>

#include "core/error.h"

namespace fb::data {

std::string EpisodeGroup::label() const {
  return embodiment + "/" + action_space + "/" + std::to_string(dims) + "dims";
}

int64_t EpisodeGroup::total_steps() const {
  int64_t total = 0;
  for (const Episode* episode : episodes) total += episode->steps;
  return total;
}

std::vector<EpisodeGroup> GroupEpisodes(const ActionDataset& dataset) {
  std::vector<EpisodeGroup> groups;
  for (const Episode& episode : dataset.episodes) {
    EpisodeGroup* match = nullptr;
    for (EpisodeGroup& group : groups) {
      if (group.embodiment == episode.embodiment && group.action_space == episode.action_space &&
          group.dims == episode.dims) {
        match = &group;
        break;
      }
    }
    if (match == nullptr) match = &groups.emplace_back(EpisodeGroup{episode.embodiment, episode.action_space, episode.dims, {}});
    match->episodes.push_back(&episode);
  }
  return groups;
}

void ValidateEpisode(const Episode& episode) {
  const std::string where = "episode '" + episode.source + "'";
  if (episode.dims <= 0) throw InputError(where + ": action dims is " + std::to_string(episode.dims) + ", must be > 0");
  if (episode.steps < 0) throw InputError(where + ": steps is " + std::to_string(episode.steps) + ", must be >= 0");
  if (static_cast<int64_t>(episode.actions.size()) != episode.steps * episode.dims) {
    throw InputError(where + ": holds " + std::to_string(episode.actions.size()) + " action values but steps x dims = " +
                     std::to_string(episode.steps) + " x " + std::to_string(episode.dims));
  }
  for (size_t i = 0; i < episode.actions.size(); ++i) {
    if (std::isfinite(episode.actions[i])) continue;
    throw InputError(where + ": non-finite action " + std::to_string(episode.actions[i]) + " at step " +
                     std::to_string(i / static_cast<size_t>(episode.dims)) + ", dim " +
                     std::to_string(i % static_cast<size_t>(episode.dims)) + "; clean or drop the episode");
  }
}

}  // namespace fb::data
