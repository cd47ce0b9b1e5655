#include "envs/controller.h"

#include <cmath>
#include <limits>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"

namespace fb::envs {
namespace {

using ::testing::HasSubstr;

class ControllerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    spec_ = std::make_unique<EmbodimentSpec>(EmbodimentSpec::Load(GetParam()));
    model_ = LoadModel(*spec_);
    data_ = MakeData(model_.get());
    ResetToHome(*spec_, model_.get(), data_.get());
    controller_ = std::make_unique<Controller>(*spec_, model_.get(), ActionSpace::kDeltaEef);
    controller_->Reset(data_.get(), state_);
  }

  // One control step with `action`.
  void Step(const std::vector<double>& action) {
    controller_->Apply(data_.get(), action, state_);
    for (int s = 0; s < spec_->substeps(); ++s) mj_step(model_.get(), data_.get());
  }

  std::vector<double> Zero() const {
    std::vector<double> a(static_cast<size_t>(controller_->action_dim()), 0.0);
    a[6] = -1;
    return a;
  }

  void Eef(double pos[3], double quat[4]) const { controller_->EefPose(data_.get(), 0, pos, quat); }

  std::unique_ptr<EmbodimentSpec> spec_;
  ModelPtr model_;
  DataPtr data_;
  std::unique_ptr<Controller> controller_;
  ControllerState state_;
};

// Zero actions hold the end effector where it is.
TEST_P(ControllerTest, ZeroActionHolds) {
  double p0[3], q0[4], p1[3], q1[4];
  Eef(p0, q0);
  for (int i = 0; i < 40; ++i) Step(Zero());
  Eef(p1, q1);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(p1[i], p0[i], 0.003) << "axis " << i;
}

// A commanded translation is realised within a few millimetres once the arm settles.
TEST_P(ControllerTest, TranslationDeltaIsTracked) {
  const double max_t = spec_->config().action.max_translation;
  for (int axis = 0; axis < 3; ++axis) {
    SetUp();
    double p0[3], q0[4], p1[3], q1[4];
    Eef(p0, q0);
    std::vector<double> a = Zero();
    a[static_cast<size_t>(axis)] = 0.4;  // 0.4 * max_translation, twice
    Step(a);
    Step(a);
    for (int i = 0; i < 30; ++i) Step(Zero());
    Eef(p1, q1);
    for (int i = 0; i < 3; ++i) {
      const double expected = p0[i] + (i == axis ? 0.8 * max_t : 0.0);
      EXPECT_NEAR(p1[i], expected, 0.004) << GetParam() << " command on axis " << axis << ", axis " << i;
    }
  }
}

// A commanded yaw is realised, and the position stays.
TEST_P(ControllerTest, RotationDeltaIsTracked) {
  double p0[3], q0[4], p1[3], q1[4];
  Eef(p0, q0);
  std::vector<double> a = Zero();
  a[5] = 0.4;  // 0.4 * max_rotation about world z
  Step(a);
  for (int i = 0; i < 30; ++i) Step(Zero());
  Eef(p1, q1);
  mjtNum inv[4], diff[4], rot[3];
  mju_negQuat(inv, q0);
  mju_mulQuat(diff, q1, inv);
  mju_quat2Vel(rot, diff, 1.0);
  const double expected = 0.4 * spec_->config().action.max_rotation;
  EXPECT_NEAR(rot[2], expected, 0.03);
  EXPECT_NEAR(rot[0], 0.0, 0.03);
  EXPECT_NEAR(rot[1], 0.0, 0.03);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(p1[i], p0[i], 0.005);
}

// Driving far out of reach keeps every joint target and position inside its limits.
TEST_P(ControllerTest, RespectsJointLimits) {
  std::vector<double> a = Zero();
  a[0] = 1, a[2] = 1, a[3] = 1;
  for (int i = 0; i < 80; ++i) Step(a);
  const ArmIds& ids = controller_->arms()[0];
  for (size_t j = 0; j < ids.qpos_adr.size(); ++j) {
    EXPECT_GE(data_->qpos[ids.qpos_adr[j]], ids.range_lo[j] - 0.02) << "joint " << j;
    EXPECT_LE(data_->qpos[ids.qpos_adr[j]], ids.range_hi[j] + 0.02) << "joint " << j;
  }
  for (int i = 0; i < model_->nq; ++i) EXPECT_TRUE(std::isfinite(data_->qpos[i]));
}

TEST_P(ControllerTest, RejectsWrongSizeAndNaN) {
  std::vector<double> a(static_cast<size_t>(controller_->action_dim() + 1), 0.0);
  try {
    controller_->Apply(data_.get(), a, state_);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("action has 8 values, expected 7"));
  }
  a = Zero();
  a[4] = std::numeric_limits<double>::quiet_NaN();
  try {
    controller_->Apply(data_.get(), a, state_);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("action[4] (arm 0, dpitch) is nan"));
  }
}

TEST_P(ControllerTest, JointPositionSpaceClampsToLimits) {
  Controller joints(*spec_, model_.get(), ActionSpace::kJointPosition);
  const ArmIds& ids = joints.arms()[0];
  const size_t n = ids.qpos_adr.size();
  EXPECT_EQ(joints.action_dim(), static_cast<int>(n + 1));
  std::vector<double> a(n + 1, 100.0);
  joints.Apply(data_.get(), a, state_);
  for (size_t j = 0; j < n; ++j) EXPECT_LE(data_->ctrl[ids.actuators[j]], ids.range_hi[j]);
  EXPECT_DOUBLE_EQ(data_->ctrl[ids.gripper_actuator], spec_->arm(0).gripper_closed);
}

INSTANTIATE_TEST_SUITE_P(Embodiments, ControllerTest, ::testing::Values("panda", "ur5e", "widowx250"));

// Bimanual: two arms side by side.
TEST(ControllerBimanualTest, TwoArmsSideBySide) {
  const EmbodimentSpec spec = EmbodimentSpec::Load("aloha");
  ModelPtr model = LoadModel(spec);
  Controller controller(spec, model.get(), ActionSpace::kDeltaEef);
  EXPECT_EQ(controller.action_dim(), 14);
  DataPtr data = MakeData(model.get());
  ResetToHome(spec, model.get(), data.get());
  ControllerState state;
  controller.Reset(data.get(), state);
  std::vector<double> a(14, 0.0);
  a[13] = std::numeric_limits<double>::infinity();
  try {
    controller.Apply(data.get(), a, state);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("action[13] (arm 1, gripper) is inf"));
  }
}

}  // namespace
}  // namespace fb::envs
