#include "policies/zero/zero_policy.h"

#include "core/error.h"
#include "policies/registry.h"

namespace fb::policies {

ZeroPolicy::ZeroPolicy(ZeroParams params) : Policy("zero"), k_params_(params) {}

std::unique_ptr<Policy> ZeroPolicy::Create(const config::Subtree& params) {
  return std::make_unique<ZeroPolicy>(ResolvePolicyParams<ZeroParams>(params));
}

void ZeroPolicy::DoAttach(const envs::EnvSpec& spec, const envs::EpisodeState&) {
  k_action_dim_ = spec.action_dim();
  k_arms_ = spec.embodiment().num_arms();
  k_joint_space_ = spec.options().action_space != envs::ActionSpace::kDeltaEef;
}

void ZeroPolicy::DoReset(const envs::EpisodeId& id) {
  if (k_action_dim_ == 0) throw InputError("zero: Reset(" + id.ToString() + ") before Attach");
}

ActionChunk ZeroPolicy::DoAct(const envs::Observation& observation) {
  if (k_action_dim_ == 0) throw InputError("zero: Act before Attach");
  // One row: per arm `per_arm` values whose last is the gripper (-1 = open).
  const int per_arm = k_action_dim_ / k_arms_;
  std::vector<double> row(static_cast<size_t>(k_action_dim_), 0.0);
  size_t joint = 0;
  for (int arm = 0; arm < k_arms_; ++arm) {
    for (int k = 0; k + 1 < per_arm; ++k) {
      if (k_joint_space_ && joint < observation.proprio.joint_pos.size()) row[arm * per_arm + k] = observation.proprio.joint_pos[joint++];
    }
    row[static_cast<size_t>(arm * per_arm + per_arm - 1)] = -1.0;
  }
  ActionChunk chunk;
  chunk.steps = k_params_.chunk;
  chunk.action_dim = k_action_dim_;
  chunk.actions.reserve(static_cast<size_t>(chunk.steps * k_action_dim_));
  for (int s = 0; s < chunk.steps; ++s) chunk.actions.insert(chunk.actions.end(), row.begin(), row.end());
  return chunk;
}

}  // namespace fb::policies
