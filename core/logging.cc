#include "core/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "core/error.h"

namespace fb {

void SetupLogging(const std::string& level) {
  const auto parsed = spdlog::level::from_str(level);
  // from_str maps unknown names to "off"; only the literal "off" may mean off.
  if (parsed == spdlog::level::off && level != "off") {
    throw InputError("--log-level: unknown level '" + level +
                     "' (expected trace, debug, info, warn, error or off)");
  }
  static const auto logger = [] {
    auto sink_logger = spdlog::stderr_color_mt("fasterbench");
    spdlog::set_default_logger(sink_logger);
    return sink_logger;
  }();
  logger->set_pattern("[%H:%M:%S.%e] [%^%l%$] %v");
  spdlog::set_level(parsed);
}

}  // namespace fb
