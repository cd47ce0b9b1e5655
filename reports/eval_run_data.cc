#include "reports/eval_run_data.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "core/error.h"
#include "core/json_file.h"

namespace fb::reports {
namespace {

namespace fs = std::filesystem;

constexpr int kEvalSchemaVersion = 2;  // eval/eval_results.h kResultsSchemaVersion

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("cannot read '{}'", path.string()));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool IsTokenizerResults(const nlohmann::json& j) { return j.value("schema", "") == "fasterbench.tokenizer_eval"; }

// Throws fb::InputError naming `file` and the JSON path of the first value a summary (an
// entry of per_group, or overall) lacks or holds with the wrong type, so a malformed file is
// an input error rather than a crash in the middle of a report.
void CheckSummary(const nlohmann::json& summary, const std::string& where, const fs::path& file) {
  auto missing = [&](const std::string& key, const char* type) {
    return InputError(fmt::format("'{}': {}.{} is missing or not {}", file.string(), where, key, type));
  };
  if (!summary.is_object()) throw InputError(fmt::format("'{}': {} is not an object", file.string(), where));
  for (const char* key : {"episodes", "success_rate", "act_calls", "mean_tokens_per_chunk",
                          "mean_forward_passes_per_chunk", "decode_failures"}) {
    if (!summary.contains(key) || !summary[key].is_number()) throw missing(key, "a number");
  }
  const auto& ci = summary.contains("success_ci95") ? summary["success_ci95"] : nlohmann::json();
  if (!ci.is_array() || ci.size() != 2 || !ci[0].is_number() || !ci[1].is_number()) {
    throw missing("success_ci95", "a pair of numbers");
  }
  if (!summary.contains("timing") || !summary["timing"].is_object()) throw missing("timing", "an object");
  for (const char* key : {"latency_mean_s", "latency_p50_s", "latency_p95_s", "latency_p99_s", "control_rate_hz",
                          "control_rate_at_p95_hz"}) {
    if (!summary["timing"].contains(key) || !summary["timing"][key].is_number()) {
      throw missing(std::string("timing.") + key, "a number");
    }
  }
}

void CheckEvalResults(const nlohmann::json& results, const fs::path& file) {
  if (!results.contains("per_group") || !results["per_group"].is_object()) {
    throw InputError(fmt::format("'{}': per_group is missing or not an object", file.string()));
  }
  for (const auto& [group, summary] : results["per_group"].items()) CheckSummary(summary, "per_group." + group, file);
  if (!results.contains("overall")) throw InputError(fmt::format("'{}': overall is missing", file.string()));
  CheckSummary(results["overall"], "overall", file);
  const auto& drops = results["overall"].contains("ood_drop") ? results["overall"]["ood_drop"] : nlohmann::json();
  if (!drops.is_object()) throw InputError(fmt::format("'{}': overall.ood_drop is missing or not an object", file.string()));
  for (const auto& [split, drop] : drops.items()) {
    for (const char* key : {"drop", "id_rate", "split_rate"}) {
      if (!drop.is_object() || !drop.contains(key) || !drop[key].is_number()) {
        throw InputError(fmt::format("'{}': overall.ood_drop.{}.{} is missing or not a number", file.string(), split, key));
      }
    }
  }
}

std::vector<fs::path> Videos(const fs::path& dir, const std::string& episodes_jsonl) {
  std::set<fs::path> found;
  if (fs::is_directory(dir / "videos")) {
    for (const auto& entry : fs::recursive_directory_iterator(dir / "videos")) {
      if (entry.is_regular_file() && entry.path().extension() == ".mp4") found.insert(entry.path());
    }
  }
  std::istringstream lines(episodes_jsonl);
  for (std::string line; std::getline(lines, line);) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("video") || !j["video"].is_string()) continue;
    const fs::path video = dir / j["video"].get<std::string>();
    if (fs::is_regular_file(video)) found.insert(video);
  }
  return {found.begin(), found.end()};
}

}  // namespace

std::vector<double> CallLatencies(const std::string& episodes_jsonl, const std::string& source) {
  std::vector<double> latencies;
  std::istringstream lines(episodes_jsonl);
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) {
      if (lines.peek() == std::char_traits<char>::eof()) break;  // a torn last line
      throw InputError(fmt::format("{}:{}: not a JSON line", source, number));
    }
    if (j.value("type", "") == "header" || !j.contains("calls")) continue;
    for (const auto& call : j["calls"]) {
      if (call.contains("latency_s") && call["latency_s"].is_number()) latencies.push_back(call["latency_s"]);
    }
  }
  return latencies;
}

EvalRunData LoadEvalRun(const fs::path& dir) {
  EvalRunData run;
  run.dir = dir;
  run.label = fs::absolute(dir).lexically_normal().filename().string();
  if (run.label.empty()) run.label = fs::absolute(dir).lexically_normal().parent_path().filename().string();
  if (!fs::is_directory(dir)) throw InputError(fmt::format("'{}' is not a run directory", dir.string()));
  if (fs::exists(dir / "results.json")) {
    nlohmann::json results = ReadJsonFile(dir / "results.json");
    if (IsTokenizerResults(results)) {
      run.tokenizer = std::move(results);
    } else {
      if (results.value("kind", "") != "fasterbench.eval.results") {
        throw InputError(fmt::format("'{}': neither eval nor tokenizer benchmark results", (dir / "results.json").string()));
      }
      if (results.value("schema_version", 0) != kEvalSchemaVersion) {
        throw InputError(fmt::format(
            "'{}': results schema_version {} (this report reads {}); rerun the same fasterbench eval command to "
            "rewrite it (every logged episode resumes)",
            (dir / "results.json").string(), results.value("schema_version", 0), kEvalSchemaVersion));
      }
      CheckEvalResults(results, dir / "results.json");
      run.eval = std::move(results);
    }
  }
  if (!run.tokenizer && fs::exists(dir / "tokenizer_eval" / "results.json")) {
    nlohmann::json results = ReadJsonFile(dir / "tokenizer_eval" / "results.json");
    if (IsTokenizerResults(results)) run.tokenizer = std::move(results);
  }
  if (!run.eval && !run.tokenizer) {
    throw InputError(fmt::format("'{}' holds no results.json of fasterbench eval or a tokenizer benchmark",
                                 dir.string()));
  }
  const fs::path log = dir / "episodes.jsonl";
  const std::string episodes = fs::exists(log) ? ReadText(log) : "";
  run.latencies_s = CallLatencies(episodes, log.string());
  run.videos = Videos(dir, episodes);
  return run;
}

}  // namespace fb::reports
