#include "envs/controller.h"

#include <algorithm>
#include <cmath>

#include <Eigen/Dense>
#include <fmt/format.h>

#include "core/error.h"

namespace fb::envs {
namespace {

constexpr int kMaxJoints = 16;
constexpr const char* kDeltaNames[kArmActionDim] = {"dx", "dy", "dz", "droll", "dpitch", "dyaw", "gripper"};

using Jacobian = Eigen::Matrix<double, 6, Eigen::Dynamic, 0, 6, kMaxJoints>;
using JointVector = Eigen::Matrix<double, Eigen::Dynamic, 1, 0, kMaxJoints, 1>;
using Matrix6 = Eigen::Matrix<double, 6, 6>;
using Vector6 = Eigen::Matrix<double, 6, 1>;

double Clip(double v, double lo, double hi) { return std::min(hi, std::max(lo, v)); }

// Rotation vector (world frame) taking orientation b to a: a = exp(result) * b.
void RotationBetween(const double a[4], const double b[4], double out[3]) {
  mjtNum b_inv[4], diff[4];
  mju_negQuat(b_inv, b);
  mju_mulQuat(diff, a, b_inv);
  mju_quat2Vel(out, diff, 1.0);
}

void QuatFromRotation(const double rot[3], double out[4]) {
  double axis[3] = {rot[0], rot[1], rot[2]};
  const double angle = mju_normalize3(axis);
  if (angle < 1e-12) {
    out[0] = 1, out[1] = out[2] = out[3] = 0;
    return;
  }
  mju_axisAngle2Quat(out, axis, angle);
}

}  // namespace

std::string ActionSpaceName(ActionSpace space) {
  return space == ActionSpace::kDeltaEef ? "delta_eef" : "joint_position";
}

ActionSpace ParseActionSpace(const std::string& name) {
  if (name == "delta_eef") return ActionSpace::kDeltaEef;
  if (name == "joint_position") return ActionSpace::kJointPosition;
  throw InputError(fmt::format("unknown action space '{}'; known: delta_eef, joint_position", name));
}

Controller::Controller(const EmbodimentSpec& spec, const mjModel* m, ActionSpace space, ControllerOptions options)
    : k_model_(m),
      k_space_(space),
      k_options_(options),
      k_arms_(ResolveArms(spec, m)),
      k_max_translation_(spec.config().action.max_translation),
      k_max_rotation_(spec.config().action.max_rotation) {
  for (int a = 0; a < spec.num_arms(); ++a) {
    const ArmConfig& arm = spec.arm(a);
    if (arm.joints.size() > static_cast<size_t>(kMaxJoints)) {
      throw InputError(fmt::format("embodiment '{}': arm '{}' has {} joints; the controller supports {}", spec.name(),
                                   arm.name, arm.joints.size(), kMaxJoints));
    }
    k_home_.push_back(arm.home);
    k_gripper_open_.push_back(arm.gripper_open);
    k_gripper_closed_.push_back(arm.gripper_closed);
    k_offsets_.push_back(k_action_dim_);
    k_action_dim_ += space == ActionSpace::kDeltaEef ? kArmActionDim : static_cast<int>(arm.joints.size()) + 1;
  }
}

void Controller::EefPose(const mjData* d, int arm, double pos[3], double quat[4]) const {
  const int site = k_arms_[static_cast<size_t>(arm)].eef_site;
  mju_copy3(pos, d->site_xpos + 3 * site);
  mju_mat2Quat(quat, d->site_xmat + 9 * site);
}

void Controller::Reset(const mjData* d, ControllerState& state) const {
  state.targets.assign(k_arms_.size(), ArmTarget{});
  for (size_t a = 0; a < k_arms_.size(); ++a) {
    EefPose(d, static_cast<int>(a), state.targets[a].pos, state.targets[a].quat);
  }
  state.jacp.assign(static_cast<size_t>(3 * k_model_->nv), 0.0);
  state.jacr.assign(static_cast<size_t>(3 * k_model_->nv), 0.0);
}

void Controller::CheckAction(std::span<const double> action) const {
  if (static_cast<int>(action.size()) != k_action_dim_) {
    throw InputError(fmt::format("action has {} values, expected {} ({} space, {} arm(s){})", action.size(),
                                 k_action_dim_, ActionSpaceName(k_space_), k_arms_.size(),
                                 k_space_ == ActionSpace::kDeltaEef
                                     ? ", [dx dy dz droll dpitch dyaw gripper] per arm"
                                     : ", [joint targets..., gripper] per arm"));
  }
  for (size_t i = 0; i < action.size(); ++i) {
    if (std::isfinite(action[i])) continue;
    size_t arm = 0;
    while (arm + 1 < k_offsets_.size() && static_cast<int>(i) >= k_offsets_[arm + 1]) ++arm;
    const int dim = static_cast<int>(i) - k_offsets_[arm];
    const std::string name = k_space_ == ActionSpace::kDeltaEef
                                 ? kDeltaNames[dim]
                                 : (dim == static_cast<int>(k_arms_[arm].qpos_adr.size()) ? std::string("gripper")
                                                                                         : fmt::format("joint {}", dim));
    throw InputError(fmt::format("action[{}] (arm {}, {}) is {}; actions must be finite", i, arm, name, action[i]));
  }
}

void Controller::Apply(mjData* d, std::span<const double> action, ControllerState& state) const {
  CheckAction(action);
  for (size_t a = 0; a < k_arms_.size(); ++a) {
    const double* arm_action = action.data() + k_offsets_[a];
    if (k_space_ == ActionSpace::kDeltaEef) {
      ApplyDeltaEef(d, static_cast<int>(a), arm_action, state);
    } else {
      ApplyJoints(d, static_cast<int>(a), arm_action);
    }
  }
}

void Controller::SetGripper(mjData* d, int arm, double g) const {
  const size_t a = static_cast<size_t>(arm);
  const double t = (Clip(g, -1.0, 1.0) + 1.0) / 2.0;
  d->ctrl[k_arms_[a].gripper_actuator] = k_gripper_open_[a] + t * (k_gripper_closed_[a] - k_gripper_open_[a]);
}

void Controller::ApplyJoints(mjData* d, int arm, const double* a) const {
  const ArmIds& ids = k_arms_[static_cast<size_t>(arm)];
  const size_t n = ids.qpos_adr.size();
  for (size_t j = 0; j < n; ++j) d->ctrl[ids.actuators[j]] = Clip(a[j], ids.range_lo[j], ids.range_hi[j]);
  SetGripper(d, arm, a[n]);
}

void Controller::ApplyDeltaEef(mjData* d, int arm, const double* a, ControllerState& state) const {
  const mjModel* m = k_model_;
  const ArmIds& ids = k_arms_[static_cast<size_t>(arm)];
  ArmTarget& target = state.targets[static_cast<size_t>(arm)];
  const int n = static_cast<int>(ids.qpos_adr.size());

  double meas_pos[3], meas_quat[4];
  EefPose(d, arm, meas_pos, meas_quat);

  // New commanded pose: old one plus the (clipped, scaled) delta, leashed to the measured pose.
  ArmTarget next = target;
  double rot[3];
  for (int i = 0; i < 3; ++i) {
    next.pos[i] += Clip(a[i], -1.0, 1.0) * k_max_translation_;
    rot[i] = Clip(a[3 + i], -1.0, 1.0) * k_max_rotation_;
  }
  double dq[4];
  QuatFromRotation(rot, dq);
  mju_mulQuat(next.quat, dq, target.quat);
  mju_normalize4(next.quat);
  double off[3];
  mju_sub3(off, next.pos, meas_pos);
  const double dist = mju_norm3(off);
  if (dist > k_options_.leash_translation) {
    for (int i = 0; i < 3; ++i) next.pos[i] = meas_pos[i] + off[i] * k_options_.leash_translation / dist;
  }
  double rot_off[3];
  RotationBetween(next.quat, meas_quat, rot_off);
  const double angle = mju_norm3(rot_off);
  if (angle > k_options_.leash_rotation) {
    double scaled[3], q[4];
    for (int i = 0; i < 3; ++i) scaled[i] = rot_off[i] * k_options_.leash_rotation / angle;
    QuatFromRotation(scaled, q);
    mju_mulQuat(next.quat, q, meas_quat);
  }

  // Pose error to close from the measured pose (proportional: no wind-up while the servos lag).
  Vector6 e;
  double rot_err[3];
  RotationBetween(next.quat, meas_quat, rot_err);
  for (int i = 0; i < 3; ++i) {
    e[i] = next.pos[i] - meas_pos[i];
    e[3 + i] = rot_err[i];
  }
  target = next;

  mj_jacSite(m, d, state.jacp.data(), state.jacr.data(), ids.eef_site);
  Jacobian jac(6, n);
  for (int j = 0; j < n; ++j) {
    const int col = ids.dof_adr[static_cast<size_t>(j)];
    for (int r = 0; r < 3; ++r) {
      jac(r, j) = state.jacp[static_cast<size_t>(r * m->nv + col)];
      jac(3 + r, j) = state.jacr[static_cast<size_t>(r * m->nv + col)];
    }
  }

  // Damped least squares; damping grows as the smallest singular value approaches zero.
  const Matrix6 jjt = jac * jac.transpose();
  Eigen::SelfAdjointEigenSolver<Matrix6> eig(jjt, Eigen::EigenvaluesOnly);
  const int rank = std::min(6, n);
  const double sigma_min = std::sqrt(std::max(0.0, eig.eigenvalues()[6 - rank]));
  double lambda2 = k_options_.damping * k_options_.damping;
  if (sigma_min < k_options_.singular_threshold) {
    const double r = sigma_min / k_options_.singular_threshold;
    lambda2 += (1.0 - r * r) * k_options_.singular_damping * k_options_.singular_damping;
  }
  const Matrix6 damped = jjt + lambda2 * Matrix6::Identity();
  const Eigen::LDLT<Matrix6> solver(damped);
  JointVector delta = jac.transpose() * solver.solve(e);

  JointVector q(n);
  for (int j = 0; j < n; ++j) q[j] = d->qpos[ids.qpos_adr[static_cast<size_t>(j)]];
  if (n > 6 && k_options_.nullspace_gain > 0) {
    JointVector pull(n);
    const std::vector<double>& home = k_home_[static_cast<size_t>(arm)];
    for (int j = 0; j < n; ++j) pull[j] = k_options_.nullspace_gain * (home[static_cast<size_t>(j)] - q[j]);
    // (I - J^+ J) pull with the damped pseudo-inverse J^+ = J^T (J J^T + lambda^2)^-1.
    delta += pull - jac.transpose() * solver.solve(jac * pull);
  }
  for (int j = 0; j < n; ++j) {
    const size_t sj = static_cast<size_t>(j);
    const double step = Clip(delta[j], -k_options_.max_joint_lead, k_options_.max_joint_lead);
    const double goal = Clip(q[j] + step, ids.range_lo[sj], ids.range_hi[sj]);
    // Gravity and velocity-product forces are fed forward through the servo's set point, so
    // the joint settles at `goal` rather than sagging by bias / kp.
    const int act = ids.actuators[sj];
    const double kp = m->actuator_gainprm[mjNGAIN * act];
    const double bias = kp > 0 ? d->qfrc_bias[ids.dof_adr[sj]] / kp : 0.0;
    d->ctrl[act] = goal + bias;
  }
  SetGripper(d, arm, a[6]);
}

}  // namespace fb::envs
