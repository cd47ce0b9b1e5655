// `fasterbench report`: the leaderboard of one or more evaluation runs as Markdown
// (leaderboard.md) and as one self-contained HTML page (report.html: inline CSS and SVG
// charts, no script, nothing fetched), with links to the runs' rollout videos.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "reports/eval_run_data.h"

namespace fb::reports {

// The Markdown leaderboard: provenance of each run, the leaderboard and policy cost tables.
std::string LeaderboardMarkdown(const std::vector<EvalRunData>& runs);

// The HTML page; video links are relative to `out_dir`, where the page will live.
std::string ReportHtml(const std::vector<EvalRunData>& runs, const std::filesystem::path& out_dir);

// Writes <out_dir>/leaderboard.md and <out_dir>/report.html atomically; returns the Markdown.
std::string WriteEvalReport(const std::vector<EvalRunData>& runs, const std::filesystem::path& out_dir);

}  // namespace fb::reports
