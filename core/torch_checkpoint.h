// Resumable training checkpoints (FASTerVQ, the VLA policies): one archive per step in a work
// directory, written atomically with the older ones removed after, holding the model, the
// optimizer, the loop position and the config and data hashes a resume must match. Uses
// LibTorch: include only from .cc files of libraries that link it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <torch/torch.h>

namespace fb {

struct CheckpointHeader {
  int64_t step = 0, epoch = 0, cursor = 0;
  std::string config_hash, data_hash;
};

// Adds the header, model and optimizer to `root` (which may already hold the caller's own
// fields) and writes <dir>/checkpoint-<step>.pt.
void SaveTrainingCheckpoint(const std::filesystem::path& dir, torch::serialize::OutputArchive& root,
                            torch::nn::Module& model, torch::optim::Optimizer& optimizer,
                            const CheckpointHeader& header);

// Loads the newest readable checkpoint of `dir` into model and optimizer, leaving `root` open
// for the caller's own fields; nullopt when there is none (unreadable files are skipped with a
// warning). Throws fb::InputError, prefixed with `who`, naming the file and both hashes when
// the config or data hash differs from the expected one.
std::optional<CheckpointHeader> LoadTrainingCheckpoint(const std::filesystem::path& dir,
                                                       torch::serialize::InputArchive& root,
                                                       torch::nn::Module& model, torch::optim::Optimizer& optimizer,
                                                       const std::string& config_hash, const std::string& data_hash,
                                                       const std::string& who);

torch::Tensor ScalarTensor(int64_t value);
int64_t ReadScalar(torch::serialize::InputArchive& archive, const char* key);

}  // namespace fb
