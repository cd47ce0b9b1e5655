// Config of `tokenizer fit` and `tokenizer eval` (defaults: configs/tokenizer_eval.yaml).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/config/schema.h"
#include "core/data/action_data_config.h"
#include "tokenizers/normalizer.h"

namespace fb::eval {

// One tokenizer under test: built from `type` + `params` and fitted, or loaded from `path`.
struct TokenizerSpec {
  std::string name;
  std::string type;
  std::string path;  // a saved package or reference FAST directory; empty = fit here
  std::optional<tokenizers::NormalizerConfig> normalizer;  // absent: configs/tokenizers/normalizers.yaml
  config::Subtree params;  // layered over configs/tokenizers/<type>.yaml
  template <class V>
  void Describe(V& v) {
    v("name", name, config::NonEmpty{});
    v("type", type, config::NonEmpty{});
    v("path", path, config::Optional{});
    v("normalizer", normalizer, config::Optional{});
    v("params", params, config::Optional{});
  }
};

struct TokenizerMetricsConfig {
  std::vector<double> vrr_sigmas;  // raw units
  bool measure_throughput{};       // time encode/decode (tokenizer eval only)
  int throughput_chunks{};         // chunks timed for encode/decode throughput
  template <class V>
  void Describe(V& v) {
    v("vrr_sigmas", vrr_sigmas, config::NonEmpty{});
    v("measure_throughput", measure_throughput);
    v("throughput_chunks", throughput_chunks, config::Range{1, 1000000});
  }
  void Validate() const;
};

struct TokenizerEvalConfig {
  int64_t seed{};
  int workers{};  // 0 = all cores
  std::string out;
  data::ActionDataConfig data;
  TokenizerMetricsConfig metrics;
  std::vector<TokenizerSpec> tokenizers;
  template <class V>
  void Describe(V& v) {
    v("seed", seed);
    v("workers", workers, config::Range{0, 1024});
    v("out", out, config::NonEmpty{});
    v("data", data);
    v("metrics", metrics);
    v("tokenizers", tokenizers, config::NonEmpty{});
  }
  void Validate() const;
};

// Tokenizer names label results and directories: unique, no '/', '\\' or spaces.
// Throws fb::InputError naming the offending name.
void ValidateTokenizerNames(const std::vector<TokenizerSpec>& specs);

// Fills each tokenizer entry's missing normalizer with its type's default, so the
// resolved config snapshot shows what actually ran. Throws fb::InputError for a type
// without a default.
void ResolveNormalizers(std::vector<TokenizerSpec>& specs);

}  // namespace fb::eval
