#include "tokenizers/registry.h"

#include <map>

#include <nlohmann/json.hpp>

#include "tokenizers/binning/binning_tokenizer.h"
#include "tokenizers/fast/fast_tokenizer.h"
#include "tokenizers/fastervq/fastervq_tokenizer.h"

namespace fb::tokenizers {
namespace {

// Defaults from configs/tokenizers/<type>.yaml, then the caller's params.
template <class Config>
Config ResolveConfig(const std::string& type, const config::Subtree& params) {
  Config config{};
  config::Apply(config::LoadBuiltin("tokenizers/" + type + ".yaml"), config, /*complete=*/true);
  config::Apply(params, config);
  config::Validate(config);
  return config;
}

const std::map<std::string, TokenizerFactory>& Registry() {
  static const std::map<std::string, TokenizerFactory> registry = {
      {"binning",
       {[](const config::Subtree& params) -> std::unique_ptr<ActionTokenizer> {
          return std::make_unique<BinningTokenizer>(ResolveConfig<BinningConfig>("binning", params));
        },
        [](const std::filesystem::path& dir, const nlohmann::json& settings) -> std::unique_ptr<ActionTokenizer> {
          return BinningTokenizer::Load(settings, (dir / "manifest.json").string());
        }}},
      {"fast",
       {[](const config::Subtree& params) -> std::unique_ptr<ActionTokenizer> {
          return FastTokenizer::FromConfig(ResolveConfig<FastConfig>("fast", params));
        },
        [](const std::filesystem::path& dir, const nlohmann::json& settings) -> std::unique_ptr<ActionTokenizer> {
          // Reference directories carry no policy: they decode like the reference (zeros).
          return FastTokenizer::Load(dir, ParseFailurePolicy(settings.value("failure_policy", "zeros")));
        }}},
      {"fastervq",
       {[](const config::Subtree& params) -> std::unique_ptr<ActionTokenizer> {
          return FasterVqTokenizer::FromConfig(ResolveConfig<FasterVqConfig>("fastervq", params));
        },
        [](const std::filesystem::path& dir, const nlohmann::json&) -> std::unique_ptr<ActionTokenizer> {
          return FasterVqTokenizer::Load(dir);
        }}},
  };
  return registry;
}

}  // namespace

std::vector<std::string> TokenizerTypes() {
  std::vector<std::string> types;
  for (const auto& [type, factory] : Registry()) types.push_back(type);
  return types;
}

NormalizerConfig DefaultNormalizer(const std::string& type) {
  const config::Document doc = config::LoadBuiltin("tokenizers/normalizers.yaml");
  const YAML::Node entry = doc.root[type];
  if (!entry.IsDefined()) {
    throw InputError(doc.origin + ": no default normalizer for tokenizer type '" + type +
                     "'; give the tokenizer entry a normalizer");
  }
  NormalizerConfig normalizer{};
  config::ReadValue(entry, doc, type, normalizer, /*require_all=*/true);
  return normalizer;
}

const TokenizerFactory& FindTokenizer(const std::string& type) {
  const auto& registry = Registry();
  if (auto it = registry.find(type); it != registry.end()) return it->second;
  const auto types = TokenizerTypes();
  std::string message = "unknown tokenizer type '" + type + "'";
  if (auto near = config::NearestName(type, types); !near.empty()) message += "; did you mean '" + near + "'?";
  message += " (registered:";
  for (const auto& t : types) message += " " + t;
  throw InputError(message + ")");
}

}  // namespace fb::tokenizers
