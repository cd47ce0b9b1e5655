// What `fasterbench report` reads from one run directory: results.json of an evaluation
// run (schema_version 2), the Act latencies from episodes.jsonl, rollout videos, and the
// results of a tokenizer benchmark when the directory holds one. Results files only: no
// simulator, no policy.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fb::reports {

struct EvalRunData {
  std::filesystem::path dir;
  std::string label;                  // the directory's name; rows of the leaderboard
  std::optional<nlohmann::json> eval;  // results.json of fasterbench eval
  std::vector<double> latencies_s;    // every Act call, in log order; empty without a log
  std::vector<std::filesystem::path> videos;  // videos/**.mp4 and episodes' "video" files that exist, sorted
  // A tokenizer benchmark's results (schema fasterbench.tokenizer_eval): <dir>/results.json
  // itself or <dir>/tokenizer_eval/results.json.
  std::optional<nlohmann::json> tokenizer;
};

// Reads `dir`. Throws fb::InputError naming the path when it holds neither kind of results,
// eval results of another schema version (rerunning fasterbench eval with the same config
// resumes every episode and rewrites results.json), or eval results that lack a value the
// report reads (naming its JSON path).
EvalRunData LoadEvalRun(const std::filesystem::path& dir);

// The latency of every Act call in an episodes.jsonl text; the header line is skipped, and
// so is a last line cut short by a killed run.
std::vector<double> CallLatencies(const std::string& episodes_jsonl, const std::string& source);

}  // namespace fb::reports
