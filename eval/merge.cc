#include "eval/merge.h"

#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "eval/eval_results.h"
#include "eval/eval_run.h"
#include "eval/run_log.h"

namespace fb::eval {
namespace {

namespace fs = std::filesystem;

struct ShardRun {
  fs::path dir;
  Shard shard;
  EvalConfig config;
  std::string config_hash;
  std::string config_text;
  std::map<std::string, nlohmann::json> episodes;  // by key
};

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("merge: cannot read '{}'", path.string()));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

ShardRun LoadShard(const fs::path& dir) {
  ShardRun run;
  run.dir = dir;
  const fs::path log = dir / "episodes.jsonl";
  if (!fs::exists(dir / "config.yaml") || !fs::exists(log)) {
    throw InputError(fmt::format("merge: '{}' is not a shard directory (no config.yaml or episodes.jsonl)", dir.string()));
  }
  run.config_text = ReadText(dir / "config.yaml");
  run.config = config::LoadLayered<EvalConfig>("eval.yaml", (dir / "config.yaml").string(), {});
  run.config_hash = config::HashText(config::Dump(run.config));
  const auto records = ReadRunLog(log);
  if (records.empty() || records.front().value("type", "") != "header") {
    throw InputError(fmt::format("merge: '{}' has no header line", log.string()));
  }
  run.shard = ParseShard(records.front().value("shard", "0/1"));
  if (run.shard.whole()) throw InputError(fmt::format("merge: '{}' holds a whole run, not a shard", dir.string()));
  for (const auto& record : records) {
    if (record.value("type", "") == "episode") run.episodes.emplace(record["key"].get<std::string>(), record);
  }
  return run;
}

}  // namespace

nlohmann::json MergeShards(const fs::path& out, const std::vector<fs::path>& shard_dirs, bool allow_partial,
                           MergeStats* stats) {
  if (shard_dirs.empty()) throw InputError("merge: no shard directories given");
  std::vector<ShardRun> runs;
  for (const auto& dir : shard_dirs) runs.push_back(LoadShard(dir));
  const ShardRun& first = runs.front();
  const std::string identity = RunIdentityHash(first.config);
  std::map<int, const ShardRun*> by_index;
  for (const auto& run : runs) {
    if (RunIdentityHash(run.config) != identity) {
      throw InputError(fmt::format("merge: '{}' and '{}' are not shards of one run (run hashes {} and {}: their "
                                   "policy, episode list or settings differ; compare their config.yaml)",
                                   first.dir.string(), run.dir.string(), identity, RunIdentityHash(run.config)));
    }
    if (run.shard.count != first.shard.count) {
      throw InputError(fmt::format("merge: '{}' is shard {} but '{}' is shard {}: one run, one shard count",
                                   first.dir.string(), first.shard.ToString(), run.dir.string(), run.shard.ToString()));
    }
    if (!by_index.emplace(run.shard.index, &run).second) {
      throw InputError(fmt::format("merge: shard {} given twice ('{}' and '{}')", run.shard.ToString(),
                                   by_index[run.shard.index]->dir.string(), run.dir.string()));
    }
  }

  const std::vector<envs::EpisodeId> all = BuildEpisodeList(first.config);
  std::vector<EpisodeRecord> records;
  std::vector<nlohmann::json> lines;
  std::map<int, std::vector<std::string>> missing;  // by shard index
  for (size_t p = 0; p < all.size(); ++p) {
    const int index = static_cast<int>(p % static_cast<size_t>(first.shard.count));
    const std::string key = all[p].ToString();
    const auto run = by_index.find(index);
    const auto found = run == by_index.end() ? nullptr : &run->second->episodes;
    if (found == nullptr || found->count(key) == 0) {
      missing[index].push_back(key);
      continue;
    }
    lines.push_back(found->at(key));
    if (lines.back().contains("video")) {  // relative to the shard's directory: make it relative to out
      const fs::path video = run->second->dir / lines.back()["video"].get<std::string>();
      lines.back()["video"] = fs::relative(video, out).generic_string();
    }
    records.push_back(EpisodeRecordFromJson(lines.back()));
  }
  if (!missing.empty()) {
    size_t count = 0;
    std::vector<std::string> parts;
    for (const auto& [index, keys] : missing) {
      count += keys.size();
      const Shard shard{index, first.shard.count};
      if (by_index.count(index) == 0) {
        parts.push_back(fmt::format("shard {} not given ({} episodes)", shard.ToString(), keys.size()));
      } else {
        const size_t shown = std::min<size_t>(keys.size(), 3);
        parts.push_back(fmt::format("shard {} ('{}') lacks {} episodes: {}{}", shard.ToString(),
                                    by_index[index]->dir.string(), keys.size(),
                                    fmt::join(keys.begin(), keys.begin() + static_cast<long>(shown), ", "),
                                    keys.size() > shown ? ", ..." : ""));
      }
    }
    const std::string message = fmt::format("merge: {} of {} episodes missing: {}", count, all.size(), fmt::join(parts, "; "));
    if (!allow_partial) {
      throw InputError(message + ". Finish the shards (rerun them: they resume) or pass --allow-partial");
    }
    spdlog::warn("{}; --allow-partial: the results cover the {} episodes found", message, records.size());
  }

  const fs::path log = out / "episodes.jsonl";
  const auto existing = ReadRunLog(log);
  if (!existing.empty() && !existing.front().contains("merged_from")) {
    throw InputError(fmt::format("merge: '{}' holds a run's own log; merge into another directory", log.string()));
  }
  const nlohmann::json header = RunHeader(first.config, first.config_hash);
  nlohmann::json header_line = header;
  header_line["key"] = "header";
  header_line["type"] = "header";
  header_line["schema_version"] = kResultsSchemaVersion;
  header_line["episodes_total"] = all.size();
  header_line["episode_list_hash"] = EpisodeListHash(all);
  header_line["merged_from"] = nlohmann::json::array();
  for (const auto& [index, run] : by_index) header_line["merged_from"].push_back(fs::absolute(run->dir).string());
  std::string text = header_line.dump() + "\n";
  for (const auto& line : lines) text += line.dump() + "\n";

  const nlohmann::json results = Aggregate(records, header);
  WriteFileAtomic(out / "config.yaml", first.config_text);
  WriteFileAtomic(log, text);
  WriteFileAtomic(out / "results.json", results.dump(2) + "\n");
  if (stats != nullptr) *stats = {first.shard.count, static_cast<int>(all.size()), static_cast<int>(records.size())};
  return results;
}

}  // namespace fb::eval
