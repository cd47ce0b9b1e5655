#include "collect/learner_demo.h"

#include <fmt/format.h>

#include "collect/expert_labeller.h"
#include "core/error.h"

namespace fb::collect {

DemoEpisode RecordLearnerDemo(const envs::EnvSpec& spec, const envs::ScriptedExpert& expert, policies::Policy& learner,
                              const envs::EpisodeId& id, const DemoRecordOptions& options,
                              const eval::EpisodeRunOptions& run, int label_every, envs::Renderer* renderer,
                              envs::EpisodeState& state) {
  ExpertLabeller labeller(spec, expert, id, options, /*rollout=*/true, label_every, renderer);
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
  return labeller.Finish(state, /*executed=*/true);
}

}  // namespace fb::collect
