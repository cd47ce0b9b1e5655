#include "reports/leaderboard.h"

#include <set>

#include <fmt/format.h>

namespace fb::reports {
namespace {

constexpr const char* kMissing = "-";
constexpr const char* kNotApplicable = "n/a";

// The splits a run reports as n/a (results.json not_applicable_splits, e.g. ood-visual for a
// policy that reads no images).
bool NotApplicable(const nlohmann::json& results, const std::string& split) {
  for (const auto& s : results.value("not_applicable_splits", nlohmann::json::array())) {
    if (s == split) return true;
  }
  return false;
}

// "suite/split" -> split.
std::string SplitOfGroup(const std::string& group) { return group.substr(group.find('/') + 1); }

std::string Success(const nlohmann::json& summary) {
  return fmt::format("{:.1f}% [{:.0f}, {:.0f}] n={}", 100 * summary.at("success_rate").get<double>(),
                     100 * summary.at("success_ci95").at(0).get<double>(),
                     100 * summary.at("success_ci95").at(1).get<double>(), summary.at("episodes").get<int>());
}

std::string Drop(const nlohmann::json& drop) {
  return fmt::format("{:+.1f} pts ({:.0f}% -> {:.0f}%)", 100 * drop.at("drop").get<double>(),
                     100 * drop.at("id_rate").get<double>(), 100 * drop.at("split_rate").get<double>());
}

// Three significant digits; whole numbers from 1000 up (no exponent in a table cell).
std::string Number(double v) { return v >= 1000 ? fmt::format("{:.0f}", v) : fmt::format("{:.3g}", v); }

std::string Milliseconds(const nlohmann::json& timing, const char* key) {
  return Number(1000 * timing.at(key).get<double>());
}

}  // namespace

Table LeaderboardTable(const std::vector<EvalRunData>& runs) {
  std::set<std::string> groups, ood_splits;
  for (const auto& run : runs) {
    if (!run.eval) continue;
    for (const auto& [group, summary] : run.eval->at("per_group").items()) groups.insert(group);
    for (const auto& [split, drop] : run.eval->at("overall").at("ood_drop").items()) ood_splits.insert(split);
    for (const auto& split : run.eval->value("not_applicable_splits", nlohmann::json::array())) {
      ood_splits.insert(split.get<std::string>());
    }
  }
  Table table;
  table.text_columns = 2;
  table.header = {"run", "policy"};
  table.header.insert(table.header.end(), groups.begin(), groups.end());
  table.header.push_back("overall");
  for (const auto& split : ood_splits) table.header.push_back("id -> " + split);
  table.header.insert(table.header.end(), {"latency p50 ms", "latency p95 ms", "control Hz"});
  for (const auto& run : runs) {
    if (!run.eval) continue;
    const nlohmann::json& results = *run.eval;
    const nlohmann::json& overall = results.at("overall");
    std::vector<std::string> row = {run.label, results.value("policy", kMissing)};
    for (const auto& group : groups) {
      row.push_back(results.at("per_group").contains(group) ? Success(results.at("per_group").at(group))
                    : NotApplicable(results, SplitOfGroup(group)) ? kNotApplicable
                                                                   : kMissing);
    }
    row.push_back(Success(overall));
    for (const auto& split : ood_splits) {
      row.push_back(overall.at("ood_drop").contains(split) ? Drop(overall.at("ood_drop").at(split))
                    : NotApplicable(results, split)            ? kNotApplicable
                                                                : kMissing);
    }
    const nlohmann::json& timing = overall.at("timing");
    row.push_back(Milliseconds(timing, "latency_p50_s"));
    row.push_back(Milliseconds(timing, "latency_p95_s"));
    row.push_back(Number(timing.at("control_rate_hz").get<double>()));
    table.rows.push_back(std::move(row));
  }
  return table;
}

Table PolicyCostTable(const std::vector<EvalRunData>& runs) {
  Table table;
  table.header = {"run",         "act calls",     "latency mean ms", "p50 ms",          "p95 ms",
                  "p99 ms",      "control Hz",    "Hz at p95",       "tokens / chunk", "forward passes / chunk",
                  "decode failures"};
  for (const auto& run : runs) {
    if (!run.eval) continue;
    const nlohmann::json& overall = run.eval->at("overall");
    const nlohmann::json& timing = overall.at("timing");
    table.rows.push_back({run.label, std::to_string(overall.at("act_calls").get<int64_t>()),
                          Milliseconds(timing, "latency_mean_s"), Milliseconds(timing, "latency_p50_s"),
                          Milliseconds(timing, "latency_p95_s"), Milliseconds(timing, "latency_p99_s"),
                          Number(timing.at("control_rate_hz").get<double>()),
                          Number(timing.at("control_rate_at_p95_hz").get<double>()),
                          fmt::format("{:.2f}", overall.at("mean_tokens_per_chunk").get<double>()),
                          fmt::format("{:.2f}", overall.at("mean_forward_passes_per_chunk").get<double>()),
                          std::to_string(overall.at("decode_failures").get<int64_t>())});
  }
  return table;
}

std::string MarkdownTable(const Table& table) {
  std::string text = "|", rule = "|";
  for (size_t i = 0; i < table.header.size(); ++i) {
    text += " " + table.header[i] + " |";
    rule += i < table.text_columns ? "---|" : "---:|";
  }
  text += "\n" + rule + "\n";
  for (const auto& row : table.rows) {
    text += "|";
    for (const auto& cell : row) text += " " + cell + " |";
    text += "\n";
  }
  return text;
}

}  // namespace fb::reports
