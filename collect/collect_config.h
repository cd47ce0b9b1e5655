// What `fasterbench collect` records (configs/collect.yaml holds every default).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config/schema.h"

namespace fb::collect {

// DAgger: a learned policy that drives the episodes while the expert labels every state it
// visits (collect/learner_demo.h). No name = the expert drives (plain or DART demos).
struct LearnerSpec {
  std::string name;        // a registered policy (policies/registry.h); "" = none
  config::Subtree params;  // layered over the policy's defaults (e.g. {checkpoint: ...})
  int replan_interval = 0;  // executed actions per chunk; 0 = the learner's protocol (whole chunk if none)
  // Record every k-th visited state (k = 1: all). Each label costs an H-step clean rollout, and
  // with k = the replan interval the rows are exactly the states the learner is asked at.
  int label_every = 1;
  template <class V>
  void Describe(V& v) {
    v("name", name);
    v("params", params, config::Optional{});
    v("replan_interval", replan_interval, config::Range{0, 1000});
    v("label_every", label_every, config::Range{1, 1000});
  }
};

struct CollectConfig {
  std::string suite;
  std::vector<std::string> tasks;        // empty = every task of the suite
  std::vector<std::string> embodiments;  // empty = the suite's, minus held-out ones
  bool include_held_out_embodiments = false;  // keep the embodiments splits hold out
  std::string split;                     // where the initial states come from
  std::vector<int> init_indices;         // per (task, embodiment)
  int64_t seed = 0;                      // episode seed = seed + init_index
  int image_size = 128;                  // width = height, pixels
  std::vector<std::string> cameras;      // agentview | eye_in_hand
  std::string renderer = "osmesa";       // osmesa | egl
  double action_noise = 0.0;             // DART: std of noise on the executed motion actions
  int chunk_horizon = 20;                // H of the recorded clean-expert action chunks
  LearnerSpec learner;                   // DAgger when named: every episode kept, success or not
  std::string out;
  int workers = 1;
  template <class V>
  void Describe(V& v) {
    v("suite", suite, config::NonEmpty{});
    v("tasks", tasks);
    v("embodiments", embodiments);
    v("include_held_out_embodiments", include_held_out_embodiments);
    v("split", split, config::NonEmpty{});
    v("init_indices", init_indices, config::NonEmpty{});
    v("seed", seed, config::Range{int64_t{0}, int64_t{1} << 62});
    v("image_size", image_size, config::Range{8, 1024});
    v("cameras", cameras);
    v("renderer", renderer, config::OneOf{"osmesa", "egl"});
    v("action_noise", action_noise, config::Range{0.0, 1.0});
    v("chunk_horizon", chunk_horizon, config::Range{1, 200});
    v("learner", learner);
    v("out", out, config::NonEmpty{});
    v("workers", workers, config::Range{1, 256});
  }
  // Negative or repeated init indices, repeated tasks/embodiments/cameras, unknown cameras,
  // a learner together with action noise; throws fb::InputError quoting the value.
  void Validate() const;
};

}  // namespace fb::collect
