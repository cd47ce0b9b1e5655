#include "core/data/action_dataset.h"

#include <limits>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"

namespace fb::data {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

Episode MakeEpisode(std::string embodiment, std::string space, int dims, int64_t steps, std::string source) {
  return {std::move(embodiment), std::move(space), dims, steps,
          std::vector<float>(static_cast<size_t>(steps * dims), 0.1f), std::move(source)};
}

TEST(ActionDatasetTest, GroupsKeepEmbodimentsSpacesAndDimsApart) {
  ActionDataset dataset{"mixed",
                        {MakeEpisode("panda", "delta_eef", 7, 10, "a"), MakeEpisode("widowx", "delta_eef", 7, 5, "b"),
                         MakeEpisode("panda", "delta_eef", 7, 3, "c"), MakeEpisode("panda", "joint_position", 8, 4, "d"),
                         MakeEpisode("panda", "delta_eef", 6, 2, "e")}};
  const std::vector<EpisodeGroup> groups = GroupEpisodes(dataset);
  ASSERT_EQ(groups.size(), 4u);
  EXPECT_EQ(groups[0].label(), "panda/delta_eef/7dims");
  ASSERT_THAT(groups[0].episodes, ElementsAre(&dataset.episodes[0], &dataset.episodes[2]));
  EXPECT_EQ(groups[0].total_steps(), 13);
  EXPECT_EQ(groups[1].label(), "widowx/delta_eef/7dims");
  EXPECT_EQ(groups[2].label(), "panda/joint_position/8dims");
  EXPECT_EQ(groups[3].label(), "panda/delta_eef/6dims");
  EXPECT_TRUE(GroupEpisodes(ActionDataset{}).empty());
}

TEST(ActionDatasetTest, StepViewsOneRow) {
  Episode episode = MakeEpisode("panda", "delta_eef", 2, 3, "x");
  episode.actions = {0, 1, 2, 3, 4, 5};
  EXPECT_THAT(episode.step(1), ElementsAre(2.0f, 3.0f));
}

TEST(ActionDatasetTest, ValidateNamesSourceStepAndDimOfNonFiniteValue) {
  Episode episode = MakeEpisode("panda", "delta_eef", 7, 4, "libero.hdf5:data/demo_3");
  ValidateEpisode(episode);
  episode.actions[2 * 7 + 5] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THAT([&] { ValidateEpisode(episode); },
              ThrowsMessage<InputError>(AllOf(HasSubstr("libero.hdf5:data/demo_3"), HasSubstr("step 2, dim 5"),
                                              HasSubstr("nan"))));
  episode.actions[2 * 7 + 5] = -std::numeric_limits<float>::infinity();
  EXPECT_THAT([&] { ValidateEpisode(episode); }, ThrowsMessage<InputError>(HasSubstr("-inf at step 2, dim 5")));
}

TEST(ActionDatasetTest, ValidateRejectsInconsistentShape) {
  Episode episode = MakeEpisode("panda", "delta_eef", 7, 4, "src");
  episode.actions.pop_back();
  EXPECT_THAT([&] { ValidateEpisode(episode); },
              ThrowsMessage<InputError>(AllOf(HasSubstr("'src'"), HasSubstr("27 action values but steps x dims = 4 x 7"))));
  episode.dims = 0;
  EXPECT_THAT([&] { ValidateEpisode(episode); }, ThrowsMessage<InputError>(HasSubstr("dims is 0")));
}

}  // namespace
}  // namespace fb::data
