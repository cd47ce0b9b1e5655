// `fasterbench info`: versions, BLAS and threads: what a bug report should quote.
#include <fmt/format.h>

#include <thread>

#include "apps/command.h"
#include "core/torch_runtime.h"
#include "core/version.h"

namespace fb::apps {

void RegisterInfoCommand(CLI::App& app, const GlobalOptions& global, Dispatch& dispatch) {
  auto* command = app.add_subcommand("info", "Print versions, BLAS library and thread counts");
  command->callback([&global, &dispatch] {
    dispatch.run = [&global] {
      fmt::print("fasterbench {}\n", kVersion);
      fmt::print("LibTorch BLAS: {}\n", DescribeBlas());
      fmt::print("LibTorch intra-op threads: {} (--threads {}; cores: {})\n", TorchIntraOpThreads(),
                 global.threads, std::thread::hardware_concurrency());
      return 0;
    };
  });
}

}  // namespace fb::apps
