#include "reports/tokenizer_study_report.h"

#include <cmath>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "reports/heat_map.h"
#include "reports/results_header.h"
#include "reports/vrr_plot.h"

namespace fb::reports {
namespace {

const nlohmann::json* FindCell(const nlohmann::json& cells, const std::string& tokenizer, const std::string& fit,
                               const std::string& test) {
  for (const auto& cell : cells) {
    if (cell.at("tokenizer") == tokenizer && cell.at("fit_set") == fit && cell.at("test_set") == test) return &cell;
  }
  return nullptr;
}

double VrrAt(const nlohmann::json& metrics, double sigma) {
  for (const auto& v : metrics.at("vrr")) {
    if (std::abs(v.at("sigma").get<double>() - sigma) < 1e-12) return v.at("rate").get<double>();
  }
  return NAN;
}

}  // namespace

std::string WriteTokenizerStudyReport(const nlohmann::json& results, const std::filesystem::path& dir) {
  RequireSchema(results, "fasterbench.tokenizer_study");
  std::vector<std::string> tokenizers, test_sets;
  for (const auto& cell : results.at("cells")) {
    const auto name = cell.at("tokenizer").get<std::string>();
    if (std::find(tokenizers.begin(), tokenizers.end(), name) == tokenizers.end()) tokenizers.push_back(name);
  }
  for (const auto& set : results.at("sets")) test_sets.push_back(set.at("name").get<std::string>());
  const auto fit_sets = results.at("fit_on").get<std::vector<std::string>>();

  std::string md = "# Tokenizer study: fit on some embodiments / action types, evaluate on all\n\n";
  md += Provenance(results) +
        ". Each cell: L1 in normalized units / VRR at sigma = 0.001 / mean tokens per chunk, on the held-out "
        "episodes of the test set, normalized with the test set's own statistics (fewer dims than the tokenizer: "
        "zero-padded).\n\n";
  md += "| set | dims | train episodes | held-out episodes | held-out chunks |\n|---|---:|---:|---:|---:|\n";
  for (const auto& set : results.at("sets")) {
    md += fmt::format("| {} | {} | {} | {} | {} |\n", set.at("name").get<std::string>(), set.at("dims").get<int>(),
                      set.at("train_episodes").get<int64_t>(), set.at("test_episodes").get<int64_t>(),
                      set.at("test_chunks").get<int64_t>());
  }
  for (const auto& tokenizer : tokenizers) {
    md += fmt::format("\n## {}\n\n| fit on \\ evaluated on |", tokenizer);
    for (const auto& t : test_sets) md += " " + t + " |";
    md += "\n|---|";
    for (size_t i = 0; i < test_sets.size(); ++i) md += "---:|";
    md += "\n";
    HeatMapSpec heat{"L1 (normalized units): " + tokenizer, "fit on", "evaluated on", fit_sets, test_sets, {}, true};
    std::vector<Series> curves;
    for (const auto& fit : fit_sets) {
      md += "| " + fit + " |";
      std::vector<double> row;
      for (const auto& test : test_sets) {
        const auto* cell = FindCell(results.at("cells"), tokenizer, fit, test);
        if (cell == nullptr || !cell->contains("metrics")) {
          md += " n/a |";
          row.push_back(NAN);
          continue;
        }
        const auto& m = cell->at("metrics");
        const double l1 = m.at("reconstruction").at("normalized").at("l1").get<double>();
        row.push_back(l1);
        md += fmt::format(" {:.4f} / {:.3f} / {:.1f} |", l1, VrrAt(m, 1e-3), m.at("tokens").at("mean").get<double>());
        curves.push_back(VrrSeries(fit + " -> " + test, m));
      }
      heat.values.push_back(std::move(row));
      md += "\n";
    }
    WriteHeatMapPng(dir / ("l1_heatmap_" + tokenizer + ".png"), heat);
    WriteVrrPlot(dir / ("vrr_" + tokenizer + ".png"), tokenizer, curves);
    md += fmt::format("\n![L1 heat map](l1_heatmap_{0}.png) ![VRR curves](vrr_{0}.png)\n", tokenizer);
  }
  WriteFileAtomic(dir / "tokenizer_study.md", md);
  return md;
}

}  // namespace fb::reports
