// `fasterbench config list|show`: the built-in defaults and a resolved, validated view
// of any config with its hash, so a user can check a file before a long run.
#include <fmt/format.h>

#include "apps/command.h"
#include "core/config/builtin_configs.h"

namespace fb::apps {

void RegisterConfigCommand(CLI::App& app, Dispatch& dispatch) {
  auto* command = app.add_subcommand("config", "List and show the built-in configs");
  command->require_subcommand(1);

  auto* list = command->add_subcommand("list", "List the built-in configs (configs/ in the source tree)");
  list->callback([&dispatch] {
    dispatch.run = [] {
      for (auto name : config::BuiltinConfigNames()) fmt::print("{}\n", name);
      return 0;
    };
  });

  auto* show = command->add_subcommand("show", "Print a built-in config file as compiled in");
  auto name = std::make_shared<std::string>();
  show->add_option("name", *name, "Config name, e.g. eval or tokenizer_eval.yaml")->required();
  show->callback([&dispatch, name] {
    dispatch.run = [name] {
      std::string file = *name;
      if (!config::BuiltinConfig(file) && config::BuiltinConfig(file + ".yaml")) file += ".yaml";
      const auto doc = config::LoadBuiltin(file);  // a clear error for an unknown name
      fmt::print("{}", *config::BuiltinConfig(file));
      return 0;
    };
  });
}

}  // namespace fb::apps
