#include "policies/vla/object_tokens.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace fb::policies {

void ObjectFeatures(const float* raw, const float* eef, float* out) {
  static_assert(envs::kObjectStateValues == 8, "position (3), quaternion (4), joint (1)");
  const float w = raw[3], x = raw[4], y = raw[5], z = raw[6];
  for (int k = 0; k < 3; ++k) {
    out[k] = raw[k];
    out[3 + k] = raw[k] - eef[k];
  }
  // First two columns of the rotation matrix of the (unit) quaternion.
  out[6] = 1 - 2 * (y * y + z * z);
  out[7] = 2 * (x * y + w * z);
  out[8] = 2 * (x * z - w * y);
  out[9] = 2 * (x * y - w * z);
  out[10] = 1 - 2 * (x * x + z * z);
  out[11] = 2 * (y * z + w * x);
  out[12] = raw[7];
}

NameVocab NameVocab::Build(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  NameVocab vocab;
  vocab.k_names_ = std::move(names);
  return vocab;
}

int64_t NameVocab::Id(const std::string& name) const {
  const auto it = std::lower_bound(k_names_.begin(), k_names_.end(), name);
  return it != k_names_.end() && *it == name ? 2 + (it - k_names_.begin()) : kUnknown;
}

nlohmann::json NameVocab::ToJson() const { return k_names_; }

NameVocab NameVocab::FromJson(const nlohmann::json& json, const std::string& where) {
  if (!json.is_array() || !std::all_of(json.begin(), json.end(), [](const auto& n) { return n.is_string(); })) {
    throw InputError(where + " must be a list of names");
  }
  NameVocab vocab = Build(json.get<std::vector<std::string>>());
  if (vocab.k_names_.size() != json.size()) throw InputError(where + " lists a name twice");
  return vocab;
}

}  // namespace fb::policies
