// Clean expert labels for states a perturbed rollout reaches (DART with clean labels): the
// noise-free expert's next H actions from the exact current state, found by rolling a copy of
// the episode forward without rendering. Collection with action noise records these chunks, so
// a chunk label never holds the expert's reactions to noise injected after its first step.
#pragma once

#include <vector>

#include "envs/env.h"
#include "envs/expert.h"

namespace fb::envs {

// Makes `to` an exact copy of `from`: the whole mjData (mj_copyData: qpos, qvel, act, ctrl,
// time, the solver's warm start, ...), the controller's and predicate's state and the episode
// counters, so stepping `to` is bit-identical to stepping `from`. Allocates to.data when it
// is missing or made for another model.
void CopyEpisodeState(const EpisodeState& from, EpisodeState& to);

// Appends (horizon x action_dim) values to `out`: the actions the noise-free expert takes from
// `state` with memory `expert`, stepping a copy of both in `scratch` (state and expert are
// left unchanged). When the copy's episode ends (success, timeout or failure, by the env's
// rules) before `horizon` actions, its last action is repeated, as the trainer pads a plain
// demo's chunks past its end. `state` must not be done. With `memories`, also replaces its
// contents with the expert's memory after each of the `horizon` actions (a policy that executes
// k of them goes on from memories[k - 1]). Throws like Step.
void AppendExpertChunk(const EnvSpec& spec, const ScriptedExpert& expert, const EpisodeState& state,
                       const ExpertState& memory, int horizon, EpisodeState& scratch, std::vector<float>& out,
                       std::vector<ExpertState>* memories = nullptr);

}  // namespace fb::envs
