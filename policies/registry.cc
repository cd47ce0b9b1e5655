#include "policies/registry.h"

#include <map>

#include "core/error.h"
#include "policies/random/random_policy.h"
#include "policies/remote/openpi_policy.h"
#include "policies/replay/replay_policy.h"
#include "policies/scripted_expert/scripted_expert_policy.h"
#include "policies/tokenized_expert/tokenized_expert_policy.h"
#include "policies/torchscript/torchscript_policy.h"
#include "policies/vla/vla_policy.h"
#include "policies/zero/zero_policy.h"

namespace fb::policies {
namespace {

const std::map<std::string, PolicyFactory>& Registry() {
  static const std::map<std::string, PolicyFactory> registry = {
      {"binning_ar", &VlaPolicy::CreateBinningAr},
      {"fast_ar", &VlaPolicy::CreateFastAr},
      {"fastervla", &VlaPolicy::CreateFasterVla},
      {"openpi", &OpenpiPolicy::Create},
      {"random", &RandomPolicy::Create},
      {"replay", &ReplayPolicy::Create},
      {"scripted_expert", &ScriptedExpertPolicy::Create},
      {"tokenized_expert", &TokenizedExpertPolicy::Create},
      {"torchscript", &TorchScriptPolicy::Create},
      {"zero", &ZeroPolicy::Create},
  };
  return registry;
}

}  // namespace

std::vector<std::string> PolicyNames() {
  std::vector<std::string> names;
  for (const auto& [name, factory] : Registry()) names.push_back(name);
  return names;
}

const PolicyFactory& FindPolicy(const std::string& name) {
  const auto& registry = Registry();
  if (auto it = registry.find(name); it != registry.end()) return it->second;
  const auto names = PolicyNames();
  std::string message = "unknown policy '" + name + "'";
  if (auto near = config::NearestName(name, names); !near.empty()) message += "; did you mean '" + near + "'?";
  message += " (registered:";
  for (const auto& n : names) message += " " + n;
  throw InputError(message + ")");
}

std::unique_ptr<Policy> CreatePolicy(const std::string& name, const config::Subtree& params) {
  return FindPolicy(name)(params);
}

}  // namespace fb::policies
