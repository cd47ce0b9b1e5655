// Pieces every training loop here shares (FASTerVQ, the VLA policies): the epoch order,
// the learning-rate schedule and the numbered checkpoint files of a work directory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace fb {

// Permutation of [0, count) for `epoch`: Fisher-Yates driven by its own stream, so an
// epoch's order depends only on (seed, epoch) and a resume needs no generator history.
std::vector<int64_t> EpochOrder(int64_t count, uint64_t seed, int64_t epoch);

// Linear warm-up to `peak` over `warmup` steps, then cosine decay to zero at step `steps`.
double WarmupCosineLr(double peak, int64_t warmup, int64_t steps, int64_t step);

// "<dir>/checkpoint-<step, 9 digits>.pt"
std::filesystem::path CheckpointPath(const std::filesystem::path& dir, int64_t step);

// Checkpoint files in `dir`, newest (highest step) first; empty when `dir` does not exist.
std::vector<std::filesystem::path> ListCheckpoints(const std::filesystem::path& dir);

// Removes every checkpoint in `dir` but `keep` (after `keep` is durable, so one valid file
// always exists).
void RemoveOlderCheckpoints(const std::filesystem::path& dir, const std::filesystem::path& keep);

}  // namespace fb
