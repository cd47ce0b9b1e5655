// A whole evaluation run: the episode list in a fixed order, each episode run and appended to
// <out>/episodes.jsonl, episodes already logged skipped (resume), and <out>/results.json
// written atomically at the end. Single worker for now.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "envs/env.h"
#include "eval/eval_config.h"

namespace fb::eval {

// Every episode of `config`, ordered task (suite order) x embodiment x split x init index;
// seed = config.seed + init_index. Throws fb::InputError for an unknown suite, task, split
// or an embodiment the suite does not list.
std::vector<envs::EpisodeId> BuildEpisodeList(const EvalConfig& config);

struct EvalRunStats {
  int planned = 0;  // episodes in the list
  int resumed = 0;  // already in the log, skipped
  int ran = 0;      // run now
};

// Throws fb::InputError when <out>/episodes.jsonl exists and was written by another policy
// or other policy params (a resume would mix two policies' episodes). Call it before writing
// anything into `out`.
void CheckResumable(const EvalConfig& config, const std::filesystem::path& out);

// Runs `config` into `out` and returns results.json's content. `config_hash` identifies the
// resolved config (see WriteConfigSnapshot). Throws fb::Interrupted between episodes on
// Ctrl-C (the log stays valid; rerun to resume), fb::InputError for a bad config or a log
// written by another policy.
nlohmann::json RunEvaluation(const EvalConfig& config, const std::string& config_hash,
                             const std::filesystem::path& out, EvalRunStats* stats = nullptr);

}  // namespace fb::eval
