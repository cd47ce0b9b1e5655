// Config of `tokenizer study` (defaults: configs/tokenizer_study.yaml): fit tokenizers on
// chosen sets of embodiments / action types and evaluate them on every set.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config/schema.h"
#include "core/data/action_data_config.h"
#include "eval/tokenizer_eval_config.h"

namespace fb::eval {

// Episode groups matching an embodiment and an action space ("*" matches any).
struct GroupSelector {
  std::string embodiment;
  std::string action_space;
  template <class V>
  void Describe(V& v) {
    v("embodiment", embodiment, config::NonEmpty{});
    v("action_space", action_space, config::NonEmpty{});
  }
};

// A named union of groups, e.g. "panda+ur5e delta_eef". All groups must share dims.
struct StudySet {
  std::string name;
  std::vector<GroupSelector> select;
  template <class V>
  void Describe(V& v) {
    v("name", name, config::NonEmpty{});
    v("select", select, config::NonEmpty{});
  }
};

struct TokenizerStudyConfig {
  int64_t seed{};
  int workers{};
  std::string out;
  data::ActionDataConfig data;
  std::vector<StudySet> sets;
  std::vector<std::string> fit_on;  // names of sets to fit on; every set is evaluated
  TokenizerMetricsConfig metrics;
  std::vector<TokenizerSpec> tokenizers;
  template <class V>
  void Describe(V& v) {
    v("seed", seed);
    v("workers", workers, config::Range{0, 1024});
    v("out", out, config::NonEmpty{});
    v("data", data);
    v("sets", sets, config::NonEmpty{});
    v("fit_on", fit_on, config::NonEmpty{});
    v("metrics", metrics);
    v("tokenizers", tokenizers, config::NonEmpty{});
  }
  void Validate() const;
};

}  // namespace fb::eval
