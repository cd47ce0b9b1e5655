// A whole evaluation run: the episode list in a fixed order, the episodes of this shard run
// on `workers` threads and appended to <out>/episodes.jsonl by one consumer, episodes already
// logged skipped (resume), and <out>/results.json written atomically at the end from the log
// in episode-list order, so neither results.json nor any record depends on the number of
// workers or the completion order (timings and timeouts aside).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "envs/env.h"
#include "eval/eval_config.h"
#include "eval/shard.h"

namespace fb::eval {

// Every episode of `config`, ordered task (suite order) x embodiment x split x init index;
// seed = config.seed + init_index. Throws fb::InputError for an unknown suite, task, split
// or an embodiment the suite does not list.
std::vector<envs::EpisodeId> BuildEpisodeList(const EvalConfig& config);

// The embodiments that the run's splits name (ood-embodiment's held-out robots), in order.
std::vector<std::string> HeldOutEmbodiments(const EvalConfig& config);

// Hash of what decides the episodes and their outcomes: the resolved config without the keys
// that only change how it runs (workers, out, videos). Shards of one run share it.
std::string RunIdentityHash(const EvalConfig& config);

// Hash of the episode keys in list order.
std::string EpisodeListHash(const std::vector<envs::EpisodeId>& episodes);

// Code identity, config hash, run hash, policy and params: the header results.json carries.
nlohmann::json RunHeader(const EvalConfig& config, const std::string& config_hash);

struct EvalRunStats {
  int planned = 0;  // episodes of this shard in the list
  int resumed = 0;  // already in the log, skipped
  int ran = 0;      // run now
};

// Throws fb::InputError when <out>/episodes.jsonl exists and was written by another policy,
// other policy params or another shard (a resume would mix two runs' episodes). Call it
// before writing anything into `out`.
void CheckResumable(const EvalConfig& config, const std::filesystem::path& out, const Shard& shard = {});

// Runs the episodes of `shard` of `config` into `out` (for a shard, the shard's own directory,
// see ShardDir) and returns results.json's content. `config_hash` identifies the resolved
// config (see WriteConfigSnapshot). Throws fb::Interrupted between episodes on Ctrl-C (the log
// stays valid; rerun to resume), fb::InputError for a bad config or a log written by another
// policy or shard.
nlohmann::json RunEvaluation(const EvalConfig& config, const std::string& config_hash,
                             const std::filesystem::path& out, EvalRunStats* stats = nullptr,
                             const Shard& shard = {});

}  // namespace fb::eval
