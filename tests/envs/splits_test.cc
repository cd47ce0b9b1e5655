#include "envs/splits.h"

#include <fstream>
#include <set>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "envs/env.h"

namespace fb::envs {
namespace {

using ::testing::HasSubstr;

constexpr char kTask[] = "spatial_red_block_on_plate";

std::vector<double> ObjectQpos(const EnvSpec& spec, const EpisodeState& state) {
  std::vector<double> out;
  for (int i = 0; i < spec.num_objects(); ++i) {
    const double* q = state.data->qpos + spec.object_qpos_adr(i);
    out.insert(out.end(), q, q + 7);
  }
  return out;
}

// A split's states of the task's own objects (an ood-distractor state also lists the
// distractors after them), so layouts compare across splits.
std::set<std::vector<double>> Pool(const std::string& suite, const std::string& task, const std::string& split) {
  const InitStates s = LoadInitStates(InitStatePath(suite, task, split));
  const auto width = static_cast<ptrdiff_t>(7 * LoadTask(suite, task).objects.size());
  std::set<std::vector<double>> out;
  for (const auto& state : s.states) out.emplace(state.begin(), state.begin() + width);
  return out;
}

std::string Fill(std::string text, const TaskConfig& task) {
  for (const ObjectConfig& o : task.objects) {
    const std::string key = "{" + o.name + "}";
    for (size_t at = text.find(key); at != std::string::npos; at = text.find(key)) text.replace(at, key.size(), o.label);
  }
  return text;
}

// Every suite, task and split: the committed file holds the split's num_states, made for the
// current task and split settings; the demonstration pool is the large one.
TEST(SplitsTest, EverySplitFileExistsWithItsStateCountAndMatchingHashes) {
  for (const std::string& suite : BuiltinSuites()) {
    for (const std::string& task : LoadSuite(suite).tasks) {
      const TaskConfig config = LoadTask(suite, task);
      for (const std::string& split : BuiltinSplits()) {
        const SplitConfig definition = LoadSplit(split);
        const InitStates s = LoadInitStates(InitStatePath(suite, task, split));
        EXPECT_EQ(s.states.size(), static_cast<size_t>(definition.num_states)) << suite << "/" << task << "/" << split;
        if (split == "train") {
          EXPECT_GE(s.states.size(), 200u) << suite << "/" << task;
        }
        EXPECT_NO_THROW(CheckInitStatesMatch(s, config, definition)) << suite << "/" << task << "/" << split;
      }
    }
  }
}

// The committed file is exactly what the generator produces now.
TEST(SplitsTest, GeneratorReproducesTheCommittedFile) {
  const auto spec = EnvSpec::Create("spatial", kTask, LoadSuite("spatial").embodiments.front());
  const InitStates generated = GenerateInitStates(*spec, LoadSplit("id"));
  std::ifstream in(InitStatePath("spatial", kTask, "id"));
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(InitStatesToJson(generated), text.str());
}

TEST(SplitsTest, LoadingByIndexIsDeterministic) {
  const auto spec = EnvSpec::Create("spatial", kTask, "panda");
  const auto other = EnvSpec::Create("spatial", kTask, "panda");
  const auto loaded = spec->split("id");
  EpisodeState a, b;
  Reset(*spec, EpisodeId{"spatial", kTask, "id", "panda", 7, 0}, a);
  Reset(*spec, EpisodeId{"spatial", kTask, "id", "panda", 2, 0}, b);
  Reset(*other, EpisodeId{"spatial", kTask, "id", "panda", 7, 0}, b);
  EXPECT_EQ(ObjectQpos(*spec, a), ObjectQpos(*other, b));
  // The settled pose stays within a few mm of the stored one.
  const std::vector<double>& stored = loaded->states.states[7];
  for (int i = 0; i < spec->num_objects(); ++i) {
    const double* q = a.data->qpos + spec->object_qpos_adr(i);
    EXPECT_NEAR(q[0], stored[7 * i], 0.005);
    EXPECT_NEAR(q[1], stored[7 * i + 1], 0.005);
  }
}

TEST(SplitsTest, OutOfRangeIndexNamesFileAndCount) {
  const auto spec = EnvSpec::Create("spatial", kTask, "panda");
  EpisodeState state;
  EXPECT_THAT([&] { Reset(*spec, EpisodeId{"spatial", kTask, "train", "panda", 200, 0}, state); },
              ::testing::ThrowsMessage<InputError>(
                  ::testing::AllOf(HasSubstr("init_index 200 is out of range"),
                                   HasSubstr("init_states/spatial/spatial_red_block_on_plate/train.json"),
                                   HasSubstr("holds 200 initial states"))));
}

TEST(SplitsTest, ChangedPlacementSettingsAskForRegeneration) {
  TaskConfig task = LoadTask("spatial", kTask);
  task.objects[0].x = {0.0, 0.15};
  const auto spec = EnvSpec::FromConfigs("spatial", task, EmbodimentSpec::Load("panda"));
  EpisodeState state;
  EXPECT_THAT([&] { Reset(*spec, EpisodeId{"spatial", kTask, "id", "panda", 0, 0}, state); },
              ::testing::ThrowsMessage<InputError>(
                  ::testing::AllOf(HasSubstr("id.json"), HasSubstr("other placement settings"),
                                   HasSubstr("regenerate the initial states with: fasterbench splits generate "
                                             "--suite spatial"))));
  // Instructions, predicates and limits are not placement settings.
  task = LoadTask("spatial", kTask);
  task.max_steps = 7;
  task.instructions = {"do it"};
  EXPECT_EQ(TaskPlacementHash(task), TaskPlacementHash(LoadTask("spatial", kTask)));
}

// Every object of every ood-position state lies outside its training region and within the
// split's margin around it, on all four sides, in every suite.
TEST(SplitsTest, OodPositionStatesLieOutsideTheTrainingRegions) {
  const double margin = LoadSplit("ood-position").margin;
  int checked = 0;
  for (const std::string& suite : BuiltinSuites()) {
    for (const std::string& name : LoadSuite(suite).tasks) {
      const TaskConfig task = LoadTask(suite, name);
      for (const auto& state : Pool(suite, name, "ood-position")) {
        for (size_t i = 0; i < task.objects.size(); ++i) {
          const ObjectConfig& o = task.objects[i];
          const double x = state[7 * i], y = state[7 * i + 1];
          const bool inside = x >= o.x[0] && x <= o.x[1] && y >= o.y[0] && y <= o.y[1];
          EXPECT_FALSE(inside) << suite << "/" << name << " " << o.name << " at " << x << ", " << y;
          EXPECT_GE(x, o.x[0] - margin - 1e-9) << suite << "/" << name << " " << o.name;
          EXPECT_LE(x, o.x[1] + margin + 1e-9) << suite << "/" << name << " " << o.name;
          EXPECT_GE(y, o.y[0] - margin - 1e-9) << suite << "/" << name << " " << o.name;
          EXPECT_LE(y, o.y[1] + margin + 1e-9) << suite << "/" << name << " " << o.name;
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 0);
}

TEST(SplitsTest, TrainPoolIsDisjointFromEveryEvaluationSplitInEverySuite) {
  int compared = 0;
  for (const std::string& suite : BuiltinSuites()) {
    for (const std::string& name : LoadSuite(suite).tasks) {
      const auto train = Pool(suite, name, "train");
      for (const std::string& split : BuiltinSplits()) {
        if (split == "train") continue;
        for (const auto& state : Pool(suite, name, split)) {
          EXPECT_FALSE(train.count(state)) << suite << "/" << name << "/" << split;
          ++compared;
        }
      }
    }
  }
  EXPECT_GT(compared, 0);
}

TEST(SplitsTest, LanguageSplitUsesHeldOutTemplates) {
  const auto spec = EnvSpec::Create("spatial", kTask, "panda");
  const TaskConfig& task = spec->task();
  std::set<std::string> heldout, seen;
  for (const auto& t : task.heldout_instructions) heldout.insert(Fill(t, task));
  EpisodeState state;
  for (int i = 0; i < 12; ++i) {
    Reset(*spec, EpisodeId{"spatial", kTask, "ood-language", "panda", i, 0}, state);
    EXPECT_TRUE(heldout.count(state.instruction)) << state.instruction;
    seen.insert(state.instruction);
    Reset(*spec, EpisodeId{"spatial", kTask, "id", "panda", i, 0}, state);
    EXPECT_FALSE(heldout.count(state.instruction)) << state.instruction;
  }
  EXPECT_GT(seen.size(), 1u);
}

TEST(SplitsTest, UnknownSplitListsTheKnownOnes) {
  EXPECT_THAT([] { LoadSplit("ood-nothing"); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("known: id, ood-distractor, ood-embodiment, ood-language, ood-position, ood-visual, train")));
}

}  // namespace
}  // namespace fb::envs
