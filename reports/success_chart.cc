#include "reports/success_chart.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "reports/svg_canvas.h"

namespace fb::reports {

std::string SuccessChartSvg(const std::vector<EvalRunData>& runs) {
  std::vector<const EvalRunData*> evaluated;
  std::set<std::string> group_set;
  for (const auto& run : runs) {
    if (!run.eval) continue;
    evaluated.push_back(&run);
    for (const auto& [group, summary] : run.eval->at("per_group").items()) group_set.insert(group);
  }
  if (evaluated.empty()) return "";
  std::vector<std::string> groups(group_set.begin(), group_set.end());
  groups.push_back("overall");

  size_t longest = 0;
  for (const auto& g : groups) longest = std::max(longest, g.size());
  const int width = std::max(640, std::min(1200, 120 + 110 * static_cast<int>(groups.size())));
  const double slot = (width - 90.0) / static_cast<double>(groups.size());
  const bool slanted = 7.0 * static_cast<double>(longest) > slot;  // labels would overlap
  const int bottom = slanted ? 30 + static_cast<int>(3.5 * static_cast<double>(longest)) : 40;
  SvgCanvas canvas(width, 300 + bottom, "Success rate per split (bars: 95% Wilson interval)",
                   Axis{0, 1, false, "", false}, Axis{0, 1, false, "success", true}, 70, bottom);
  canvas.DrawAxes(true);
  const double bar = slot * 0.8 / static_cast<double>(evaluated.size());
  for (size_t g = 0; g < groups.size(); ++g) {
    const double left = canvas.plot_left() + slot * static_cast<double>(g) + slot * 0.1;
    for (size_t r = 0; r < evaluated.size(); ++r) {
      const nlohmann::json& results = *evaluated[r]->eval;
      const nlohmann::json* summary = nullptr;
      if (groups[g] == "overall") {
        summary = &results.at("overall");
      } else if (results.at("per_group").contains(groups[g])) {
        summary = &results.at("per_group").at(groups[g]);
      }
      if (!summary) continue;
      const double rate = summary->at("success_rate"), low = summary->at("success_ci95").at(0),
                   high = summary->at("success_ci95").at(1);
      const double x = left + bar * static_cast<double>(r), centre = x + bar / 2;
      canvas.Rect(x + 1, canvas.MapY(rate), bar - 2, canvas.MapY(0) - canvas.MapY(rate), SeriesColour(r), 0.85);
      canvas.Line(centre, canvas.MapY(low), centre, canvas.MapY(high), "#222", 1.5);
      canvas.Line(centre - 4, canvas.MapY(low), centre + 4, canvas.MapY(low), "#222", 1.5);
      canvas.Line(centre - 4, canvas.MapY(high), centre + 4, canvas.MapY(high), "#222", 1.5);
    }
    const double label_x = left + slot * 0.4;
    if (slanted) {
      canvas.Text(label_x, canvas.plot_bottom() + 14, groups[g], "end", -30);
    } else {
      canvas.Text(label_x, canvas.plot_bottom() + 18, groups[g], "middle");
    }
  }
  std::vector<std::string> labels;
  for (const auto* run : evaluated) labels.push_back(fmt::format("{} ({})", run->label, run->eval->value("policy", "?")));
  canvas.Legend(labels);
  return canvas.Finish();
}

}  // namespace fb::reports
