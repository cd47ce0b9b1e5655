#include "envs/expert.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/error.h"
#include "envs/expert_skills/skill.h"

namespace fb::envs {
namespace {

enum Phase { kApproach, kDescend, kClose, kLift, kCarry, kLower, kRelease, kRetreat, kRetryOpen, kDone };

constexpr double kPi = 3.14159265358979323846;
constexpr double kYawTolerance = 0.03;   // rad
constexpr double kGraspLift = 0.02;      // m the object must rise with the gripper
constexpr double kGraspRadius = 0.035;   // m, held object's xy distance from the eef at most
constexpr double kTravelClearance = 0.05;  // m above the table for the tallest scene object

double Clip(double v, double lo, double hi) { return std::min(hi, std::max(lo, v)); }

double Bottom(const EnvSpec& spec, const mjData* d, int object) {
  double lo, hi;
  WorldZRange(d, spec.object_body(object), spec.object_box(object), &lo, &hi);
  return lo;
}

double Top(const EnvSpec& spec, const mjData* d, int object) {
  double lo, hi;
  WorldZRange(d, spec.object_body(object), spec.object_box(object), &lo, &hi);
  return hi;
}

double Distance3(const double a[3], const double b[3]) {
  return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
}

// The delta-EEF action toward waypoint `goal` from the commanded pose, at most `speed` of
// max_translation per step.
void WriteAction(const double goal[3], const ArmTarget& target, double speed, double yaw_error, double gripper,
                 double max_t, double max_r, double yaw_gain, double* action) {
  double delta[3];
  mju_sub3(delta, goal, target.pos);
  const double norm = mju_norm3(delta);
  const double limit = speed * max_t;
  if (norm > limit) mju_scl3(delta, delta, limit / norm);
  for (int i = 0; i < 3; ++i) action[i] = delta[i] / max_t;
  action[5] = Clip(yaw_gain * yaw_error / max_r, -0.5, 0.5);
  action[6] = gripper;
}

}  // namespace

ScriptedExpert::ScriptedExpert(const EnvSpec& spec, ExpertOptions options) : k_options_(options) {
  const TaskConfig& task = spec.task();
  if (task.expert.empty()) {
    throw InputError(fmt::format("task '{}' has no expert plan (expert: [{{pick: .., place: ..}}])", task.name));
  }
  if (spec.controller().space() != ActionSpace::kDeltaEef) {
    throw InputError("the scripted expert acts in the delta_eef action space");
  }
  const int arms = spec.embodiment().num_arms();
  k_plans_.resize(static_cast<size_t>(arms));
  for (size_t i = 0; i < task.expert.size(); ++i) {
    const int arm = task.expert[i].arm;
    if (arm >= arms) {
      throw InputError(fmt::format("task '{}': expert step {} uses arm {}, but embodiment '{}' has {} arm(s)",
                                   task.name, i, arm, spec.embodiment().name(), arms));
    }
    k_plans_[static_cast<size_t>(arm)].push_back(static_cast<int>(i));
  }
  const mjModel* m = spec.model();
  for (int i = 0; i < spec.num_objects(); ++i) {
    const int body = spec.object_body(i);
    k_align_.push_back(m->body_geomnum[body] == 1 && m->geom_type[m->body_geomadr[body]] == mjGEOM_BOX);
  }
}

const ExpertStepConfig& ScriptedExpert::Step(const EnvSpec& spec, int arm, int plan_step) const {
  return spec.task().expert[static_cast<size_t>(k_plans_[static_cast<size_t>(arm)][static_cast<size_t>(plan_step)])];
}

void ScriptedExpert::Reset(const EnvSpec& spec, const EpisodeState& episode, ExpertState& expert) const {
  const mjModel* m = spec.model();
  const mjData* d = episode.data.get();
  expert.arms.assign(k_plans_.size(), ArmExpertState{});
  for (int a = 0; a < static_cast<int>(k_plans_.size()); ++a) {
    ArmExpertState& state = expert.arms[static_cast<size_t>(a)];
    const ArmConfig& arm = spec.embodiment().arm(a);
    const int site = spec.controller().arms()[static_cast<size_t>(a)].eef_site;
    const mjtNum* eef = d->site_xpos + 3 * site;
    const mjtNum* r = d->site_xmat + 9 * site;
    int bodies[2];
    double tip = 0;
    for (int f = 0; f < 2; ++f) {
      const int joint = mj_name2id(m, mjOBJ_JOINT, arm.finger_joints[static_cast<size_t>(f)].c_str());
      bodies[f] = m->jnt_bodyid[joint];
      double lo, hi;
      WorldZRange(d, bodies[f], BodyLocalBox(m, bodies[f]), &lo, &hi);
      tip = f == 0 ? lo : std::min(tip, lo);
    }
    state.tip_offset = tip - eef[2];
    double world[3];
    mju_sub3(world, d->xpos + 3 * bodies[0], d->xpos + 3 * bodies[1]);
    mju_mulMatTVec(state.closing_axis, r, world, 3, 3);  // into the site frame
    mju_normalize3(state.closing_axis);
    if (!k_plans_[static_cast<size_t>(a)].empty() && Step(spec, a, 0).skill == "pick_place") {
      state.initial_bottom = Bottom(spec, d, spec.object_index(Step(spec, a, 0).pick));
    }
  }
}

void ScriptedExpert::NextStep(const EnvSpec& spec, const mjData* d, int arm, ArmExpertState& expert) const {
  ++expert.plan_step;
  expert.phase = kApproach;
  expert.phase_steps = 0;
  expert.retries = 0;
  expert.skill_reached = false;
  if (!ArmFinished(arm, expert) && Step(spec, arm, expert.plan_step).skill == "pick_place") {
    expert.initial_bottom = Bottom(spec, d, spec.object_index(Step(spec, arm, expert.plan_step).pick));
  }
}

void ScriptedExpert::ActSkill(const EnvSpec& spec, const EpisodeState& episode, int arm, ArmExpertState& expert,
                              double* action) const {
  const mjData* d = episode.data.get();
  const ExpertStepConfig& step = Step(spec, arm, expert.plan_step);
  double eef[3], eef_quat[4];
  spec.controller().EefPose(d, arm, eef, eef_quat);
  const ArmTarget& target = episode.controller.targets[static_cast<size_t>(arm)];
  const skills::SkillContext context{spec, d, k_options_, step, spec.object_index(step.object), eef, eef_quat, target};
  const skills::SkillCommand cmd = step.skill == "pull"   ? skills::PullDrawer(context, expert)
                                   : step.skill == "push" ? skills::PushDrawer(context, expert)
                                                          : skills::PressButton(context, expert);
  if (cmd.finished) NextStep(spec, d, arm, expert);
  const ActionConfig& a = spec.embodiment().config().action;
  WriteAction(cmd.goal, target, cmd.speed, cmd.yaw_error, cmd.gripper, a.max_translation, a.max_rotation, k_options_.yaw_gain,
              action);
}

bool ScriptedExpert::ArmFinished(int arm, const ArmExpertState& expert) const {
  return expert.plan_step >= static_cast<int>(k_plans_[static_cast<size_t>(arm)].size()) || expert.phase == kDone;
}

bool ScriptedExpert::Finished(const EnvSpec&, const ExpertState& expert) const {
  for (int a = 0; a < static_cast<int>(expert.arms.size()); ++a) {
    if (!ArmFinished(a, expert.arms[static_cast<size_t>(a)])) return false;
  }
  return true;
}

std::vector<double> ScriptedExpert::Act(const EnvSpec& spec, const EpisodeState& episode, ExpertState& expert) const {
  std::vector<double> action(static_cast<size_t>(spec.action_dim()), 0.0);
  for (int a = 0; a < static_cast<int>(expert.arms.size()); ++a) {
    ActArm(spec, episode, a, expert.arms[static_cast<size_t>(a)], action.data() + 7 * a);
  }
  return action;
}

void ScriptedExpert::ActArm(const EnvSpec& spec, const EpisodeState& episode, int arm, ArmExpertState& expert,
                            double* action) const {
  const ExpertOptions& o = k_options_;
  const mjData* d = episode.data.get();
  const double max_t = spec.embodiment().config().action.max_translation;
  const double max_r = spec.embodiment().config().action.max_rotation;
  action[6] = -1.0;
  if (ArmFinished(arm, expert)) return;

  const ExpertStepConfig& step = Step(spec, arm, expert.plan_step);
  if (step.skill != "pick_place") {
    ActSkill(spec, episode, arm, expert, action);
    return;
  }
  const int pick = spec.object_index(step.pick);
  const int place = spec.object_index(step.place);
  const ArmTarget& target = episode.controller.targets[static_cast<size_t>(arm)];
  double eef[3], eef_quat[4];
  spec.controller().EefPose(d, arm, eef, eef_quat);
  const double* obj = d->xpos + 3 * spec.object_body(pick);
  const double* dst = d->xpos + 3 * spec.object_body(place);
  const double obj_bottom = Bottom(spec, d, pick);
  const double obj_top = Top(spec, d, pick);
  const double place_top = Top(spec, d, place);
  const double table = spec.table_z();
  // Grasp at the object's centre height, keeping the fingertips off the table; both move with
  // the object, so the planned offset stays fixed while it is carried.
  const double grasp_z = std::max(obj[2], obj_bottom + 0.004 - expert.tip_offset);
  const double planned_offset = grasp_z - obj_bottom;
  const double travel_z = table + kTravelClearance + o.hover + planned_offset;

  double goal[3] = {target.pos[0], target.pos[1], target.pos[2]};
  double gripper = -1.0;
  bool align = false;
  double speed = o.speed;
  ++expert.phase_steps;
  auto at = [&](double tol) { return Distance3(eef, goal) < tol || expert.phase_steps > o.phase_timeout; };
  // Set when this call already left the phase (or plan step) it started in: `goal` and the
  // yaw error then belong to the phase just finished, and judging arrival at the new phase's
  // waypoint by them skipped it (lift -> lower without the carry, retreat or retry -> descend
  // without the approach: a diagonal dive from the place site that swept the fingers through
  // the bowl rim and the next object).
  bool moved = false;
  auto next = [&](int phase) {
    expert.phase = phase;
    expert.phase_steps = 0;
    moved = true;
  };
  const bool held = std::hypot(obj[0] - eef[0], obj[1] - eef[1]) < kGraspRadius &&
                    std::abs(eef[2] - obj_bottom - expert.grasp_offset) < 0.02;

  switch (expert.phase) {
    case kApproach:
      goal[0] = obj[0], goal[1] = obj[1], goal[2] = std::max(travel_z, obj_top + o.hover);
      align = true;
      break;
    case kDescend:
      goal[0] = obj[0], goal[1] = obj[1], goal[2] = grasp_z;
      align = true;
      speed = o.fine_speed;
      break;
    case kClose:
      gripper = 1.0;
      if (expert.phase_steps >= o.close_steps) next(kLift);
      break;
    case kLift:
      goal[2] = travel_z;
      gripper = 1.0;
      if (at(2 * o.tolerance)) {
        if (obj_bottom - expert.initial_bottom > kGraspLift && std::hypot(obj[0] - eef[0], obj[1] - eef[1]) < kGraspRadius) {
          expert.grasp_offset = eef[2] - obj_bottom;
          next(kCarry);
        } else {
          next(++expert.retries > o.max_retries ? kDone : kRetryOpen);
        }
      }
      break;
    case kCarry:
      goal[0] = dst[0], goal[1] = dst[1], goal[2] = std::max(travel_z, place_top + o.hover + expert.grasp_offset);
      gripper = 1.0;
      if (!held) next(++expert.retries > o.max_retries ? kDone : kRetryOpen);
      break;
    case kLower:
      goal[0] = dst[0], goal[1] = dst[1], goal[2] = place_top + o.release_height + expert.grasp_offset;
      gripper = 1.0;
      speed = o.fine_speed;
      if (!held) next(++expert.retries > o.max_retries ? kDone : kRetryOpen);
      break;
    case kRelease:
      gripper = -1.0;
      if (expert.phase_steps >= o.open_steps) next(kRetreat);
      break;
    case kRetreat:
      goal[2] = place_top + o.hover + expert.grasp_offset;
      if (at(2 * o.tolerance)) {
        NextStep(spec, d, arm, expert);
        moved = true;
      }
      break;
    case kRetryOpen:
      goal[2] = target.pos[2] + 0.002;
      gripper = -1.0;
      if (expert.phase_steps >= o.open_steps) {
        expert.initial_bottom = obj_bottom;
        next(kApproach);
      }
      break;
    default:
      break;
  }

  // Gripper yaw: turn the closing axis onto the nearest pair of the object's faces.
  // The command turns the commanded orientation; arrival is judged on the measured one.
  double yaw_error = 0, measured_yaw_error = 0;
  if (align && k_align_[static_cast<size_t>(pick)]) {
    const double* om = d->xmat + 9 * spec.object_body(pick);
    const double object_yaw = std::atan2(om[3], om[0]);
    auto error_for = [&](const double quat[4]) {
      double mat[9], axis[3];
      mju_quat2Mat(mat, quat);
      mju_mulMatVec(axis, mat, expert.closing_axis, 3, 3);
      return std::remainder(object_yaw - std::atan2(axis[1], axis[0]), kPi / 2);
    };
    yaw_error = error_for(target.quat);
    measured_yaw_error = error_for(eef_quat);
  }

  // Phase transitions that depend on arriving at this phase's goal.
  if (!moved) {
    const bool turned = std::abs(measured_yaw_error) < kYawTolerance || expert.phase_steps > o.phase_timeout;
    if (expert.phase == kApproach && at(2 * o.tolerance) && turned) {
      next(kDescend);
    } else if (expert.phase == kDescend && at(o.tolerance)) {
      next(kClose);
    } else if (expert.phase == kCarry && at(2 * o.tolerance)) {
      next(kLower);
    } else if (expert.phase == kLower && at(o.tolerance)) {
      next(kRelease);
    }
  }

  WriteAction(goal, target, speed, yaw_error, gripper, max_t, max_r, o.yaw_gain, action);
}

StepResult RunExpertEpisode(const EnvSpec& spec, const ScriptedExpert& expert, const EpisodeId& id,
                            EpisodeState& state) {
  Reset(spec, id, state);
  ExpertState memory;
  expert.Reset(spec, state, memory);
  StepResult result{state.success_now, state.success_once, state.done, state.failure, state.step};
  while (!state.done) result = Step(spec, expert.Act(spec, state, memory), state);
  return result;
}

}  // namespace fb::envs
