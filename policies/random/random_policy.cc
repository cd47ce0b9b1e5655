#include "policies/random/random_policy.h"

#include "core/error.h"
#include "policies/registry.h"

namespace fb::policies {

RandomPolicy::RandomPolicy(RandomParams params) : Policy("random"), k_params_(params) {}

std::unique_ptr<Policy> RandomPolicy::Create(const config::Subtree& params) {
  return std::make_unique<RandomPolicy>(ResolvePolicyParams<RandomParams>(params));
}

void RandomPolicy::DoAttach(const envs::EnvSpec& spec, const envs::EpisodeState&) { k_action_dim_ = spec.action_dim(); }

void RandomPolicy::DoReset(const envs::EpisodeId& id) {
  if (k_action_dim_ == 0) throw InputError("random: Reset(" + id.ToString() + ") before Attach");
  k_rng_.seed(EpisodeHash(id) ^ (static_cast<uint64_t>(k_params_.seed) * 0x9E3779B97F4A7C15ULL));
}

ActionChunk RandomPolicy::DoAct(const envs::Observation&) {
  if (k_action_dim_ == 0) throw InputError("random: Act before Attach");
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  ActionChunk chunk;
  chunk.steps = k_params_.chunk;
  chunk.action_dim = k_action_dim_;
  chunk.actions.resize(static_cast<size_t>(chunk.steps) * static_cast<size_t>(k_action_dim_));
  for (double& a : chunk.actions) a = uniform(k_rng_);
  return chunk;
}

}  // namespace fb::policies
