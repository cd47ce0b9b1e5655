// A byte-level BPE model as HF tokenizers runs it: vocabulary piece <-> id, rank-ordered
// merges, per-word encoding with the (rank, position) min-heap, and HF's decode quirks.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace fb::tokenizers {

struct EncodeScratch;

// Open-addressing hash map from an (id, id) pair to a 64-bit value; the hot lookup of
// BPE encoding and training, several times faster than std::unordered_map here.
class PairTable final {
 public:
  // The key of the pair (left, right); never the empty marker for ids below 2^32 - 1.
  static uint64_t Key(uint32_t left, uint32_t right) { return (static_cast<uint64_t>(left) << 32) | right; }

  // Pointer to the value of `key`, or nullptr when absent.
  const uint64_t* Find(uint64_t key) const {
    if (k_slots_.empty()) return nullptr;
    for (size_t slot = Hash(key) & k_mask_;; slot = (slot + 1) & k_mask_) {
      if (k_slots_[slot].key == key) return &k_slots_[slot].value;
      if (k_slots_[slot].key == kEmpty) return nullptr;
    }
  }
  // The value of `key`, inserted as `initial` when absent; the reference stays valid
  // until the next insertion.
  uint64_t& FindOrInsert(uint64_t key, uint64_t initial);
  // Inserts or overwrites.
  void Set(uint64_t key, uint64_t value) { FindOrInsert(key, value) = value; }
  size_t size() const { return k_size_; }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  struct Slot {
    uint64_t key;
    uint64_t value;
  };
  static size_t Hash(uint64_t key) { return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> 24); }
  void Grow();

  std::vector<Slot> k_slots_;  // key and value side by side: one cache line per probe
  size_t k_mask_ = 0;
  size_t k_size_ = 0;
};

// Vocabulary and merges of a byte-level BPE. Immutable after construction, so encoding
// and decoding are thread-safe. Copyable.
class BpeModel final {
 public:
  BpeModel() = default;

  // pieces[id] is the piece string (UTF-8, GPT-2 byte symbols for byte-level pieces);
  // merges[rank] = (left id, right id), merging into the id of piece(left) + piece(right).
  // A pair listed twice keeps its last rank, as HF's merge map does. Throws
  // std::invalid_argument naming the rank for an id out of range or a merge result
  // missing from the vocabulary, and naming the piece for a duplicate piece.
  BpeModel(std::vector<std::string> pieces, const std::vector<std::pair<int32_t, int32_t>>& merges);

  // Number of ids (pieces).
  int32_t size() const { return static_cast<int32_t>(k_pieces_.size()); }
  const std::string& piece(int32_t id) const { return k_pieces_[static_cast<size_t>(id)]; }
  const std::vector<std::string>& pieces() const { return k_pieces_; }
  // Merges in rank order, duplicates resolved (what tokenizer.json lists).
  const std::vector<std::pair<int32_t, int32_t>>& merges() const { return k_merges_; }

  // True when encoding can use the bucket queue (see k_monotone_); false only for merge
  // lists where a merge uses a piece that a later merge makes.
  bool monotone() const { return k_monotone_; }

  // Id of `piece`, or -1 when it is not in the vocabulary.
  int32_t FindPiece(std::string_view piece) const;

  // Appends the ids of one pre-tokenizer word given as raw UTF-8 bytes: bytes become
  // GPT-2 symbols, symbols missing from the vocabulary are dropped (no unk token), then
  // merges apply lowest rank first, ties to the leftmost pair.
  void EncodeWord(std::string_view word_bytes, std::vector<int32_t>& out) const;

  // Appends the bytes HF's ByteLevel decoder produces for `id`: the bytes of its
  // symbols, or the piece's own UTF-8 when any of its characters is not a byte symbol.
  // The caller guarantees 0 <= id < size().
  void AppendPieceBytes(int32_t id, std::string& out) const {
    const auto b = k_byte_offsets_[static_cast<size_t>(id)];
    const auto e = k_byte_offsets_[static_cast<size_t>(id) + 1];
    out.append(k_byte_blob_, b, e - b);
  }

  bool operator==(const BpeModel& other) const {
    return k_pieces_ == other.k_pieces_ && k_merges_ == other.k_merges_;
  }

 private:
  const uint64_t* Lookup(int32_t left, int32_t right) const {
    return k_merge_table_.Find(PairTable::Key(static_cast<uint32_t>(left), static_cast<uint32_t>(right)));
  }
  void MergeByHeap(EncodeScratch& scratch) const;
  void MergeByBuckets(EncodeScratch& scratch) const;

  std::vector<std::string> k_pieces_;
  std::vector<std::pair<int32_t, int32_t>> k_merges_;
  std::unordered_map<std::string, int32_t> k_piece_ids_;
  PairTable k_merge_table_;               // (left, right) -> rank << 32 | new id
  std::vector<int32_t> k_rank_new_ids_;   // (merges given) new id of the merge at each rank
  std::vector<std::pair<int32_t, int32_t>> k_rank_pairs_;  // (merges given) its (left, right) ids
  // True when every merge's operands are made only by lower-ranked merges (always so
  // for trained files): ranks then pop in increasing order and a bucket queue replaces
  // the heap, with the same result.
  bool k_monotone_ = false;
  std::vector<int32_t> k_byte_ids_;       // (256) id of each byte's symbol, -1 if absent
  std::string k_byte_blob_;               // decoded bytes of every piece, back to back
  std::vector<uint32_t> k_byte_offsets_;  // (size + 1) offsets into k_byte_blob_
};

}  // namespace fb::tokenizers
