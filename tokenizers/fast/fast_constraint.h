// Constrained decoding of FAST: the ids whose bytes keep the sequence valid UTF-8, every
// character (= one DCT coefficient) at most max_code, and at most horizon x dims
// characters in all; the end only at exactly horizon x dims characters with no partial
// UTF-8 sequence pending.
//
// A piece's bytes may hold several characters and start or finish a multi-byte sequence,
// so the grammar runs an incremental UTF-8 machine whose states are the pending prefixes
// (cut down to those that can still finish within max_code). Everything per piece is
// precomputed: for each (state, piece) the characters it completes and the state it leaves,
// and for each (state, characters still to come) the fewest ids that finish the sequence,
// so a step only allows ids after which a clean ending stays within the id budget.
#pragma once

#include <cstdint>
#include <vector>

#include "tokenizers/decoding_constraint.h"
#include "tokenizers/fast/bpe.h"

namespace fb::tokenizers {

class FastConstraint final : public DecodingConstraint {
 public:
  // `values`: characters a chunk decodes to (horizon x dims); `max_code`: the largest code
  // point a value may take (what Decode accepts); `max_ids`: the id budget. Throws
  // fb::InputError when no clean sequence of `values` characters fits in `max_ids` ids.
  FastConstraint(const BpeModel& bpe, int values, char32_t max_code, int max_ids);

  void Allowed(const ConstraintState& state, std::vector<int32_t>& ids) const override;
  ConstraintState Advance(const ConstraintState& state, int32_t id) const override;
  bool EndAllowed(const ConstraintState& state) const override;

  // Pending UTF-8 prefixes reachable from the start (besides "none"), for tests.
  int pending_states() const { return k_states_ - 1; }
  // Fewest ids of a clean sequence from the start.
  int shortest() const { return MinIds(0, k_values_); }

 private:
  struct Step {
    int32_t chars = 0;  // characters the piece completes
    int32_t next = -1;  // state it leaves; -1 = the piece breaks the grammar here
  };
  const Step& StepOf(int32_t state, int32_t id) const {
    return k_steps_[static_cast<size_t>(state) * static_cast<size_t>(k_pieces_) + static_cast<size_t>(id)];
  }
  int32_t MinIds(int32_t state, int32_t chars_left) const {
    const auto stride = static_cast<size_t>(k_values_ + 1);
    return k_min_ids_[static_cast<size_t>(state) * stride + static_cast<size_t>(chars_left)];
  }

  int32_t k_pieces_ = 0;
  int32_t k_values_ = 0;
  int32_t k_max_ids_ = 0;
  int32_t k_states_ = 0;
  std::vector<Step> k_steps_;       // (states x pieces)
  std::vector<int32_t> k_min_ids_;  // (states x (values + 1)): fewest ids to end cleanly
};

}  // namespace fb::tokenizers
