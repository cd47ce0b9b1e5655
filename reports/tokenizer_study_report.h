// Turns tokenizer study results (schema fasterbench.tokenizer_study) into Markdown tables
// (fit set x test set per tokenizer), a heat map of L1 per tokenizer and VRR-vs-sigma
// curves per tokenizer. Reads results only.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace fb::reports {

// Writes <dir>/tokenizer_study.md, l1_heatmap_<tokenizer>.png and vrr_<tokenizer>.png;
// returns the Markdown. Throws fb::InputError when `results` is not of that schema.
std::string WriteTokenizerStudyReport(const nlohmann::json& results, const std::filesystem::path& dir);

}  // namespace fb::reports
