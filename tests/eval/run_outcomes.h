// Comparing evaluation runs by what must not depend on how they ran (workers, shards,
// interrupts): results without timing fields, and each episode's outcome.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "eval/run_log.h"

namespace fb::eval::testing {

// `results` without the fields that measure time (*_s, *_hz, "timing") or name the config.
inline nlohmann::json Untimed(nlohmann::json results) {
  if (!results.is_object()) return results;
  nlohmann::json kept = nlohmann::json::object();
  for (auto& [key, value] : results.items()) {
    const bool timed = key == "timing" || key == "config_hash" || (key.size() > 2 && key.ends_with("_s")) ||
                       key.ends_with("_hz");
    if (!timed) kept[key] = Untimed(value);
  }
  return kept;
}

// key -> "success_once/success_at_end/steps/failure" for every episode of a log.
inline std::map<std::string, std::string> Outcomes(const std::filesystem::path& log) {
  std::map<std::string, std::string> outcomes;
  for (const auto& r : ReadRunLog(log)) {
    if (r.value("type", "") != "episode") continue;
    outcomes[r["key"].get<std::string>()] = r["success_once"].dump() + "/" + r["success_at_end"].dump() + "/" +
                                            r["steps"].dump() + "/" + r["failure"].get<std::string>();
  }
  return outcomes;
}

}  // namespace fb::eval::testing
