#include "apps/command.h"

#include <filesystem>

#include <spdlog/spdlog.h>

#include "core/atomic_file.h"
#include "core/error.h"

namespace fb::apps {

void AddConfigOptions(CLI::App& command, ConfigOptions& options, const std::string& builtin, ConfigFlags flags) {
  command.add_option("--config", options.config_files,
                     "YAML file layered over the defaults in configs/" + builtin +
                         " (repeatable: later files override earlier ones)")
      ->check(CLI::ExistingFile)
      ->allow_extra_args(false);
  command.add_option("--set", options.assignments,
                     "Override one key, e.g. --set data.horizon=20 (repeatable; validated like the file)")
      ->allow_extra_args(false);
  if (flags.seed) command.add_option("--seed", options.seed, "Random seed (same as --set seed=N)");
  if (flags.workers) {
    command.add_option("--workers", options.workers, "Worker threads, 0 = all cores (same as --set workers=N)");
  }
  if (flags.out) command.add_option("--out", options.out, "Output directory (default from the config)");
}

std::vector<std::string> EffectiveAssignments(const ConfigOptions& options) {
  std::vector<std::string> all;
  if (options.seed) all.push_back("seed=" + std::to_string(*options.seed));
  if (options.workers) all.push_back("workers=" + std::to_string(*options.workers));
  all.insert(all.end(), options.assignments.begin(), options.assignments.end());
  return all;
}

std::string WriteConfigSnapshot(const std::string& out_dir, const std::string& resolved_yaml) {
  const std::string hash = config::HashText(resolved_yaml);
  std::filesystem::create_directories(out_dir);
  WriteFileAtomic(std::filesystem::path(out_dir) / "config.yaml",
                  "# fasterbench resolved config; hash " + hash + "\n" + resolved_yaml);
  return hash;
}

int StatusOfCurrentException() {
  try {
    throw;
  } catch (const InputError& e) {
    spdlog::error("{}", e.what());
    return kExitUsage;
  } catch (const Interrupted&) {
    spdlog::warn("interrupted: finished outputs are complete, nothing half-written was kept");
    return kExitInterrupted;
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return kExitCheckFailed;
  }
}

}  // namespace fb::apps
