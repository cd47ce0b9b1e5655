// The configs/ tree compiled into the binary (generated at build time by
// cmake/EmbedFiles.cmake), so defaults live in configs/ yet need no install step.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fb::config {

// Contents of configs/<name>, or nullopt when no such file was embedded.
std::optional<std::string_view> BuiltinConfig(std::string_view name);

// Every embedded name, sorted.
std::vector<std::string_view> BuiltinConfigNames();

// Stems of the .yaml files directly in `dir` ("embodiments/" -> {"aloha", "panda", ...}),
// sorted; empty when there are none.
std::vector<std::string> BuiltinConfigStemsIn(std::string_view dir);

}  // namespace fb::config
