// The scripted expert's skills for articulated objects: pull (open a drawer by its handle),
// push (close a drawer with closed fingers) and press (push a button down). Each is a small
// state machine over ArmExpertState (phase, phase_steps, retries, skill_goal) that turns
// privileged state into a waypoint for one arm; ScriptedExpert turns the waypoint into a
// delta-EEF action the same way as its pick-and-place waypoints. A skill that ends without
// reaching its goal starts over from its approach, up to ExpertOptions::max_retries times.
#pragma once

#include <mujoco/mujoco.h>

#include "envs/controller.h"
#include "envs/env.h"
#include "envs/expert.h"

namespace fb::envs::skills {

// What a skill sees on one control step.
struct SkillContext {
  const EnvSpec& spec;
  const mjData* d;
  const ExpertOptions& options;
  const ExpertStepConfig& step;
  int object;               // task object index of step.object
  const double* eef;        // (3) measured eef position, world
  const double* eef_quat;   // (4) measured eef orientation, w x y z
  const ArmTarget& target;  // the commanded eef pose
};

// A skill's waypoint for this step.
struct SkillCommand {
  double goal[3] = {0, 0, 0};  // eef position, world
  double gripper = -1.0;       // -1 open, +1 closed
  double speed = 0;            // fraction of max_translation per step
  double yaw_error = 0;        // rad to turn the commanded gripper about world z
  bool finished = false;       // the step is over: the plan moves on
};

SkillCommand PullDrawer(const SkillContext& c, ArmExpertState& state);
SkillCommand PushDrawer(const SkillContext& c, ArmExpertState& state);
SkillCommand PressButton(const SkillContext& c, ArmExpertState& state);

// Shared geometry of the skills (skill_geometry.cc).

// Object `object`'s inner joint value as a fraction of its range (0 closed or up).
double JointFraction(const EnvSpec& spec, const mjData* d, int object);

// World direction (3, unit) in which object `object`'s inner joint value grows.
void JointAxis(const EnvSpec& spec, const mjData* d, int object, double axis[3]);

// Centre (3) and half height of geom "<object name>_<suffix>" (a drawer's handle, a button's
// cap); throws fb::InputError when the object's MJCF lacks it.
void PartGeom(const EnvSpec& spec, const mjData* d, int object, const char* suffix, double centre[3],
              double* half_height);

// Yaw (rad, in (-pi/2, pi/2]) that turns the gripper's closing axis (site frame) onto world
// direction `dir` (either sign), for gripper orientation `quat`.
double YawToAxis(const double quat[4], const double closing_axis[3], const double dir[3]);

// The step's command before the phase sets its goal: hold the commanded pose at normal speed
// with the gripper at `gripper`; counts the step towards the phase's timeout.
SkillCommand BeginStep(const SkillContext& c, ArmExpertState& state, double gripper);

// Whether the eef is within `tolerance` of the goal, or the phase has timed out.
bool Arrived(const SkillContext& c, const ArmExpertState& state, const double goal[3], double tolerance);

// Moves to phase `phase` of the current skill.
void NextPhase(ArmExpertState& state, int phase);

// The end of an attempt: finished when `achieved`, else back to phase 0 while retries last.
bool EndAttempt(const SkillContext& c, ArmExpertState& state, bool achieved);

}  // namespace fb::envs::skills
