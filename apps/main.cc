// fasterbench: one executable, one subcommand per job. Exit codes: 0 ok, 1 the checked
// thing failed (or an internal error), 2 usage or input error, 130 interrupted.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "apps/command.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "core/logging.h"
#include "core/torch_runtime.h"
#include "core/version.h"

int main(int argc, char** argv) {
  using namespace fb;
  CLI::App app{"fasterbench: benchmark autoregressive VLA policies and their action tokenizers"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("fasterbench ") + kVersion);
  app.fallthrough();  // global flags may follow the subcommand
  apps::GlobalOptions global;
  app.add_option("--log-level", global.log_level, "trace, debug, info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.add_option("--threads", global.threads, "LibTorch intra-op threads, 0 = all cores")
      ->check(CLI::NonNegativeNumber);

  apps::Dispatch dispatch;
  apps::RegisterInfoCommand(app, global, dispatch);
  apps::RegisterConfigCommand(app, dispatch);
  apps::RegisterDataCommand(app, dispatch);
  apps::RegisterTokenizerCommand(app, dispatch);
  apps::RegisterListCommand(app, dispatch);
  apps::RegisterRenderCommand(app, dispatch);
  apps::RegisterSplitsCommand(app, dispatch);
  apps::RegisterEvalCommand(app, dispatch);
  apps::RegisterCollectCommand(app, dispatch);
  apps::RegisterMergeCommand(app, dispatch);
  apps::RegisterCompareCommand(app, dispatch);
  apps::RegisterReportCommand(app, dispatch);
  apps::RegisterTrainCommand(app, dispatch);
  apps::RegisterBenchCommand(app, dispatch);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }

  try {
    SetupLogging(global.log_level);
    InstallInterruptHandlers();
    ConfigureTorchRuntime(global.threads);
    return dispatch.run ? dispatch.run() : kExitUsage;
  } catch (const std::exception&) {
    return apps::StatusOfCurrentException();
  }
}
