// Tokenizers by type name. A new tokenizer is one folder plus one entry in registry.cc;
// nothing that uses tokenizers changes.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/config/schema.h"
#include "tokenizers/action_tokenizer.h"
#include "tokenizers/normalizer.h"

namespace fb::tokenizers {

struct TokenizerFactory {
  // Builds an unfitted tokenizer: defaults from configs/tokenizers/<type>.yaml, then
  // `params` layered on top, validated.
  std::function<std::unique_ptr<ActionTokenizer>(const config::Subtree& params)> create;
  // Rebuilds a saved tokenizer from its directory and its manifest settings.
  std::function<std::unique_ptr<ActionTokenizer>(const std::filesystem::path& dir, const nlohmann::json& settings)>
      load;
};

// Registered type names, sorted.
std::vector<std::string> TokenizerTypes();

// Throws fb::InputError for an unknown type, suggesting the nearest registered one.
const TokenizerFactory& FindTokenizer(const std::string& type);

// The normalizer a tokenizer type uses unless told otherwise (from
// configs/tokenizers/normalizers.yaml). Throws fb::InputError for a type without one.
NormalizerConfig DefaultNormalizer(const std::string& type);

}  // namespace fb::tokenizers
