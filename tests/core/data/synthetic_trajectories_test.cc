#include "core/data/synthetic_trajectories.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"

namespace fb::data {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

SyntheticOptions Options(std::string embodiment, std::string action_space = "delta_eef", uint64_t seed = 7) {
  SyntheticOptions options;
  options.seed = seed;
  options.episodes = 6;
  options.embodiment = std::move(embodiment);
  options.action_space = std::move(action_space);
  return options;
}

// Mean end-effector translation per step (m) over a dataset's delta_eef arm 0.
double MeanStepLength(const ActionDataset& dataset) {
  double sum = 0;
  int64_t steps = 0;
  for (const Episode& episode : dataset.episodes) {
    for (int64_t t = 0; t < episode.steps; ++t) {
      const auto a = episode.step(t);
      sum += std::hypot(a[0], a[1], a[2]);
    }
    steps += episode.steps;
  }
  return sum / static_cast<double>(steps);
}

TEST(SyntheticTrajectoriesTest, SameSeedSameDataDifferentSeedDifferentData) {
  const ActionDataset a = GenerateSyntheticDataset(Options("panda"));
  const ActionDataset b = GenerateSyntheticDataset(Options("panda"));
  const ActionDataset c = GenerateSyntheticDataset(Options("panda", "delta_eef", 8));
  ASSERT_EQ(a.episodes.size(), 6u);
  for (size_t i = 0; i < a.episodes.size(); ++i) {
    EXPECT_EQ(a.episodes[i].actions, b.episodes[i].actions) << i;
    EXPECT_NE(a.episodes[i].actions, c.episodes[i].actions) << i;
  }
  EXPECT_NE(a.episodes[0].actions, a.episodes[1].actions);
}

TEST(SyntheticTrajectoriesTest, AnEpisodeRegeneratesAlone) {
  const SyntheticOptions options = Options("widowx");
  const ActionDataset dataset = GenerateSyntheticDataset(options);
  const Episode episode = GenerateSyntheticEpisode(options, 4);
  EXPECT_EQ(episode.actions, dataset.episodes[4].actions);
  EXPECT_EQ(episode.source, "synthetic:seed=7/episode_4");
}

TEST(SyntheticTrajectoriesTest, ShapesAndLabelsPerActionSpace) {
  for (const auto& [space, dims] : {std::pair{"delta_eef", 7}, {"joint_position", 8}, {"bimanual_delta_eef", 14}}) {
    const ActionDataset dataset = GenerateSyntheticDataset(Options("panda", space));
    for (const Episode& episode : dataset.episodes) {
      EXPECT_EQ(episode.dims, dims) << space;
      EXPECT_EQ(episode.embodiment, "panda");
      EXPECT_EQ(episode.action_space, space);
      EXPECT_GE(episode.steps, 60);
      EXPECT_LE(episode.steps, 400);
      ValidateEpisode(episode);
    }
  }
  SyntheticOptions five = Options("ur5e", "joint_position");
  five.joints = 5;
  EXPECT_EQ(GenerateSyntheticEpisode(five, 0).dims, 6);
}

TEST(SyntheticTrajectoriesTest, StepsAreClampedIntoTheRange) {
  SyntheticOptions options = Options("widowx");
  options.min_steps = options.max_steps = 50;
  for (const Episode& episode : GenerateSyntheticDataset(options).episodes) EXPECT_EQ(episode.steps, 50);
}

TEST(SyntheticTrajectoriesTest, GripperIsBinaryClosesAndReopens) {
  for (const auto& [space, columns] : {std::pair{"delta_eef", std::vector<int>{6}},
                                       {"bimanual_delta_eef", std::vector<int>{6, 13}},
                                       {"joint_position", std::vector<int>{7}}}) {
    for (const Episode& episode : GenerateSyntheticDataset(Options("panda", space)).episodes) {
      for (int column : columns) {
        std::set<float> seen;
        for (int64_t t = 0; t < episode.steps; ++t) seen.insert(episode.step(t)[column]);
        EXPECT_EQ(seen, (std::set<float>{-1.0f, 1.0f})) << space << " " << episode.source;
        EXPECT_EQ(episode.step(0)[column], -1.0f);
        EXPECT_EQ(episode.step(episode.steps - 1)[column], -1.0f);
      }
    }
  }
}

TEST(SyntheticTrajectoriesTest, DeltasAreRealisticallyScaledAndSmooth) {
  const ActionDataset dataset = GenerateSyntheticDataset(Options("panda"));
  for (const Episode& episode : dataset.episodes) {
    double max_step = 0;
    double max_jerk = 0;  // m/s^3: the second difference of per-step deltas over dt^3
    for (int64_t t = 0; t < episode.steps; ++t) {
      const auto a = episode.step(t);
      max_step = std::max(max_step, static_cast<double>(std::hypot(a[0], a[1], a[2])));
      if (t == 0 || t + 1 == episode.steps) continue;
      for (int d = 0; d < 3; ++d) {
        const double second = episode.step(t + 1)[d] - 2.0 * a[d] + episode.step(t - 1)[d];
        max_jerk = std::max(max_jerk, std::abs(second) * std::pow(kSyntheticControlHz, 3));
      }
    }
    EXPECT_GT(max_step, 0.004) << episode.source;
    EXPECT_LT(max_step, 0.03) << episode.source;
    EXPECT_LT(max_jerk, 60.0) << episode.source;
  }
  EXPECT_GT(MeanStepLength(dataset), 0.002);
  EXPECT_LT(MeanStepLength(dataset), 0.015);
}

TEST(SyntheticTrajectoriesTest, JointTrajectoriesMoveSmoothly) {
  for (const Episode& episode : GenerateSyntheticDataset(Options("panda", "joint_position")).episodes) {
    double max_change = 0;
    double range = 0;
    for (int j = 0; j < 7; ++j) {
      float low = episode.step(0)[j], high = low;
      for (int64_t t = 1; t < episode.steps; ++t) {
        max_change = std::max(max_change, static_cast<double>(std::abs(episode.step(t)[j] - episode.step(t - 1)[j])));
        low = std::min(low, episode.step(t)[j]);
        high = std::max(high, episode.step(t)[j]);
      }
      range = std::max(range, static_cast<double>(high - low));
    }
    EXPECT_LT(max_change, 0.1) << episode.source;  // rad per 50 ms step
    EXPECT_GT(range, 0.1) << episode.source;        // the arm does move
  }
}

TEST(SyntheticTrajectoriesTest, EmbodimentsDifferVisibly) {
  const double ur5e = MeanStepLength(GenerateSyntheticDataset(Options("ur5e")));
  const double panda = MeanStepLength(GenerateSyntheticDataset(Options("panda")));
  const double widowx = MeanStepLength(GenerateSyntheticDataset(Options("widowx")));
  EXPECT_GT(ur5e, 1.3 * panda);
  EXPECT_GT(panda, 1.3 * widowx);
}

TEST(SyntheticTrajectoriesTest, RejectsUnknownNamesUnlessAStyleIsGiven) {
  EXPECT_THAT([] { GenerateSyntheticDataset(Options("kuka")); },
              ThrowsMessage<InputError>(AllOf(HasSubstr("'kuka'"), HasSubstr("panda, ur5e, widowx or aloha"))));
  EXPECT_THAT([] { GenerateSyntheticDataset(Options("panda", "ee_abs")); },
              ThrowsMessage<InputError>(HasSubstr("'ee_abs'")));
  SyntheticOptions custom = Options("kuka");
  custom.style = EmbodimentStyle{};
  EXPECT_EQ(GenerateSyntheticDataset(custom).episodes.size(), 6u);
  custom.style->speed_mps = 0;
  EXPECT_THAT([&] { GenerateSyntheticDataset(custom); }, ThrowsMessage<InputError>(HasSubstr("speed_mps")));
  SyntheticOptions steps = Options("panda");
  steps.min_steps = 100;
  steps.max_steps = 50;
  EXPECT_THAT([&] { GenerateSyntheticDataset(steps); }, ThrowsMessage<InputError>(HasSubstr("[100, 50]")));
}

}  // namespace
}  // namespace fb::data
