// FASTerVQ's action patchifier: a chunk (horizon x dims) becomes a single-channel image
// whose columns are the dims in their groups (one dim each by default; each group padded
// to the widest group), cut into patches of time_patch rows x one dim group. Torch-free.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/action_chunks.h"

namespace fb::tokenizers {

// Default grouping: one group per dim, the paper's LIBERO layout (C_a = 7 positions for a
// 7-D arm, 7 per arm for 14-D), e.g. 7 -> {0}{1}...{6}. Every dim then has its own token per
// level and none is padded. Coarser groupings by physical meaning (7-D:
// [[0,1,2],[3,4,5],[6]], 3 positions) are explicit `dim_groups` in the config.
// Returns an empty list for dims < 1.
std::vector<std::vector<int>> AutoDimGroups(int dims);

// Geometry of the image and its patches. Image: (padded_horizon x groups*group_width),
// row-major; column g*group_width + j holds dim groups[g][j] (zero when j is past the
// group's width). Rows past the horizon repeat the last real row, so a padded chunk has
// no artificial step that the convolutions would have to model.
// Patches: (time_groups*groups) x (time_patch*group_width), patch p = t*groups + g
// (time-major), element r*group_width + j = image row t*time_patch + r, column g*group_width + j.
class ActionImageLayout final {
 public:
  // Throws fb::InputError when a group is empty, an index is outside [0, dims), a dim is
  // in no group or in two, time_patch < 1, horizon < 1 or dims < 1. Empty `groups` =
  // AutoDimGroups(dims). Copyable.
  ActionImageLayout(int horizon, int dims, int time_patch, std::vector<std::vector<int>> groups);

  int horizon() const { return k_horizon_; }
  int dims() const { return k_dims_; }
  int time_patch() const { return k_time_patch_; }
  int padded_horizon() const { return k_time_groups_ * k_time_patch_; }
  int time_groups() const { return k_time_groups_; }
  int num_groups() const { return static_cast<int>(k_groups_.size()); }
  int group_width() const { return k_group_width_; }
  int image_columns() const { return num_groups() * k_group_width_; }
  int64_t image_size() const { return static_cast<int64_t>(padded_horizon()) * image_columns(); }
  // Token positions per level: time_groups x groups.
  int positions() const { return k_time_groups_ * num_groups(); }
  int patch_size() const { return k_time_patch_ * k_group_width_; }
  const std::vector<std::vector<int>>& groups() const { return k_groups_; }
  // Image column of each dim (dims entries).
  const std::vector<int>& column_of_dim() const { return k_column_of_dim_; }

  // Throws fb::InputError naming both shapes unless (horizon, dims) is this layout's.
  void CheckShape(int horizon, int dims) const;

  // chunk (horizon x dims) -> image (padded_horizon x image_columns). Throws as CheckShape
  // when chunk.size() != horizon x dims.
  void ToImage(std::span<const float> chunk, std::span<float> image) const;
  // image -> chunk (horizon x dims): padded rows and columns are dropped.
  void FromImage(std::span<const float> image, std::span<float> chunk) const;
  // image -> patches (positions x patch_size); `patches` has image_size() values.
  void ToPatches(std::span<const float> image, std::span<float> patches) const;
  // patches -> image, the inverse of ToPatches.
  void FromPatches(std::span<const float> patches, std::span<float> image) const;

  // Every chunk as an image: (count x padded_horizon x image_columns). Throws fb::InputError
  // when the chunks' (horizon, dims) differ from the layout's.
  std::vector<float> ToImages(const ActionChunks& chunks) const;

 private:
  int k_horizon_;
  int k_dims_;
  int k_time_patch_;
  int k_time_groups_;
  int k_group_width_ = 0;
  std::vector<std::vector<int>> k_groups_;
  std::vector<int> k_column_of_dim_;
};

}  // namespace fb::tokenizers
