// Where action data comes from and how it is cut into chunks; shared by the tokenizer
// benchmark, the tokenizer study and policy training.
#pragma once

#include <string>
#include <vector>

#include "core/config/checks.h"

namespace fb::data {

struct SyntheticDataConfig {
  int episodes{};  // per embodiment and action space
  std::vector<std::string> embodiments;
  std::vector<std::string> action_spaces;  // delta_eef | joint_position | bimanual_delta_eef
  template <class V>
  void Describe(V& v) {
    v("episodes", episodes, config::Range{2, 10000000});
    v("embodiments", embodiments, config::NonEmpty{});
    v("action_spaces", action_spaces, config::NonEmpty{});
  }
};

struct ActionDataConfig {
  std::string source;              // synthetic | npy | hdf5
  std::vector<std::string> paths;  // npy / hdf5 files
  std::string embodiment;          // label for .npy episodes (HDF5 files carry their own)
  std::string action_space;        // label for .npy episodes
  int horizon{};
  int stride{};
  std::string pad;                 // repeat_last | zero | drop
  double heldout_fraction{};       // episodes held out for evaluation
  SyntheticDataConfig synthetic;
  template <class V>
  void Describe(V& v) {
    v("source", source, config::OneOf{"synthetic", "npy", "hdf5"});
    v("paths", paths);
    v("embodiment", embodiment, config::NonEmpty{});
    v("action_space", action_space, config::NonEmpty{});
    v("horizon", horizon, config::Range{1, 4096});
    v("stride", stride, config::Range{1, 4096});
    v("pad", pad, config::OneOf{"repeat_last", "zero", "drop"});
    v("heldout_fraction", heldout_fraction, config::Range{0.0, 0.9});
    v("synthetic", synthetic);
  }
  void Validate() const;
};

}  // namespace fb::data
