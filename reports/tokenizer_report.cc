#include "reports/tokenizer_report.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "reports/results_header.h"
#include "reports/vrr_plot.h"

namespace fb::reports {
namespace {

std::string Fixed(double v, int digits = 4) { return fmt::format("{:.{}f}", v, digits); }

std::string Rate(double v) {
  if (v >= 1e6) return fmt::format("{:.2f}M", v / 1e6);
  if (v >= 1e3) return fmt::format("{:.1f}k", v / 1e3);
  return fmt::format("{:.0f}", v);
}

std::string GroupLabel(const nlohmann::json& group) {
  return fmt::format("{}-{}-{}", group.at("dataset").get<std::string>(), group.at("embodiment").get<std::string>(),
                     group.at("action_space").get<std::string>());
}

// Tokenizer-specific code statistics ("codes"), one bullet per top-level key.
std::string CodeStatistics(const nlohmann::json& group) {
  std::string text;
  for (const auto& t : group.at("tokenizers")) {
    if (!t.at("metrics").contains("codes")) continue;
    text += fmt::format("\nCode statistics of {}:\n\n", t.at("name").get<std::string>());
    for (const auto& [key, value] : t.at("metrics").at("codes").items()) {
      text += fmt::format("- {}: `{}`\n", key, value.dump());
    }
  }
  return text;
}

std::string GroupTables(const nlohmann::json& group) {
  std::string sigmas_header, sigmas_rule;
  const auto& first = group.at("tokenizers").at(0).at("metrics");
  for (const auto& v : first.at("vrr")) {
    sigmas_header += fmt::format(" VRR@{:g} |", v.at("sigma").get<double>());
    sigmas_rule += "---:|";
  }
  std::string fidelity =
      "| tokenizer | tokens/chunk mean (p50 / p99 / max) | compression | L1 norm | MSE norm | L1 raw | max abs raw |" +
      sigmas_header + " decode failures |\n|---|---:|---:|---:|---:|---:|---:|" + sigmas_rule + "---:|\n";
  std::string usage =
      "| tokenizer | vocab | used | usage | norm. entropy | max token freq | encode/s 1 thr | decode/s 1 thr | "
      "encode/s all | decode/s all |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& t : group.at("tokenizers")) {
    const auto& m = t.at("metrics");
    const auto& tokens = m.at("tokens");
    const auto& norm = m.at("reconstruction").at("normalized");
    const auto& raw = m.at("reconstruction").at("raw");
    std::string vrr;
    for (const auto& v : m.at("vrr")) vrr += fmt::format(" {:.3f} |", v.at("rate").get<double>());
    fidelity += fmt::format("| {} | {:.1f} ({:g} / {:g} / {:g}) | {:.2f}x | {} | {} | {} | {} |{} {:.2f}% |\n",
                            t.at("name").get<std::string>(), tokens.at("mean").get<double>(),
                            tokens.at("p50").get<double>(), tokens.at("p99").get<double>(),
                            tokens.at("max").get<double>(), tokens.at("compression_ratio").get<double>(),
                            Fixed(norm.at("l1")), Fixed(norm.at("mse"), 6), Fixed(raw.at("l1"), 6),
                            Fixed(raw.at("max_abs"), 5), vrr, 100.0 * m.at("decode_failures").at("rate").get<double>());
    const auto& vocab = m.at("vocabulary");
    // Throughput is optional (metrics.measure_throughput); "-" when not measured.
    auto speed = [&](const char* key) {
      return m.contains("throughput") ? Rate(m.at("throughput").at(key).get<double>()) : std::string("-");
    };
    usage += fmt::format("| {} | {} | {} | {:.1f}% | {:.3f} | {:.2f}% | {} | {} | {} | {} |\n",
                         t.at("name").get<std::string>(), vocab.at("size").get<int64_t>(),
                         vocab.at("used").get<int64_t>(), 100.0 * vocab.at("usage").get<double>(),
                         vocab.at("normalized_entropy").get<double>(),
                         100.0 * vocab.at("max_token_frequency").get<double>(),
                         speed("encode_chunks_per_s_1_thread"), speed("decode_chunks_per_s_1_thread"),
                         speed("encode_chunks_per_s_all_threads"), speed("decode_chunks_per_s_all_threads"));
  }
  return fidelity + "\n" + usage + CodeStatistics(group);
}

}  // namespace

std::string WriteTokenizerReport(const nlohmann::json& results, const std::filesystem::path& dir) {
  RequireSchema(results, "fasterbench.tokenizer_eval");
  std::string markdown = "# Tokenizer benchmark\n\n";
  markdown += Provenance(results) +
              ". Reconstruction on held-out episodes; 'norm' errors are in units of half the training q01..q99 "
              "range per dimension, 'raw' in action units; VRR(sigma) = share of steps whose mean absolute error "
              "over dimensions is below sigma (raw units).\n";
  for (const auto& group : results.at("groups")) {
    const std::string label = GroupLabel(group);
    markdown += fmt::format("\n## {} ({}x{} chunks; {} train / {} held-out episodes, {} held-out chunks)\n\n", label,
                            group.at("horizon").get<int>(), group.at("dims").get<int>(),
                            group.at("train_episodes").get<int64_t>(), group.at("test_episodes").get<int64_t>(),
                            group.at("test_chunks").get<int64_t>());
    markdown += GroupTables(group);
    const std::string plot = "vrr_" + label + ".png";
    std::vector<Series> curves;
    for (const auto& t : group.at("tokenizers")) curves.push_back(VrrSeries(t.at("name"), t.at("metrics")));
    WriteVrrPlot(dir / plot, label, curves);
    markdown += fmt::format("\n![VRR vs sigma]({})\n", plot);
  }
  WriteFileAtomic(dir / "tokenizer_eval.md", markdown);
  return markdown;
}

}  // namespace fb::reports
