// Articulated objects (drawer, button) end to end: the task's initial joint value, the expert
// skills that open, close and press them, and the checks on skill steps and joint values.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "envs/env.h"
#include "envs/expert.h"
#include "envs/task_spec.h"

namespace fb::envs {
namespace {

using ::testing::HasSubstr;

double JointValue(const EnvSpec& spec, const EpisodeState& state, const std::string& object) {
  const int joint = spec.object_joint(spec.object_index(object));
  return state.data->qpos[spec.model()->jnt_qposadr[joint]];
}

TEST(ArticulatedObjectsTest, InitialJointComesFromTheTask) {
  const auto closed = EnvSpec::Create("goal", "goal_open_drawer", "panda");
  const auto open = EnvSpec::Create("goal", "goal_close_drawer", "panda");
  EXPECT_GE(open->object_joint(open->object_index("drawer")), 0);
  EXPECT_EQ(open->object_joint(open->object_index("red_block")), -1);
  EpisodeState state;
  Reset(*closed, EpisodeId{"goal", "goal_open_drawer", "id", "panda", 3, 3}, state);
  EXPECT_NEAR(JointValue(*closed, state, "drawer"), 0.0, 1e-3);
  Reset(*open, EpisodeId{"goal", "goal_close_drawer", "id", "panda", 3, 3}, state);
  EXPECT_NEAR(JointValue(*open, state, "drawer"), 0.08, 1e-3);  // friction loss holds it while settling
  EXPECT_NEAR(JointValue(*open, state, "button"), 0.0, 1e-3);    // the spring holds the cap up
}

// One episode per skill: the expert reaches the goal and leaves the joint where the goal wants.
class SkillTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SkillTest, ExpertReachesTheGoal) {
  const std::string& task = GetParam();
  const auto spec = EnvSpec::Create("goal", task, "panda");
  const ScriptedExpert expert(*spec);
  EpisodeState state;
  const StepResult result = RunExpertEpisode(*spec, expert, EpisodeId{"goal", task, "id", "panda", 0, 0}, state);
  EXPECT_TRUE(result.success_once) << FailureName(result.failure) << " at step " << result.step;
  if (task == "goal_open_drawer") {
    EXPECT_GT(JointValue(*spec, state, "drawer"), 0.07);
  } else if (task == "goal_close_drawer") {
    EXPECT_LT(JointValue(*spec, state, "drawer"), 0.01);
  }
}

INSTANTIATE_TEST_SUITE_P(GoalSuite, SkillTest,
                         ::testing::Values("goal_open_drawer", "goal_close_drawer", "goal_press_button"));

TaskConfig GoalTask(const std::string& name) { return LoadTask("goal", name); }

TEST(ArticulatedObjectsTest, SkillStepsAreChecked) {
  TaskConfig task = GoalTask("goal_open_drawer");
  task.expert[0].object = "button";
  EXPECT_THAT([&] { task.Validate(); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("skill pull acts on a drawer, but 'button' is a button")));
  task.expert[0] = ExpertStepConfig{};
  task.expert[0].skill = "press";
  task.expert[0].pick = "red_block";
  EXPECT_THAT([&] { task.Validate(); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("skill press takes object, not pick or place")));
  task.expert[0] = ExpertStepConfig{};
  task.expert[0].pick = "red_block";
  EXPECT_THAT([&] { task.Validate(); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("skill pick_place needs pick and place")));
  task = GoalTask("goal_open_drawer");
  task.objects[static_cast<size_t>(FindObject(task, "red_block"))].joint = 0.02;
  EXPECT_THAT([&] { task.Validate(); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("objects 'red_block': joint 0.02 given, but a block")));
}

TEST(ArticulatedObjectsTest, JointOutsideItsRangeIsRejected) {
  TaskConfig task = GoalTask("goal_close_drawer");
  task.objects[static_cast<size_t>(FindObject(task, "drawer"))].joint = 0.2;
  EXPECT_THAT([&] { EnvSpec::FromConfigs("goal", task, EmbodimentSpec::Load("panda")); },
              ::testing::ThrowsMessage<InputError>(
                  HasSubstr("objects 'drawer': joint 0.2 is outside the range [0, 0.1]")));
}

}  // namespace
}  // namespace fb::envs
