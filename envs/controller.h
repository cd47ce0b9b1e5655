// Turns policy actions into position-actuator targets, once per control step.
//
// Delta-EEF space (the shared convention, see embodiment_spec.h), per arm 7 values:
//   [dx dy dz droll dpitch dyaw gripper], each in [-1, 1] (larger values are clipped),
//   translation = action * max_translation metres and axis-angle rotation = action *
//   max_rotation radians, both in the world frame, applied to the arm's commanded pose.
// The commanded pose accumulates deltas and is kept within a leash of the measured pose, so
// small steps are tracked exactly and a blocked arm does not wind up. Joint targets come from
// one damped-least-squares step (Eigen, mj_jacSite) from the measured joints towards the
// commanded pose, with damping that grows near singularities, a null-space pull towards home
// for redundant arms, a per-step joint change cap, joint-limit clamping and gravity fed
// forward through the servo set point (ctrl = goal + qfrc_bias / kp). gripper: -1 open ... +1 closed, linear in between.
//
// Joint-position space, per arm (joints + 1) values: absolute joint targets in radians
// (clamped to the joint limits), then the gripper in [-1, 1].
//
// Bimanual embodiments put the arms side by side in the action vector, in spec order.
#pragma once

#include <span>
#include <string>
#include <vector>

#include <mujoco/mujoco.h>

#include "envs/embodiment_spec.h"
#include "envs/model_loader.h"

namespace fb::envs {

enum class ActionSpace { kDeltaEef, kJointPosition };

// "delta_eef" | "joint_position"; ParseActionSpace throws fb::InputError for other names.
std::string ActionSpaceName(ActionSpace space);
ActionSpace ParseActionSpace(const std::string& name);

struct ControllerOptions {
  double damping = 0.02;         // DLS damping lambda (metres-equivalent)
  double singular_damping = 0.1; // extra lambda as the smallest singular value goes to 0
  double singular_threshold = 0.04;
  double nullspace_gain = 0.05;  // pull towards home per control step (redundant arms)
  double max_joint_lead = 0.2;   // rad, cap on |joint goal - joint position| per step
  double leash_translation = 0.05;  // m, commanded position stays this close to the measured one
  double leash_rotation = 0.5;      // rad, same for orientation
};

// Per-arm commanded pose (delta-EEF space).
struct ArmTarget {
  double pos[3] = {0, 0, 0};           // world frame, metres
  double quat[4] = {1, 0, 0, 0};       // world frame, w x y z
};

// The mutable half of the controller: owned by one episode.
struct ControllerState {
  std::vector<ArmTarget> targets;  // (arms)
  std::vector<mjtNum> jacp;        // (3 x nv) scratch
  std::vector<mjtNum> jacr;        // (3 x nv) scratch
};

// Immutable after construction; workers share one and own a ControllerState each.
class Controller final {
 public:
  // Resolves the arms of `spec` in m (throws fb::InputError like ResolveArms). m must outlive
  // the controller.
  Controller(const EmbodimentSpec& spec, const mjModel* m, ActionSpace space, ControllerOptions options = {});

  ActionSpace space() const { return k_space_; }
  // 7 per arm (delta EEF) or joints + 1 per arm (joint position).
  int action_dim() const { return k_action_dim_; }
  const std::vector<ArmIds>& arms() const { return k_arms_; }

  // Sets the commanded poses to the measured end-effector poses of d (kinematics must be
  // current) and sizes the scratch buffers.
  void Reset(const mjData* d, ControllerState& state) const;

  // Throws fb::InputError when action.size() != action_dim() (quoting both and the layout)
  // or an entry is NaN or infinite (naming the index and its arm/dim).
  void CheckAction(std::span<const double> action) const;

  // CheckAction, then writes d->ctrl for every arm actuator and gripper from `action` and
  // d's current state (kinematics must be current, as after mj_step or mj_forward).
  void Apply(mjData* d, std::span<const double> action, ControllerState& state) const;

  // Measured end-effector pose of arm `arm`: pos (3) world metres, quat (4) w x y z.
  void EefPose(const mjData* d, int arm, double pos[3], double quat[4]) const;

 private:
  void ApplyDeltaEef(mjData* d, int arm, const double* a, ControllerState& state) const;
  void ApplyJoints(mjData* d, int arm, const double* a) const;
  void SetGripper(mjData* d, int arm, double g) const;

  const mjModel* k_model_;
  ActionSpace k_space_;
  ControllerOptions k_options_;
  std::vector<ArmIds> k_arms_;
  std::vector<std::vector<double>> k_home_;     // (arms x joints)
  std::vector<double> k_gripper_open_;          // (arms)
  std::vector<double> k_gripper_closed_;        // (arms)
  std::vector<int> k_offsets_;                  // (arms) first action index of each arm
  double k_max_translation_;
  double k_max_rotation_;
  int k_action_dim_ = 0;
};

}  // namespace fb::envs
