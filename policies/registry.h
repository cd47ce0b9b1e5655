// Policies by name. A new policy is one folder plus one entry in registry.cc; the harness
// and the eval command do not change.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/config/schema.h"
#include "policies/policy.h"

namespace fb::policies {

// Builds a policy from its YAML `params` (layered over the policy's built-in defaults and
// validated). Throws fb::InputError for an invalid parameter, naming its location.
using PolicyFactory = std::function<std::unique_ptr<Policy>(const config::Subtree& params)>;

// Registered names, sorted.
std::vector<std::string> PolicyNames();

// Throws fb::InputError for an unknown name, suggesting the nearest registered one.
const PolicyFactory& FindPolicy(const std::string& name);

// FindPolicy(name)(params).
std::unique_ptr<Policy> CreatePolicy(const std::string& name, const config::Subtree& params = {});

// Params with defaults applied, then `params` layered on top, validated.
template <class Config>
Config ResolvePolicyParams(const config::Subtree& params) {
  Config config{};
  config::Apply(params, config);
  config::Validate(config);
  return config;
}

// The same with the defaults read from configs/policies/<name>.yaml, which must give every key.
template <class Config>
Config ResolvePolicyParams(const std::string& name, const config::Subtree& params) {
  Config config{};
  config::Apply(config::LoadBuiltin("policies/" + name + ".yaml"), config, /*complete=*/true);
  config::Apply(params, config);
  config::Validate(config);
  return config;
}

}  // namespace fb::policies
