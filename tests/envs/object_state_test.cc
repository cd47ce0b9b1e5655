#include "envs/object_state.h"

#include <algorithm>
#include <tuple>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "envs/env.h"
#include "envs/scene_builder.h"

namespace fb::envs {
namespace {
using ::testing::ElementsAre;

TEST(NominalColourTest, TheSuitesColoursFallInTheClassesTheirNamesSay) {
  EXPECT_EQ(NominalColour({0.85, 0.15, 0.12, 1}), "red");
  EXPECT_EQ(NominalColour({0.15, 0.3, 0.85, 1}), "blue");
  EXPECT_EQ(NominalColour({0.2, 0.62, 0.25, 1}), "green");
  EXPECT_EQ(NominalColour({0.95, 0.5, 0.1, 1}), "orange");
  EXPECT_EQ(NominalColour({0.93, 0.93, 0.9, 1}), "white");
  EXPECT_EQ(NominalColour({0.95, 0.82, 0.1, 1}), "yellow");
  EXPECT_EQ(NominalColour({0.55, 0.25, 0.72, 1}), "purple");
  EXPECT_EQ(NominalColour({0.3, 0.3, 0.32, 1}), "gray");
}

TEST(NominalColourTest, ShadesOfANamedColourKeepItsClass) {
  for (const std::vector<double>& rgba : {std::vector<double>{0.85, 0.15, 0.12, 1}, {0.15, 0.3, 0.85, 1},
                                          {0.2, 0.62, 0.25, 1}, {0.55, 0.25, 0.72, 1}}) {
    const std::string base = NominalColour(rgba);
    for (const double scale : {0.8, 0.9, 1.1}) {
      std::vector<double> shade = rgba;
      for (int k = 0; k < 3; ++k) shade[static_cast<size_t>(k)] = std::min(1.0, shade[static_cast<size_t>(k)] * scale);
      EXPECT_EQ(NominalColour(shade), base) << base << " x " << scale;
    }
  }
}

// Every task object, sorted by (kind, colour, name) whatever the task's own order, at its
// free joint's pose; parked distractors are left out.
TEST(ObserveObjectsTest, ListsTheTaskObjectsSortedWithTheirPoses) {
  const auto spec = EnvSpec::Create("spatial", "spatial_red_block_on_plate", "panda");
  EpisodeState state;
  Reset(*spec, {"spatial", "spatial_red_block_on_plate", "id", "panda", 3, 0}, state);
  const auto objects = ObserveObjects(*spec, state.data->qpos);
  std::vector<std::string> names;
  for (const auto& o : objects) names.push_back(o.name);
  EXPECT_THAT(names, ElementsAre("blue_block", "red_block", "bowl", "plate"));
  for (const auto& o : objects) {
    const int i = spec->object_index(o.name);
    const double* qpos = state.data->qpos + spec->object_qpos_adr(i);
    EXPECT_DOUBLE_EQ(o.pos[0], qpos[0]);
    EXPECT_DOUBLE_EQ(o.pos[2], qpos[2]);
    EXPECT_DOUBLE_EQ(o.quat[0], qpos[3]);
    EXPECT_DOUBLE_EQ(o.joint, 0.0);
    EXPECT_EQ(o.kind, spec->task().objects[static_cast<size_t>(i)].kind);
  }
  EXPECT_EQ(Observe(*spec, state, {.agentview = false, .wrist = false}, nullptr).objects.size(), objects.size());
}

TEST(ObserveObjectsTest, PlacedDistractorsJoinTheList) {
  const auto spec = EnvSpec::Create("spatial", "spatial_red_block_on_plate", "panda");
  EpisodeState state;
  int placed_in_all = 0;
  for (int init = 0; init < 5; ++init) {
    Reset(*spec, {"spatial", "spatial_red_block_on_plate", "ood-distractor", "panda", init, 0}, state);
    const auto objects = ObserveObjects(*spec, state.data->qpos);
    int placed = 0;
    for (int k = 0; k < spec->num_distractors(); ++k) {
      if (state.data->qpos[spec->distractor_qpos_adr(k) + 2] < spec->table_z() - 0.1) continue;  // parked
      ++placed;
      const DistractorConfig& d = Distractors()[static_cast<size_t>(k)];
      const auto found = std::find_if(objects.begin(), objects.end(), [&](const auto& o) { return o.name == d.name; });
      ASSERT_NE(found, objects.end()) << d.name;
      EXPECT_EQ(found->kind, d.kind);
    }
    EXPECT_EQ(objects.size(), static_cast<size_t>(spec->num_objects() + placed)) << "init " << init;
    EXPECT_TRUE(std::is_sorted(objects.begin(), objects.end(), [](const auto& a, const auto& b) {
      return std::tie(a.kind, a.colour, a.name) < std::tie(b.kind, b.colour, b.name);
    }));
    placed_in_all += placed;
  }
  EXPECT_GT(placed_in_all, 0) << "no ood-distractor state placed a distractor";
}

TEST(ObserveObjectsTest, ADrawersOpeningIsItsJoint) {
  const auto spec = EnvSpec::Create("goal", "goal_close_drawer", "panda");
  EpisodeState state;
  Reset(*spec, {"goal", "goal_close_drawer", "id", "panda", 0, 0}, state);
  const auto objects = ObserveObjects(*spec, state.data->qpos);
  const auto drawer = std::find_if(objects.begin(), objects.end(), [](const auto& o) { return o.kind == "drawer"; });
  ASSERT_NE(drawer, objects.end());
  const int i = spec->object_index(drawer->name);
  ASSERT_GE(spec->object_joint(i), 0);
  EXPECT_DOUBLE_EQ(drawer->joint, state.data->qpos[spec->model()->jnt_qposadr[spec->object_joint(i)]]);
  EXPECT_GT(drawer->joint, 0.01) << "the close-drawer task starts with the drawer open";
}

}  // namespace
}  // namespace fb::envs
