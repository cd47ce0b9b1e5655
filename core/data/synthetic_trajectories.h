// Synthetic manipulation action data, deterministic from a seed: pick-and-place
// episodes built from minimum-jerk moves, for benchmarks and tests that must not
// depend on downloaded datasets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/data/action_dataset.h"

namespace fb::data {

inline constexpr double kSyntheticControlHz = 20.0;  // LIBERO / robosuite control rate

// What makes one robot's data look unlike another's.
struct EmbodimentStyle {
  double reach_m = 0.25;     // objects and places lie within +-reach_m of the start in x and y
  double hover_m = 0.12;     // approach and retreat height above the table
  double speed_mps = 0.15;   // mean end-effector speed of a move
  double turn_rad = 0.8;     // largest yaw of a grasp or place
  double noise_m = 0.0004;   // std of the smooth teleoperation wobble per step (x 5 in rad for rotations)
  int joints = 7;            // arm joints for the joint_position action space
};

// Styles of "panda", "ur5e", "widowx" and "aloha"; throws fb::InputError naming the
// value and the known names for any other.
EmbodimentStyle StyleFor(std::string_view embodiment);

struct SyntheticOptions {
  uint64_t seed = 0;
  int episodes = 10;
  int min_steps = 60;   // an episode's natural length is clamped into [min_steps, max_steps]
  int max_steps = 400;  // by retiming all its moves
  std::string embodiment = "panda";
  // "delta_eef": 7-D (dx, dy, dz in m, droll, dpitch, dyaw in rad, gripper -1 open / +1
  // closed); "joint_position": joints + 1 (absolute joint targets in rad, gripper);
  // "bimanual_delta_eef": 14-D, two delta_eef arms side by side.
  std::string action_space = "delta_eef";
  int joints = 0;  // joint_position only; 0 = the style's own count
  std::optional<EmbodimentStyle> style;  // replaces StyleFor(embodiment) when set

  // Throws fb::InputError quoting the value when episodes < 0, min_steps < 1,
  // max_steps < min_steps, joints outside [0, 32], the action space is unknown, or the
  // embodiment has no style and none is given.
  void Check() const;
};

// Episode `index` of the dataset `options` describes. It depends only on (options,
// index), so any episode can be regenerated alone. Source: "synthetic:seed=<s>/episode_<i>".
// Throws as SyntheticOptions::Check.
Episode GenerateSyntheticEpisode(const SyntheticOptions& options, int64_t index);

// Episodes 0 .. options.episodes - 1; polls fb::ThrowIfInterrupted per episode.
ActionDataset GenerateSyntheticDataset(const SyntheticOptions& options);

}  // namespace fb::data
