// The distribution of Act latencies per run as an empirical CDF on a log time axis: inline
// SVG for the HTML report.
#pragma once

#include <string>
#include <vector>

#include "reports/eval_run_data.h"

namespace fb::reports {

// "" when no run logged an Act call.
std::string LatencyChartSvg(const std::vector<EvalRunData>& runs);

}  // namespace fb::reports
