#include "reports/vrr_plot.h"

#include <nlohmann/json.hpp>

namespace fb::reports {

Series VrrSeries(const std::string& label, const nlohmann::json& metrics) {
  Series series{label, {}, {}};
  for (const auto& v : metrics.at("vrr")) {
    series.x.push_back(v.at("sigma").get<double>());
    series.y.push_back(v.at("rate").get<double>());
  }
  return series;
}

void WriteVrrPlot(const std::filesystem::path& path, const std::string& subject, const std::vector<Series>& curves) {
  PlotSpec spec;
  spec.title = "Valid reconstruction rate: " + subject;
  spec.x_label = "sigma (raw action units, log scale)";
  spec.y_label = "VRR";
  spec.log_x = true;
  spec.height = 500 + 20 * static_cast<int>(curves.size() > 4 ? curves.size() - 4 : 0);
  WriteLinePlotPng(path, spec, curves);
}

}  // namespace fb::reports
