// Press a button: with closed fingers, hover above its cap, push down past the bottom of its
// travel (the joint limit stops the cap) until it is nearly fully in, hold, rise.
#include "envs/expert_skills/skill.h"

namespace fb::envs::skills {
namespace {

enum Phase { kApproach, kDescend, kHold, kRetreat };

constexpr double kOverPress = 0.004;  // m below the fully pressed cap top the fingertips aim for
constexpr double kPressed = 0.85;     // of the travel that ends the push
constexpr int kHoldSteps = 3;

}  // namespace

SkillCommand PressButton(const SkillContext& c, ArmExpertState& state) {
  const ExpertOptions& o = c.options;
  const mjModel* m = c.spec.model();
  const int joint = c.spec.object_joint(c.object);
  const double travel = m->jnt_range[2 * joint + 1] - m->jnt_range[2 * joint];
  double cap[3], half_height;
  PartGeom(c.spec, c.d, c.object, "cap_geom", cap, &half_height);
  const double fraction = JointFraction(c.spec, c.d, c.object);
  const double up_top = cap[2] + half_height + fraction * travel;  // the cap's top when released
  const double hover_z = up_top + o.hover - state.tip_offset;

  SkillCommand cmd = BeginStep(c, state, /*gripper=*/1.0);  // closed fingers push
  switch (state.phase) {
    case kApproach:
      cmd.goal[0] = cap[0], cmd.goal[1] = cap[1], cmd.goal[2] = hover_z;
      if (Arrived(c, state, cmd.goal, 2 * o.tolerance) && state.phase_steps >= o.close_steps) {
        NextPhase(state, kDescend);
      }
      break;
    case kDescend:
      cmd.goal[0] = cap[0], cmd.goal[1] = cap[1], cmd.goal[2] = up_top - travel - kOverPress - state.tip_offset;
      cmd.speed = o.fine_speed;
      if (fraction >= kPressed || Arrived(c, state, cmd.goal, o.tolerance)) {
        state.skill_reached = fraction >= kPressed;
        NextPhase(state, kHold);
      }
      break;
    case kHold:
      if (state.phase_steps >= kHoldSteps) NextPhase(state, kRetreat);
      break;
    case kRetreat:
      cmd.goal[2] = hover_z;
      if (Arrived(c, state, cmd.goal, 2 * o.tolerance)) cmd.finished = EndAttempt(c, state, state.skill_reached);
      break;
    default:
      break;
  }
  return cmd;
}

}  // namespace fb::envs::skills
