// Turns tokenizer benchmark results (results.json, schema fasterbench.tokenizer_eval)
// into a Markdown report and one VRR-vs-sigma PNG per dataset group. Reads results only.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace fb::reports {

// Returns the Markdown text and writes it to <dir>/tokenizer_eval.md together with
// <dir>/vrr_<group>.png. Throws fb::InputError when `results` is not of that schema.
std::string WriteTokenizerReport(const nlohmann::json& results, const std::filesystem::path& dir);

}  // namespace fb::reports
