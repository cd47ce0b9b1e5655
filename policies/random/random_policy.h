// A lower bound: actions drawn uniformly from [-1, 1] in every dimension, from a generator
// seeded by the episode identity (and `seed`), so an episode's actions do not depend on the
// episodes run before it or on the worker that runs it.
#pragma once

#include <cstdint>
#include <memory>
#include <random>

#include "core/config/schema.h"
#include "policies/policy.h"

namespace fb::policies {

struct RandomParams {
  int chunk = 8;     // actions per chunk
  int64_t seed = 0;  // mixed into the per-episode seed
  template <class V>
  void Describe(V& v) {
    v("chunk", chunk, config::Range{1, 1000}, config::Optional{});
    v("seed", seed, config::Optional{});
  }
};

class RandomPolicy final : public Policy {
 public:
  explicit RandomPolicy(RandomParams params);
  // Registry entry: params layered over RandomParams' defaults.
  static std::unique_ptr<Policy> Create(const config::Subtree& params);

 private:
  void DoAttach(const envs::EnvSpec& spec, const envs::EpisodeState& state) override;
  void DoReset(const envs::EpisodeId& id) override;
  ActionChunk DoAct(const envs::Observation& observation) override;

  RandomParams k_params_;
  int k_action_dim_ = 0;
  std::mt19937_64 k_rng_;
};

}  // namespace fb::policies
