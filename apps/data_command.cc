// `fasterbench data synth`: writes the synthetic action dataset to HDF5 in the
// LIBERO/robomimic layout (or .npy), for the tokenizer tools and for tests.
#include <filesystem>

#include <fmt/format.h>

#include "apps/command.h"
#include "core/data/hdf5_actions.h"
#include "core/data/hdf5_demo_writer.h"
#include "core/data/npy.h"
#include "core/data/synthetic_trajectories.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "core/progress.h"

namespace fb::apps {
namespace {

struct SynthOptions {
  std::string out;
  int episodes = 100;
  int steps = 0;  // 0 = natural lengths (HDF5 only)
  std::string embodiment = "panda";
  std::string action_space = "delta_eef";
  int64_t seed = 0;
};

int RunSynth(const SynthOptions& o) {
  data::SyntheticOptions options;
  options.seed = static_cast<uint64_t>(o.seed);
  options.episodes = o.episodes;
  options.embodiment = o.embodiment;
  options.action_space = o.action_space;
  if (o.steps > 0) options.min_steps = options.max_steps = o.steps;
  options.Check();
  const std::string extension = std::filesystem::path(o.out).extension().string();
  if (extension != ".npy" && extension != ".hdf5" && extension != ".h5") {
    throw InputError("--out " + o.out + ": the file name says which format to write: end it in .hdf5 (or .h5) or .npy");
  }
  const bool npy = extension == ".npy";
  if (npy && o.steps <= 0) throw InputError("--out " + o.out + ": .npy needs equal-length episodes; pass --steps N");

  Progress progress("synthesizing " + o.embodiment, o.episodes, "episodes");
  if (npy) {
    std::vector<float> values;
    int dims = 0;
    for (int i = 0; i < o.episodes; ++i) {
      ThrowIfInterrupted();
      const auto episode = data::GenerateSyntheticEpisode(options, i);
      dims = episode.dims;
      values.insert(values.end(), episode.actions.begin(), episode.actions.end());
      progress.Advance();
    }
    const std::vector<int64_t> shape = {o.episodes, o.steps, dims};
    data::WriteNpyFloat32(o.out, shape, values);
  } else {
    data::Hdf5DemoWriter writer(o.out);
    writer.SetActionLabels(o.embodiment, o.action_space);
    for (int i = 0; i < o.episodes; ++i) {
      ThrowIfInterrupted();
      const auto episode = data::GenerateSyntheticEpisode(options, i);
      writer.WriteDemoActions(i, episode.steps, episode.dims, episode.actions);
      progress.Advance();
    }
    writer.Commit();
  }
  progress.Finish();
  fmt::print("wrote {} synthetic {} episodes ({}) to {}\n", o.episodes, o.embodiment, o.action_space, o.out);
  return kExitOk;
}

}  // namespace

void RegisterDataCommand(CLI::App& app, Dispatch& dispatch) {
  auto* command = app.add_subcommand("data", "Action datasets");
  command->require_subcommand(1);
  auto options = std::make_shared<SynthOptions>();
  auto* synth = command->add_subcommand("synth", "Write synthetic manipulation action episodes (HDF5 or .npy)");
  synth->add_option("--out", options->out, "Output .hdf5 (LIBERO/robomimic layout) or .npy ([N, T, D])")->required();
  synth->add_option("--episodes", options->episodes, "Number of episodes")->capture_default_str()->check(CLI::PositiveNumber);
  synth->add_option("--steps", options->steps, "Fixed episode length (required for .npy; 0 = natural lengths)")
      ->capture_default_str();
  synth->add_option("--embodiment", options->embodiment, "panda, ur5e, widowx, ...")->capture_default_str();
  synth->add_option("--action-space", options->action_space, "delta_eef, joint_position or bimanual_delta_eef")
      ->capture_default_str();
  synth->add_option("--seed", options->seed, "Random seed")->capture_default_str();
  synth->callback([&dispatch, options] { dispatch.run = [options] { return RunSynth(*options); }; });
}

}  // namespace fb::apps
