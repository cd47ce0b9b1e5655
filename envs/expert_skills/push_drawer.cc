// Close a drawer: with closed fingers, come down in front of its handle (on the opening side),
// push along the slide until the drawer is shut, back off, rise.
#include <algorithm>

#include "envs/expert_skills/skill.h"

namespace fb::envs::skills {
namespace {

enum Phase { kApproach, kDescend, kPush, kBack, kRetreat };

constexpr double kStandoff = 0.05;     // m from the handle's centre, along the slide, to start pushing
constexpr double kShut = 0.03;         // of the range: pushing stops below this
constexpr double kPushSpeed = 0.1;     // fraction of max_translation per step while pushing

}  // namespace

SkillCommand PushDrawer(const SkillContext& c, ArmExpertState& state) {
  const ExpertOptions& o = c.options;
  double handle[3], half_height, axis[3];
  PartGeom(c.spec, c.d, c.object, "handle", handle, &half_height);
  JointAxis(c.spec, c.d, c.object, axis);
  const double fraction = JointFraction(c.spec, c.d, c.object);
  const double push_z = handle[2] - state.tip_offset;  // fingertips at the handle's centre height

  SkillCommand cmd = BeginStep(c, state, /*gripper=*/1.0);  // closed fingers push
  switch (state.phase) {
    case kApproach:
      mju_addScl3(cmd.goal, handle, axis, kStandoff);
      cmd.goal[2] = std::max(push_z, handle[2] + half_height - state.tip_offset) + o.hover;
      if (Arrived(c, state, cmd.goal, 2 * o.tolerance)) NextPhase(state, kDescend);
      break;
    case kDescend:
      mju_addScl3(cmd.goal, handle, axis, kStandoff);
      cmd.goal[2] = push_z;
      cmd.speed = o.fine_speed;
      if (Arrived(c, state, cmd.goal, o.tolerance)) {
        // Far enough to shut it: past the handle's shut position by the standoff.
        const double range = c.spec.model()->jnt_range[2 * c.spec.object_joint(c.object) + 1] -
                             c.spec.model()->jnt_range[2 * c.spec.object_joint(c.object)];
        mju_addScl3(state.skill_goal, c.target.pos, axis, -(fraction * range + kStandoff));
        NextPhase(state, kPush);
      }
      break;
    case kPush:
      mju_copy3(cmd.goal, state.skill_goal);
      cmd.speed = kPushSpeed;
      if (fraction <= kShut || Arrived(c, state, cmd.goal, o.tolerance)) {
        mju_addScl3(state.skill_goal, c.target.pos, axis, kStandoff / 2);
        NextPhase(state, kBack);
      }
      break;
    case kBack:
      mju_copy3(cmd.goal, state.skill_goal);
      cmd.speed = o.fine_speed;
      if (Arrived(c, state, cmd.goal, 2 * o.tolerance)) NextPhase(state, kRetreat);
      break;
    case kRetreat:
      cmd.goal[2] = push_z + o.hover;
      if (Arrived(c, state, cmd.goal, 2 * o.tolerance)) cmd.finished = EndAttempt(c, state, fraction <= kShut);
      break;
    default:
      break;
  }
  return cmd;
}

}  // namespace fb::envs::skills
