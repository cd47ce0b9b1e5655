#include "collect/expert_demo.h"

#include <algorithm>
#include <cmath>

#include "collect/expert_labeller.h"
#include "core/fnv1a.h"
#include "core/split_mix64.h"
#include "eval/episode_runner.h"
#include "policies/policy.h"

namespace fb::collect {
namespace {

// The action with Gaussian noise of `std` on each arm's translation and yaw (the dims the
// expert steers back; it holds roll and pitch at zero), clipped to the action bounds.
std::vector<double> Perturbed(std::vector<double> action, double std, SplitMix64& rng) {
  constexpr double kTwoPi = 6.28318530717958647692;
  for (size_t i = 0; i < action.size(); ++i) {
    const size_t dim = i % envs::kArmActionDim;
    if (dim > 2 && dim != 5) continue;
    const double radius = std::sqrt(-2.0 * std::log(1.0 - rng.Uniform(0.0, 1.0)));
    action[i] = std::clamp(action[i] + std * radius * std::cos(kTwoPi * rng.Uniform(0.0, 1.0)), -1.0, 1.0);
  }
  return action;
}

// The scripted expert driving the episode one action per call, with DART noise on what it
// executes when action_noise > 0 (a stream seeded by the episode identity).
class ExpertDriver final : public policies::Policy {
 public:
  ExpertDriver(const envs::ScriptedExpert& expert, double action_noise)
      : Policy("scripted_expert"), k_expert_(expert), k_action_noise_(action_noise) {}

 private:
  void DoAttach(const envs::EnvSpec& spec, const envs::EpisodeState& state) override {
    k_spec_ = &spec;
    k_state_ = &state;
  }
  void DoReset(const envs::EpisodeId& id) override {
    k_expert_.Reset(*k_spec_, *k_state_, k_memory_);
    k_noise_ = SplitMix64(MixSeed(Fnv1a64("action_noise/" + id.ToString())));
  }
  policies::ActionChunk DoAct(const envs::Observation&) override {
    policies::ActionChunk chunk;
    chunk.actions = k_expert_.Act(*k_spec_, *k_state_, k_memory_);
    if (k_action_noise_ > 0) chunk.actions = Perturbed(std::move(chunk.actions), k_action_noise_, k_noise_);
    chunk.steps = 1;
    chunk.action_dim = static_cast<int>(chunk.actions.size());
    return chunk;
  }

  const envs::ScriptedExpert& k_expert_;
  const double k_action_noise_;
  const envs::EnvSpec* k_spec_ = nullptr;
  const envs::EpisodeState* k_state_ = nullptr;
  envs::ExpertState k_memory_;
  SplitMix64 k_noise_;
};

}  // namespace

DemoEpisode RecordExpertDemo(const envs::EnvSpec& spec, const envs::ScriptedExpert& expert, const envs::EpisodeId& id,
                             const DemoRecordOptions& options, envs::Renderer* renderer, envs::EpisodeState& state) {
  const bool noisy = options.action_noise > 0;
  ExpertDriver driver(expert, options.action_noise);
  ExpertLabeller labeller(spec, expert, id, options, /*rollout=*/noisy, /*label_every=*/1, renderer);
  eval::EpisodeAids aids;
  aids.renderer = renderer;
  aids.observer = &labeller;
  eval::RunEpisode(spec, driver, id, state, eval::EpisodeRunOptions{.replan_interval = 1}, aids);
  return labeller.Finish(state, /*executed=*/noisy);
}

}  // namespace fb::collect
