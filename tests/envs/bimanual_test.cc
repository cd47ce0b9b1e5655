// The bimanual suite on the ALOHA-like embodiment: the home pose can reach the table, each
// task gives both arms their own pick-and-place, and the scripted expert moves both arms at
// once. The per-suite success table is in expert_test.cc.
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "envs/env.h"
#include "envs/expert.h"
#include "envs/task_spec.h"

namespace fb::envs {
namespace {

constexpr const char* kSuite = "bimanual";

TEST(BimanualSuiteTest, RunsOnAlohaWithAPlanForEachArm) {
  const SuiteConfig suite = LoadSuite(kSuite);
  ASSERT_GE(suite.tasks.size(), 3u);
  EXPECT_EQ(suite.embodiments, std::vector<std::string>{"aloha"});
  for (const std::string& task : suite.tasks) {
    const auto spec = EnvSpec::Create(kSuite, task, "aloha");
    EXPECT_EQ(spec->action_dim(), 14) << task;
    int steps[2] = {0, 0};
    for (const ExpertStepConfig& step : spec->task().expert) ++steps[step.arm];
    EXPECT_GT(steps[0], 0) << task << ": the left arm has nothing to do";
    EXPECT_GT(steps[1], 0) << task << ": the right arm has nothing to do";
  }
}

// At home both grippers point down over their own half of the table, low enough to start a
// pick without a long descent.
TEST(BimanualSuiteTest, HomePointsBothGrippersDownOverTheirHalf) {
  const SuiteConfig suite = LoadSuite(kSuite);
  const auto spec = EnvSpec::Create(kSuite, suite.tasks[0], "aloha");
  EpisodeState state;
  Reset(*spec, EpisodeId{kSuite, suite.tasks[0], "id", "aloha", 0, 0}, state);
  for (int arm = 0; arm < 2; ++arm) {
    double pos[3], quat[4], mat[9];
    spec->controller().EefPose(state.data.get(), arm, pos, quat);
    mju_quat2Mat(mat, quat);
    EXPECT_LT(mat[6], -0.95) << "arm " << arm << ": the tool x axis (pointing direction) is not down";
    EXPECT_GT(pos[2] - spec->table_z(), 0.08) << "arm " << arm;
    EXPECT_LT(pos[2] - spec->table_z(), 0.25) << "arm " << arm;
    EXPECT_LT(std::abs(pos[0]), 0.1) << "arm " << arm;
    EXPECT_GT(arm == 0 ? -pos[1] : pos[1], 0.1) << "arm " << arm << " is not over its own half";
  }
}

// Both arms work at the same time: at some step both picked blocks are off the table
// together, and the episode succeeds.
TEST(BimanualSuiteTest, ExpertCarriesBothBlocksAtOnce) {
  const SuiteConfig suite = LoadSuite(kSuite);
  const std::string& task = suite.tasks[0];
  const auto spec = EnvSpec::Create(kSuite, task, "aloha");
  const ScriptedExpert expert(*spec);
  std::vector<int> picked;
  for (const ExpertStepConfig& step : spec->task().expert) picked.push_back(spec->object_index(step.pick));
  ASSERT_EQ(picked.size(), 2u);

  EpisodeState state;
  Reset(*spec, EpisodeId{kSuite, task, "id", "aloha", 1, 1}, state);
  ExpertState memory;
  expert.Reset(*spec, state, memory);
  std::vector<double> start;
  for (int object : picked) start.push_back(state.data->xpos[3 * spec->object_body(object) + 2]);
  bool both_lifted = false;
  StepResult result;
  while (!state.done) {
    result = Step(*spec, expert.Act(*spec, state, memory), state);
    bool all = true;
    for (size_t i = 0; i < picked.size(); ++i) {
      all = all && state.data->xpos[3 * spec->object_body(picked[i]) + 2] > start[i] + 0.03;
    }
    both_lifted = both_lifted || all;
  }
  EXPECT_TRUE(both_lifted);
  EXPECT_TRUE(result.success_once) << FailureName(result.failure) << " at step " << result.step;
}

}  // namespace
}  // namespace fb::envs
