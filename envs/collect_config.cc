#include "envs/collect_config.h"

#include <set>

#include <fmt/format.h>

#include "core/error.h"

namespace fb::envs {
namespace {

template <class T>
void RejectRepeats(const std::vector<T>& values, const char* key) {
  std::set<T> seen;
  for (const T& value : values) {
    if (!seen.insert(value).second) throw InputError(fmt::format("collect config: {} lists {} twice", key, value));
  }
}

}  // namespace

void CollectConfig::Validate() const {
  for (const int index : init_indices) {
    if (index < 0) throw InputError(fmt::format("collect config: init_indices holds {}; indices are >= 0", index));
  }
  for (const auto& camera : cameras) {
    if (camera != "agentview" && camera != "eye_in_hand") {
      throw InputError(fmt::format("collect config: cameras holds '{}'; choose from agentview, eye_in_hand", camera));
    }
  }
  RejectRepeats(init_indices, "init_indices");
  RejectRepeats(tasks, "tasks");
  RejectRepeats(embodiments, "embodiments");
  RejectRepeats(cameras, "cameras");
}

}  // namespace fb::envs
