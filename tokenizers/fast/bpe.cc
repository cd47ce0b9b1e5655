#include "tokenizers/fast/bpe.h"

#include <algorithm>
#include <functional>
#include <stdexcept>

#include "tokenizers/fast/byte_level.h"

namespace fb::tokenizers {

uint64_t& PairTable::FindOrInsert(uint64_t key, uint64_t initial) {
  if ((k_size_ + 1) * 2 > k_keys_.size()) Grow();
  size_t slot = Hash(key) & k_mask_;
  while (k_keys_[slot] != key) {
    if (k_keys_[slot] == kEmpty) {
      k_keys_[slot] = key;
      k_values_[slot] = initial;
      ++k_size_;
      break;
    }
    slot = (slot + 1) & k_mask_;
  }
  return k_values_[slot];
}

void PairTable::Grow() {
  const size_t capacity = k_keys_.empty() ? 64 : k_keys_.size() * 2;
  std::vector<uint64_t> keys(capacity, kEmpty);
  std::vector<uint64_t> values(capacity, 0);
  const size_t mask = capacity - 1;
  for (size_t i = 0; i < k_keys_.size(); ++i) {
    if (k_keys_[i] == kEmpty) continue;
    size_t slot = Hash(k_keys_[i]) & mask;
    while (keys[slot] != kEmpty) slot = (slot + 1) & mask;
    keys[slot] = k_keys_[i];
    values[slot] = k_values_[i];
  }
  k_keys_ = std::move(keys);
  k_values_ = std::move(values);
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
  }
  // A pair listed twice keeps its last rank (HF builds a map); list each pair once, at
  // that rank, so a save -> load round trip keeps the same order.
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const auto [left, right] = merges[rank];
    const uint64_t* v = k_merge_table_.Find(PairTable::Key(static_cast<uint32_t>(left), static_cast<uint32_t>(right)));
    if ((*v >> 32) == rank) k_merges_.push_back(merges[rank]);
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

namespace {

struct Symbol {
  int32_t id;
  int32_t prev;
  int32_t next;
  bool alive;
};

struct QueueEntry {
  uint64_t key;  // rank << 32 | position: min-heap order = lowest rank, then leftmost
  uint32_t new_id;
  bool operator>(const QueueEntry& other) const { return key > other.key; }
};

}  // namespace

void BpeModel::EncodeWord(std::string_view word_bytes, std::vector<int32_t>& out) const {
  thread_local std::vector<Symbol> symbols;
  thread_local std::vector<QueueEntry> queue;
  symbols.clear();
  queue.clear();
  for (char c : word_bytes) {
    const int32_t id = k_byte_ids_[static_cast<uint8_t>(c)];
    if (id < 0) continue;  // no unk token: HF drops the symbol
    const auto pos = static_cast<int32_t>(symbols.size());
    symbols.push_back({id, pos - 1, pos + 1, true});
  }
  if (symbols.empty()) return;
  symbols.back().next = -1;
  if (symbols.size() == 1 || k_merge_table_.size() == 0) {
    for (const Symbol& s : symbols) out.push_back(s.id);
    return;
  }

  const auto lookup = [this](int32_t left, int32_t right) {
    return k_merge_table_.Find(PairTable::Key(static_cast<uint32_t>(left), static_cast<uint32_t>(right)));
  };
  const auto push = [](uint64_t merge, uint32_t pos) {
    queue.push_back({(merge & 0xFFFFFFFF00000000ull) | pos, static_cast<uint32_t>(merge)});
    std::push_heap(queue.begin(), queue.end(), std::greater<>{});
  };
  for (size_t i = 0; i + 1 < symbols.size(); ++i) {
    if (const uint64_t* m = lookup(symbols[i].id, symbols[i + 1].id)) {
      queue.push_back({(*m & 0xFFFFFFFF00000000ull) | i, static_cast<uint32_t>(*m)});
    }
  }
  std::make_heap(queue.begin(), queue.end(), std::greater<>{});

  while (!queue.empty()) {
    std::pop_heap(queue.begin(), queue.end(), std::greater<>{});
    const QueueEntry top = queue.back();
    queue.pop_back();
    const auto pos = static_cast<uint32_t>(top.key);
    Symbol& current = symbols[pos];
    if (!current.alive || current.next < 0) continue;
    Symbol& right = symbols[static_cast<size_t>(current.next)];
    // Stale entry: HF checks only that the pair here still merges into the same id.
    const uint64_t* m = lookup(current.id, right.id);
    if (m == nullptr || static_cast<uint32_t>(*m) != top.new_id) continue;

    current.id = static_cast<int32_t>(top.new_id);
    right.alive = false;
    current.next = right.next;
    if (right.next >= 0) symbols[static_cast<size_t>(right.next)].prev = static_cast<int32_t>(pos);
    if (current.prev >= 0) {
      if (const uint64_t* pm = lookup(symbols[static_cast<size_t>(current.prev)].id, current.id)) {
        push(*pm, static_cast<uint32_t>(current.prev));
      }
    }
    if (current.next >= 0) {
      if (const uint64_t* nm = lookup(current.id, symbols[static_cast<size_t>(current.next)].id)) push(*nm, pos);
    }
  }
  for (const Symbol& s : symbols) {
    if (s.alive) out.push_back(s.id);
  }
}

}  // namespace fb::tokenizers
