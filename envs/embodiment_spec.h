// An embodiment: which robot MJCF, where it is mounted in the tabletop scene, how its arms
// are named in the model, and the shared action convention. Loaded from
// configs/embodiments/<name>.yaml and immutable afterwards, so workers share one spec.
//
// Action convention, per arm, 7 values in arm order (ALOHA: left then right):
//   [dx, dy, dz, droll, dpitch, dyaw, gripper]
// dx..dz: end-effector translation in the world frame, metres per control step;
// droll..dyaw: axis-angle rotation delta, radians per control step; gripper in [-1, 1],
// -1 open and +1 closed (robosuite/LIBERO sign). Magnitudes are capped by
// action.max_translation and action.max_rotation.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/schema.h"

namespace fb::envs {

inline constexpr int kArmActionDim = 7;

struct MountConfig {
  std::string body;          // the robot's root body (a child of the world body)
  std::vector<double> pos;   // (3) metres, world frame
  std::vector<double> quat;  // (4) w x y z, normalised on load
  template <class V>
  void Describe(V& v) {
    v("body", body, config::NonEmpty{});
    v("pos", pos);
    v("quat", quat);
  }
};

struct ArmConfig {
  std::string name;                     // "arm" for single arms, "left"/"right" for ALOHA
  std::vector<std::string> joints;      // arm joints, base to wrist
  std::vector<std::string> actuators;   // position actuators, one per joint, same order
  std::string gripper_actuator;         // drives both fingers
  std::vector<std::string> finger_joints;  // (2) slide joints of the two fingers
  std::string eef_site;                 // tool centre point
  std::string wrist_camera;
  std::vector<double> home;             // joint angles (rad), same order as joints
  double gripper_open{};                // gripper actuator ctrl that opens the fingers
  double gripper_closed{};              // ... and that closes them
  template <class V>
  void Describe(V& v) {
    v("name", name, config::NonEmpty{});
    v("joints", joints, config::NonEmpty{});
    v("actuators", actuators, config::NonEmpty{});
    v("gripper_actuator", gripper_actuator, config::NonEmpty{});
    v("finger_joints", finger_joints);
    v("eef_site", eef_site, config::NonEmpty{});
    v("wrist_camera", wrist_camera, config::NonEmpty{});
    v("home", home);
    v("gripper_open", gripper_open);
    v("gripper_closed", gripper_closed);
  }
};

// A slice of the action vector a tokenizer may treat as one unit.
struct ActionGroupConfig {
  std::string name;       // "<arm>/<kind>", e.g. "left/rotation"
  std::string kind;       // position (3 dims) | rotation (3) | gripper (1)
  std::vector<int> dims;  // indices into the action vector
  template <class V>
  void Describe(V& v) {
    v("name", name, config::NonEmpty{});
    v("kind", kind, config::OneOf{"position", "rotation", "gripper"});
    v("dims", dims, config::NonEmpty{});
  }
};

struct ActionConfig {
  double max_translation{};  // metres per control step at |action| = 1
  double max_rotation{};     // radians per control step at |action| = 1
  std::vector<ActionGroupConfig> groups;
  template <class V>
  void Describe(V& v) {
    v("max_translation", max_translation, config::Positive{});
    v("max_rotation", max_rotation, config::Positive{});
    v("groups", groups, config::NonEmpty{});
  }
};

struct EmbodimentConfig {
  std::string name;
  std::string mjcf;   // robot MJCF, relative to the assets directory
  std::string scene;  // scene MJCF the robot is merged into, relative to the assets directory
  MountConfig mount;
  double control_hz{};
  double physics_timestep{};  // seconds; control period must be a whole multiple
  ActionConfig action;
  std::vector<ArmConfig> arms;
  template <class V>
  void Describe(V& v) {
    v("name", name, config::NonEmpty{});
    v("mjcf", mjcf, config::NonEmpty{});
    v("scene", scene, config::NonEmpty{});
    v("mount", mount);
    v("control_hz", control_hz, config::Range{0.1, 1000.0});
    v("physics_timestep", physics_timestep, config::Range{1e-5, 0.05});
    v("action", action);
    v("arms", arms, config::NonEmpty{});
  }
  // Cross-field invariants (list lengths, timing, action groups); throws fb::InputError
  // quoting the values involved.
  void Validate() const;
};

// A copyable value; nothing changes it after construction.
class EmbodimentSpec final {
 public:
  // Loads the built-in configs/embodiments/<name>.yaml. Throws fb::InputError for an unknown
  // name (listing the known ones) or an invalid file (file:line: key: problem).
  static EmbodimentSpec Load(std::string_view name);

  // Wraps a config filled by other means (tests, user layers). Throws fb::InputError when
  // Validate() fails.
  static EmbodimentSpec FromConfig(EmbodimentConfig config);

  const EmbodimentConfig& config() const { return k_config_; }
  const std::string& name() const { return k_config_.name; }
  int num_arms() const { return static_cast<int>(k_config_.arms.size()); }
  const ArmConfig& arm(int index) const { return k_config_.arms.at(static_cast<size_t>(index)); }
  int action_dim() const { return kArmActionDim * num_arms(); }
  double control_hz() const { return k_config_.control_hz; }
  double physics_timestep() const { return k_config_.physics_timestep; }
  // Physics steps per control step: round(1 / (control_hz * physics_timestep)).
  int substeps() const;
  // Absolute paths under AssetsDir().
  std::filesystem::path mjcf_path() const;
  std::filesystem::path scene_path() const;

 private:
  explicit EmbodimentSpec(EmbodimentConfig config) : k_config_(std::move(config)) {}
  EmbodimentConfig k_config_;
};

// The assets root: $FASTERBENCH_ASSETS when set and non-empty, else the source tree's
// assets/ (compile definition FB_ASSETS_DIR).
std::filesystem::path AssetsDir();

// Names of the built-in embodiments (configs/embodiments/*.yaml without extension), sorted.
std::vector<std::string> BuiltinEmbodiments();

}  // namespace fb::envs
