#include "core/data/action_data_source.h"

#include <filesystem>

#include "core/data/hdf5_actions.h"
#include "core/data/npy.h"
#include "core/data/synthetic_trajectories.h"
#include "core/error.h"

namespace fb::data {
namespace {

// An .npy file holds one episode [T, D] or several of equal length [N, T, D].
void AppendNpyEpisodes(const ActionDataConfig& config, const std::string& path, ActionDataset& dataset) {
  const NpyArray array = ReadNpy(path);
  if (array.shape.size() != 2 && array.shape.size() != 3) {
    throw InputError(path + ": expected actions of shape [T, D] or [N, T, D], got rank " +
                     std::to_string(array.shape.size()));
  }
  const int64_t episodes = array.shape.size() == 3 ? array.shape[0] : 1;
  const int64_t steps = array.shape[array.shape.size() - 2];
  const int64_t dims = array.shape.back();
  for (int64_t e = 0; e < episodes; ++e) {
    Episode episode;
    episode.embodiment = config.embodiment;
    episode.action_space = config.action_space;
    episode.dims = static_cast<int>(dims);
    episode.steps = steps;
    episode.source = path + ":episode " + std::to_string(e);
    const auto begin = array.values.begin() + e * steps * dims;
    episode.actions.assign(begin, begin + steps * dims);
    ValidateEpisode(episode);
    dataset.episodes.push_back(std::move(episode));
  }
}

}  // namespace

void ActionDataConfig::Validate() const {
  if (source != "synthetic" && paths.empty()) {
    throw InputError("data.paths: source '" + source + "' needs at least one file");
  }
}

ActionDataset LoadActionData(const ActionDataConfig& config, int64_t seed) {
  ActionDataset dataset;
  if (config.source == "synthetic") {
    dataset.name = "synthetic";
    uint64_t stream = 0;
    for (const auto& action_space : config.synthetic.action_spaces) {
      for (const auto& embodiment : config.synthetic.embodiments) {
        SyntheticOptions options;
        options.seed = static_cast<uint64_t>(seed) * 1000003u + stream++;
        options.episodes = config.synthetic.episodes;
        options.embodiment = embodiment;
        options.action_space = action_space;
        options.Check();
        auto part = GenerateSyntheticDataset(options);
        for (auto& episode : part.episodes) dataset.episodes.push_back(std::move(episode));
      }
    }
    return dataset;
  }
  dataset.name = config.paths.size() == 1 ? std::filesystem::path(config.paths[0]).stem().string() : config.source;
  for (const auto& path : config.paths) {
    if (config.source == "npy") {
      AppendNpyEpisodes(config, path, dataset);
    } else {
      auto part = ReadHdf5Actions(path);
      for (auto& episode : part.episodes) dataset.episodes.push_back(std::move(episode));
    }
  }
  if (dataset.episodes.empty()) throw InputError("data.paths: no episodes in " + std::to_string(config.paths.size()) + " file(s)");
  return dataset;
}

}  // namespace fb::data
