// Constrained decoding: a grammar over a tokenizer's ids, made by the tokenizer, that says
// at every generation step which ids may come next so that the finished sequence decodes
// cleanly, and when the sequence may (or must) end. A policy masks its logits with it and
// stays tokenizer-agnostic. Every id it allows keeps a clean completion reachable within
// the id budget, so following it never ends in a decode failure.
#pragma once

#include <cstdint>
#include <vector>

#include "tokenizers/token_layout.h"

namespace fb::tokenizers {

// Where a sequence stands in a constraint's grammar; a small value, copied per sequence.
struct ConstraintState {
  int32_t ids = 0;      // ids taken so far
  int32_t values = 0;   // what they decode to so far, in the constraint's unit (FAST: coefficients)
  int32_t partial = 0;  // the constraint's own sub-value state (FAST: a pending UTF-8 prefix); 0 = none
};

// Immutable once made, so one object serves many sequences and threads.
class DecodingConstraint {
 public:
  virtual ~DecodingConstraint() = default;

  ConstraintState Start() const { return {}; }

  // Sets `ids` to the ids that may come next, ascending; empty when the sequence must end.
  virtual void Allowed(const ConstraintState& state, std::vector<int32_t>& ids) const = 0;

  // The state after taking `id`, which Allowed(state) listed.
  virtual ConstraintState Advance(const ConstraintState& state, int32_t id) const = 0;

  // Whether the sequence may end here (decodes to exactly the chunk).
  virtual bool EndAllowed(const ConstraintState& state) const = 0;
};

// The grammar of a fixed-length layout: slot i takes any id of its range, and the sequence
// ends after the last slot. Decoding a fixed-length tokenizer constrained is the same as
// generating it within its slot ranges.
class SlotConstraint final : public DecodingConstraint {
 public:
  // `layout` must be fixed-length.
  explicit SlotConstraint(TokenLayout layout);
  void Allowed(const ConstraintState& state, std::vector<int32_t>& ids) const override;
  ConstraintState Advance(const ConstraintState& state, int32_t id) const override;
  bool EndAllowed(const ConstraintState& state) const override;

 private:
  TokenLayout k_layout_;
};

}  // namespace fb::tokenizers
