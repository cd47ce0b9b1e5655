// The learned VLA policies as harness policies: "fastervla", "fast_ar" and "binning_ar" are
// registered names for this one class, each loading a checkpoint of its own kind
// (params: configs/policies/vla.yaml). Per Act: encode the prefix once, generate the chunk's
// tokens block by block, detokenize and denormalize. Torch-free header.
#pragma once

#include <memory>
#include <string>

#include "core/config/schema.h"
#include "core/split_mix64.h"
#include "policies/policy.h"
#include "policies/vla/vla_config.h"

namespace fb::policies {

class VlaPolicy final : public Policy {
 public:
  // Loads params.checkpoint; throws fb::InputError when it is not a `kind` checkpoint.
  VlaPolicy(const std::string& kind, const VlaPolicyParams& params);
  ~VlaPolicy() override;

  // Registry entries.
  static std::unique_ptr<Policy> CreateFasterVla(const config::Subtree& params);
  static std::unique_ptr<Policy> CreateFastAr(const config::Subtree& params);
  static std::unique_ptr<Policy> CreateBinningAr(const config::Subtree& params);

  envs::ObservationOptions observation_options() const override;
  PolicyProtocol protocol() const override;

 private:
  struct Loaded;
  void DoAttach(const envs::EnvSpec& spec, const envs::EpisodeState& state) override;
  void DoReset(const envs::EpisodeId& id) override;
  ActionChunk DoAct(const envs::Observation& observation) override;

  std::unique_ptr<Loaded> k_loaded_;
  SplitMix64 k_rng_{0};
};

}  // namespace fb::policies
