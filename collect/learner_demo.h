// One DAgger episode: a learned policy drives (through the same episode loop as `fasterbench
// eval`), and every state it visits is labelled the way a DART demo is, with the noise-free
// expert's next H actions from that exact state. The expert watches every step, so its memory
// (plan step, phase, retries) follows what the learner did rather than what it would have done.
#pragma once

#include "collect/demo_part.h"
#include "collect/demo_recording.h"
#include "envs/env.h"
#include "envs/expert.h"
#include "envs/renderer.h"
#include "eval/episode_runner.h"
#include "policies/policy.h"

namespace fb::collect {

// The demo of `learner` on episode `id`: per recorded step (every `label_every`-th, from step
// 0) the observation, the expert's clean chunk (action_chunks) and action (actions), and the
// learner's executed action (executed_actions); success and failure are the learner's. `run`
// is the learner's protocol (replan interval, deadlines). The expert's memory follows every
// step, recorded or not. Throws like Reset and Observe, and fb::InputError when the learner's episode
// ends in a harness error (a policy exception, a malformed chunk, a deadline), which would
// leave its demo without meaning.
DemoEpisode RecordLearnerDemo(const envs::EnvSpec& spec, const envs::ScriptedExpert& expert, policies::Policy& learner,
                              const envs::EpisodeId& id, const DemoRecordOptions& options,
                              const eval::EpisodeRunOptions& run, int label_every, envs::Renderer* renderer,
                              envs::EpisodeState& state);

}  // namespace fb::collect
