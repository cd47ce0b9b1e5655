#include "eval/tokenizer_eval_config.h"

#include <set>

#include "core/error.h"

namespace fb::eval {

void TokenizerEvalConfig::Validate() const {
  std::set<std::string> names;
  for (const auto& spec : tokenizers) {
    if (!names.insert(spec.name).second) {
      throw InputError("tokenizers: name '" + spec.name + "' is used twice; names label results and directories");
    }
    if (spec.name.find_first_of("/\\ ") != std::string::npos) {
      throw InputError("tokenizers: name '" + spec.name + "' may not contain '/', '\\' or spaces");
    }
  }
  for (double sigma : metrics.vrr_sigmas) {
    if (!(sigma > 0)) throw InputError("metrics.vrr_sigmas: every sigma must be > 0, got " + std::to_string(sigma));
  }
}

}  // namespace fb::eval
