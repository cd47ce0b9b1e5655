// The proprio token's orientation: axis-angle as stored, or continuous rotation columns.
#include "policies/vla/proprio_features.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

namespace fb::policies {
namespace {

// One arm whose end effector is turned by `angle` about the world x axis, fingers at 0.04.
envs::Proprio TurnedAboutX(double angle) {
  envs::Proprio p;
  p.eef_pos = {0.5, 0.0, 1.0};
  p.eef_quat = {std::cos(angle / 2), std::sin(angle / 2), 0, 0};
  p.gripper = {0.04, 0.04};
  return p;
}

// Pointing straight down is a turn by pi: just below and just above it the axis-angle vector
// jumps from +pi to -pi, while the rotation columns barely move.
TEST(ProprioFeaturesTest, RotationColumnsAreContinuousWhereAxisAngleFlips) {
  const double pi = std::acos(-1.0);
  const auto below = ProprioFeatures(TurnedAboutX(pi - 0.01));
  const auto above = ProprioFeatures(TurnedAboutX(pi + 0.01));
  ASSERT_EQ(below.size(), 8u);
  EXPECT_GT(below[3], 3.0f);
  EXPECT_LT(above[3], -3.0f) << "the axis-angle flips sign across pi";

  const auto a = WithRotationColumns(below, 1);
  const auto b = WithRotationColumns(above, 1);
  ASSERT_EQ(a.size(), 11u);  // position 3, columns 6, fingers 2
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 0.021) << "value " << i;
  // Position and fingers pass through; the columns of a turn by pi about x: (1,0,0), (0,-1,0).
  EXPECT_FLOAT_EQ(a[0], 0.5f);
  EXPECT_FLOAT_EQ(a[2], 1.0f);
  EXPECT_NEAR(a[3], 1.0, 1e-4);
  EXPECT_NEAR(a[7], -1.0, 1e-3);
  EXPECT_FLOAT_EQ(a[9], 0.04f);
  EXPECT_FLOAT_EQ(a[10], 0.04f);
}

TEST(ProprioFeaturesTest, NoTurnGivesTheIdentityColumns) {
  const auto row = WithRotationColumns(ProprioFeatures(TurnedAboutX(0)), 1);
  const std::vector<float> columns(row.begin() + 3, row.begin() + 9);
  EXPECT_EQ(columns, (std::vector<float>{1, 0, 0, 0, 1, 0}));
}

}  // namespace
}  // namespace fb::policies
