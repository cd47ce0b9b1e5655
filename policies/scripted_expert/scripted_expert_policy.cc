#include "policies/scripted_expert/scripted_expert_policy.h"

#include "core/error.h"
#include "policies/registry.h"

namespace fb::policies {

ScriptedExpertPolicy::ScriptedExpertPolicy(ScriptedExpertParams params)
    : Policy("scripted_expert"), k_params_(params) {}

std::unique_ptr<Policy> ScriptedExpertPolicy::Create(const config::Subtree& params) {
  return std::make_unique<ScriptedExpertPolicy>(ResolvePolicyParams<ScriptedExpertParams>(params));
}

void ScriptedExpertPolicy::DoAttach(const envs::EnvSpec& spec, const envs::EpisodeState& state) {
  if (k_spec_ != &spec || !k_expert_) {
    envs::ExpertOptions options;
    options.hover = k_params_.hover;
    options.speed = k_params_.speed;
    options.fine_speed = k_params_.fine_speed;
    options.max_retries = k_params_.max_retries;
    k_expert_ = std::make_unique<envs::ScriptedExpert>(spec, options);
  }
  k_spec_ = &spec;
  k_state_ = &state;
}

void ScriptedExpertPolicy::DoReset(const envs::EpisodeId& id) {
  if (k_spec_ == nullptr) throw InputError("scripted_expert: Reset(" + id.ToString() + ") before Attach");
  k_expert_->Reset(*k_spec_, *k_state_, k_expert_state_);
}

ActionChunk ScriptedExpertPolicy::DoAct(const envs::Observation&) {
  if (k_spec_ == nullptr) throw InputError("scripted_expert: Act before Attach");
  ActionChunk chunk;
  chunk.actions = k_expert_->Act(*k_spec_, *k_state_, k_expert_state_);
  chunk.steps = 1;
  chunk.action_dim = static_cast<int>(chunk.actions.size());
  return chunk;
}

}  // namespace fb::policies
