// Process-wide logging setup (spdlog to stderr) and the level names the CLI accepts.
#pragma once

#include <string>

namespace fb {

// Sets the global spdlog level and pattern. Throws fb::InputError for an unknown level
// name; valid names: trace, debug, info, warn, error, off.
void SetupLogging(const std::string& level);

}  // namespace fb
