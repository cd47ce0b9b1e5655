// The demos of a LIBERO / robomimic HDF5 file with the episode identity the demo collector
// stores on each data/demo_<n> group, for replaying them as a policy.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "envs/env.h"

namespace fb::policies {

struct RecordedDemo {
  std::string name;              // "demo_<n>"
  int64_t number = 0;            // n
  int64_t steps = 0;
  int dims = 0;
  std::vector<double> actions;   // (steps x dims), at float32 precision like ReadHdf5Actions
  // Identity attributes of the group; absent in LIBERO's and robomimic's own files.
  std::optional<std::string> task, embodiment, split;
  std::optional<int64_t> init_index;

  bool has_identity() const { return task || embodiment || split || init_index; }
  // Every identity attribute present equals the corresponding field of `id`.
  bool Matches(const envs::EpisodeId& id) const;
};

// Every data/demo_<n> of `path` in numeric order (see data::ReadHdf5Actions). Throws
// fb::InputError naming the file and demo when the file is missing or not in the layout, or
// an identity attribute has the wrong type (init_index: an integer or a decimal string).
std::vector<RecordedDemo> ReadRecordedDemos(const std::filesystem::path& path);

}  // namespace fb::policies
