// A batch of action chunks: `count` chunks of shape (horizon x dims), row-major and
// contiguous, element (i, t, d) at values[(i * horizon + t) * dims + d].
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace fb {

struct ActionChunks {
  int64_t count = 0;
  int horizon = 0;
  int dims = 0;
  std::vector<float> values;  // (count x horizon x dims)

  static ActionChunks Zeros(int64_t count, int horizon, int dims) {
    return {count, horizon, dims, std::vector<float>(static_cast<size_t>(count * horizon * dims), 0.0f)};
  }
  int64_t chunk_size() const { return static_cast<int64_t>(horizon) * dims; }
  std::span<const float> chunk(int64_t i) const {
    return {values.data() + i * chunk_size(), static_cast<size_t>(chunk_size())};
  }
  std::span<float> chunk(int64_t i) { return {values.data() + i * chunk_size(), static_cast<size_t>(chunk_size())}; }
};

}  // namespace fb
