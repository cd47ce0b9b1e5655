#include "policies/policy.h"

#include "core/fnv1a.h"

namespace fb::policies {

envs::ObservationOptions Policy::observation_options() const {
  envs::ObservationOptions options;
  options.agentview = false;
  options.wrist = false;
  return options;
}

uint64_t EpisodeHash(const envs::EpisodeId& id) { return Fnv1a64(id.ToString(), kEpisodeSeedBasis); }

}  // namespace fb::policies
