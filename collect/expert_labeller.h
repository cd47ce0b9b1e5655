// Records an episode step by step while the scripted expert watches it: every recorded state
// gets the expert's action there and its clean chunk (the noise-free expert's next H actions
// from that exact state). Whoever drives the episode (the expert itself, the expert with DART
// noise, a learner) runs through eval::RunEpisode with this as its StepObserver, so demos and
// evaluation share one episode loop.
#pragma once

#include "collect/demo_part.h"
#include "collect/demo_recording.h"
#include "envs/env.h"
#include "envs/expert.h"
#include "envs/renderer.h"
#include "eval/episode_runner.h"

namespace fb::collect {

class ExpertLabeller final : public eval::StepObserver {
 public:
  // Chunk labels: `rollout` = a clean H-step rollout of a copy of the episode per recorded
  // state (needed whenever what is executed may differ from the expert's action); otherwise
  // the expert drives unperturbed, so its chunk at t is the episode's own actions t..t+H-1 and
  // Finish fills them in without extra simulation. Records every `label_every`-th step.
  ExpertLabeller(const envs::EnvSpec& spec, const envs::ScriptedExpert& expert, const envs::EpisodeId& id,
                 const DemoRecordOptions& options, bool rollout, int label_every, envs::Renderer* renderer);

  void BeforeStep(envs::EpisodeState& state, std::span<const double> action) override;
  void AfterStep(const envs::EpisodeState& state) override;

  // The demo, with the outcome of the episode that ended in `state`. `executed` keeps the
  // executed actions (DART, DAgger); without it they are dropped (they equal the labels).
  DemoEpisode Finish(const envs::EpisodeState& state, bool executed);

 private:
  const envs::EnvSpec& k_spec_;
  const envs::ScriptedExpert& k_expert_;
  const envs::EpisodeId k_id_;
  const DemoRecordOptions k_options_;
  const bool k_rollout_;
  const int k_label_every_;
  envs::Renderer* k_renderer_;
  bool k_started_ = false;
  bool k_recording_ = false;  // the current step is recorded
  envs::ExpertState k_memory_;
  envs::EpisodeState k_scratch_;  // the clean expert's copy of the episode, for the chunks
  DemoEpisode k_demo_;
};

}  // namespace fb::collect
