// Joining the shards of one evaluation run (see shard.h) into the run's directory.
#pragma once

#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

namespace fb::eval {

struct MergeStats {
  int shards = 0;    // shard count N of the run
  int episodes = 0;  // in the full episode list
  int merged = 0;    // found in the shards' logs
};

// Reads each shard directory's config.yaml and episodes.jsonl, checks they are shards of one
// run (the same run identity hash, hence the same policy and episode list, and the same shard
// count, no shard twice), and writes <out>/episodes.jsonl (a header, then every episode in
// list order), <out>/results.json and <out>/config.yaml, each atomically. Returns
// results.json's content, equal to an unsharded run's for the same episodes. Episodes missing
// (a shard not given, or not finished) make it throw fb::InputError listing them by shard,
// unless `allow_partial`, when the results cover the episodes found. Also throws
// fb::InputError for a directory that is not a shard, or an `out` holding an unsharded run's
// log.
nlohmann::json MergeShards(const std::filesystem::path& out, const std::vector<std::filesystem::path>& shard_dirs,
                           bool allow_partial, MergeStats* stats = nullptr);

}  // namespace fb::eval
