#include "core/data/hdf5_actions.h"

#include <hdf5.h>

#include <fstream>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/data/hdf5_demo_writer.h"
#include "core/error.h"
#include "tests/support/scratch_dir.h"

namespace fb::data {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

std::vector<float> Values(size_t count, float base) {
  std::vector<float> values(count);
  for (size_t i = 0; i < count; ++i) values[i] = base + 0.25f * static_cast<float>(i);
  return values;
}

TEST(Hdf5ActionsTest, RoundTripInNumericDemoOrder) {
  testing::ScratchDir dir;
  const auto path = dir / "pick_demo.hdf5";
  {
    Hdf5DemoWriter writer(path);
    writer.SetActionLabels("panda", "delta_eef");
    writer.WriteDemoActions(10, 2, 7, Values(14, 10));
    writer.WriteDemoActions(2, 3, 7, Values(21, 2));
    writer.WriteDemoActions(1, 1, 7, Values(7, 1));
    writer.Commit();
  }
  const ActionDataset dataset = ReadHdf5Actions(path);
  EXPECT_EQ(dataset.name, "pick_demo");
  ASSERT_EQ(dataset.episodes.size(), 3u);
  const std::vector<std::pair<int64_t, float>> expected = {{1, 1.0f}, {3, 2.0f}, {2, 10.0f}};
  const std::vector<std::string> demos = {"demo_1", "demo_2", "demo_10"};
  for (size_t i = 0; i < 3; ++i) {
    const Episode& episode = dataset.episodes[i];
    EXPECT_EQ(episode.source, path.string() + ":data/" + demos[i]);
    EXPECT_EQ(episode.embodiment, "panda");
    EXPECT_EQ(episode.action_space, "delta_eef");
    EXPECT_EQ(episode.dims, 7);
    EXPECT_EQ(episode.steps, expected[i].first);
    EXPECT_THAT(episode.actions, ElementsAreArray(Values(static_cast<size_t>(episode.steps * 7), expected[i].second)));
  }
}

TEST(Hdf5ActionsTest, UnlabelledFileFallsBackLikeLibero) {
  testing::ScratchDir dir;
  const auto path = dir / "libero.hdf5";
  Hdf5DemoWriter writer(path);
  writer.SetDataAttribute("env_args", R"({"type": 1, "env_name": "Libero_Tabletop_Manipulation"})");
  writer.WriteDemoActions(0, 2, 7, Values(14, 0));
  writer.WriteFloatDataset("data/mask_like_member", std::vector<int64_t>{1}, std::vector<float>{1.0f});
  writer.Commit();
  const ActionDataset dataset = ReadHdf5Actions(path);
  ASSERT_EQ(dataset.episodes.size(), 1u);  // members not named demo_<n> are ignored
  EXPECT_EQ(dataset.episodes[0].embodiment, kDefaultEmbodiment);
  EXPECT_EQ(dataset.episodes[0].action_space, kDefaultActionSpace);
}

TEST(Hdf5ActionsTest, ReadsFloat32Actions) {
  testing::ScratchDir dir;
  const auto path = dir / "f32.hdf5";
  Hdf5DemoWriter writer(path);
  writer.WriteFloatDataset("data/demo_0/actions", std::vector<int64_t>{3, 2}, Values(6, 0.5f), Hdf5Float::kFloat32);
  writer.Commit();
  const ActionDataset dataset = ReadHdf5Actions(path);
  ASSERT_EQ(dataset.episodes.size(), 1u);
  EXPECT_EQ(dataset.episodes[0].dims, 2);
  EXPECT_THAT(dataset.episodes[0].actions, ElementsAreArray(Values(6, 0.5f)));
}

TEST(Hdf5ActionsTest, ReadsFixedLengthStringLabels) {
  testing::ScratchDir dir;
  const auto path = dir / "fixed.hdf5";
  {
    Hdf5DemoWriter writer(path);
    writer.WriteDemoActions(0, 1, 2, Values(2, 0));
    writer.Commit();
  }
  // numpy bytes attributes (np.bytes_) arrive as fixed-length strings, not variable-length.
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, 6);
  H5Tset_strpad(type, H5T_STR_NULLPAD);
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attribute = H5Acreate_by_name(file, "data", kEmbodimentAttribute, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(H5Awrite(attribute, type, "widowx"), 0);
  H5Aclose(attribute);
  H5Sclose(space);
  H5Tclose(type);
  H5Fclose(file);
  EXPECT_EQ(ReadHdf5Actions(path).episodes[0].embodiment, "widowx");
}

TEST(Hdf5ActionsTest, DemoWithoutActionsIsNamed) {
  testing::ScratchDir dir;
  const auto path = dir / "no_actions.hdf5";
  Hdf5DemoWriter writer(path);
  writer.WriteDemoActions(0, 1, 7, Values(7, 0));
  writer.WriteFloatDataset("data/demo_5/obs/ee_pos", std::vector<int64_t>{1, 3}, Values(3, 0));
  writer.Commit();
  EXPECT_THAT([&] { ReadHdf5Actions(path); },
              ThrowsMessage<InputError>(AllOf(HasSubstr("no_actions.hdf5"), HasSubstr("data/demo_5 has no 'actions'"))));
}

TEST(Hdf5ActionsTest, WrongRankIsNamed) {
  testing::ScratchDir dir;
  const auto path = dir / "rank.hdf5";
  Hdf5DemoWriter writer(path);
  writer.WriteFloatDataset("data/demo_3/actions", std::vector<int64_t>{6}, Values(6, 0));
  writer.Commit();
  EXPECT_THAT([&] { ReadHdf5Actions(path); },
              ThrowsMessage<InputError>(AllOf(HasSubstr("rank.hdf5"), HasSubstr("data/demo_3/actions has rank 1"))));
}

TEST(Hdf5ActionsTest, MissingDataGroupOrDemosIsAnError) {
  testing::ScratchDir dir;
  const auto bare = dir / "bare.hdf5";
  H5Fclose(H5Fcreate(bare.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  EXPECT_THAT([&] { ReadHdf5Actions(bare); },
              ThrowsMessage<InputError>(AllOf(HasSubstr("bare.hdf5"), HasSubstr("no /data group"))));
  const auto empty = dir / "empty.hdf5";
  Hdf5DemoWriter(empty).Commit();
  EXPECT_THAT([&] { ReadHdf5Actions(empty); },
              ThrowsMessage<InputError>(AllOf(HasSubstr("empty.hdf5"), HasSubstr("no demo_<n>"))));
}

TEST(Hdf5ActionsTest, NotHdf5OrMissingFileIsAnError) {
  testing::ScratchDir dir;
  std::ofstream(dir / "text.hdf5") << "plain text";
  EXPECT_THAT([&] { ReadHdf5Actions(dir / "text.hdf5"); },
              ThrowsMessage<InputError>(AllOf(HasSubstr("text.hdf5"), HasSubstr("as HDF5"))));
  EXPECT_THAT([&] { ReadHdf5Actions(dir / "gone.hdf5"); },
              ThrowsMessage<InputError>(AllOf(HasSubstr("gone.hdf5"), HasSubstr("does not exist"))));
}

TEST(Hdf5ActionsTest, WriteHdf5ActionsRoundTripsADataset) {
  testing::ScratchDir dir;
  ActionDataset dataset{"d", {{"ur5e", "joint_position", 2, 2, {1, 2, 3, 4}, "s0"}, {"ur5e", "joint_position", 2, 1, {5, 6}, "s1"}}};
  WriteHdf5Actions(dir / "d.hdf5", dataset);
  const ActionDataset read = ReadHdf5Actions(dir / "d.hdf5");
  ASSERT_EQ(read.episodes.size(), 2u);
  EXPECT_EQ(read.episodes[1].embodiment, "ur5e");
  EXPECT_EQ(read.episodes[1].action_space, "joint_position");
  EXPECT_THAT(read.episodes[1].actions, ElementsAre(5, 6));
  dataset.episodes[1].embodiment = "panda";
  EXPECT_THAT([&] { WriteHdf5Actions(dir / "mixed.hdf5", dataset); },
              ThrowsMessage<InputError>(AllOf(HasSubstr("'s0'"), HasSubstr("'s1'"))));
  EXPECT_FALSE(std::filesystem::exists(dir / "mixed.hdf5"));
}

}  // namespace
}  // namespace fb::data
