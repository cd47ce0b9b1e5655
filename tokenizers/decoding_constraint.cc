#include "tokenizers/decoding_constraint.h"

#include <numeric>
#include <stdexcept>
#include <utility>

namespace fb::tokenizers {

SlotConstraint::SlotConstraint(TokenLayout layout) : k_layout_(std::move(layout)) {
  if (k_layout_.variable_length || k_layout_.slots.size() != static_cast<size_t>(k_layout_.length)) {
    throw std::logic_error("SlotConstraint needs a fixed-length layout with one range per slot");
  }
}

void SlotConstraint::Allowed(const ConstraintState& state, std::vector<int32_t>& ids) const {
  ids.clear();
  if (state.ids >= k_layout_.length) return;
  const IdRange range = k_layout_.slot(state.ids);
  ids.resize(static_cast<size_t>(range.last - range.first));
  std::iota(ids.begin(), ids.end(), range.first);
}

ConstraintState SlotConstraint::Advance(const ConstraintState& state, int32_t) const {
  return {state.ids + 1, state.values + 1, 0};
}

bool SlotConstraint::EndAllowed(const ConstraintState& state) const { return state.ids == k_layout_.length; }

}  // namespace fb::tokenizers
