// Turns an EmbodimentSpec into a compiled MuJoCo model: the robot's MJCF merged into its
// scene, mounted at the spec's pose, with the spec's physics timestep.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <mujoco/mujoco.h>

#include "envs/embodiment_spec.h"

namespace fb::envs {

struct ModelDeleter {
  void operator()(mjModel* m) const { mj_deleteModel(m); }
};
struct DataDeleter {
  void operator()(mjData* d) const { mj_deleteData(d); }
};
using ModelPtr = std::unique_ptr<mjModel, ModelDeleter>;
using DataPtr = std::unique_ptr<mjData, DataDeleter>;

// Model indices of one arm, resolved from its names once.
struct ArmIds {
  std::vector<int> qpos_adr;      // (joints) qpos address of each arm joint
  std::vector<int> dof_adr;       // (joints) qvel address of each arm joint
  std::vector<int> actuators;     // (joints) actuator id per joint
  std::vector<double> range_lo;   // (joints) joint lower limit
  std::vector<double> range_hi;   // (joints) joint upper limit
  int gripper_actuator = -1;
  int finger_qpos_adr[2] = {-1, -1};
  int eef_site = -1;
  int wrist_camera = -1;
};

// The MJCF text that merges spec's scene and robot; it names them by file name (as stored in
// the loader's virtual file system), scene first so its <visual>/<option> come first.
// `extra_worldbody` (MJCF body elements, e.g. a task's objects) is appended in a third
// <worldbody> section when not empty.
std::string ComposeSceneXml(const EmbodimentSpec& spec, std::string_view extra_worldbody = {});

// Loads the composed scene, places the mount body at the mount pose and sets the timestep.
// Throws fb::InputError carrying MuJoCo's message and the robot and scene paths when a file
// is missing or does not compile, or when a name in the spec is not in the model.
ModelPtr LoadModel(const EmbodimentSpec& spec, std::string_view extra_worldbody = {});

// Compiles MJCF text held in memory (tests, tools); `origin` names it in errors. Throws
// fb::InputError with MuJoCo's message on any parse or compile error.
ModelPtr LoadModelFromString(std::string_view xml, std::string_view origin);

// Resolves every arm's names in m. Throws fb::InputError naming the missing element and
// its kind.
std::vector<ArmIds> ResolveArms(const EmbodimentSpec& spec, const mjModel* m);

// mj_makeData wrapped for ownership; throws MujocoError when MuJoCo cannot allocate.
DataPtr MakeData(const mjModel* m);

// mj_resetData, then every arm at its home joints with ctrl holding them and the gripper
// open (fingers at the gripper_open target), then mj_forward.
void ResetToHome(const EmbodimentSpec& spec, const mjModel* m, mjData* d);

}  // namespace fb::envs
