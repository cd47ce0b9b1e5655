#include <cmath>
#include <string>

#include <fmt/format.h>

#include "core/error.h"
#include "envs/expert_skills/skill.h"

namespace fb::envs::skills {

double JointFraction(const EnvSpec& spec, const mjData* d, int object) {
  const mjModel* m = spec.model();
  const int j = spec.object_joint(object);
  const double lo = m->jnt_range[2 * j], hi = m->jnt_range[2 * j + 1];
  return (d->qpos[m->jnt_qposadr[j]] - lo) / (hi - lo);
}

void JointAxis(const EnvSpec& spec, const mjData* d, int object, double axis[3]) {
  mju_copy3(axis, d->xaxis + 3 * spec.object_joint(object));
  mju_normalize3(axis);
}

void PartGeom(const EnvSpec& spec, const mjData* d, int object, const char* suffix, double centre[3],
              double* half_height) {
  const mjModel* m = spec.model();
  const ObjectConfig& o = spec.task().objects[static_cast<size_t>(object)];
  const std::string name = fmt::format("{}_{}", o.name, suffix);
  const int g = mj_name2id(m, mjOBJ_GEOM, name.c_str());
  if (g < 0 || m->geom_type[g] != mjGEOM_BOX) {
    throw InputError(fmt::format("object '{}' (assets/objects/{}.xml) has no box geom '{}' for the expert", o.name,
                                 o.kind, name));
  }
  mju_copy3(centre, d->geom_xpos + 3 * g);
  *half_height = m->geom_size[3 * g + 2];
}

double YawToAxis(const double quat[4], const double closing_axis[3], const double dir[3]) {
  constexpr double kPi = 3.14159265358979323846;
  double mat[9], axis[3];
  mju_quat2Mat(mat, quat);
  mju_mulMatVec(axis, mat, closing_axis, 3, 3);
  return std::remainder(std::atan2(dir[1], dir[0]) - std::atan2(axis[1], axis[0]), kPi);
}

SkillCommand BeginStep(const SkillContext& c, ArmExpertState& state, double gripper) {
  SkillCommand cmd;
  mju_copy3(cmd.goal, c.target.pos);
  cmd.gripper = gripper;
  cmd.speed = c.options.speed;
  ++state.phase_steps;
  return cmd;
}

bool Arrived(const SkillContext& c, const ArmExpertState& state, const double goal[3], double tolerance) {
  double diff[3];
  mju_sub3(diff, c.eef, goal);
  return mju_norm3(diff) < tolerance || state.phase_steps > c.options.phase_timeout;
}

void NextPhase(ArmExpertState& state, int phase) {
  state.phase = phase;
  state.phase_steps = 0;
}

bool EndAttempt(const SkillContext& c, ArmExpertState& state, bool achieved) {
  if (achieved || ++state.retries > c.options.max_retries) return true;
  NextPhase(state, 0);
  return false;
}

}  // namespace fb::envs::skills
