// Reading JSON files with errors that name the file.
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

namespace fb {

// Parses the file. Throws fb::InputError "cannot read '<path>'" or "<path>: invalid JSON: ...".
nlohmann::json ReadJsonFile(const std::filesystem::path& path);

}  // namespace fb
