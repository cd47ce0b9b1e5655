// The per-step recording shared by every way of collecting demonstrations (the expert driving,
// with or without noise, or a learner driving with expert labels): what one state contributes
// to a DemoEpisode, read the same way whoever chooses the action.
#pragma once

#include <vector>

#include "collect/demo_part.h"
#include "envs/env.h"
#include "envs/renderer.h"

namespace fb::collect {

struct DemoRecordOptions {
  int image_size = 128;
  bool agentview = true;
  bool eye_in_hand = true;
  // DART-style noise: the executed translation and yaw actions get zero-mean Gaussian noise of
  // this std (action units), drawn from a stream seeded by the episode identity; the recorded
  // action stays the expert's, so the demos teach recovery from the states the noise reaches.
  double action_noise = 0.0;
  // H of the recorded action chunks: at each step the noise-free expert's next H actions from
  // that exact state (envs::AppendExpertChunk), so chunk labels never hold reactions to what
  // was executed after their first step.
  int chunk_horizon = 20;
};

// An empty demo of the episode just reset in `state`: identity, instruction, sizes and the
// image streams `renderer` will fill (none when it is null).
DemoEpisode BeginDemo(const envs::EnvSpec& spec, const envs::EpisodeState& state, const envs::EpisodeId& id,
                      const DemoRecordOptions& options, const envs::Renderer* renderer);

// Appends what is observed before the next action: the MuJoCo state, proprio, end effector
// and images. Throws like envs::Observe.
void RecordObservation(const envs::EnvSpec& spec, envs::EpisodeState& state, const DemoRecordOptions& options,
                       envs::Renderer* renderer, DemoEpisode& demo);

// Appends the reward and done flag of the step just taken and counts it.
void RecordStepResult(const envs::EpisodeState& state, DemoEpisode& demo);

// Sets the per-step sizes and the outcome (success = the task predicate held at some step).
void FinishDemo(const envs::EpisodeState& state, DemoEpisode& demo);

}  // namespace fb::collect
