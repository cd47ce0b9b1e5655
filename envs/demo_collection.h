// Demonstration collection: the scripted expert run on every (task, embodiment, init index)
// of a CollectConfig, recorded per step and written as one LIBERO/robomimic-layout HDF5 per
// (task, embodiment).
//
// Deterministic: an episode is a pure function of its EpisodeId (see env.h), and each file
// holds its successful demos in init-index order, so any worker count gives the same demos.
// Resumable: a finished episode (kept or failed) is saved atomically as
// <out>/.parts/<settings hash>/<task>/<embodiment>/<init>.part; a rerun skips it. When a
// (task, embodiment) has all its parts, its HDF5 is written atomically, a `complete.json`
// (its summary) is written beside the parts and the parts are removed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "envs/collect_config.h"
#include "envs/demo_part.h"
#include "envs/env.h"
#include "envs/expert.h"

namespace fb::envs {

// The suite's embodiments to collect on: config.embodiments, or (when empty) the suite's
// minus HeldOutEmbodiments() unless include_held_out_embodiments. Throws fb::InputError for
// an embodiment the suite lacks, or a held-out one listed without include_held_out_embodiments.
std::vector<std::string> CollectEmbodiments(const CollectConfig& config, const SuiteConfig& suite);

// <out>/<task>_<embodiment>_demo.hdf5.
std::filesystem::path DemoFilePath(const std::filesystem::path& out, const std::string& task,
                                   const std::string& embodiment);

struct DemoRecordOptions {
  int image_size = 128;
  bool agentview = true;
  bool eye_in_hand = true;
  // DART-style noise: the executed translation and yaw actions get zero-mean Gaussian noise of
  // this std (action units), drawn from a stream seeded by the episode identity; the recorded
  // action stays the expert's, so the demos teach recovery from the states the noise reaches.
  double action_noise = 0.0;
  // H of the recorded action chunks: at each step the noise-free expert's next H actions from
  // that exact state (AppendExpertChunk), so chunk labels never hold reactions to later noise.
  int chunk_horizon = 20;
};

// Runs the expert on episode `id` from Reset to done, recording every step; images only
// when `renderer` is non-null. With action_noise > 0 each step's chunk comes from a clean
// rollout of a copy of the episode; without noise that rollout is the episode itself, so the
// chunk at t is actions t..t+H-1, the last action repeated past the end (AppendExpertChunk's
// rule), with no extra simulation. Throws like Reset and Observe.
DemoEpisode RecordExpertDemo(const EnvSpec& spec, const ScriptedExpert& expert, const EpisodeId& id,
                             const DemoRecordOptions& options, Renderer* renderer, EpisodeState& state);

struct CollectStats {
  int planned = 0;  // episodes in the config
  int resumed = 0;  // found finished (parts or completed files) and not rerun
  int ran = 0;      // episodes run now
  int kept = 0;     // successful demos in the files
  int failed = 0;   // episodes dropped, by reason below
  std::map<std::string, int> failures;  // reason -> count
  std::vector<std::filesystem::path> files;
  double seconds = 0;  // wall time of the episodes run now
};

// Collects everything `config` names into config.out and writes
// <out>/collect_summary.json (per file: demos with init index, steps and digest; failures
// with reasons). Throws fb::InputError for unknown names, fb::Interrupted on Ctrl-C (finished
// episodes stay saved).
CollectStats CollectDemos(const CollectConfig& config);

}  // namespace fb::envs
