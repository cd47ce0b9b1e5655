// VRR-vs-sigma curves, the tokenizer reports' shared plot.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "reports/line_plot.h"

namespace fb::reports {

// One curve from a metrics object's "vrr" list ({sigma, rate} entries).
Series VrrSeries(const std::string& label, const nlohmann::json& metrics);

// Writes the curves as a log-sigma PNG titled "Valid reconstruction rate: <subject>".
void WriteVrrPlot(const std::filesystem::path& path, const std::string& subject, const std::vector<Series>& curves);

}  // namespace fb::reports
