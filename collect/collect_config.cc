#include "collect/collect_config.h"

#include <set>

#include <fmt/format.h>

#include "core/error.h"

namespace fb::collect {
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
  if (!learner.name.empty() && action_noise > 0) {
    throw InputError(fmt::format("collect config: action_noise is {} with learner '{}'; noise perturbs the expert's "
                                 "actions, and with a learner the expert does not act: set one or the other",
                                 action_noise, learner.name));
  }
  RejectRepeats(init_indices, "init_indices");
  RejectRepeats(tasks, "tasks");
  RejectRepeats(embodiments, "embodiments");
  RejectRepeats(cameras, "cameras");
}

}  // namespace fb::collect
