#include "tokenizers/fastervq/action_image.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"

namespace fb::tokenizers {
namespace {

using ::testing::HasSubstr;

TEST(ActionImageTest, GroupsPadsAndRoundTrips) {
  // 5 steps with patches of 2 -> 6 rows (last row repeated); 3 groups of width 3.
  const ActionImageLayout layout(5, 7, 2, {{0, 1, 2}, {3, 4, 5}, {6}});
  EXPECT_EQ(layout.padded_horizon(), 6);
  EXPECT_EQ(layout.time_groups(), 3);
  EXPECT_EQ(layout.image_columns(), 9);
  EXPECT_EQ(layout.positions(), 9);
  std::vector<float> chunk(35);
  for (size_t i = 0; i < chunk.size(); ++i) chunk[i] = static_cast<float>(i + 1);
  std::vector<float> image(static_cast<size_t>(layout.image_size()));
  layout.ToImage(chunk, image);
  EXPECT_EQ(image[4 * 9 + 6], chunk[4 * 7 + 6]);  // gripper in column 6
  EXPECT_EQ(image[4 * 9 + 7], 0.0f);              // gripper group padded with zeros
  for (int c = 0; c < 9; ++c) EXPECT_EQ(image[5 * 9 + c], image[4 * 9 + c]) << "padded row repeats the last";
  std::vector<float> back(35);
  layout.FromImage(image, back);
  EXPECT_EQ(back, chunk);

  std::vector<float> patches(image.size()), image2(image.size());
  layout.ToPatches(image, patches);
  // Patch p = t*groups + g: patch 4 = time group 1, dim group 1; element (r=1, j=2) =
  // image row 3, column 5 = dim 5 at step 3.
  EXPECT_EQ(patches[4 * 6 + 1 * 3 + 2], chunk[3 * 7 + 5]);
  layout.FromPatches(patches, image2);
  EXPECT_EQ(image2, image);

  // Custom grouping: a 4-D action as [[3], [0, 2, 1]].
  const ActionImageLayout custom(4, 4, 4, {{3}, {0, 2, 1}});
  EXPECT_EQ(custom.column_of_dim(), (std::vector<int>{3, 5, 4, 0}));
}

TEST(ActionImageTest, DefaultsToOneGroupPerDimAsThePaper) {
  EXPECT_EQ(AutoDimGroups(7), (std::vector<std::vector<int>>{{0}, {1}, {2}, {3}, {4}, {5}, {6}}));
  EXPECT_EQ(AutoDimGroups(14).size(), 14u);
  EXPECT_EQ(AutoDimGroups(14)[9], (std::vector<int>{9}));
  EXPECT_EQ(AutoDimGroups(1), (std::vector<std::vector<int>>{{0}}));
  EXPECT_TRUE(AutoDimGroups(0).empty());

  // The paper's LIBERO layout: 20 x 7 with h = 20 is one time group x 7 dims = 7 positions,
  // an image with no padding column.
  const ActionImageLayout layout(20, 7, 20, {});
  EXPECT_EQ(layout.positions(), 7);
  EXPECT_EQ(layout.group_width(), 1);
  EXPECT_EQ(layout.image_columns(), 7);
  EXPECT_EQ(layout.patch_size(), 20);
  std::vector<float> chunk(140);
  for (size_t i = 0; i < chunk.size(); ++i) chunk[i] = static_cast<float>(i);
  std::vector<float> image(140), patches(140);
  layout.ToImage(chunk, image);
  EXPECT_EQ(image, chunk);  // columns are the dims in order
  layout.ToPatches(image, patches);
  EXPECT_EQ(patches[3 * 20 + 5], chunk[5 * 7 + 3]);  // patch 3 = dim 3 over time
}

TEST(ActionImageTest, RejectsChunksThatDoNotMatchTheGrouping) {
  const ActionImageLayout layout(20, 7, 20, {});
  try {
    layout.CheckShape(20, 8);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("20 x 8 does not match the tokenizer's 20 x 7"));
  }
  std::vector<float> image(static_cast<size_t>(layout.image_size()));
  EXPECT_THROW(layout.ToImage(std::vector<float>(20 * 8), image), InputError);
  try {
    ActionImageLayout(20, 8, 20, {{0, 1, 2}, {3, 4, 5}, {6}});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("dim 7 of 8-D actions is in no group"));
  }
  EXPECT_THROW(ActionImageLayout(20, 6, 20, {{0, 1, 2}, {3, 4, 5}, {6}}), InputError);  // index 6 >= dims
  EXPECT_THROW(ActionImageLayout(20, 3, 20, {{0, 1}, {1, 2}}), InputError);             // dim 1 twice
  EXPECT_THROW(ActionImageLayout(20, 3, 0, {}), InputError);
}

}  // namespace
}  // namespace fb::tokenizers
