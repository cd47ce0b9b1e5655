// A shard of an evaluation run: shard i of N takes the episodes whose position p in the full,
// deterministic episode list (BuildEpisodeList) satisfies p % N == i. Positions interleave, so
// each shard gets a similar mix of tasks, splits and embodiments, and a shard's selection
// depends only on (i, N) and the config, never on which machine or rank runs it.
//
// Shard i of N of a run into <out> writes its own config.yaml, episodes.jsonl and results.json
// into <out>/shard-i-of-N/; `fasterbench merge <out> <out>/shard-*-of-N` joins them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace fb::eval {

struct Shard {
  int index = 0;  // [0, count)
  int count = 1;  // 1 = the whole run
  bool whole() const { return count == 1; }
  bool Holds(size_t position) const { return static_cast<int>(position % static_cast<size_t>(count)) == index; }
  // "i/N".
  std::string ToString() const;
};

// Parses "i/N" with 0 <= i < N. Throws fb::InputError quoting the text otherwise.
Shard ParseShard(const std::string& text);

// The shard's own directory inside the run's `out`: out/shard-i-of-N.
std::filesystem::path ShardDir(const std::filesystem::path& out, const Shard& shard);

}  // namespace fb::eval
