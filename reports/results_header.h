// What every report says about the results it was made from.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

namespace fb::reports {

// Throws fb::InputError when results["schema"] is not `schema`.
void RequireSchema(const nlohmann::json& results, const std::string& schema);

// "fasterbench 0.1.0 (abc1234), config fnv1a64:...": the results' provenance.
std::string Provenance(const nlohmann::json& results);

}  // namespace fb::reports
