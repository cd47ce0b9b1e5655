// One demonstration driven by the scripted expert, optionally with DART noise on the executed
// actions (the labels stay the clean expert's), run through eval's episode loop like any policy.
#pragma once

#include "collect/demo_part.h"
#include "collect/demo_recording.h"
#include "envs/env.h"
#include "envs/expert.h"
#include "envs/renderer.h"

namespace fb::collect {

// Runs the expert on episode `id` from Reset to done, recording every step; images only
// when `renderer` is non-null. With action_noise > 0 each step's chunk comes from a clean
// rollout of a copy of the episode; without noise that rollout is the episode itself, so the
// chunk at t is actions t..t+H-1, the last action repeated past the end (AppendExpertChunk's
// rule), with no extra simulation. Throws like Reset and Observe. The episode ends by eval's
// rules: an action the env rejects ends it as a failure (invalid_action) instead of throwing.
DemoEpisode RecordExpertDemo(const envs::EnvSpec& spec, const envs::ScriptedExpert& expert, const envs::EpisodeId& id,
                             const DemoRecordOptions& options, envs::Renderer* renderer, envs::EpisodeState& state);

}  // namespace fb::collect
