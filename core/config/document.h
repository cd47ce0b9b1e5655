// A parsed YAML document plus where it came from, so every config error can name
// file:line:column (or the --set flag) of the offending value.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

namespace fb::config {

struct Document {
  YAML::Node root;
  std::string origin;      // "run.yaml", "configs/x.yaml (built-in)", "--set a.b=1"
  bool has_lines = false;  // false for --set overrides, whose marks mean nothing
};

// Parses a YAML file. Throws fb::InputError naming file:line:column on a syntax error
// and the path when it cannot be read.
Document LoadFile(const std::filesystem::path& path);

// Parses one of the configs/ files compiled into the binary, by its path relative to
// configs/ ("tokenizer_eval.yaml"). Throws fb::InputError listing the known names.
Document LoadBuiltin(std::string_view name);

// Turns "a.b.c=value" into the document {a: {b: {c: value}}}; the value is parsed as
// YAML ("[1, 2]" is a list). A numeric segment ("tokenizers.1.scale") addresses a list
// element. Throws fb::InputError for a missing '=' or an empty key.
Document FromAssignment(std::string_view assignment);

// "file:12:5" for a node with a position, else just the origin.
std::string Locate(const Document& doc, const YAML::Node& node);

}  // namespace fb::config
