// The state track's object tokens, torch-free: each object on the table (envs/object_state.h)
// becomes a feature vector (position, position relative to the end effector, orientation as the
// first two columns of its rotation matrix, which is continuous where a quaternion or yaw angle
// wraps, and its inner joint) plus
// the ids of its kind and colour in vocabularies built from the training demos. Training
// (recorded obs/object_states) and evaluation (the live observation) both go through here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "envs/object_state.h"

namespace fb::policies {

// Features per object token: position (3), position minus the end effector's (3), rotation
// columns (6), inner joint (1).
inline constexpr int kObjectFeatures = 13;

// raw = (kObjectStateValues): position, quaternion (w x y z), joint; eef = the first arm's
// end-effector position (3) -> out = (kObjectFeatures). The relative position is what the arm
// must travel to reach the object: given directly, a policy need not learn to subtract two
// tokens' coordinates before it can reach anything (docs/policies.md, "Egocentric objects").
void ObjectFeatures(const float* raw, const float* eef, float* out);

// The names an object token's kind or colour may take, from the training demos. Ids: 0 = no
// object (padding), 1 = a name training never saw, then the names in sorted order.
class NameVocab final {
 public:
  static constexpr int64_t kNone = 0;
  static constexpr int64_t kUnknown = 1;
  static NameVocab Build(std::vector<std::string> names);
  int64_t Id(const std::string& name) const;
  int64_t size() const { return static_cast<int64_t>(k_names_.size()) + 2; }
  const std::vector<std::string>& names() const { return k_names_; }
  nlohmann::json ToJson() const;
  // Throws fb::InputError naming `where` unless json is a list of distinct strings.
  static NameVocab FromJson(const nlohmann::json& json, const std::string& where);

 private:
  std::vector<std::string> k_names_;  // sorted, unique
};

}  // namespace fb::policies
