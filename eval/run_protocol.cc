#include "eval/run_protocol.h"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/error.h"
#include "envs/splits.h"
#include "envs/task_spec.h"
#include "eval/eval_run.h"

namespace fb::eval {
namespace {

bool Contains(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

}  // namespace

EvalConfig ApplyPolicyProtocol(EvalConfig config, const policies::PolicyProtocol& protocol) {
  if (!config.replan_interval) {
    config.replan_interval = protocol.replan_interval;
    if (protocol.replan_interval > 0) {
      spdlog::info("replan_interval {} (the policy's protocol)", protocol.replan_interval);
    }
  } else if (protocol.replan_interval > 0 && *config.replan_interval != protocol.replan_interval) {
    spdlog::warn("replan_interval {} overrides the policy's protocol ({}): results are not comparable with runs "
                 "that follow it", *config.replan_interval, protocol.replan_interval);
  }
  if (!protocol.reads_images) {
    std::vector<std::string> measurable;
    for (const auto& split : config.splits) {
      if (envs::LoadSplit(split).visual == "none") {
        measurable.push_back(split);
      } else if (!Contains(config.not_applicable_splits, split)) {
        spdlog::warn("split '{}' changes only what cameras see and policy '{}' reads no images: reported as n/a",
                     split, config.policy.name);
        config.not_applicable_splits.push_back(split);
      }
    }
    config.splits = measurable;
    if (config.splits.empty()) {
      throw InputError(fmt::format("eval config: splits: policy '{}' reads no images, so none of {} can measure it",
                                   config.policy.name, fmt::join(config.not_applicable_splits, ", ")));
    }
  }
  if (protocol.embodiments.empty()) return config;

  const std::vector<std::string> held_out = HeldOutEmbodiments(config);
  if (config.embodiments.empty()) {
    for (const auto& embodiment : envs::LoadSuite(config.suite).embodiments) {
      if (Contains(protocol.embodiments, embodiment) || Contains(held_out, embodiment)) {
        config.embodiments.push_back(embodiment);
      }
    }
  }
  for (const auto& embodiment : config.embodiments) {
    if (Contains(protocol.embodiments, embodiment) || Contains(held_out, embodiment)) continue;
    const std::string what = fmt::format(
        "policy '{}' was trained on {}; running it on '{}' under in-distribution splits would label transfer to a new "
        "embodiment as in-distribution",
        config.policy.name, fmt::join(protocol.embodiments, ", "), embodiment);
    if (!config.embodiment_override) {
      throw InputError(what + ": evaluate it under split 'ood-embodiment', or set embodiment_override: true (kept in "
                              "the run's config.yaml)");
    }
    spdlog::warn("{} (embodiment_override is set)", what);
  }
  return config;
}

}  // namespace fb::eval
