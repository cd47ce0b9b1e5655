#include "eval/eval_config.h"

#include <set>

#include <fmt/format.h>

#include "core/error.h"

namespace fb::eval {
namespace {

template <class T>
void RejectRepeats(const std::vector<T>& values, const char* key) {
  std::set<T> seen;
  for (const T& value : values) {
    if (!seen.insert(value).second) throw InputError(fmt::format("eval config: {} lists {} twice", key, value));
  }
}

}  // namespace

void EvalConfig::Validate() const {
  for (const int index : init_indices) {
    if (index < 0) throw InputError(fmt::format("eval config: init_indices holds {}; indices are >= 0", index));
  }
  if (replan_interval && (*replan_interval < 0 || *replan_interval > 100000)) {
    throw InputError(fmt::format("eval config: replan_interval {} is out of range [0, 100000]", *replan_interval));
  }
  RejectRepeats(init_indices, "init_indices");
  RejectRepeats(tasks, "tasks");
  RejectRepeats(splits, "splits");
  RejectRepeats(embodiments, "embodiments");
}

}  // namespace fb::eval
