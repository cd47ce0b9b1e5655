// Config of `tokenizer fit` and `tokenizer eval` (defaults: configs/tokenizer_eval.yaml).
#pragma once

#include <cstdint>
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
  tokenizers::NormalizerConfig normalizer;
  config::Subtree params;  // layered over configs/tokenizers/<type>.yaml
  template <class V>
  void Describe(V& v) {
    v("name", name, config::NonEmpty{});
    v("type", type, config::NonEmpty{});
    v("path", path, config::Optional{});
    v("normalizer", normalizer);
    v("params", params, config::Optional{});
  }
};

struct TokenizerMetricsConfig {
  std::vector<double> vrr_sigmas;  // raw units
  int throughput_chunks{};         // chunks timed for encode/decode throughput
  template <class V>
  void Describe(V& v) {
    v("vrr_sigmas", vrr_sigmas, config::NonEmpty{});
    v("throughput_chunks", throughput_chunks, config::Range{1, 1000000});
  }
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

}  // namespace fb::eval
