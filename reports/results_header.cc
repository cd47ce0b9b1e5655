#include "reports/results_header.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.h"

namespace fb::reports {

void RequireSchema(const nlohmann::json& results, const std::string& schema) {
  const std::string found = results.is_object() ? results.value("schema", "") : "";
  if (found != schema) throw InputError("expected results of schema '" + schema + "', found '" + found + "'");
}

std::string Provenance(const nlohmann::json& results) {
  return fmt::format("fasterbench {} ({}), config {}", results.value("fasterbench_version", "?"),
                     results.value("git_revision", "?"), results.value("config_hash", "?"));
}

}  // namespace fb::reports
