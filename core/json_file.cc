#include "core/json_file.h"

#include <fstream>

#include "core/error.h"

namespace fb {

nlohmann::json ReadJsonFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError("cannot read '" + path.string() + "'");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(path.string() + ": invalid JSON: " + e.what());
  }
}

}  // namespace fb
