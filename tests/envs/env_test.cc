#include "envs/env.h"

#include <cstring>
#include <limits>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "envs/mujoco_errors.h"

namespace fb::envs {
namespace {

using ::testing::HasSubstr;

constexpr char kTask[] = "spatial_red_block_on_plate";

EpisodeId Id(int init, uint64_t seed, const std::string& embodiment = "panda") {
  return EpisodeId{"spatial", kTask, "id", embodiment, init, seed};
}

// Fixed pseudo-random actions, the same for every call.
std::vector<std::vector<double>> Actions(int steps, int dim) {
  std::vector<std::vector<double>> out;
  uint64_t x = 12345;
  for (int t = 0; t < steps; ++t) {
    std::vector<double> a(static_cast<size_t>(dim));
    for (double& v : a) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      v = static_cast<double>(x >> 11) * 0x1.0p-53 * 2.0 - 1.0;
    }
    out.push_back(a);
  }
  return out;
}

// qpos, qvel and ctrl after every control step, as raw doubles.
std::vector<double> Trajectory(const EnvSpec& spec, const EpisodeId& id, EpisodeState& state) {
  Reset(spec, id, state);
  const mjModel* m = spec.model();
  std::vector<double> out(state.data->qpos, state.data->qpos + m->nq);
  for (const auto& a : Actions(20, spec.action_dim())) {
    Step(spec, a, state);
    out.insert(out.end(), state.data->qpos, state.data->qpos + m->nq);
    out.insert(out.end(), state.data->qvel, state.data->qvel + m->nv);
    out.insert(out.end(), state.data->ctrl, state.data->ctrl + m->nu);
  }
  return out;
}

bool BitEqual(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

class EnvTest : public ::testing::TestWithParam<std::string> {};

// The same EpisodeId gives a bit-identical trajectory whatever ran before it, in a reused state
// or a fresh one.
TEST_P(EnvTest, SameIdentitySameTrajectory) {
  const auto spec = EnvSpec::Create("spatial", kTask, GetParam());
  EpisodeState fresh;
  const std::vector<double> reference = Trajectory(*spec, Id(3, 7, GetParam()), fresh);
  EpisodeState reused;
  for (int init : {5, 0, 9}) Trajectory(*spec, Id(init, static_cast<uint64_t>(init), GetParam()), reused);
  EXPECT_TRUE(BitEqual(Trajectory(*spec, Id(3, 7, GetParam()), reused), reference));
  EXPECT_TRUE(BitEqual(Trajectory(*spec, Id(3, 7, GetParam()), reused), reference));
  EXPECT_FALSE(BitEqual(Trajectory(*spec, Id(4, 7, GetParam()), reused), reference));
}

INSTANTIATE_TEST_SUITE_P(Embodiments, EnvTest, ::testing::Values("panda", "ur5e", "widowx250"));

// init_index moves the objects; the seed moves only the robot's start, and does move it.
TEST(EnvIdentityTest, InitIndexPlacesObjectsSeedPerturbsRobot) {
  const auto spec = EnvSpec::Create("spatial", kTask, "panda");
  EpisodeState a, b;
  Reset(*spec, Id(1, 0), a);
  Reset(*spec, Id(1, 99), b);
  const int obj = spec->object_qpos_adr(0);
  const int arm = spec->controller().arms()[0].qpos_adr[0];
  EXPECT_NEAR(a.data->qpos[obj], b.data->qpos[obj], 1e-3);  // objects settle with a slightly different arm
  EXPECT_NE(a.data->qpos[arm], b.data->qpos[arm]);
  Reset(*spec, Id(2, 0), b);
  EXPECT_GT(std::abs(a.data->qpos[obj] - b.data->qpos[obj]) + std::abs(a.data->qpos[obj + 1] - b.data->qpos[obj + 1]),
            1e-3);
  EXPECT_FALSE(a.instruction.empty());
  EXPECT_EQ(a.instruction.find('{'), std::string::npos);
  EpisodeState train;
  Reset(*spec, EpisodeId{"spatial", kTask, "train", "panda", 1, 0}, train);
  EXPECT_NE(train.data->qpos[obj], a.data->qpos[obj]);  // train and id pools differ
}

TEST(EnvIdentityTest, BadInputIsRejected) {
  EXPECT_THAT([] { EnvSpec::Create("spatial", "nope", "panda"); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("suite 'spatial' has no task 'nope'")));
  EXPECT_THAT([] { EnvSpec::Create("spacial", kTask, "panda"); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("unknown suite 'spacial'; known: bimanual, goal, long, object, spatial; did you mean 'spatial'?")));
  EXPECT_THAT([] { EnvSpec::Create("spatial", kTask, "aloha"); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("does not run on embodiment 'aloha'")));
  const auto spec = EnvSpec::Create("spatial", kTask, "panda");
  EpisodeState state;
  EpisodeId id = Id(0, 0);
  id.split = "ood-nothing";
  EXPECT_THAT([&] { Reset(*spec, id, state); }, ::testing::ThrowsMessage<InputError>(HasSubstr("unknown split")));
}

// Wrong-size and NaN actions end the episode as invalid_action and raise InputError.
TEST(EnvStepTest, InvalidActionsEndTheEpisode) {
  const auto spec = EnvSpec::Create("spatial", kTask, "widowx250");
  EpisodeState state;
  Reset(*spec, Id(0, 0, "widowx250"), state);
  EXPECT_THAT([&] { Step(*spec, std::vector<double>(6, 0.0), state); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("action has 6 values, expected 7")));
  EXPECT_EQ(state.failure, Failure::kInvalidAction);
  EXPECT_TRUE(state.done);
  EXPECT_THAT([&] { Step(*spec, std::vector<double>(7, 0.0), state); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("call Reset before Step")));
  Reset(*spec, Id(0, 0, "widowx250"), state);
  std::vector<double> nan(7, 0.0);
  nan[2] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THAT([&] { Step(*spec, nan, state); }, ::testing::ThrowsMessage<InputError>(HasSubstr("action[2] (arm 0, dz)")));
  EXPECT_EQ(FailureName(state.failure), "invalid_action");
}

// hold_steps: a predicate true from the start counts only after it held that many steps; a
// timeout is recorded when max_steps pass without success.
TEST(EnvStepTest, HoldStepsAndTimeout) {
  TaskConfig task = LoadTask("spatial", kTask);
  task.success.layers.back().node = YAML::Load("lifted: [red_block, -1.0]");
  task.hold_steps = 3;
  auto spec = EnvSpec::FromConfigs("spatial", task, EmbodimentSpec::Load("panda"));
  EpisodeState state;
  Reset(*spec, Id(0, 0), state);
  std::vector<double> hold(7, 0.0);
  hold[6] = -1;
  EXPECT_FALSE(Step(*spec, hold, state).success_now);
  EXPECT_FALSE(Step(*spec, hold, state).success_now);
  const StepResult third = Step(*spec, hold, state);
  EXPECT_TRUE(third.success_now && third.success_once && third.done);

  task = LoadTask("spatial", kTask);
  task.max_steps = 4;
  spec = EnvSpec::FromConfigs("spatial", task, EmbodimentSpec::Load("panda"));
  Reset(*spec, Id(0, 0), state);
  StepResult r;
  while (!state.done) r = Step(*spec, hold, state);
  EXPECT_EQ(r.step, 4);
  EXPECT_EQ(r.failure, Failure::kTimeout);
}

TEST(EnvObserveTest, ProprioObjectsAndImages) {
  const auto spec = EnvSpec::Create("spatial", kTask, "ur5e");
  EpisodeState state;
  Reset(*spec, Id(0, 0, "ur5e"), state);
  Renderer renderer;
  ObservationOptions options;
  options.width = 96;
  options.height = 64;
  const Observation obs = Observe(*spec, state, options, &renderer);
  EXPECT_EQ(obs.proprio.joint_pos.size(), 6u);
  EXPECT_EQ(obs.proprio.eef_pos.size(), 3u);
  EXPECT_EQ(obs.proprio.gripper.size(), 2u);
  EXPECT_EQ(obs.objects.size(), 4u);
  EXPECT_EQ(obs.agentview.width, 96);
  EXPECT_EQ(obs.agentview.pixels.size(), 96u * 64u * 3u);
  ASSERT_EQ(obs.wrist.size(), 1u);
  EXPECT_EQ(obs.wrist[0].height, 64);
  EXPECT_EQ(obs.instruction, state.instruction);
}

}  // namespace
}  // namespace fb::envs
