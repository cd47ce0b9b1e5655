// `fasterbench report RUN_DIR... --out DIR`: one leaderboard over evaluation runs (and any
// tokenizer benchmark results among them) as <out>/leaderboard.md and a self-contained
// <out>/report.html. Reads results files only.
#include <fmt/format.h>

#include "apps/command.h"
#include "core/error.h"
#include "reports/eval_report.h"

namespace fb::apps {
namespace {

int RunReport(const std::vector<std::string>& run_dirs, const std::string& out) {
  std::vector<reports::EvalRunData> runs;
  for (const auto& dir : run_dirs) runs.push_back(reports::LoadEvalRun(dir));
  fmt::print("{}", reports::WriteEvalReport(runs, out));
  fmt::print("\nreport: {}/report.html, leaderboard: {}/leaderboard.md\n", out, out);
  return kExitOk;
}

}  // namespace

void RegisterReportCommand(CLI::App& app, Dispatch& dispatch) {
  struct Args {
    std::vector<std::string> run_dirs;
    std::string out;
  };
  auto args = std::make_shared<Args>();
  auto* command = app.add_subcommand(
      "report", "Leaderboard (Markdown) and a self-contained HTML report of one or more eval run directories");
  command->add_option("RUN_DIR", args->run_dirs, "Run directories of fasterbench eval (or tokenizer eval)")
      ->required();
  command->add_option("--out", args->out, "Output directory for leaderboard.md and report.html")->required();
  command->callback([&dispatch, args] { dispatch.run = [args] { return RunReport(args->run_dirs, args->out); }; });
}

}  // namespace fb::apps
