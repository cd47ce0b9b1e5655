// `fasterbench train`: behaviour cloning of a learned VLA policy on HDF5 demos; resumable
// (rerun the same command), Ctrl-C safe; writes <out>/policy for `eval` to load by path.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "apps/command.h"
#include "core/error.h"
#include "core/progress.h"
#include "policies/vla/vla_config.h"
#include "policies/vla/vla_trainer.h"

namespace fb::apps {
namespace {

constexpr const char* kBuiltin = "train.yaml";

int RunTrain(const ConfigOptions& options) {
  auto config = LoadCommandConfig<policies::VlaTrainConfig>(kBuiltin, options);
  if (!options.out.empty()) config.out = options.out;
  const std::string hash = WriteConfigSnapshot(config.out, config::Dump(config));
  spdlog::info("config {} -> {}", hash, config.out);
  const auto report = policies::TrainVla(config);
  fmt::print("{}: {} steps{} in {}, final loss {:.4f}\n", config.policy, report.steps,
             report.resumed_from_step > 0 ? fmt::format(" (resumed from {})", report.resumed_from_step) : "",
             FormatDuration(report.seconds), report.final_loss);
  if (report.val_token_accuracy >= 0) {
    fmt::print("validation: token accuracy {:.3f}, action L1 {:.4f} (normalized units, teacher-forced)\n",
               report.val_token_accuracy, report.val_l1);
  }
  if (report.val_object_error >= 0) {
    fmt::print("validation: object position error {:.1f} mm (auxiliary head)\n", 1000 * report.val_object_error);
  }
  fmt::print("policy: {}  (evaluate: fasterbench eval --set policy.name={} --set policy.params.checkpoint={})\n",
             report.policy_dir.string(), config.policy, report.policy_dir.string());
  return kExitOk;
}

}  // namespace

void RegisterTrainCommand(CLI::App& app, Dispatch& dispatch) {
  auto options = std::make_shared<ConfigOptions>();
  auto* command = app.add_subcommand(
      "train", "Train a learned VLA policy (fastervla, fast_ar, binning_ar) on demos; resumable");
  AddConfigOptions(*command, *options, kBuiltin, ConfigFlags{.seed = true, .out = true});
  command->callback([&dispatch, options] { dispatch.run = [options] { return RunTrain(*options); }; });
}

}  // namespace fb::apps
