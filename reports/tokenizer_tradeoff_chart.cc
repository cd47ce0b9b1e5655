#include "reports/tokenizer_tradeoff_chart.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "reports/svg_canvas.h"

namespace fb::reports {
namespace {

struct Point {
  double tokens, mse;
  std::string label;
  size_t series;
};

constexpr double kFloorMse = 1e-12;  // a lossless tokenizer still gets a place on the log axis

}  // namespace

std::string TokenizerTradeoffChartSvg(const std::vector<EvalRunData>& runs) {
  std::vector<Point> points;
  std::vector<std::string> series;
  const auto with_tokenizers = std::count_if(runs.begin(), runs.end(), [](const auto& r) { return r.tokenizer.has_value(); });
  for (const auto& run : runs) {
    if (!run.tokenizer) continue;
    for (const auto& group : run.tokenizer->value("groups", nlohmann::json::array())) {
      const std::string name = fmt::format("{}{}-{}", with_tokenizers > 1 ? run.label + " " : "",
                                           group.value("dataset", "?"), group.value("embodiment", "?"));
      for (const auto& t : group.value("tokenizers", nlohmann::json::array())) {
        const auto& m = t.at("metrics");
        points.push_back({m.at("tokens").at("mean").get<double>(),
                          std::max(kFloorMse, m.at("reconstruction").at("normalized").at("mse").get<double>()),
                          t.value("name", "?"), series.size()});
      }
      series.push_back(name);
    }
  }
  if (points.empty()) return "";
  double x_hi = 0, y_lo = INFINITY, y_hi = 0;
  for (const auto& p : points) {
    x_hi = std::max(x_hi, p.tokens);
    y_lo = std::min(y_lo, p.mse);
    y_hi = std::max(y_hi, p.mse);
  }
  const double decade_lo = std::pow(10.0, std::floor(std::log10(y_lo)));
  const double decade_hi = std::pow(10.0, std::ceil(std::log10(y_hi * 1.0001)));
  SvgCanvas canvas(720, 380, "Tokens per chunk vs reconstruction error",
                   Axis{0, x_hi * 1.1 + 1, false, "tokens per chunk (mean)", false},
                   Axis{decade_lo, decade_hi, true, "normalized MSE (log)", false}, 80);
  canvas.DrawAxes();
  // A tokenizer lands at similar places in every group: its name goes once per neighbourhood,
  // moved down past other names so that none overlap.
  struct Label {
    double x, y;
    std::string text;
  };
  std::vector<Label> labels;
  auto near = [](const Label& a, double x, double y) { return std::abs(a.x - x) < 70 && std::abs(a.y - y) < 13; };
  for (const auto& p : points) {
    const double x = canvas.MapX(p.tokens), y = canvas.MapY(p.mse);
    canvas.Circle(x, y, 5, SeriesColour(p.series));
    const bool named = std::any_of(labels.begin(), labels.end(),
                                   [&](const Label& l) { return l.text == p.label && near(l, x + 8, y - 6); });
    if (named) continue;
    double label_y = y - 6;
    while (std::any_of(labels.begin(), labels.end(), [&](const Label& l) { return near(l, x + 8, label_y); })) {
      label_y += 13;
    }
    canvas.Text(x + 8, label_y, p.label, "start", 0, 11);
    labels.push_back({x + 8, label_y, p.label});
  }
  canvas.Legend(series);
  return canvas.Finish();
}

}  // namespace fb::reports
