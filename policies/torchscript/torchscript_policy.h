// A policy from a TorchScript file, so a model trained elsewhere (e.g. in PyTorch) is
// evaluated unchanged. The module's forward must be
//
//   forward(agentview: Tensor, wrist: Tensor, proprio: Tensor, instruction: str) -> Tensor
//
// agentview and wrist: uint8 (1 x size x size x 3), rows top-first; proprio: float32 (1 x P),
// per arm the end-effector position, its axis-angle orientation, then the finger joints
// (policies/vla/proprio_features.h), unnormalized; returns float32 (steps x action_dim) of
// raw actions in the embodiment's action space. Torch-free header.
#pragma once

#include <memory>
#include <string>

#include "core/config/schema.h"
#include "policies/policy.h"

namespace fb::policies {

struct TorchScriptParams {
  std::string path;  // the .pt file (torch.jit.save)
  int image_size{};  // square images the module expects
  template <class V>
  void Describe(V& v) {
    v("path", path);
    v("image_size", image_size, config::Range{8, 1024});
  }
};

class TorchScriptPolicy final : public Policy {
 public:
  // Throws fb::InputError naming the file when it does not load or has no forward.
  explicit TorchScriptPolicy(const TorchScriptParams& params);
  ~TorchScriptPolicy() override;
  static std::unique_ptr<Policy> Create(const config::Subtree& params);
  envs::ObservationOptions observation_options() const override;

 private:
  struct Module;
  void DoAttach(const envs::EnvSpec& spec, const envs::EpisodeState& state) override;
  void DoReset(const envs::EpisodeId& id) override;
  ActionChunk DoAct(const envs::Observation& observation) override;

  TorchScriptParams k_params_;
  std::unique_ptr<Module> k_module_;
  int k_action_dim_ = 0;
};

}  // namespace fb::policies
