// Whole demonstrations (actions, camera frames, end-effector and gripper states, the
// instruction) from a LIBERO / robomimic HDF5 file, as a learned policy trains on them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace fb::data {

struct DemoFrames {
  std::string source;               // "<file>:data/demo_<n>"
  std::string instruction;          // the demo's "instruction" attribute (or /data's problem_info)
  std::string embodiment;           // /data attributes, as ReadHdf5Actions reads them
  std::string action_space;
  int64_t steps = 0;
  int dims = 0;                     // action dims
  std::vector<float> actions;       // (steps x dims)
  // action_chunks where present (collect's clean expert chunks, DART): (steps x chunk_horizon
  // x dims); chunk_horizon = 0 when the file has none.
  int chunk_horizon = 0;
  std::vector<float> action_chunks;
  int image_height = 0, image_width = 0;  // 0 when the demo was recorded without cameras
  std::vector<uint8_t> agentview;   // (steps x height x width x 3), rows top-first
  std::vector<uint8_t> wrist;       // obs/eye_in_hand_rgb, same shape
  int proprio_dims = 0;
  std::vector<float> proprio;       // (steps x proprio_dims): ee_pos, ee_ori (axis-angle), gripper_states
  int object_dims = 0;              // 3 x objects; 0 when the file has no obs/object_pos
  std::vector<float> object_pos;    // (steps x object_dims): world xyz of the task's objects, task order
  // obs/object_states (the state track's input, envs/object_state.h); objects = 0 when absent.
  int objects = 0;
  int object_values = 0;            // values per object and step
  std::vector<float> object_states; // (steps x objects x object_values)
  std::vector<std::string> object_kinds, object_colours;  // (objects) the dataset's attributes
};

// Every data/demo_<n> of `path`, in numeric order (camera frames only where present;
// obs/object_pos and obs/object_states only where present: fasterbench extensions that LIBERO
// files lack). Throws fb::InputError naming the file,
// demo and dataset when one is missing, has another shape than its demo's steps, or the
// two cameras differ in size.
std::vector<DemoFrames> ReadHdf5DemoFrames(const std::filesystem::path& path);

}  // namespace fb::data
