// Tiny demo files and configs for the VLA tests: a few short demos whose actions depend on
// the image (so the policy must look), written in the LIBERO layout like `collect` does.
#pragma once

#include <filesystem>
#include <string>

#include "policies/vla/vla_config.h"

namespace fb::policies::testing {

inline constexpr int kImageSize = 16;

// Writes <dir>/tiny_demo.hdf5: `demos` demos of `steps` steps, 7-D actions, 16x16 images,
// panda-shaped proprio (3 + 3 + 2), two instructions.
std::filesystem::path WriteTinyDemos(const std::filesystem::path& dir, int demos = 4, int steps = 12);

// A config that trains `policy` on `demos` in seconds: 16x16 images, a 1-layer 32-wide
// network, horizon 4, no validation demos.
VlaTrainConfig TinyTrainConfig(const std::string& policy, const std::filesystem::path& demos,
                               const std::filesystem::path& out);

}  // namespace fb::policies::testing
