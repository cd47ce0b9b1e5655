#include "reports/eval_report.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "reports/latency_chart.h"
#include "reports/leaderboard.h"
#include "reports/results_header.h"
#include "reports/success_chart.h"
#include "reports/svg_canvas.h"
#include "reports/tokenizer_tradeoff_chart.h"

namespace fb::reports {
namespace {

namespace fs = std::filesystem;

constexpr size_t kLinkedVideos = 12;  // per run: samples, not an index of every episode

constexpr const char* kStyle = R"(
body { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #222; margin: 24px auto;
       max-width: 1200px; padding: 0 16px; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 1.8em; }
.meta, .note { color: #555; font-size: 0.9em; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.88em; margin: 8px 0; }
th, td { border: 1px solid #d8d8d8; padding: 4px 8px; text-align: right; white-space: nowrap; }
th { background: #f3f5f7; }
.name { text-align: left; }
tr:nth-child(even) td { background: #fafafa; }
figure { margin: 12px 0; }
svg { max-width: 100%; height: auto; border: 1px solid #eee; }
ul.videos { columns: 2; font-size: 0.9em; }
)";

std::string Provenances(const std::vector<EvalRunData>& runs) {
  std::string text;
  for (const auto& run : runs) {
    const auto& results = run.eval ? *run.eval : *run.tokenizer;
    text += fmt::format("- `{}` ({}): {}\n", run.label, run.eval ? "eval, policy " + results.value("policy", "?")
                                                                   : std::string("tokenizer benchmark"),
                        Provenance(results));
  }
  return text;
}

std::string HtmlTable(const Table& table) {
  std::string html = "<div class=\"scroll\"><table><thead><tr>";
  for (size_t i = 0; i < table.header.size(); ++i) {
    html += (i < table.text_columns ? "<th class=\"name\">" : "<th>") + EscapeXml(table.header[i]) + "</th>";
  }
  html += "</tr></thead><tbody>";
  for (const auto& row : table.rows) {
    html += "<tr>";
    for (size_t i = 0; i < row.size(); ++i) {
      html += (i < table.text_columns ? "<td class=\"name\">" : "<td>") + EscapeXml(row[i]) + "</td>";
    }
    html += "</tr>";
  }
  return html + "</tbody></table></div>\n";
}

std::string Figure(const std::string& svg, const std::string& caption) {
  return fmt::format("<figure>{}<figcaption class=\"note\">{}</figcaption></figure>\n", svg, EscapeXml(caption));
}

std::string VideoLinks(const std::vector<EvalRunData>& runs, const fs::path& out_dir) {
  std::string html;
  for (const auto& run : runs) {
    if (run.videos.empty()) continue;
    html += fmt::format("<h3>{}</h3><ul class=\"videos\">", EscapeXml(run.label));
    for (size_t i = 0; i < std::min(run.videos.size(), kLinkedVideos); ++i) {
      const std::string href =
          fs::absolute(run.videos[i]).lexically_normal().lexically_relative(fs::absolute(out_dir).lexically_normal())
              .generic_string();
      const std::string name = run.videos[i].lexically_relative(run.dir).generic_string();
      html += fmt::format("<li><a href=\"{}\">{}</a></li>", EscapeXml(href), EscapeXml(name));
    }
    html += "</ul>";
    if (run.videos.size() > kLinkedVideos) {
      html += fmt::format("<p class=\"note\">{} more in {}</p>", run.videos.size() - kLinkedVideos,
                          EscapeXml((run.dir / "videos").string()));
    }
  }
  return html.empty() ? "" : "<h2>Sample rollouts</h2>\n" + html + "\n";
}

constexpr const char* kLeaderboardNote =
    "Success = the task's predicate held at some step; [low, high] is the Wilson 95% interval (percent) over "
    "n episodes. id -> split: the split's success rate minus id's, over the (suite, task, embodiment) cells the run "
    "has in both. Latency: wall time of each Act call, nearest-rank percentiles; control Hz = executed actions per "
    "second of policy time.";

}  // namespace

std::string LeaderboardMarkdown(const std::vector<EvalRunData>& runs) {
  std::string text = "# fasterbench leaderboard\n\n" + Provenances(runs);
  const Table leaderboard = LeaderboardTable(runs);
  if (!leaderboard.rows.empty()) {
    text += "\n## Success\n\n" + MarkdownTable(leaderboard) + "\n" + kLeaderboardNote + "\n";
    text += "\n## Policy cost\n\n" + MarkdownTable(PolicyCostTable(runs));
  }
  return text;
}

std::string ReportHtml(const std::vector<EvalRunData>& runs, const fs::path& out_dir) {
  std::string html = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>fasterbench report</title>\n"
      "<style>{}</style>\n</head>\n<body>\n<h1>fasterbench report</h1>\n<ul class=\"meta\">",
      kStyle);
  for (const auto& run : runs) {
    const auto& results = run.eval ? *run.eval : *run.tokenizer;
    html += fmt::format("<li><b>{}</b>: {}</li>", EscapeXml(run.label),
                        EscapeXml((run.eval ? "policy " + results.value("policy", "?") + ", "
                                            : std::string("tokenizer benchmark, ")) +
                                  Provenance(results)));
  }
  html += "</ul>\n";
  const Table leaderboard = LeaderboardTable(runs);
  if (!leaderboard.rows.empty()) {
    html += "<h2>Leaderboard</h2>\n" + HtmlTable(leaderboard) + "<p class=\"note\">" + EscapeXml(kLeaderboardNote) +
            "</p>\n";
    html += Figure(SuccessChartSvg(runs), "Bars: success rate; whiskers: Wilson 95% interval.");
    html += "<h2>Policy cost</h2>\n" + HtmlTable(PolicyCostTable(runs));
  }
  const std::string latency = LatencyChartSvg(runs);
  if (!latency.empty()) html += Figure(latency, "Share of Act calls that returned within a given time.");
  const std::string tradeoff = TokenizerTradeoffChartSvg(runs);
  if (!tradeoff.empty()) {
    html += "<h2>Action tokenizers</h2>\n" +
            Figure(tradeoff, "Lower-left is better: fewer tokens per chunk for the same reconstruction error.");
  }
  html += VideoLinks(runs, out_dir);
  return html + "</body>\n</html>\n";
}

std::string WriteEvalReport(const std::vector<EvalRunData>& runs, const fs::path& out_dir) {
  const std::string markdown = LeaderboardMarkdown(runs);
  WriteFileAtomic(out_dir / "leaderboard.md", markdown);
  WriteFileAtomic(out_dir / "report.html", ReportHtml(runs, out_dir));
  return markdown;
}

}  // namespace fb::reports
