// A do-nothing baseline: hold still with every gripper open. In delta-EEF space that is zero
// deltas and gripper -1; in joint-position space the current joint positions and gripper -1.
#pragma once

#include <memory>

#include "core/config/schema.h"
#include "policies/policy.h"

namespace fb::policies {

struct ZeroParams {
  int chunk = 8;  // actions per chunk
  template <class V>
  void Describe(V& v) {
    v("chunk", chunk, config::Range{1, 1000}, config::Optional{});
  }
};

class ZeroPolicy final : public Policy {
 public:
  explicit ZeroPolicy(ZeroParams params);
  // Registry entry: params layered over ZeroParams' defaults.
  static std::unique_ptr<Policy> Create(const config::Subtree& params);

 private:
  void DoAttach(const envs::EnvSpec& spec, const envs::EpisodeState& state) override;
  void DoReset(const envs::EpisodeId& id) override;
  ActionChunk DoAct(const envs::Observation& observation) override;

  ZeroParams k_params_;
  int k_action_dim_ = 0;
  int k_arms_ = 0;
  bool k_joint_space_ = false;
};

}  // namespace fb::policies
