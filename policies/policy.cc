#include "policies/policy.h"

namespace fb::policies {

envs::ObservationOptions Policy::observation_options() const {
  envs::ObservationOptions options;
  options.agentview = false;
  options.wrist = false;
  return options;
}

uint64_t EpisodeHash(const envs::EpisodeId& id) {
  uint64_t hash = 1469598103934665603ULL;
  for (const unsigned char c : id.ToString()) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace fb::policies
