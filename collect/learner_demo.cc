#include "collect/learner_demo.h"

#include <fmt/format.h>

#include "core/error.h"
#include "core/interrupt.h"
#include "envs/expert_chunk.h"

namespace fb::collect {
namespace {

// Records the learner's episode step by step, with the expert's labels.
class ExpertLabeller final : public eval::StepObserver {
 public:
  ExpertLabeller(const envs::EnvSpec& spec, const envs::ScriptedExpert& expert, const envs::EpisodeId& id,
                 const DemoRecordOptions& options, envs::Renderer* renderer)
      : k_spec_(spec), k_expert_(expert), k_id_(id), k_options_(options), k_renderer_(renderer) {}

  void BeforeStep(envs::EpisodeState& state, std::span<const double> action) override {
    ThrowIfInterrupted();
    if (!k_started_) {  // the first step starts from the state RunEpisode just reset
      k_expert_.Reset(k_spec_, state, k_memory_);
      k_demo_ = BeginDemo(k_spec_, state, k_id_, k_options_, k_renderer_);
      k_started_ = true;
    }
    RecordObservation(k_spec_, state, k_options_, k_renderer_, k_demo_);
    envs::AppendExpertChunk(k_spec_, k_expert_, state, k_memory_, k_options_.chunk_horizon, k_scratch_,
                            k_demo_.action_chunks);
    const std::vector<double> label = k_expert_.Act(k_spec_, state, k_memory_);
    k_demo_.actions.insert(k_demo_.actions.end(), label.begin(), label.end());
    k_demo_.executed_actions.insert(k_demo_.executed_actions.end(), action.begin(), action.end());
  }

  void AfterStep(const envs::EpisodeState& state) override { RecordStepResult(state, k_demo_); }

  DemoEpisode Finish(const envs::EpisodeState& state) {
    if (!k_started_) k_demo_ = BeginDemo(k_spec_, state, k_id_, k_options_, k_renderer_);
    FinishDemo(state, k_demo_);
    return std::move(k_demo_);
  }

 private:
  const envs::EnvSpec& k_spec_;
  const envs::ScriptedExpert& k_expert_;
  const envs::EpisodeId k_id_;
  const DemoRecordOptions k_options_;
  envs::Renderer* k_renderer_;
  bool k_started_ = false;
  envs::ExpertState k_memory_;
  envs::EpisodeState k_scratch_;  // the clean expert's copy of the episode, for the chunks
  DemoEpisode k_demo_;
};

}  // namespace

DemoEpisode RecordLearnerDemo(const envs::EnvSpec& spec, const envs::ScriptedExpert& expert, policies::Policy& learner,
                              const envs::EpisodeId& id, const DemoRecordOptions& options,
                              const eval::EpisodeRunOptions& run, envs::Renderer* renderer, envs::EpisodeState& state) {
  ExpertLabeller labeller(spec, expert, id, options, renderer);
  eval::EpisodeAids aids;
  aids.renderer = renderer;
  aids.observer = &labeller;
  const eval::EpisodeRecord record = eval::RunEpisode(spec, learner, id, state, run, aids);
  switch (record.failure) {
    case eval::EpisodeFailure::kNone:
    case eval::EpisodeFailure::kTimeout:
    case eval::EpisodeFailure::kInvalidAction:
    case eval::EpisodeFailure::kUnstable:
      break;
    default:
      throw InputError(fmt::format("{}: the learner '{}' failed with {}: {}", id.ToString(), learner.name(),
                                   eval::EpisodeFailureName(record.failure), record.failure_detail));
  }
  return labeller.Finish(state);
}

}  // namespace fb::collect
