// `fasterbench splits generate [--suite S] [--split P]`: regenerates the committed initial-state
// files assets/init_states/<suite>/<task>/<split>.json for every task and split (or split P) of
// the suite(s).
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
  std::string split;  // empty = every split
};

// The states of `split` for spec's task: generated when `regenerate`, else the committed file
// (read only for the disjointness check, never rewritten).
envs::InitStates StatesOf(const envs::EnvSpec& spec, const envs::SplitConfig& split, bool regenerate) {
  if (regenerate) return envs::GenerateInitStates(spec, split);
  envs::InitStates committed = envs::LoadInitStates(envs::InitStatePath(spec.suite(), spec.task().name, split.name));
  envs::CheckInitStatesMatch(committed, spec.task(), split);
  return committed;
}

int RunGenerate(const SplitsOptions& o) {
  std::vector<std::string> suites = o.suite.empty() ? envs::BuiltinSuites() : std::vector<std::string>{o.suite};
  if (!o.split.empty()) envs::LoadSplit(o.split);  // an unknown split fails before any work
  for (const auto& suite_name : suites) {
    const envs::SuiteConfig suite = envs::LoadSuite(suite_name);
    for (const auto& task : suite.tasks) {
      // States are object poses; they settle in the suite's first embodiment's scene.
      const auto spec = envs::EnvSpec::Create(suite.name, task, suite.embodiments.front());
      std::map<std::string, envs::InitStates> states;
      for (const auto& split_name : envs::BuiltinSplits()) {
        const envs::SplitConfig split = envs::LoadSplit(split_name);
        if (split.instructions == "heldout_instructions" && spec->task().heldout_instructions.empty()) {
          throw InputError(fmt::format("task '{}' has no heldout_instructions for split '{}'", task, split_name));
        }
        states[split_name] = StatesOf(*spec, split, o.split.empty() || o.split == split_name);
      }
      // The demonstration pool must not repeat any evaluation layout of the task's objects
      // (distractors aside); checked before anything is written.
      const auto layout = [&spec](const std::vector<double>& state) {
        return std::vector<double>(state.begin(), state.begin() + 7 * spec->num_objects());
      };
      std::set<std::vector<double>> train;
      for (const auto& state : states["train"].states) train.insert(layout(state));
      for (const auto& [name, split_states] : states) {
        if (name == "train") continue;
        for (const auto& state : split_states.states) {
          if (train.count(layout(state))) {
            throw std::runtime_error(fmt::format("task '{}': a train state also appears in split '{}'", task, name));
          }
        }
      }
      for (const auto& [name, split_states] : states) {
        if (!o.split.empty() && name != o.split) continue;
        const auto path = envs::WriteInitStates(split_states);
        fmt::print("{}: {} states\n", path.string(), split_states.states.size());
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
  generate->add_option("--split", options->split,
                       "Only this split; the others' committed files are read for the train disjointness check, "
                       "not rewritten (default: every split)");
  generate->callback([&dispatch, options] { dispatch.run = [options] { return RunGenerate(*options); }; });
}

}  // namespace fb::apps
