// Open a drawer: hover above its handle with the closing axis along the slide, descend, close
// on the handle, pull along the slide to the step's opening, release, rise.
#include <algorithm>
#include <cmath>

#include "envs/expert_skills/skill.h"

namespace fb::envs::skills {
namespace {

enum Phase { kApproach, kDescend, kClose, kPull, kRelease, kRetreat };

constexpr double kYawTolerance = 0.05;  // rad
constexpr double kTipClearance = 0.004;  // m between the fingertips and the handle's bottom
constexpr double kSlip = 0.03;           // m between handle and eef (xy) that counts as a lost grasp
constexpr double kReached = 0.03;        // of the range below the opening that still counts

}  // namespace

SkillCommand PullDrawer(const SkillContext& c, ArmExpertState& state) {
  const ExpertOptions& o = c.options;
  double handle[3], half_height, axis[3];
  PartGeom(c.spec, c.d, c.object, "handle", handle, &half_height);
  JointAxis(c.spec, c.d, c.object, axis);
  const double fraction = JointFraction(c.spec, c.d, c.object);
  const double grasp_z = std::max(handle[2], handle[2] - half_height + kTipClearance - state.tip_offset);
  const bool slipped = std::hypot(handle[0] - c.eef[0], handle[1] - c.eef[1]) > kSlip;

  SkillCommand cmd = BeginStep(c, state, /*gripper=*/-1.0);  // open until the close phase
  switch (state.phase) {
    case kApproach: {
      cmd.goal[0] = handle[0], cmd.goal[1] = handle[1], cmd.goal[2] = grasp_z + o.hover;
      cmd.yaw_error = YawToAxis(c.target.quat, state.closing_axis, axis);
      const bool turned =
          std::abs(YawToAxis(c.eef_quat, state.closing_axis, axis)) < kYawTolerance || state.phase_steps > o.phase_timeout;
      if (Arrived(c, state, cmd.goal, 2 * o.tolerance) && turned) NextPhase(state, kDescend);
      break;
    }
    case kDescend:
      cmd.goal[0] = handle[0], cmd.goal[1] = handle[1], cmd.goal[2] = grasp_z;
      cmd.yaw_error = YawToAxis(c.target.quat, state.closing_axis, axis);
      cmd.speed = o.fine_speed;
      if (Arrived(c, state, cmd.goal, o.tolerance)) NextPhase(state, kClose);
      break;
    case kClose:
      cmd.gripper = 1.0;
      if (state.phase_steps >= o.close_steps) {
        const double range = c.spec.model()->jnt_range[2 * c.spec.object_joint(c.object) + 1] -
                             c.spec.model()->jnt_range[2 * c.spec.object_joint(c.object)];
        mju_addScl3(state.skill_goal, c.target.pos, axis, (c.step.opening - fraction) * range);
        NextPhase(state, kPull);
      }
      break;
    case kPull:
      mju_copy3(cmd.goal, state.skill_goal);
      cmd.gripper = 1.0;
      cmd.speed = o.fine_speed;
      if (fraction >= c.step.opening - kReached || slipped || Arrived(c, state, cmd.goal, o.tolerance)) {
        NextPhase(state, kRelease);
      }
      break;
    case kRelease:
      if (state.phase_steps >= o.open_steps) NextPhase(state, kRetreat);
      break;
    case kRetreat:
      cmd.goal[2] = grasp_z + o.hover;
      if (Arrived(c, state, cmd.goal, 2 * o.tolerance)) {
        cmd.finished = EndAttempt(c, state, fraction >= c.step.opening - kReached);
      }
      break;
    default:
      break;
  }
  return cmd;
}

}  // namespace fb::envs::skills
