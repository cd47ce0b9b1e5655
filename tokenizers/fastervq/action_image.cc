#include "tokenizers/fastervq/action_image.h"

#include <algorithm>
#include <string>

#include "core/error.h"

namespace fb::tokenizers {
namespace {

std::string GroupsText(const std::vector<std::vector<int>>& groups) {
  std::string text = "[";
  for (size_t g = 0; g < groups.size(); ++g) {
    text += g ? ", [" : "[";
    for (size_t j = 0; j < groups[g].size(); ++j) text += (j ? ", " : "") + std::to_string(groups[g][j]);
    text += "]";
  }
  return text + "]";
}

}  // namespace

std::vector<std::vector<int>> AutoDimGroups(int dims) {
  std::vector<std::vector<int>> groups;
  for (int d = 0; d < dims; ++d) groups.push_back({d});
  return groups;
}

ActionImageLayout::ActionImageLayout(int horizon, int dims, int time_patch, std::vector<std::vector<int>> groups)
    : k_horizon_(horizon), k_dims_(dims), k_time_patch_(time_patch), k_time_groups_(0) {
  if (horizon < 1 || dims < 1 || time_patch < 1) {
    throw InputError("FASTerVQ action image: horizon " + std::to_string(horizon) + ", dims " + std::to_string(dims) +
                     " and time_patch " + std::to_string(time_patch) + " must all be >= 1");
  }
  k_groups_ = groups.empty() ? AutoDimGroups(dims) : std::move(groups);
  k_time_groups_ = (horizon + time_patch - 1) / time_patch;
  k_column_of_dim_.assign(static_cast<size_t>(dims), -1);
  for (const auto& group : k_groups_) k_group_width_ = std::max(k_group_width_, static_cast<int>(group.size()));
  for (size_t g = 0; g < k_groups_.size(); ++g) {
    if (k_groups_[g].empty()) {
      throw InputError("FASTerVQ dim_groups " + GroupsText(k_groups_) + ": group " + std::to_string(g) + " is empty");
    }
    for (size_t j = 0; j < k_groups_[g].size(); ++j) {
      const int d = k_groups_[g][j];
      if (d < 0 || d >= dims) {
        throw InputError("FASTerVQ dim_groups " + GroupsText(k_groups_) + ": dim index " + std::to_string(d) +
                         " is outside [0, " + std::to_string(dims) + ") for " + std::to_string(dims) +
                         "-D actions; set dim_groups for this data or leave it empty for the automatic grouping");
      }
      if (k_column_of_dim_[static_cast<size_t>(d)] >= 0) {
        throw InputError("FASTerVQ dim_groups " + GroupsText(k_groups_) + ": dim " + std::to_string(d) +
                         " appears twice");
      }
      k_column_of_dim_[static_cast<size_t>(d)] = static_cast<int>(g) * k_group_width_ + static_cast<int>(j);
    }
  }
  for (int d = 0; d < dims; ++d) {
    if (k_column_of_dim_[static_cast<size_t>(d)] < 0) {
      throw InputError("FASTerVQ dim_groups " + GroupsText(k_groups_) + ": dim " + std::to_string(d) + " of " +
                       std::to_string(dims) + "-D actions is in no group");
    }
  }
}

void ActionImageLayout::CheckShape(int horizon, int dims) const {
  if (horizon != k_horizon_ || dims != k_dims_) {
    throw InputError("FASTerVQ: chunk of " + std::to_string(horizon) + " x " + std::to_string(dims) +
                     " does not match the tokenizer's " + std::to_string(k_horizon_) + " x " +
                     std::to_string(k_dims_) + " (dim groups " + GroupsText(k_groups_) + ")");
  }
}

void ActionImageLayout::ToImage(std::span<const float> chunk, std::span<float> image) const {
  if (chunk.size() != static_cast<size_t>(k_horizon_) * static_cast<size_t>(k_dims_) ||
      image.size() != static_cast<size_t>(image_size())) {
    throw InputError("FASTerVQ: chunk of " + std::to_string(chunk.size()) + " values does not match " +
                     std::to_string(k_horizon_) + " x " + std::to_string(k_dims_));
  }
  const size_t columns = static_cast<size_t>(image_columns());
  std::fill(image.begin(), image.end(), 0.0f);
  for (int t = 0; t < padded_horizon(); ++t) {
    const size_t source = static_cast<size_t>(std::min(t, k_horizon_ - 1)) * static_cast<size_t>(k_dims_);
    for (int d = 0; d < k_dims_; ++d) {
      image[static_cast<size_t>(t) * columns + static_cast<size_t>(k_column_of_dim_[static_cast<size_t>(d)])] =
          chunk[source + static_cast<size_t>(d)];
    }
  }
}

void ActionImageLayout::FromImage(std::span<const float> image, std::span<float> chunk) const {
  const size_t columns = static_cast<size_t>(image_columns());
  for (int t = 0; t < k_horizon_; ++t) {
    for (int d = 0; d < k_dims_; ++d) {
      chunk[static_cast<size_t>(t) * static_cast<size_t>(k_dims_) + static_cast<size_t>(d)] =
          image[static_cast<size_t>(t) * columns + static_cast<size_t>(k_column_of_dim_[static_cast<size_t>(d)])];
    }
  }
}

void ActionImageLayout::ToPatches(std::span<const float> image, std::span<float> patches) const {
  const size_t columns = static_cast<size_t>(image_columns());
  size_t out = 0;
  for (int t = 0; t < k_time_groups_; ++t) {
    for (int g = 0; g < num_groups(); ++g) {
      for (int r = 0; r < k_time_patch_; ++r) {
        const size_t row = static_cast<size_t>(t * k_time_patch_ + r) * columns;
        for (int j = 0; j < k_group_width_; ++j) patches[out++] = image[row + static_cast<size_t>(g * k_group_width_ + j)];
      }
    }
  }
}

void ActionImageLayout::FromPatches(std::span<const float> patches, std::span<float> image) const {
  const size_t columns = static_cast<size_t>(image_columns());
  size_t in = 0;
  for (int t = 0; t < k_time_groups_; ++t) {
    for (int g = 0; g < num_groups(); ++g) {
      for (int r = 0; r < k_time_patch_; ++r) {
        const size_t row = static_cast<size_t>(t * k_time_patch_ + r) * columns;
        for (int j = 0; j < k_group_width_; ++j) image[row + static_cast<size_t>(g * k_group_width_ + j)] = patches[in++];
      }
    }
  }
}

std::vector<float> ActionImageLayout::ToImages(const ActionChunks& chunks) const {
  CheckShape(chunks.horizon, chunks.dims);
  const size_t size = static_cast<size_t>(image_size());
  std::vector<float> images(static_cast<size_t>(chunks.count) * size);
  for (int64_t i = 0; i < chunks.count; ++i) {
    ToImage(chunks.chunk(i), std::span<float>(images.data() + static_cast<size_t>(i) * size, size));
  }
  return images;
}

}  // namespace fb::tokenizers
