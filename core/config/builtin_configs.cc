#include "core/config/builtin_configs.h"

#include <algorithm>

namespace fb::config {

std::vector<std::string> BuiltinConfigStemsIn(std::string_view dir) {
  constexpr std::string_view kSuffix = ".yaml";
  std::vector<std::string> stems;
  for (std::string_view file : BuiltinConfigNames()) {
    if (!file.starts_with(dir) || !file.ends_with(kSuffix)) continue;
    file.remove_prefix(dir.size());
    file.remove_suffix(kSuffix.size());
    if (file.find('/') == std::string_view::npos) stems.emplace_back(file);
  }
  std::sort(stems.begin(), stems.end());
  return stems;
}

}  // namespace fb::config
