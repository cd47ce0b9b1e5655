#include "collect/expert_labeller.h"

#include <algorithm>

#include "core/interrupt.h"
#include "envs/expert_chunk.h"

namespace fb::collect {
namespace {

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

ExpertLabeller::ExpertLabeller(const envs::EnvSpec& spec, const envs::ScriptedExpert& expert,
                               const envs::EpisodeId& id, const DemoRecordOptions& options, bool rollout,
                               int label_every, envs::Renderer* renderer)
    : k_spec_(spec),
      k_expert_(expert),
      k_id_(id),
      k_options_(options),
      k_rollout_(rollout),
      k_label_every_(label_every),
      k_renderer_(renderer) {}

void ExpertLabeller::BeforeStep(envs::EpisodeState& state, std::span<const double> action) {
  ThrowIfInterrupted();
  if (!k_started_) {  // the first step starts from the state RunEpisode just reset
    k_expert_.Reset(k_spec_, state, k_memory_);
    k_demo_ = BeginDemo(k_spec_, state, k_id_, k_options_, k_renderer_);
    k_started_ = true;
  }
  k_recording_ = state.step % k_label_every_ == 0;
  if (!k_recording_) {
    k_expert_.Act(k_spec_, state, k_memory_);  // the expert watches every step
    return;
  }
  RecordObservation(k_spec_, state, k_options_, k_renderer_, k_demo_);
  if (k_rollout_) {
    envs::AppendExpertChunk(k_spec_, k_expert_, state, k_memory_, k_options_.chunk_horizon, k_scratch_,
                            k_demo_.action_chunks);
  }
  const std::vector<double> label = k_expert_.Act(k_spec_, state, k_memory_);
  k_demo_.actions.insert(k_demo_.actions.end(), label.begin(), label.end());
  k_demo_.executed_actions.insert(k_demo_.executed_actions.end(), action.begin(), action.end());
}

void ExpertLabeller::AfterStep(const envs::EpisodeState& state) {
  if (k_recording_) RecordStepResult(state, k_demo_);
}

DemoEpisode ExpertLabeller::Finish(const envs::EpisodeState& state, bool executed) {
  if (!k_started_) k_demo_ = BeginDemo(k_spec_, state, k_id_, k_options_, k_renderer_);
  if (!k_rollout_) k_demo_.action_chunks = ChunksOfActions(k_demo_.actions, k_demo_.action_dim, k_options_.chunk_horizon);
  if (!executed) k_demo_.executed_actions.clear();
  FinishDemo(state, k_demo_);
  return std::move(k_demo_);
}

}  // namespace fb::collect
