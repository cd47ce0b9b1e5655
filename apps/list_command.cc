// `fasterbench list suites|tasks|splits|embodiments|policies|tokenizers`: what the benchmark
// offers, as text or (--json) as one JSON document on stdout.
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "apps/command.h"
#include "core/error.h"
#include "envs/embodiment_spec.h"
#include "envs/env.h"
#include "envs/splits.h"
#include "envs/task_spec.h"
#include "policies/registry.h"
#include "tokenizers/registry.h"

namespace fb::apps {
namespace {

struct ListOptions {
  std::string what;   // suites | tasks | splits | embodiments | policies | tokenizers
  std::string suite;  // empty = all suites
  bool json = false;
};

// The suites to show: the one asked for (checked by LoadSuite, which names the known ones on
// an unknown name) or every built-in suite.
std::vector<envs::SuiteConfig> SelectedSuites(const std::string& suite) {
  std::vector<envs::SuiteConfig> suites;
  if (!suite.empty()) {
    suites.push_back(envs::LoadSuite(suite));
  } else {
    for (const auto& name : envs::BuiltinSuites()) suites.push_back(envs::LoadSuite(name));
  }
  return suites;
}

nlohmann::json ListSuites(const std::vector<envs::SuiteConfig>& suites, bool json) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& suite : suites) {
    if (json) {
      out.push_back({{"name", suite.name},
                     {"description", suite.description},
                     {"tasks", suite.tasks},
                     {"embodiments", suite.embodiments}});
    } else {
      fmt::print("{}: {}\n", suite.name, suite.description);
      fmt::print("  tasks ({}): {}\n", suite.tasks.size(), fmt::join(suite.tasks, ", "));
      fmt::print("  embodiments: {}\n", fmt::join(suite.embodiments, ", "));
    }
  }
  return nlohmann::json{{"suites", out}};
}

nlohmann::json ListTasks(const std::vector<envs::SuiteConfig>& suites, bool json) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& suite : suites) {
    for (const auto& name : suite.tasks) {
      const envs::TaskConfig task = envs::LoadTask(suite.name, name);
      std::vector<std::string> objects;
      for (const auto& object : task.objects) objects.push_back(object.name);
      if (json) {
        out.push_back({{"suite", suite.name},
                       {"name", task.name},
                       {"description", task.description},
                       {"instructions", task.instructions},
                       {"max_steps", task.max_steps},
                       {"hold_steps", task.hold_steps},
                       {"objects", objects},
                       {"embodiments", suite.embodiments}});
      } else {
        fmt::print("{}/{}: {}\n", suite.name, task.name, task.description);
        fmt::print("  max_steps: {}  hold_steps: {}\n", task.max_steps, task.hold_steps);
        fmt::print("  embodiments: {}\n", fmt::join(suite.embodiments, ", "));
        fmt::print("  objects: {}\n", fmt::join(objects, ", "));
        fmt::print("  instructions:\n");
        for (const auto& instruction : task.instructions) fmt::print("    - {}\n", instruction);
      }
    }
  }
  return nlohmann::json{{"tasks", out}};
}

nlohmann::json ListSplits(bool json) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& name : envs::BuiltinSplits()) {
    const envs::SplitConfig split = envs::LoadSplit(name);
    if (json) {
      out.push_back({{"name", split.name},
                     {"description", split.description},
                     {"placement", split.placement},
                     {"instructions", split.instructions},
                     {"num_states", split.num_states},
                     {"embodiments", split.embodiments}});
    } else {
      fmt::print("{}: {}\n", split.name, split.description);
      if (!split.embodiments.empty()) fmt::print("  held-out embodiments: {}\n", fmt::join(split.embodiments, ", "));
    }
  }
  return nlohmann::json{{"splits", out}};
}

nlohmann::json ListEmbodiments(const std::string& suite, bool json) {
  std::vector<std::string> names = envs::BuiltinEmbodiments();
  if (!suite.empty()) names = envs::LoadSuite(suite).embodiments;
  nlohmann::json out = nlohmann::json::array();
  for (const auto& name : names) {
    const auto spec = envs::EmbodimentSpec::Load(name);
    std::vector<std::string> arms;
    for (int i = 0; i < spec.num_arms(); ++i) {
      const auto& arm = spec.arm(i);
      arms.push_back(arm.name + " (" + std::to_string(arm.joints.size()) + " joints)");
    }
    if (json) {
      nlohmann::json arm_list = nlohmann::json::array();
      for (int i = 0; i < spec.num_arms(); ++i) {
        arm_list.push_back({{"name", spec.arm(i).name}, {"joints", spec.arm(i).joints.size()}});
      }
      out.push_back({{"name", spec.name()},
                     {"arms", arm_list},
                     {"action_dim", spec.action_dim()},
                     {"control_hz", spec.control_hz()},
                     {"physics_timestep", spec.physics_timestep()},
                     {"substeps", spec.substeps()}});
    } else {
      fmt::print("{}: {} arm{}: {}; action dim {}; control {} Hz ({} physics substeps of {} s)\n", spec.name(),
                 spec.num_arms(), spec.num_arms() == 1 ? "" : "s", fmt::join(arms, ", "), spec.action_dim(),
                 spec.control_hz(), spec.substeps(), spec.physics_timestep());
    }
  }
  return nlohmann::json{{"embodiments", out}};
}

// Registered names (policies, tokenizers): one per line, or {"<what>": [...]}.
nlohmann::json ListNames(const std::string& what, const std::vector<std::string>& names, bool json) {
  if (!json) {
    for (const auto& name : names) fmt::print("{}\n", name);
  }
  return nlohmann::json{{what, names}};
}

int RunList(const ListOptions& o) {
  nlohmann::json document;
  if (o.what == "suites") {
    document = ListSuites(SelectedSuites(o.suite), o.json);
  } else if (o.what == "tasks") {
    document = ListTasks(SelectedSuites(o.suite), o.json);
  } else if (o.what == "splits") {
    if (!o.suite.empty()) envs::LoadSuite(o.suite);  // an unknown suite is still an error
    document = ListSplits(o.json);
  } else if (o.what == "policies") {
    document = ListNames("policies", policies::PolicyNames(), o.json);
  } else if (o.what == "tokenizers") {
    document = ListNames("tokenizers", tokenizers::TokenizerTypes(), o.json);
  } else {
    document = ListEmbodiments(o.suite, o.json);
  }
  if (o.json) fmt::print("{}\n", document.dump(2));
  return kExitOk;
}

}  // namespace

void RegisterListCommand(CLI::App& app, Dispatch& dispatch) {
  auto options = std::make_shared<ListOptions>();
  auto* command = app.add_subcommand("list", "List suites, tasks, splits, embodiments, policies or tokenizers");
  command->add_option("what", options->what, "suites, tasks, splits, embodiments, policies or tokenizers")
      ->required()
      ->check(CLI::IsMember({"suites", "tasks", "splits", "embodiments", "policies", "tokenizers"}));
  command->add_option("--suite", options->suite, "Only this suite (its tasks, its embodiments)");
  command->add_flag("--json", options->json, "Print one JSON document instead of text");
  command->callback([&dispatch, options] { dispatch.run = [options] { return RunList(*options); }; });
}

}  // namespace fb::apps
