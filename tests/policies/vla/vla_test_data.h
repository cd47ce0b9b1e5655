// Tiny demo files and configs for the VLA tests: a few short demos whose actions depend on
// the image (so the policy must look), written in the LIBERO layout like `collect` does.
#pragma once

#include <filesystem>
#include <string>

#include "core/config/schema.h"
#include "policies/vla/vla_config.h"

namespace fb::policies::testing {

inline constexpr int kImageSize = 16;
// obs/object_pos of the one "object", the bright square: (row cell, column cell, 0.8) x this.
inline constexpr float kObjectCell = 0.05f;

struct TinyDemoOptions {
  int demos = 4;
  int steps = 12;
  bool images = true;            // obs/agentview_rgb and obs/eye_in_hand_rgb
  bool object_positions = true;  // obs/object_pos
  bool object_states = true;     // obs/object_states: the square as a red block, and a white plate
  int chunk_labels = 0;          // > 0: action_chunks of this horizon, every value 0.25 (DART labels)
};

// Writes <dir>/tiny_demo.hdf5: `demos` demos of `steps` steps, 7-D actions, 16x16 images
// with a bright square (the object) in one of 4x4 cells, panda-shaped proprio (3 + 3 + 2),
// two instructions, and the square's position as obs/object_pos and obs/object_states.
std::filesystem::path WriteTinyDemos(const std::filesystem::path& dir, const TinyDemoOptions& options = {});

// A config that trains `policy` on `demos` in seconds: 16x16 images, a 1-layer 32-wide
// network, horizon 4, no validation demos.
VlaTrainConfig TinyTrainConfig(const std::string& policy, const std::filesystem::path& demos,
                               const std::filesystem::path& out);

// Policy params {checkpoint: <checkpoint>}, as `--set policy.params.checkpoint=...` gives them.
config::Subtree CheckpointParams(const std::filesystem::path& checkpoint);

}  // namespace fb::policies::testing
