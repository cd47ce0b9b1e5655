// Health checks of every built-in suite, as MuJoCo Menagerie checks every model: each task
// compiles on each of its suite's embodiments and survives a simulated second of random
// actions without a MuJoCo warning; every split's committed initial states load and match;
// the same EpisodeId replays bit for bit. Suites are discovered at run time, so a new suite
// is covered by adding its YAML.
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/split_mix64.h"
#include "envs/env.h"
#include "envs/mujoco_errors.h"
#include "envs/splits.h"
#include "envs/task_spec.h"

namespace fb::envs {
namespace {

// Uniform actions in [-1, 1] from a fixed seed.
std::vector<double> RandomAction(SplitMix64& random, int dim) {
  std::vector<double> action(static_cast<size_t>(dim));
  for (double& v : action) v = random.Uniform(-1.0, 1.0);
  return action;
}

// qpos after each of `steps` seeded random control steps from Reset(id).
std::vector<double> QposTrajectory(const EnvSpec& spec, const EpisodeId& id, int steps, EpisodeState& state) {
  Reset(spec, id, state);
  SplitMix64 random(id.seed);
  const mjModel* m = spec.model();
  std::vector<double> out(state.data->qpos, state.data->qpos + m->nq);
  for (int t = 0; t < steps && !state.done; ++t) {
    Step(spec, RandomAction(random, spec.action_dim()), state);
    out.insert(out.end(), state.data->qpos, state.data->qpos + m->nq);
  }
  return out;
}

bool BitEqual(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// Runs `check`, turning an exception into a failure of the current trace, so one broken
// task does not hide the others.
template <class Check>
void Guarded(Check check) {
  try {
    check();
  } catch (const std::exception& e) {
    ADD_FAILURE() << e.what();
  }
}

TEST(HealthTest, EveryTaskCompilesAndSurvivesASecondOfRandomActions) {
  for (const auto& suite_name : BuiltinSuites()) {
    const SuiteConfig suite = LoadSuite(suite_name);
    for (const auto& task : suite.tasks) {
      for (const auto& embodiment : suite.embodiments) {
        SCOPED_TRACE(suite_name + "/" + task + "/" + embodiment);
        Guarded([&] {
          ResetThreadWarningCount();  // compiling counts too
          const auto spec = EnvSpec::Create(suite_name, task, embodiment);
          EpisodeState state;
          Reset(*spec, EpisodeId{suite_name, task, "id", embodiment, 0, 11}, state);
          SplitMix64 random(17);
          const int steps = static_cast<int>(spec->embodiment().control_hz());  // one simulated second
          for (int t = 0; t < steps && !state.done; ++t) Step(*spec, RandomAction(random, spec->action_dim()), state);
          EXPECT_EQ(ThreadWarningCount(), 0);
          EXPECT_EQ(DataWarningCount(state.data.get()), 0);
          EXPECT_NE(state.failure, Failure::kUnstable) << state.failure_detail;
        });
      }
    }
  }
}

TEST(HealthTest, EverySplitsInitialStatesLoadAndMatch) {
  for (const auto& suite_name : BuiltinSuites()) {
    for (const auto& task_name : LoadSuite(suite_name).tasks) {
      const TaskConfig task = LoadTask(suite_name, task_name);
      for (const auto& split_name : BuiltinSplits()) {
        SCOPED_TRACE(suite_name + "/" + task_name + "/" + split_name);
        Guarded([&] {
          const SplitConfig split = LoadSplit(split_name);
          const InitStates states = LoadInitStates(InitStatePath(suite_name, task_name, split_name));
          CheckInitStatesMatch(states, task, split);
          EXPECT_EQ(states.split, split_name);
          EXPECT_EQ(static_cast<int>(states.states.size()), split.num_states);
        });
      }
    }
  }
}

// Fresh states and a state reused after other episodes replay an EpisodeId bit for bit.
TEST(HealthTest, EveryTaskReplaysAnEpisodeIdBitForBit) {
  constexpr int kSteps = 4;
  for (const auto& suite_name : BuiltinSuites()) {
    const SuiteConfig suite = LoadSuite(suite_name);
    for (const auto& task : suite.tasks) {
      for (const auto& embodiment : suite.embodiments) {
        SCOPED_TRACE(suite_name + "/" + task + "/" + embodiment);
        Guarded([&] {
          const auto spec = EnvSpec::Create(suite_name, task, embodiment);
          const EpisodeId id{suite_name, task, "id", embodiment, 2, 5};
          EpisodeState first, second;
          const std::vector<double> reference = QposTrajectory(*spec, id, kSteps, first);
          EXPECT_TRUE(BitEqual(QposTrajectory(*spec, id, kSteps, second), reference));
          QposTrajectory(*spec, EpisodeId{suite_name, task, "id", embodiment, 1, 9}, kSteps, first);
          EXPECT_TRUE(BitEqual(QposTrajectory(*spec, id, kSteps, first), reference));
        });
      }
    }
  }
}

}  // namespace
}  // namespace fb::envs
