// `fasterbench splits generate [--suite S]`: regenerates the committed initial-state files
// assets/init_states/<suite>/<task>/<split>.json for every task and split of the suite(s).
// Deterministic: running it twice writes identical files. Not run by CI; run it after
// changing a task's objects, min_separation or settle_steps, or a split definition.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "apps/command.h"
#include "core/error.h"
#include "envs/env.h"
#include "envs/splits.h"
#include "envs/task_spec.h"

namespace fb::apps {
namespace {

struct SplitsOptions {
  std::string suite;  // empty = every suite
};

int RunGenerate(const SplitsOptions& o) {
  std::vector<std::string> suites = o.suite.empty() ? envs::BuiltinSuites() : std::vector<std::string>{o.suite};
  for (const auto& suite_name : suites) {
    const envs::SuiteConfig suite = envs::LoadSuite(suite_name);
    for (const auto& task : suite.tasks) {
      // States are object poses; they settle in the suite's first embodiment's scene.
      const auto spec = envs::EnvSpec::Create(suite.name, task, suite.embodiments.front());
      std::map<std::string, std::set<std::vector<double>>> pools;
      for (const auto& split_name : envs::BuiltinSplits()) {
        const envs::SplitConfig split = envs::LoadSplit(split_name);
        if (split.instructions == "heldout_instructions" && spec->task().heldout_instructions.empty()) {
          throw InputError(fmt::format("task '{}' has no heldout_instructions for split '{}'", task, split_name));
        }
        const envs::InitStates states = envs::GenerateInitStates(*spec, split);
        pools[split_name].insert(states.states.begin(), states.states.end());
        const auto path = envs::WriteInitStates(states);
        fmt::print("{}: {} states\n", path.string(), states.states.size());
      }
      // The demonstration pool must not repeat any evaluation state.
      for (const auto& [name, pool] : pools) {
        if (name == "train") continue;
        for (const auto& state : pools["train"]) {
          if (pool.count(state)) {
            throw std::runtime_error(fmt::format("task '{}': a train state also appears in split '{}'", task, name));
          }
        }
      }
    }
  }
  return kExitOk;
}

}  // namespace

void RegisterSplitsCommand(CLI::App& app, Dispatch& dispatch) {
  auto options = std::make_shared<SplitsOptions>();
  auto* command = app.add_subcommand("splits", "Maintain the splits' fixed initial-state files");
  command->require_subcommand(1);
  auto* generate = command->add_subcommand(
      "generate", "Regenerate assets/init_states/<suite>/<task>/<split>.json (deterministic; commit the result)");
  generate->add_option("--suite", options->suite, "Only this suite (default: every suite)");
  generate->callback([&dispatch, options] { dispatch.run = [options] { return RunGenerate(*options); }; });
}

}  // namespace fb::apps
