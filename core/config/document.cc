#include "core/config/document.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "core/config/builtin_configs.h"
#include "core/config/checks.h"
#include "core/error.h"

namespace fb::config {
namespace {

Document Parse(const std::string& text, std::string origin) {
  try {
    return Document{YAML::Load(text), std::move(origin), true};
  } catch (const YAML::ParserException& e) {
    throw InputError(origin + ":" + std::to_string(e.mark.line + 1) + ":" +
                     std::to_string(e.mark.column + 1) + ": YAML syntax error: " + e.msg);
  }
}

}  // namespace

Document LoadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read config file '" + path.string() + "'");
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path.string());
}

Document LoadBuiltin(std::string_view name) {
  const auto text = BuiltinConfig(name);
  if (!text) {
    std::string known;
    std::vector<std::string> names;
    for (auto n : BuiltinConfigNames()) {
      known += (known.empty() ? "" : ", ") + std::string(n);
      names.emplace_back(n);
    }
    throw InputError("no built-in config 'configs/" + std::string(name) + "'" + DidYouMean(std::string(name), names) +
                     " (known: " + known + ")");
  }
  return Parse(std::string(*text), "configs/" + std::string(name) + " (built-in)");
}

Document FromAssignment(std::string_view assignment) {
  const std::string origin = "--set " + std::string(assignment);
  const auto eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    throw InputError(origin + ": expected KEY.PATH=VALUE, e.g. --set data.horizon=20");
  }
  YAML::Node value;
  try {
    value = YAML::Load(std::string(assignment.substr(eq + 1)));
  } catch (const YAML::ParserException& e) {
    throw InputError(origin + ": value is not valid YAML: " + e.msg);
  }
  std::vector<std::string> keys;
  std::string_view path = assignment.substr(0, eq);
  for (size_t start = 0;;) {
    const auto dot = path.find('.', start);
    const auto key = path.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (key.empty()) throw InputError(origin + ": empty segment in key path '" + std::string(path) + "'");
    keys.emplace_back(key);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  YAML::Node node = value;
  for (auto it = keys.rbegin(); it != keys.rend(); ++it) {
    YAML::Node parent(YAML::NodeType::Map);
    parent[*it] = node;
    node = parent;
  }
  return Document{node, origin, false};
}

std::string Locate(const Document& doc, const YAML::Node& node) {
  if (!doc.has_lines || !node.IsDefined()) return doc.origin;
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return doc.origin;
  return doc.origin + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

}  // namespace fb::config
