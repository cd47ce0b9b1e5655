#include "tokenizers/fast/bpe.h"

#include <algorithm>
#include <functional>
#include <stdexcept>

#include "tokenizers/fast/byte_level.h"

namespace fb::tokenizers {

uint64_t& PairTable::FindOrInsert(uint64_t key, uint64_t initial) {
  // Load factor at most 1/4: absent pairs (most lookups while encoding) stop early.
  if ((k_size_ + 1) * 4 > k_slots_.size()) Grow();
  size_t slot = Hash(key) & k_mask_;
  while (k_slots_[slot].key != key) {
    if (k_slots_[slot].key == kEmpty) {
      k_slots_[slot] = {key, initial};
      ++k_size_;
      break;
    }
    slot = (slot + 1) & k_mask_;
  }
  return k_slots_[slot].value;
}

void PairTable::Grow() {
  const size_t capacity = k_slots_.empty() ? 64 : k_slots_.size() * 2;
  std::vector<Slot> slots(capacity, Slot{kEmpty, 0});
  const size_t mask = capacity - 1;
  for (const Slot& old : k_slots_) {
    if (old.key == kEmpty) continue;
    size_t slot = Hash(old.key) & mask;
    while (slots[slot].key != kEmpty) slot = (slot + 1) & mask;
    slots[slot] = old;
  }
  k_slots_ = std::move(slots);
  k_mask_ = mask;
}

BpeModel::BpeModel(std::vector<std::string> pieces, const std::vector<std::pair<int32_t, int32_t>>& merges)
    : k_pieces_(std::move(pieces)) {
  const auto n = static_cast<int32_t>(k_pieces_.size());
  k_piece_ids_.reserve(k_pieces_.size());
  for (int32_t id = 0; id < n; ++id) {
    if (!k_piece_ids_.emplace(k_pieces_[static_cast<size_t>(id)], id).second) {
      throw std::invalid_argument("piece '" + k_pieces_[static_cast<size_t>(id)] + "' appears twice (ids " +
                                  std::to_string(k_piece_ids_[k_pieces_[static_cast<size_t>(id)]]) + " and " +
                                  std::to_string(id) + ")");
    }
  }
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const auto [left, right] = merges[rank];
    if (left < 0 || left >= n || right < 0 || right >= n) {
      throw std::invalid_argument("merge " + std::to_string(rank) + " refers to an id outside [0, " +
                                  std::to_string(n) + ")");
    }
    const std::string merged = k_pieces_[static_cast<size_t>(left)] + k_pieces_[static_cast<size_t>(right)];
    const auto found = k_piece_ids_.find(merged);
    if (found == k_piece_ids_.end()) {
      throw std::invalid_argument("merge " + std::to_string(rank) + " ('" + k_pieces_[static_cast<size_t>(left)] +
                                  "' + '" + k_pieces_[static_cast<size_t>(right)] + "') makes '" + merged +
                                  "', which is not in the vocabulary");
    }
    k_merge_table_.Set(PairTable::Key(static_cast<uint32_t>(left), static_cast<uint32_t>(right)),
                       (static_cast<uint64_t>(rank) << 32) | static_cast<uint32_t>(found->second));
    k_rank_new_ids_.push_back(found->second);
    k_rank_pairs_.push_back(merges[rank]);
  }
  // A pair listed twice keeps its last rank (HF builds a map); list each pair once, at
  // that rank, so a save -> load round trip keeps the same order.
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const auto [left, right] = merges[rank];
    const uint64_t* v = k_merge_table_.Find(PairTable::Key(static_cast<uint32_t>(left), static_cast<uint32_t>(right)));
    if ((*v >> 32) == rank) k_merges_.push_back(merges[rank]);
  }

  // Monotone: for every effective merge (a, b) at rank r, every merge producing a or b
  // has a lower rank, so a pair formed while encoding always has a higher rank than the
  // merge that formed it.
  {
    std::vector<int64_t> made_by(k_pieces_.size(), -1);  // highest rank producing each id
    for (const auto& [left, right] : k_merges_) {
      const uint64_t v = *k_merge_table_.Find(PairTable::Key(static_cast<uint32_t>(left), static_cast<uint32_t>(right)));
      auto& rank = made_by[static_cast<uint32_t>(v)];
      rank = std::max<int64_t>(rank, static_cast<int64_t>(v >> 32));
    }
    k_monotone_ = true;
    for (const auto& [left, right] : k_merges_) {
      const auto rank = static_cast<int64_t>(
          *k_merge_table_.Find(PairTable::Key(static_cast<uint32_t>(left), static_cast<uint32_t>(right))) >> 32);
      if (made_by[static_cast<size_t>(left)] >= rank || made_by[static_cast<size_t>(right)] >= rank) {
        k_monotone_ = false;
        break;
      }
    }
  }

  k_byte_ids_.assign(256, -1);
  for (int b = 0; b < 256; ++b) {
    std::string symbol;
    AppendUtf8(ByteToSymbol(static_cast<uint8_t>(b)), symbol);
    k_byte_ids_[static_cast<size_t>(b)] = FindPiece(symbol);
  }

  k_byte_offsets_.reserve(k_pieces_.size() + 1);
  k_byte_offsets_.push_back(0);
  for (const std::string& piece : k_pieces_) {
    const auto chars = DecodeUtf8(piece);
    bool all_symbols = chars.has_value();
    std::string bytes;
    if (all_symbols) {
      for (char32_t c : *chars) {
        const int b = SymbolToByte(c);
        if (b < 0) {
          all_symbols = false;
          break;
        }
        bytes.push_back(static_cast<char>(b));
      }
    }
    k_byte_blob_ += all_symbols ? bytes : piece;
    k_byte_offsets_.push_back(static_cast<uint32_t>(k_byte_blob_.size()));
  }
}

int32_t BpeModel::FindPiece(std::string_view piece) const {
  const auto found = k_piece_ids_.find(std::string(piece));
  return found == k_piece_ids_.end() ? -1 : found->second;
}

// Per-thread buffers, so encoding a word allocates nothing once they have grown.
struct EncodeScratch {
  struct Symbol {
    int32_t id;  // -1 once merged into its left neighbour
    int32_t prev;
    int32_t next;
  };
  std::vector<Symbol> symbols;
  std::vector<uint64_t> heap;          // rank << 32 | position, a min-heap: lowest rank, then leftmost
  std::vector<int32_t> bucket_head;    // per rank: first entry of its list, -1 when empty
  std::vector<uint64_t> bucket_bits;   // bit per rank: list not empty
  std::vector<std::pair<uint32_t, int32_t>> entries;  // (position, next entry in the list)
  std::vector<uint32_t> batch;         // positions of the rank being merged, sorted
};

namespace {

using Symbol = EncodeScratch::Symbol;

EncodeScratch& Scratch() {
  thread_local EncodeScratch scratch;
  return scratch;
}

}  // namespace

void BpeModel::EncodeWord(std::string_view word_bytes, std::vector<int32_t>& out) const {
  EncodeScratch& scratch = Scratch();
  std::vector<Symbol>& symbols = scratch.symbols;
  symbols.clear();
  for (char c : word_bytes) {
    const int32_t id = k_byte_ids_[static_cast<uint8_t>(c)];
    if (id < 0) continue;  // no unk token: HF drops the symbol
    const auto pos = static_cast<int32_t>(symbols.size());
    symbols.push_back({id, pos - 1, pos + 1});
  }
  if (symbols.empty()) return;
  symbols.back().next = -1;
  if (symbols.size() > 1 && k_merge_table_.size() > 0) {
    if (k_monotone_) {
      MergeByBuckets(scratch);
    } else {
      MergeByHeap(scratch);
    }
  }
  for (const Symbol& s : symbols) {
    if (s.id >= 0) out.push_back(s.id);
  }
}

// Merges the symbol at `pos` with its right neighbour when the pair there still makes
// `new_id` (HF's staleness test), else `continue`s; the caller then queues the new pairs.
// The pair that queued rank `rank` is that merge's own pair, so finding it still in place
// settles the test without a table lookup (the usual case).
#define FB_BPE_TRY_MERGE(symbols, pos, rank, new_id)                                                    \
  Symbol& current = symbols[pos];                                                                       \
  if (current.id < 0 || current.next < 0) continue;                                                     \
  Symbol& right = symbols[static_cast<size_t>(current.next)];                                           \
  if (current.id != k_rank_pairs_[rank].first || right.id != k_rank_pairs_[rank].second) {             \
    const uint64_t* m = Lookup(current.id, right.id);                                                   \
    if (m == nullptr || static_cast<int32_t>(static_cast<uint32_t>(*m)) != (new_id)) continue;          \
  }                                                                                                     \
  current.id = (new_id);                                                                                \
  right.id = -1;                                                                                        \
  current.next = right.next;                                                                            \
  if (right.next >= 0) symbols[static_cast<size_t>(right.next)].prev = static_cast<int32_t>(pos);

void BpeModel::MergeByHeap(EncodeScratch& scratch) const {
  std::vector<Symbol>& symbols = scratch.symbols;
  std::vector<uint64_t>& heap = scratch.heap;
  constexpr uint64_t kRankMask = 0xFFFFFFFF00000000ull;
  heap.clear();
  for (size_t i = 0; i + 1 < symbols.size(); ++i) {
    if (const uint64_t* m = Lookup(symbols[i].id, symbols[i + 1].id)) heap.push_back((*m & kRankMask) | i);
  }
  std::make_heap(heap.begin(), heap.end(), std::greater<>{});
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), std::greater<>{});
    const uint64_t top = heap.back();
    heap.pop_back();
    const auto pos = static_cast<uint32_t>(top);
    const int32_t new_id = k_rank_new_ids_[top >> 32];
    FB_BPE_TRY_MERGE(symbols, pos, top >> 32, new_id)
    if (current.prev >= 0) {
      if (const uint64_t* pm = Lookup(symbols[static_cast<size_t>(current.prev)].id, new_id)) {
        heap.push_back((*pm & kRankMask) | static_cast<uint32_t>(current.prev));
        std::push_heap(heap.begin(), heap.end(), std::greater<>{});
      }
    }
    if (current.next >= 0) {
      if (const uint64_t* nm = Lookup(new_id, symbols[static_cast<size_t>(current.next)].id)) {
        heap.push_back((*nm & kRankMask) | pos);
        std::push_heap(heap.begin(), heap.end(), std::greater<>{});
      }
    }
  }
}

// Same order as the heap (lowest rank, then leftmost) for a monotone model: all entries
// of a rank exist before the first of them is popped, so each rank's positions are
// collected, sorted and merged in one batch.
void BpeModel::MergeByBuckets(EncodeScratch& scratch) const {
  std::vector<Symbol>& symbols = scratch.symbols;
  auto& head = scratch.bucket_head;
  auto& bits = scratch.bucket_bits;
  auto& entries = scratch.entries;
  auto& batch = scratch.batch;
  const size_t ranks = k_rank_new_ids_.size();
  if (head.size() < ranks) head.resize(ranks, -1);  // lists are left empty after every call
  if (bits.size() < (ranks + 63) / 64) bits.resize((ranks + 63) / 64, 0);
  entries.clear();
  const auto push = [&](uint64_t merge, uint32_t pos) {
    const auto rank = static_cast<uint32_t>(merge >> 32);
    entries.emplace_back(pos, head[rank]);
    head[rank] = static_cast<int32_t>(entries.size() - 1);
    bits[rank >> 6] |= uint64_t{1} << (rank & 63);
  };
  for (size_t i = 0; i + 1 < symbols.size(); ++i) {
    if (const uint64_t* m = Lookup(symbols[i].id, symbols[i + 1].id)) push(*m, static_cast<uint32_t>(i));
  }
  const size_t words = (ranks + 63) / 64;
  for (size_t w = 0; w < words; ++w) {
    while (bits[w] != 0) {
      const auto rank = static_cast<uint32_t>(w * 64 + static_cast<size_t>(__builtin_ctzll(bits[w])));
      bits[w] &= bits[w] - 1;
      batch.clear();
      for (int32_t e = head[rank]; e >= 0; e = entries[static_cast<size_t>(e)].second) {
        batch.push_back(entries[static_cast<size_t>(e)].first);
      }
      head[rank] = -1;
      // Lists are pushed mostly left to right, so reversed they are usually sorted.
      std::reverse(batch.begin(), batch.end());
      if (!std::is_sorted(batch.begin(), batch.end())) std::sort(batch.begin(), batch.end());
      const int32_t new_id = k_rank_new_ids_[rank];
      for (const uint32_t pos : batch) {
        FB_BPE_TRY_MERGE(symbols, pos, rank, new_id)
        if (current.prev >= 0) {
          if (const uint64_t* pm = Lookup(symbols[static_cast<size_t>(current.prev)].id, new_id)) {
            push(*pm, static_cast<uint32_t>(current.prev));
          }
        }
        if (current.next >= 0) {
          if (const uint64_t* nm = Lookup(new_id, symbols[static_cast<size_t>(current.next)].id)) push(*nm, pos);
        }
      }
    }
  }
}

#undef FB_BPE_TRY_MERGE

}  // namespace fb::tokenizers
