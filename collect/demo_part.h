// One recorded expert episode (a demonstration), and its part file: what a collection
// worker produces and saves atomically, so a collection killed at any point resumes
// without redoing finished episodes (see demo_collection.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "envs/env.h"

namespace fb::collect {

// Per-step arrays follow LIBERO: step t holds the observation and state before action t.
// Failed episodes keep their identity and reason only (steps and arrays are empty).
struct DemoEpisode {
  envs::EpisodeId id;
  std::string instruction;
  bool success = false;
  std::string failure = "none";  // FailureName, or "not_solved" when the episode ended unsolved
  std::string failure_detail;
  int steps = 0;
  int action_dim = 0;
  int state_dim = 0;    // nq + nv
  int joint_dim = 0;    // arm joints, all arms
  int gripper_dim = 0;  // finger joints, all arms
  int arms = 0;
  int image_size = 0;   // width = height
  std::vector<float> actions;         // (steps x action_dim)
  std::vector<double> states;         // (steps x state_dim) qpos then qvel
  std::vector<float> joint_states;    // (steps x joint_dim) rad
  std::vector<float> gripper_states;  // (steps x gripper_dim)
  std::vector<float> ee_pos;          // (steps x arms x 3) world metres
  std::vector<float> ee_ori;          // (steps x arms x 3) world axis-angle, rad
  std::vector<float> rewards;         // (steps) 1 where the task predicate holds after the step
  std::vector<float> dones;           // (steps) 1 at the last step
  int chunk_horizon = 0;              // H of action_chunks
  std::vector<float> action_chunks;   // (steps x chunk_horizon x action_dim) clean expert chunks
  // (steps x action_dim) the actions stepped (expert's plus noise) when collected with action
  // noise, else empty (they are `actions`); Reset + Step of these reproduces `states` exactly.
  std::vector<double> executed_actions;
  std::vector<std::string> image_names;       // e.g. "agentview_rgb", "eye_in_hand_rgb"
  std::vector<std::vector<uint8_t>> images;   // (image_names) x (steps x size x size x 3), rows top-first
};

// The part-file bytes: a text header line (format, identity, outcome, shapes as JSON), then
// the arrays raw in the order above, native little-endian.
std::string EncodeDemoPart(const DemoEpisode& demo);

// Parses EncodeDemoPart's bytes; throws fb::InputError naming `source` when the format,
// version or sizes do not match.
DemoEpisode DecodeDemoPart(std::string_view bytes, const std::string& source);

// FNV-1a 64 of the actions' and states' bytes: equal digests mean the same demo.
uint64_t DemoDigest(const DemoEpisode& demo);

}  // namespace fb::collect
