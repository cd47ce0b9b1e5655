#include "reports/latency_chart.h"

#include <algorithm>
#include <cmath>

#include "reports/svg_canvas.h"

namespace fb::reports {
namespace {

constexpr double kFloorMs = 1e-6;   // a log axis needs positive times; 1 ns is below any real call
constexpr size_t kMaxPoints = 400;  // a CDF this fine is smooth at report size

}  // namespace

std::string LatencyChartSvg(const std::vector<EvalRunData>& runs) {
  double lo = INFINITY, hi = -INFINITY;
  std::vector<std::pair<const EvalRunData*, std::vector<double>>> curves;
  for (const auto& run : runs) {
    if (run.latencies_s.empty()) continue;
    std::vector<double> ms;
    for (double s : run.latencies_s) ms.push_back(std::max(kFloorMs, 1000 * s));
    std::sort(ms.begin(), ms.end());
    lo = std::min(lo, ms.front());
    hi = std::max(hi, ms.back());
    curves.emplace_back(&run, std::move(ms));
  }
  if (curves.empty()) return "";
  const double axis_lo = std::pow(10.0, std::floor(std::log10(lo)));
  const double axis_hi = std::pow(10.0, std::ceil(std::log10(hi * 1.0001)));
  SvgCanvas canvas(720, 340, "Act latency, cumulative distribution", Axis{axis_lo, axis_hi, true, "latency (ms, log)", false},
                   Axis{0, 1, false, "share of calls", true});
  canvas.DrawAxes();
  std::vector<std::string> labels;
  for (size_t c = 0; c < curves.size(); ++c) {
    const auto& ms = curves[c].second;
    const size_t n = ms.size(), step = std::max<size_t>(1, n / kMaxPoints);
    std::vector<std::pair<double, double>> points = {{canvas.MapX(ms.front()), canvas.MapY(0)}};
    for (size_t i = 0; i < n; i += step) {
      const size_t last = std::min(n, i + step) - 1;  // the step's highest value and its rank
      points.emplace_back(canvas.MapX(ms[last]), canvas.MapY(static_cast<double>(last + 1) / static_cast<double>(n)));
    }
    canvas.Polyline(points, SeriesColour(c));
    labels.push_back(curves[c].first->label + " (" + std::to_string(n) + " calls)");
  }
  canvas.Legend(labels);
  return canvas.Finish();
}

}  // namespace fb::reports
