// Tokens per chunk against reconstruction error (normalized MSE, log axis), one point per
// tokenizer and dataset group, for runs that carry tokenizer benchmark results: the
// sequence-length / fidelity trade-off the policy's action tokenizer sits on. Inline SVG.
#pragma once

#include <string>
#include <vector>

#include "reports/eval_run_data.h"

namespace fb::reports {

// "" when no run has tokenizer results.
std::string TokenizerTradeoffChartSvg(const std::vector<EvalRunData>& runs);

}  // namespace fb::reports
