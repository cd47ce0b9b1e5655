#include "eval/tokenizer_eval_config.h"

#include <set>

#include "core/error.h"
#include "tokenizers/registry.h"

namespace fb::eval {

void TokenizerMetricsConfig::Validate() const {
  for (double sigma : vrr_sigmas) {
    if (!(sigma > 0)) throw InputError("metrics.vrr_sigmas: every sigma must be > 0, got " + std::to_string(sigma));
  }
}

void TokenizerEvalConfig::Validate() const { ValidateTokenizerNames(tokenizers); }

void ValidateTokenizerNames(const std::vector<TokenizerSpec>& specs) {
  std::set<std::string> names;
  for (const auto& spec : specs) {
    if (!names.insert(spec.name).second) {
      throw InputError("tokenizers: name '" + spec.name + "' is used twice; names label results and directories");
    }
    if (spec.name.find_first_of("/\\ ") != std::string::npos) {
      throw InputError("tokenizers: name '" + spec.name + "' may not contain '/', '\\' or spaces");
    }
  }
}

void ResolveNormalizers(std::vector<TokenizerSpec>& specs) {
  for (auto& spec : specs) {
    if (!spec.normalizer) spec.normalizer = tokenizers::DefaultNormalizer(spec.type);
  }
}

}  // namespace fb::eval
