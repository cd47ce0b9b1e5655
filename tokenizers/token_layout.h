// How a tokenizer lays out one chunk's ids, told by the tokenizer itself: what a policy
// needs to generate them (sequence length, natural block, the ids each slot may hold)
// without knowing which tokenizer it has.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace fb::tokenizers {

// Ids [first, last).
struct IdRange {
  int32_t first = 0;
  int32_t last = 0;
  bool operator==(const IdRange&) const = default;
};

struct TokenLayout {
  // Fixed: every chunk has exactly `length` ids. Variable: the count depends on the chunk
  // and has no bound of its own (length 0), so the policy sets a maximum.
  bool variable_length = false;
  int length = 0;
  // Ids the tokenizer naturally groups into one block (FASTerVQ: one RVQ level's
  // positions; 1 when ids come one at a time). Divides `length` when fixed.
  int block = 1;
  // Fixed length: the ids each slot may hold, one range per slot (FASTerVQ: slot i's
  // level codebook). Variable length: one range, for every slot.
  std::vector<IdRange> slots;

  // The range of slot `position` (any position when variable length).
  IdRange slot(int position) const {
    return variable_length ? slots.front() : slots[static_cast<size_t>(position)];
  }
};

}  // namespace fb::tokenizers
