#include "collect/expert_demo.h"

#include <algorithm>
#include <cmath>

#include "core/fnv1a.h"
#include "core/interrupt.h"
#include "core/split_mix64.h"
#include "envs/expert_chunk.h"

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

// Without noise the clean rollout from step t is the episode itself: its chunk is actions
// t..t+H-1, the last action repeated past the end (tested against AppendExpertChunk).
std::vector<float> ChunksOfActions(const std::vector<float>& actions, int action_dim, int horizon) {
  const auto dims = static_cast<size_t>(action_dim);
  const size_t steps = dims > 0 ? actions.size() / dims : 0;
  std::vector<float> out;
  out.reserve(steps * static_cast<size_t>(horizon) * dims);
  for (size_t t = 0; t < steps; ++t) {
    for (size_t k = 0; k < static_cast<size_t>(horizon); ++k) {
      const auto row = actions.begin() + static_cast<ptrdiff_t>(std::min(t + k, steps - 1) * dims);
      out.insert(out.end(), row, row + static_cast<ptrdiff_t>(dims));
    }
  }
  return out;
}

}  // namespace

DemoEpisode RecordExpertDemo(const envs::EnvSpec& spec, const envs::ScriptedExpert& expert, const envs::EpisodeId& id,
                             const DemoRecordOptions& options, envs::Renderer* renderer, envs::EpisodeState& state) {
  envs::Reset(spec, id, state);
  envs::ExpertState memory;
  expert.Reset(spec, state, memory);
  DemoEpisode demo = BeginDemo(spec, state, id, options, renderer);
  const bool noisy = options.action_noise > 0;
  envs::EpisodeState rollout;  // the clean expert's copy of the episode, for the chunks of a noisy one
  SplitMix64 noise(MixSeed(Fnv1a64("action_noise/" + id.ToString())));
  while (!state.done) {
    ThrowIfInterrupted();
    RecordObservation(spec, state, options, renderer, demo);
    if (noisy) envs::AppendExpertChunk(spec, expert, state, memory, options.chunk_horizon, rollout, demo.action_chunks);
    const std::vector<double> action = expert.Act(spec, state, memory);
    demo.actions.insert(demo.actions.end(), action.begin(), action.end());
    if (noisy) {
      const std::vector<double> executed = Perturbed(action, options.action_noise, noise);
      demo.executed_actions.insert(demo.executed_actions.end(), executed.begin(), executed.end());
      envs::Step(spec, executed, state);
    } else {
      envs::Step(spec, action, state);
    }
    RecordStepResult(state, demo);
  }
  if (!noisy) demo.action_chunks = ChunksOfActions(demo.actions, demo.action_dim, options.chunk_horizon);
  FinishDemo(state, demo);
  return demo;
}

}  // namespace fb::collect
