// Demonstration collection: every (task, embodiment, init index) of a CollectConfig run by
// the scripted expert (collect/expert_demo.h) or, for DAgger, by a learner the expert labels
// (collect/learner_demo.h), recorded per step and written as one LIBERO/robomimic-layout HDF5
// per (task, embodiment).
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

#include "collect/collect_config.h"
#include "envs/env.h"
#include "envs/task_spec.h"

namespace fb::collect {

// The suite's embodiments to collect on: config.embodiments, or (when empty) the suite's
// minus HeldOutEmbodiments() unless include_held_out_embodiments. Throws fb::InputError for
// an embodiment the suite lacks, or a held-out one listed without include_held_out_embodiments.
std::vector<std::string> CollectEmbodiments(const CollectConfig& config, const envs::SuiteConfig& suite);

// <out>/<task>_<embodiment>_demo.hdf5.
std::filesystem::path DemoFilePath(const std::filesystem::path& out, const std::string& task,
                                   const std::string& embodiment);

struct CollectStats {
  int planned = 0;  // episodes in the config
  int resumed = 0;  // found finished (parts or completed files) and not rerun
  int ran = 0;      // episodes run now
  int kept = 0;     // demos in the files (successful ones; with a learner, every one)
  int solved = 0;   // ... of which the driver (expert or learner) solved
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

}  // namespace fb::collect
