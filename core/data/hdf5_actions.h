// Reads action episodes from LIBERO / robomimic HDF5 files: /data/demo_<n>/actions.
#pragma once

#include <filesystem>

#include "core/data/action_dataset.h"

namespace fb::data {

// String attributes fasterbench adds to a file's /data group. LIBERO and robomimic
// files lack them, so a reader falls back to the defaults (LIBERO's OSC_POSE deltas).
inline constexpr const char* kEmbodimentAttribute = "fasterbench_embodiment";
inline constexpr const char* kActionSpaceAttribute = "fasterbench_action_space";
inline constexpr const char* kDefaultEmbodiment = "unknown";
inline constexpr const char* kDefaultActionSpace = "delta_eef";

// Reads every /data/demo_<n>/actions ((T x D) float32 or float64) in numeric demo order
// (demo_2 before demo_10, as robomimic sorts); other members of /data are ignored.
// The dataset is named after the file stem; each episode's source is
// "<file>:data/demo_<n>". Throws fb::InputError naming the file (and demo) when the
// file cannot be opened as HDF5, /data is missing or holds no demo_<n>, or a demo has
// no actions, actions of rank != 2 or of a non-float type. Polls ThrowIfInterrupted
// per demo.
ActionDataset ReadHdf5Actions(const std::filesystem::path& path);

}  // namespace fb::data
