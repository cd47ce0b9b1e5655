#include "core/training_loop.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>
#include <string>

#include <fmt/format.h>

#include "core/split_mix64.h"

namespace fb {
namespace fs = std::filesystem;
namespace {
constexpr const char* kCheckpointPrefix = "checkpoint-";
constexpr const char* kCheckpointSuffix = ".pt";
}  // namespace

std::vector<int64_t> EpochOrder(int64_t count, uint64_t seed, int64_t epoch) {
  std::vector<int64_t> order(static_cast<size_t>(count));
  std::iota(order.begin(), order.end(), int64_t{0});
  SplitMix64 rng(seed * 0x2545F4914F6CDD1Dull + static_cast<uint64_t>(epoch) + 1);
  for (int64_t i = count - 1; i > 0; --i) {
    std::swap(order[static_cast<size_t>(i)], order[rng.Below(static_cast<uint64_t>(i) + 1)]);
  }
  return order;
}

double WarmupCosineLr(double peak, int64_t warmup, int64_t steps, int64_t step) {
  if (step < warmup) return peak * static_cast<double>(step + 1) / static_cast<double>(warmup);
  const double span = static_cast<double>(std::max<int64_t>(1, steps - warmup));
  const double progress = std::min(1.0, static_cast<double>(step - warmup) / span);
  return peak * 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
}

fs::path CheckpointPath(const fs::path& dir, int64_t step) {
  return dir / fmt::format("{}{:09d}{}", kCheckpointPrefix, step, kCheckpointSuffix);
}

std::vector<fs::path> ListCheckpoints(const fs::path& dir) {
  std::vector<fs::path> found;
  std::error_code error;
  if (!fs::is_directory(dir, error)) return found;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(kCheckpointPrefix) && name.ends_with(kCheckpointSuffix)) found.push_back(entry.path());
  }
  std::sort(found.rbegin(), found.rend());  // zero-padded steps sort as numbers
  return found;
}

void RemoveOlderCheckpoints(const fs::path& dir, const fs::path& keep) {
  for (const auto& old : ListCheckpoints(dir)) {
    if (old != keep) fs::remove(old);
  }
}

}  // namespace fb
