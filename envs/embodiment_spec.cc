#include "envs/embodiment_spec.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/config/builtin_configs.h"
#include "core/config/document.h"
#include "core/error.h"

namespace fb::envs {
namespace {

constexpr std::string_view kConfigDir = "embodiments/";
constexpr std::string_view kConfigSuffix = ".yaml";

[[noreturn]] void Invalid(const EmbodimentConfig& c, const std::string& message) {
  throw InputError(fmt::format("embodiment '{}': {}", c.name, message));
}

void ValidateArm(const EmbodimentConfig& c, size_t index) {
  const ArmConfig& arm = c.arms[index];
  const std::string where = fmt::format("arms[{}] ('{}')", index, arm.name);
  if (arm.actuators.size() != arm.joints.size()) {
    Invalid(c, fmt::format("{}: {} actuators for {} joints; list one position actuator per joint", where,
                           arm.actuators.size(), arm.joints.size()));
  }
  if (arm.home.size() != arm.joints.size()) {
    Invalid(c, fmt::format("{}: home has {} values for {} joints", where, arm.home.size(), arm.joints.size()));
  }
  if (arm.finger_joints.size() != 2) {
    Invalid(c, fmt::format("{}: finger_joints has {} names; a parallel gripper has 2", where,
                           arm.finger_joints.size()));
  }
  if (arm.gripper_open == arm.gripper_closed) {
    Invalid(c, fmt::format("{}: gripper_open and gripper_closed are both {}", where, arm.gripper_open));
  }
}

// Groups must tile the action vector exactly: each dim in one group, sizes 3/3/1.
void ValidateGroups(const EmbodimentConfig& c) {
  const int action_dim = kArmActionDim * static_cast<int>(c.arms.size());
  std::vector<int> owner(static_cast<size_t>(action_dim), -1);
  for (size_t g = 0; g < c.action.groups.size(); ++g) {
    const ActionGroupConfig& group = c.action.groups[g];
    const size_t expected = group.kind == "gripper" ? 1 : 3;
    if (group.dims.size() != expected) {
      Invalid(c, fmt::format("action.groups[{}] ('{}'): a {} group has {} dims, got {}", g, group.name, group.kind,
                             expected, group.dims.size()));
    }
    for (int dim : group.dims) {
      if (dim < 0 || dim >= action_dim) {
        Invalid(c, fmt::format("action.groups[{}] ('{}'): dim {} is outside [0, {}) for {} arm(s)", g, group.name,
                               dim, action_dim, c.arms.size()));
      }
      int& slot = owner[static_cast<size_t>(dim)];
      if (slot >= 0) {
        Invalid(c, fmt::format("action.groups[{}] ('{}') and action.groups[{}] both claim dim {}", slot,
                               c.action.groups[static_cast<size_t>(slot)].name, g, dim));
      }
      slot = static_cast<int>(g);
    }
  }
  const auto missing = std::find(owner.begin(), owner.end(), -1);
  if (missing != owner.end()) {
    Invalid(c, fmt::format("action dim {} belongs to no action.groups entry", missing - owner.begin()));
  }
}

}  // namespace

void EmbodimentConfig::Validate() const {
  if (mount.pos.size() != 3) Invalid(*this, fmt::format("mount.pos has {} values, expected 3", mount.pos.size()));
  if (mount.quat.size() != 4) Invalid(*this, fmt::format("mount.quat has {} values, expected 4 (w x y z)", mount.quat.size()));
  double norm2 = 0;
  for (double q : mount.quat) norm2 += q * q;
  if (!(norm2 > 1e-12)) Invalid(*this, "mount.quat is zero; use [1, 0, 0, 0] for no rotation");

  // A control step must be a whole number of physics steps (as dm_control's Task checks),
  // or the effective control rate silently drifts from control_hz.
  const double ratio = 1.0 / (control_hz * physics_timestep);
  if (std::abs(ratio - std::round(ratio)) > 1e-6 * ratio || std::round(ratio) < 1) {
    Invalid(*this, fmt::format("control period 1/control_hz = 1/{} s is not a whole multiple of physics_timestep "
                               "= {} s (ratio {:.6g})",
                               control_hz, physics_timestep, ratio));
  }

  std::set<std::string> names;
  for (size_t i = 0; i < arms.size(); ++i) {
    if (!names.insert(arms[i].name).second) Invalid(*this, fmt::format("two arms are named '{}'", arms[i].name));
    ValidateArm(*this, i);
  }
  ValidateGroups(*this);
}

EmbodimentSpec EmbodimentSpec::Load(std::string_view name) {
  const std::string file = fmt::format("{}{}{}", kConfigDir, name, kConfigSuffix);
  if (!config::BuiltinConfig(file)) {
    throw InputError(fmt::format("unknown embodiment '{}'; known: {}", name, fmt::join(BuiltinEmbodiments(), ", ")));
  }
  EmbodimentConfig config;
  config::Apply(config::LoadBuiltin(file), config, /*complete=*/true);
  return FromConfig(std::move(config));
}

EmbodimentSpec EmbodimentSpec::FromConfig(EmbodimentConfig config) {
  config::Validate(config);
  double norm = 0;
  for (double q : config.mount.quat) norm += q * q;
  norm = std::sqrt(norm);
  for (double& q : config.mount.quat) q /= norm;
  return EmbodimentSpec(std::move(config));
}

int EmbodimentSpec::substeps() const {
  return static_cast<int>(std::lround(1.0 / (k_config_.control_hz * k_config_.physics_timestep)));
}

std::filesystem::path EmbodimentSpec::mjcf_path() const { return AssetsDir() / k_config_.mjcf; }

std::filesystem::path EmbodimentSpec::scene_path() const { return AssetsDir() / k_config_.scene; }

std::filesystem::path AssetsDir() {
  const char* env = std::getenv("FASTERBENCH_ASSETS");
  if (env != nullptr && *env != '\0') return std::filesystem::path(env);
  return std::filesystem::path(FB_ASSETS_DIR);
}

std::vector<std::string> BuiltinEmbodiments() { return config::BuiltinConfigStemsIn(kConfigDir); }

}  // namespace fb::envs
