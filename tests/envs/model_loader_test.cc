#include "envs/model_loader.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "envs/mujoco_errors.h"

namespace fb::envs {
namespace {

using ::testing::HasSubstr;

// One simulated second at the specs' 2 ms timestep.
constexpr int kStepsPerSecond = 500;

class EmbodimentHealthTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    spec_ = std::make_unique<EmbodimentSpec>(EmbodimentSpec::Load(GetParam()));
    model_ = LoadModel(*spec_);
    data_ = MakeData(model_.get());
    arms_ = ResolveArms(*spec_, model_.get());
    ResetToHome(*spec_, model_.get(), data_.get());
  }

  void Step(int steps) {
    for (int i = 0; i < steps; ++i) mj_step(model_.get(), data_.get());
  }

  bool AllFinite() const {
    for (int i = 0; i < model_->nq; ++i) {
      if (!std::isfinite(data_->qpos[i])) return false;
    }
    for (int i = 0; i < model_->nv; ++i) {
      if (!std::isfinite(data_->qvel[i])) return false;
    }
    return true;
  }

  // New uniform joint targets every 0.1 s for one second, from `seed`; returns final qpos.
  std::vector<double> RandomTargetRun(uint32_t seed) {
    ResetToHome(*spec_, model_.get(), data_.get());
    std::mt19937 rng(seed);
    for (int block = 0; block < 10; ++block) {
      for (const ArmIds& ids : arms_) {
        for (size_t j = 0; j < ids.actuators.size(); ++j) {
          std::uniform_real_distribution<double> target(ids.range_lo[j], ids.range_hi[j]);
          data_->ctrl[ids.actuators[j]] = target(rng);
        }
        const int g = ids.gripper_actuator;
        std::uniform_real_distribution<double> grip(model_->actuator_ctrlrange[2 * g],
                                                    model_->actuator_ctrlrange[2 * g + 1]);
        data_->ctrl[g] = grip(rng);
      }
      Step(kStepsPerSecond / 10);
    }
    return std::vector<double>(data_->qpos, data_->qpos + model_->nq);
  }

  double FingerDistance(const ArmIds& ids) const {
    const mjtNum* a = data_->xpos + 3 * model_->jnt_bodyid[FingerJoint(ids, 0)];
    const mjtNum* b = data_->xpos + 3 * model_->jnt_bodyid[FingerJoint(ids, 1)];
    return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
  }

  int FingerJoint(const ArmIds& ids, int f) const {
    for (int j = 0; j < model_->njnt; ++j) {
      if (model_->jnt_qposadr[j] == ids.finger_qpos_adr[f]) return j;
    }
    return -1;
  }

  std::unique_ptr<EmbodimentSpec> spec_;
  ModelPtr model_;
  DataPtr data_;
  std::vector<ArmIds> arms_;
};

TEST_P(EmbodimentHealthTest, CompilesWithMountTimestepAndNames) {
  EXPECT_EQ(model_->opt.timestep, spec_->physics_timestep());
  EXPECT_EQ(model_->nu, spec_->num_arms() * (static_cast<int>(spec_->arm(0).joints.size()) + 1));
  const int base = mj_name2id(model_.get(), mjOBJ_BODY, spec_->config().mount.body.c_str());
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(data_->xpos[3 * base + i], spec_->config().mount.pos[i], 1e-12);
  EXPECT_GE(mj_name2id(model_.get(), mjOBJ_CAMERA, "agentview"), 0);
  for (const ArmIds& ids : arms_) {
    // Home pose: tool centre above the table top (z = 0.8) and within its footprint.
    const mjtNum* eef = data_->site_xpos + 3 * ids.eef_site;
    EXPECT_GT(eef[2], 0.8);
    EXPECT_LT(std::abs(eef[0]), 0.4);
    EXPECT_LT(std::abs(eef[1]), 0.6);
  }
}

TEST_P(EmbodimentHealthTest, HoldsHomePoseForOneSecond) {
  Step(kStepsPerSecond);
  EXPECT_EQ(DataWarningCount(data_.get()), 0);
  for (size_t a = 0; a < arms_.size(); ++a) {
    for (size_t j = 0; j < arms_[a].qpos_adr.size(); ++j) {
      EXPECT_NEAR(data_->qpos[arms_[a].qpos_adr[j]], spec_->arm(static_cast<int>(a)).home[j], 0.05)
          << "arm " << a << " joint " << spec_->arm(static_cast<int>(a)).joints[j];
    }
  }
}

TEST_P(EmbodimentHealthTest, RandomTargetsRunOneSecondWithoutWarningsOrNaN) {
  ResetThreadWarningCount();
  RandomTargetRun(7);
  EXPECT_EQ(DataWarningCount(data_.get()), 0);
  EXPECT_EQ(ThreadWarningCount(), 0);
  EXPECT_TRUE(AllFinite());
}

TEST_P(EmbodimentHealthTest, SameSeedGivesBitIdenticalQpos) {
  const std::vector<double> first = RandomTargetRun(11);
  const std::vector<double> second = RandomTargetRun(11);
  ASSERT_EQ(first.size(), second.size());
  EXPECT_EQ(std::memcmp(first.data(), second.data(), first.size() * sizeof(double)), 0);
  EXPECT_NE(RandomTargetRun(12), first);
}

TEST_P(EmbodimentHealthTest, GripperOpensAndCloses) {
  for (size_t a = 0; a < arms_.size(); ++a) {
    const ArmConfig& arm = spec_->arm(static_cast<int>(a));
    const ArmIds& ids = arms_[a];
    Step(kStepsPerSecond / 4);
    const double open = FingerDistance(ids);
    data_->ctrl[ids.gripper_actuator] = arm.gripper_closed;
    Step(kStepsPerSecond / 2);
    const double closed = FingerDistance(ids);
    // Both fingers travel the ctrl difference (the actuator drives the mean finger joint).
    const double expected = 2 * std::abs(arm.gripper_open - arm.gripper_closed);
    EXPECT_NEAR(open - closed, expected, 0.1 * expected) << arm.name;
    data_->ctrl[ids.gripper_actuator] = arm.gripper_open;
    Step(kStepsPerSecond / 2);
    EXPECT_NEAR(FingerDistance(ids), open, 0.1 * expected) << arm.name;
  }
  EXPECT_EQ(DataWarningCount(data_.get()), 0);
}

TEST_P(EmbodimentHealthTest, EefSiteMovesWhenJointsMove) {
  for (const ArmIds& ids : arms_) {
    const std::vector<double> before(data_->site_xpos + 3 * ids.eef_site, data_->site_xpos + 3 * ids.eef_site + 3);
    // First joint (a base yaw for every robot) by 0.3 rad, clamped into its range.
    const int act = ids.actuators[0];
    data_->ctrl[act] = std::min(data_->ctrl[act] + 0.3, ids.range_hi[0]);
    Step(kStepsPerSecond / 2);
    const mjtNum* after = data_->site_xpos + 3 * ids.eef_site;
    const double moved = std::hypot(after[0] - before[0], after[1] - before[1], after[2] - before[2]);
    EXPECT_GT(moved, 0.03);
  }
}

INSTANTIATE_TEST_SUITE_P(Builtin, EmbodimentHealthTest,
                         ::testing::Values("aloha", "panda", "ur5e", "widowx250"),
                         [](const auto& info) { return info.param; });

TEST(ModelLoaderTest, ComposedXmlIncludesSceneThenRobot) {
  const std::string xml = ComposeSceneXml(EmbodimentSpec::Load("panda"));
  EXPECT_THAT(xml, HasSubstr("<include file=\"tabletop.xml\"/>\n  <include file=\"panda.xml\"/>"));
}

TEST(ModelLoaderTest, MalformedXmlIsInputErrorWithMujocoMessage) {
  try {
    LoadModelFromString("<mujoco><worldbody><geom type=\"sphere\" size=\"0.1\"></worldbody></mujoco>", "inline test");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("inline test: MuJoCo could not load the model: XML parse error"));
  }
}

TEST(ModelLoaderTest, InvalidModelIsInputErrorWithMujocoMessage) {
  try {
    LoadModelFromString("<mujoco><worldbody><geom type=\"spheer\" size=\"0.1\"/></worldbody></mujoco>", "inline");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("invalid keyword: 'spheer'"));
  }
}

TEST(ModelLoaderTest, UnknownNameInSpecIsInputError) {
  EmbodimentConfig config = EmbodimentSpec::Load("panda").config();
  config.arms[0].eef_site = "tcp";
  try {
    LoadModel(EmbodimentSpec::FromConfig(config));
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("embodiment 'panda': no site named 'tcp'"));
  }
}

TEST(ModelLoaderTest, MissingAssetsPointToTheEnvironmentVariable) {
  ::setenv("FASTERBENCH_ASSETS", "/nonexistent/assets", 1);
  try {
    LoadModel(EmbodimentSpec::Load("panda"));
    ::unsetenv("FASTERBENCH_ASSETS");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    ::unsetenv("FASTERBENCH_ASSETS");
    EXPECT_THAT(e.what(), HasSubstr("cannot read scene MJCF '/nonexistent/assets/scenes/tabletop.xml'"));
    EXPECT_THAT(e.what(), HasSubstr("FASTERBENCH_ASSETS"));
  }
}

}  // namespace
}  // namespace fb::envs
