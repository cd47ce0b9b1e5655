#include "core/torch_checkpoint.h"

#include <sstream>

#include <spdlog/spdlog.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/training_loop.h"

namespace fb {
namespace fs = std::filesystem;

torch::Tensor ScalarTensor(int64_t value) { return torch::tensor({value}, torch::kInt64); }

int64_t ReadScalar(torch::serialize::InputArchive& archive, const char* key) {
  torch::Tensor value;
  archive.read(key, value);
  return value.item<int64_t>();
}

void SaveTrainingCheckpoint(const fs::path& dir, torch::serialize::OutputArchive& root, torch::nn::Module& model,
                            torch::optim::Optimizer& optimizer, const CheckpointHeader& header) {
  torch::serialize::OutputArchive model_archive, optimizer_archive;
  model.save(model_archive);
  optimizer.save(optimizer_archive);
  root.write("model", model_archive);
  root.write("optimizer", optimizer_archive);
  root.write("step", ScalarTensor(header.step));
  root.write("epoch", ScalarTensor(header.epoch));
  root.write("cursor", ScalarTensor(header.cursor));
  root.write("config_hash", c10::IValue(header.config_hash));
  root.write("data_hash", c10::IValue(header.data_hash));
  std::ostringstream bytes;
  root.save_to(bytes);
  const fs::path path = CheckpointPath(dir, header.step);
  WriteFileAtomic(path, bytes.str());
  RemoveOlderCheckpoints(dir, path);
}

std::optional<CheckpointHeader> LoadTrainingCheckpoint(const fs::path& dir, torch::serialize::InputArchive& root,
                                                       torch::nn::Module& model, torch::optim::Optimizer& optimizer,
                                                       const std::string& config_hash, const std::string& data_hash,
                                                       const std::string& who) {
  for (const auto& path : ListCheckpoints(dir)) {
    c10::IValue saved_config, saved_data;
    try {
      root.load_from(path.string());
      root.read("config_hash", saved_config);
      root.read("data_hash", saved_data);
    } catch (const c10::Error& e) {
      spdlog::warn("{}: skipping unreadable checkpoint {}: {}", who, path.string(), e.what_without_backtrace());
      continue;
    }
    for (const auto& [what, saved, expected] : {std::tuple{"config", saved_config.toStringRef(), config_hash},
                                                std::tuple{"training data", saved_data.toStringRef(), data_hash}}) {
      if (saved != expected) {
        throw InputError(who + ": checkpoint " + path.string() + " was written with " + what + " hash " + saved +
                         " but this run's " + what + " hash is " + expected +
                         "; use another work directory or delete it to start over");
      }
    }
    torch::serialize::InputArchive model_archive, optimizer_archive;
    root.read("model", model_archive);
    root.read("optimizer", optimizer_archive);
    model.load(model_archive);
    optimizer.load(optimizer_archive);
    CheckpointHeader header{ReadScalar(root, "step"), ReadScalar(root, "epoch"), ReadScalar(root, "cursor"),
                            config_hash, data_hash};
    spdlog::info("{}: resuming from {} (step {})", who, path.string(), header.step);
    return header;
  }
  return std::nullopt;
}

}  // namespace fb
