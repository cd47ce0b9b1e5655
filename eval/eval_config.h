// The run spec of `fasterbench eval` (defaults: configs/eval.yaml): one policy over a suite's
// tasks x splits x embodiments x init indices.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/config/schema.h"

namespace fb::eval {

struct PolicySpec {
  std::string name;        // a registered policy (policies/registry.h)
  config::Subtree params;  // layered over the policy's defaults
  template <class V>
  void Describe(V& v) {
    v("name", name, config::NonEmpty{});
    v("params", params, config::Optional{});
  }
};

struct EvalConfig {
  PolicySpec policy;
  std::string suite;
  std::vector<std::string> tasks;        // empty = every task of the suite
  std::vector<std::string> splits;       // configs/splits/ names
  std::vector<std::string> embodiments;  // empty = the suite's embodiments
  std::vector<int> init_indices;         // initial states per (task, split)
  int64_t seed = 0;                      // episode seed = seed + init_index
  std::string out;                       // output directory
  std::optional<int> replan_interval;    // actions executed per chunk; 0 = whole chunk; absent = the policy's
  bool embodiment_override = false;      // run in-distribution splits on embodiments the policy was not trained on
  int workers = 1;                       // episodes run in parallel; 0 = one per core
  double policy_timeout_s = 0;           // limit per policy call (Reset, Act); 0 = none
  double episode_timeout_s = 0;          // wall-time limit per episode; 0 = none
  int videos = 0;                        // MP4s of the first `videos` init indices of each task
  // Splits the run reports as n/a instead of running (appearance-only splits of a policy that
  // reads no images); eval moves them here from `splits`.
  std::vector<std::string> not_applicable_splits;
  template <class V>
  void Describe(V& v) {
    v("policy", policy);
    v("suite", suite, config::NonEmpty{});
    v("tasks", tasks);
    v("splits", splits, config::NonEmpty{});
    v("embodiments", embodiments);
    v("init_indices", init_indices, config::NonEmpty{});
    v("seed", seed, config::Range{int64_t{0}, int64_t{1} << 62});
    v("out", out, config::NonEmpty{});
    v("replan_interval", replan_interval);
    v("embodiment_override", embodiment_override);
    v("workers", workers, config::Range{0, 1024});
    v("policy_timeout_s", policy_timeout_s, config::Range{0.0, 1e6});
    v("episode_timeout_s", episode_timeout_s, config::Range{0.0, 1e7});
    v("videos", videos, config::Range{0, 100000});
    v("not_applicable_splits", not_applicable_splits);
  }
  // Negative or repeated init indices, repeated tasks/splits/embodiments; throws
  // fb::InputError quoting the value.
  void Validate() const;
};

}  // namespace fb::eval
