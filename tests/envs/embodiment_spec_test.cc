#include "envs/embodiment_spec.h"

#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"

namespace fb::envs {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(EmbodimentSpecTest, BuiltinsAreTheFourRobots) {
  EXPECT_THAT(BuiltinEmbodiments(), ElementsAre("aloha", "panda", "ur5e", "widowx250"));
}

TEST(EmbodimentSpecTest, LoadsEveryBuiltinWithSharedConventions) {
  for (const std::string& name : BuiltinEmbodiments()) {
    SCOPED_TRACE(name);
    const EmbodimentSpec spec = EmbodimentSpec::Load(name);
    EXPECT_EQ(spec.name(), name);
    EXPECT_EQ(spec.control_hz(), 20.0);
    EXPECT_EQ(spec.substeps(), 25);
    EXPECT_EQ(spec.action_dim(), 7 * spec.num_arms());
    EXPECT_EQ(spec.config().action.groups.size(), 3u * static_cast<size_t>(spec.num_arms()));
    EXPECT_TRUE(std::filesystem::exists(spec.mjcf_path())) << spec.mjcf_path();
    EXPECT_TRUE(std::filesystem::exists(spec.scene_path())) << spec.scene_path();
  }
  EXPECT_EQ(EmbodimentSpec::Load("aloha").num_arms(), 2);
  EXPECT_EQ(EmbodimentSpec::Load("panda").arm(0).joints.size(), 7u);
  EXPECT_EQ(EmbodimentSpec::Load("ur5e").arm(0).joints.size(), 6u);
}

TEST(EmbodimentSpecTest, UnknownNameListsTheKnownOnes) {
  try {
    EmbodimentSpec::Load("pandaa");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("unknown embodiment 'pandaa'; known: aloha, panda, ur5e, widowx250"));
  }
}

EmbodimentConfig PandaConfig() { return EmbodimentSpec::Load("panda").config(); }

void ExpectInvalid(const EmbodimentConfig& config, const std::string& message) {
  try {
    EmbodimentSpec::FromConfig(config);
    FAIL() << "expected InputError containing: " << message;
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr(message));
  }
}

TEST(EmbodimentSpecTest, RejectsHomeOfWrongLength) {
  EmbodimentConfig config = PandaConfig();
  config.arms[0].home.pop_back();
  ExpectInvalid(config, "arms[0] ('arm'): home has 6 values for 7 joints");
}

TEST(EmbodimentSpecTest, RejectsControlPeriodThatIsNotWholePhysicsSteps) {
  EmbodimentConfig config = PandaConfig();
  config.control_hz = 30;
  ExpectInvalid(config, "1/control_hz = 1/30 s is not a whole multiple of physics_timestep = 0.002 s");
}

TEST(EmbodimentSpecTest, RejectsActionGroupsThatDoNotTile) {
  EmbodimentConfig config = PandaConfig();
  config.action.groups[1].dims = {2, 3, 4};
  ExpectInvalid(config, "both claim dim 2");
  config = PandaConfig();
  config.action.groups.pop_back();
  ExpectInvalid(config, "action dim 6 belongs to no action.groups entry");
}

TEST(EmbodimentSpecTest, NormalisesMountQuaternion) {
  EmbodimentConfig config = PandaConfig();
  config.mount.quat = {2, 0, 0, 0};
  EXPECT_EQ(EmbodimentSpec::FromConfig(config).config().mount.quat, (std::vector<double>{1, 0, 0, 0}));
  config.mount.quat = {0, 0, 0, 0};
  ExpectInvalid(config, "mount.quat is zero");
}

TEST(EmbodimentSpecTest, AssetsDirFollowsEnvironment) {
  EXPECT_EQ(AssetsDir(), std::filesystem::path(FB_SOURCE_DIR) / "assets");
  ::setenv("FASTERBENCH_ASSETS", "/elsewhere/assets", 1);
  EXPECT_EQ(AssetsDir(), std::filesystem::path("/elsewhere/assets"));
  EXPECT_EQ(EmbodimentSpec::Load("panda").mjcf_path(), std::filesystem::path("/elsewhere/assets/robots/panda.xml"));
  ::unsetenv("FASTERBENCH_ASSETS");
}

}  // namespace
}  // namespace fb::envs
