// Success rate per suite/split group (and overall) as grouped bars, one colour per run, with
// the Wilson 95% interval as a whisker: inline SVG for the HTML report.
#pragma once

#include <string>
#include <vector>

#include "reports/eval_run_data.h"

namespace fb::reports {

// "" when no run has eval results.
std::string SuccessChartSvg(const std::vector<EvalRunData>& runs);

}  // namespace fb::reports
