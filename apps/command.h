// What every subcommand shares: the global flags, the action chosen by parsing, and
// the config flags (--config, --set, --seed, --workers, --out) of commands that take one.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/config/schema.h"

namespace fb::apps {

struct GlobalOptions {
  std::string log_level = "info";
  int threads = 0;  // 0 = all cores
};

// The parsed command line's action; returns the process exit code.
struct Dispatch {
  std::function<int()> run;
};

struct ConfigOptions {
  std::vector<std::string> config_files;  // --config, in order
  std::vector<std::string> assignments;  // --set KEY.PATH=VALUE, in order
  std::optional<int64_t> seed;
  std::optional<int> workers;
  std::string out;
};

// Which of the shared config flags a command offers; each maps onto its config key.
struct ConfigFlags {
  bool seed = false;     // --seed  -> seed
  bool workers = false;  // --workers -> workers
  bool out = false;      // --out DIR (not part of the config)
};

// Adds --config, --set and the selected flags to `command`. `builtin` names the
// configs/ file holding the defaults, shown in the help text.
void AddConfigOptions(CLI::App& command, ConfigOptions& options, const std::string& builtin, ConfigFlags flags);

// Assignments in precedence order: --seed/--workers first, then --set flags.
std::vector<std::string> EffectiveAssignments(const ConfigOptions& options);

// Defaults from configs/<builtin>, then each --config file in order, then the flags; validated.
template <class T>
T LoadCommandConfig(const std::string& builtin, const ConfigOptions& options) {
  T config{};
  config::Apply(config::LoadBuiltin(builtin), config, /*complete=*/true);
  for (const auto& file : options.config_files) config::Apply(config::LoadFile(file), config);
  for (const auto& assignment : EffectiveAssignments(options)) config::Apply(config::FromAssignment(assignment), config);
  config::Validate(config);
  return config;
}

// Creates `out_dir` and writes the resolved config snapshot `config.yaml` (atomically)
// with its hash in the first line; returns the hash.
std::string WriteConfigSnapshot(const std::string& out_dir, const std::string& resolved_yaml);

// Inside a catch block: logs the exception in flight and returns its exit code (InputError
// 2, Interrupted 130, other std::exception 1); rethrows anything else.
int StatusOfCurrentException();

void RegisterInfoCommand(CLI::App& app, const GlobalOptions& global, Dispatch& dispatch);
void RegisterConfigCommand(CLI::App& app, Dispatch& dispatch);
void RegisterDataCommand(CLI::App& app, Dispatch& dispatch);
void RegisterTokenizerCommand(CLI::App& app, Dispatch& dispatch);
void RegisterListCommand(CLI::App& app, Dispatch& dispatch);
void RegisterRenderCommand(CLI::App& app, Dispatch& dispatch);
void RegisterSplitsCommand(CLI::App& app, Dispatch& dispatch);
void RegisterEvalCommand(CLI::App& app, Dispatch& dispatch);
void RegisterCollectCommand(CLI::App& app, Dispatch& dispatch);
void RegisterMergeCommand(CLI::App& app, Dispatch& dispatch);
void RegisterCompareCommand(CLI::App& app, Dispatch& dispatch);
void RegisterReportCommand(CLI::App& app, Dispatch& dispatch);
void RegisterTrainCommand(CLI::App& app, Dispatch& dispatch);
void RegisterBenchCommand(CLI::App& app, Dispatch& dispatch);

}  // namespace fb::apps
