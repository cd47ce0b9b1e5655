// The oracle upper bound: envs' ScriptedExpert behind the policy interface. Privileged: it
// reads object poses from the attached EpisodeState, not from the observation. Delta-EEF,
// single-arm embodiments only (see envs/expert.h).
#pragma once

#include <memory>

#include "core/config/schema.h"
#include "envs/expert.h"
#include "policies/policy.h"

namespace fb::policies {

struct ScriptedExpertParams {
  double hover = 0.08;       // m above an object's or target's top while travelling
  double speed = 0.5;        // fraction of max_translation per step while travelling
  double fine_speed = 0.25;  // ... while descending and lowering
  int max_retries = 3;       // grasp attempts per plan step after the first
  template <class V>
  void Describe(V& v) {
    v("hover", hover, config::Range{0.0, 0.5}, config::Optional{});
    v("speed", speed, config::Range{0.01, 1.0}, config::Optional{});
    v("fine_speed", fine_speed, config::Range{0.01, 1.0}, config::Optional{});
    v("max_retries", max_retries, config::Range{0, 100}, config::Optional{});
  }
};

class ScriptedExpertPolicy final : public Policy {
 public:
  explicit ScriptedExpertPolicy(ScriptedExpertParams params);
  // Registry entry: params layered over ScriptedExpertParams' defaults.
  static std::unique_ptr<Policy> Create(const config::Subtree& params);

 private:
  void DoAttach(const envs::EnvSpec& spec, const envs::EpisodeState& state) override;
  void DoReset(const envs::EpisodeId& id) override;
  ActionChunk DoAct(const envs::Observation& observation) override;

  ScriptedExpertParams k_params_;
  const envs::EnvSpec* k_spec_ = nullptr;
  const envs::EpisodeState* k_state_ = nullptr;
  std::unique_ptr<envs::ScriptedExpert> k_expert_;  // built for k_spec_
  envs::ExpertState k_expert_state_;
};

}  // namespace fb::policies
