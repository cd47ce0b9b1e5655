#include "envs/expert_chunk.h"

#include <fmt/format.h>

#include "core/error.h"

namespace fb::envs {

void CopyEpisodeState(const EpisodeState& from, EpisodeState& to) {
  if (!to.data || to.model != from.model) {
    to.data = MakeData(from.model);
    to.model = from.model;
  }
  mj_copyData(to.data.get(), from.model, from.data.get());
  to.controller = from.controller;
  to.predicate = from.predicate;
  to.id = from.id;
  to.instruction = from.instruction;
  to.step = from.step;
  to.hold = from.hold;
  to.success_now = from.success_now;
  to.success_once = from.success_once;
  to.done = from.done;
  to.failure = from.failure;
  to.failure_detail = from.failure_detail;
}

void AppendExpertChunk(const EnvSpec& spec, const ScriptedExpert& expert, const EpisodeState& state,
                       const ExpertState& memory, int horizon, EpisodeState& scratch, std::vector<float>& out,
                       std::vector<ExpertState>* memories) {
  if (state.done) throw InputError(fmt::format("episode {} is over; it has no expert chunk", state.id.ToString()));
  CopyEpisodeState(state, scratch);
  ExpertState clean = memory;
  if (memories != nullptr) memories->clear();
  std::vector<double> action;
  for (int k = 0; k < horizon; ++k) {
    if (!scratch.done) {
      action = expert.Act(spec, scratch, clean);
      Step(spec, action, scratch);
    }
    out.insert(out.end(), action.begin(), action.end());
    if (memories != nullptr) memories->push_back(clean);
  }
}

}  // namespace fb::envs
