// The leaderboard of several evaluation runs: one row per run (its policy named), one column
// per suite/split group and overall (success with its Wilson 95% interval and episode
// count), the ID -> OOD drop per OOD split, and Act latency p50 / p95.
#pragma once

#include <string>
#include <vector>

#include "reports/eval_run_data.h"

namespace fb::reports {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each as long as header
  size_t text_columns = 1;                     // leading columns of names, left-aligned; numbers align right
};

// Rows in the order of `runs`, skipping runs without eval results; columns are the union of
// the runs' groups and OOD splits, sorted, with "-" where a run has none.
Table LeaderboardTable(const std::vector<EvalRunData>& runs);

// The cost of each run's policy: Act calls, latency mean / p50 / p95 / p99, control rates,
// tokens and forward passes per chunk, decode failures.
Table PolicyCostTable(const std::vector<EvalRunData>& runs);

// A GitHub-flavoured Markdown table.
std::string MarkdownTable(const Table& table);

}  // namespace fb::reports
