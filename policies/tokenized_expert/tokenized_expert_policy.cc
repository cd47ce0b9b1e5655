#include "policies/tokenized_expert/tokenized_expert_policy.h"

#include <algorithm>

#include "core/error.h"
#include "envs/expert_chunk.h"
#include "policies/registry.h"

namespace fb::policies {

TokenizedExpertPolicy::TokenizedExpertPolicy(const TokenizedExpertParams& params)
    : Policy("tokenized_expert"), k_horizon_(params.horizon) {
  if (params.tokenizer.empty()) return;
  k_package_ = std::make_unique<tokenizers::TokenizerPackage>(tokenizers::LoadPackage(params.tokenizer));
  if (k_package_->horizon > 0 && k_package_->horizon != k_horizon_) {
    throw InputError("tokenized_expert: params.tokenizer '" + params.tokenizer + "' was fitted on chunks of " +
                     std::to_string(k_package_->horizon) + " steps but params.horizon is " +
                     std::to_string(k_horizon_));
  }
}

std::unique_ptr<Policy> TokenizedExpertPolicy::Create(const config::Subtree& params) {
  return std::make_unique<TokenizedExpertPolicy>(ResolvePolicyParams<TokenizedExpertParams>(params));
}

void TokenizedExpertPolicy::DoAttach(const envs::EnvSpec& spec, const envs::EpisodeState& state) {
  if (k_package_ && k_package_->dims > 0 && k_package_->dims != spec.action_dim()) {
    throw InputError("tokenized_expert: the tokenizer takes " + std::to_string(k_package_->dims) +
                     "-D actions but " + spec.embodiment().name() + " acts in " +
                     std::to_string(spec.action_dim()) + "-D");
  }
  if (k_spec_ != &spec || !k_expert_) k_expert_ = std::make_unique<envs::ScriptedExpert>(spec);
  k_spec_ = &spec;
  k_state_ = &state;
}

void TokenizedExpertPolicy::DoReset(const envs::EpisodeId& id) {
  if (k_spec_ == nullptr) throw InputError("tokenized_expert: Reset(" + id.ToString() + ") before Attach");
  k_expert_->Reset(*k_spec_, *k_state_, k_memory_);
  k_planned_memory_.clear();
  k_planned_at_ = k_state_->step;
}

ActionChunk TokenizedExpertPolicy::DoAct(const envs::Observation&) {
  if (k_spec_ == nullptr) throw InputError("tokenized_expert: Act before Attach");
  const int executed = k_state_->step - k_planned_at_;
  if (executed > 0 && !k_planned_memory_.empty()) {
    k_memory_ = k_planned_memory_[static_cast<size_t>(std::min<int>(executed, k_horizon_) - 1)];
  }
  // Plan: the clean expert's next horizon actions from a copy of the episode.
  const int dims = k_spec_->action_dim();
  std::vector<float> planned;
  envs::AppendExpertChunk(*k_spec_, *k_expert_, *k_state_, k_memory_, k_horizon_, k_scratch_, planned,
                          &k_planned_memory_);
  k_planned_at_ = k_state_->step;

  ActionChunk chunk;
  chunk.steps = k_horizon_;
  chunk.action_dim = dims;
  if (!k_package_) {
    chunk.actions.assign(planned.begin(), planned.end());
    return chunk;
  }
  const tokenizers::TokenIds ids = k_package_->EncodeRaw(planned, k_horizon_, dims);
  const tokenizers::Decoded decoded = k_package_->DecodeRaw(ids, k_horizon_, dims);
  chunk.metrics.tokens = static_cast<int64_t>(ids.size());
  if (decoded.failure != tokenizers::DecodeFailure::kNone) chunk.metrics.decode_failures = 1;
  chunk.actions.assign(decoded.actions.begin(), decoded.actions.end());
  return chunk;
}

}  // namespace fb::policies
