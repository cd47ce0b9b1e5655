#include "tokenizers/fast/bpe_trainer.h"

#include <algorithm>
#include <queue>
#include <set>

#include "tokenizers/fast/byte_level.h"

namespace fb::tokenizers {

void BpeTrainer::AddWord(std::string_view word_bytes, uint64_t count) {
  if (word_bytes.empty() || count == 0) return;
  k_word_counts_[std::string(word_bytes)] += count;
}

namespace {

// One queue entry, as HF's `Merge`: max count first, ties to the smaller pair. `pos`
// indexes the list of words in which the pair was (last) seen forming.
struct Candidate {
  uint64_t count;
  uint64_t pair;
  uint32_t pos;
};
struct CandidateLess {
  bool operator()(const Candidate& a, const Candidate& b) const {
    if (a.count != b.count) return a.count < b.count;
    return a.pair > b.pair;
  }
};

// Per-pair state: its running count (signed: HF keeps i32 and updates by +/-) and the
// index of its word list while one is being collected.
struct PairState {
  int64_t count = 0;
};

}  // namespace

BpeModel BpeTrainer::Train() const {
  // Alphabet: every byte symbol seen in a word, plus the initial alphabet, by code point.
  std::vector<bool> byte_seen(256, false);
  for (const auto& [word, count] : k_word_counts_) {
    for (char c : word) byte_seen[static_cast<uint8_t>(c)] = true;
  }
  std::set<char32_t> alphabet(k_options_.initial_alphabet.begin(), k_options_.initial_alphabet.end());
  for (int b = 0; b < 256; ++b) {
    if (byte_seen[static_cast<size_t>(b)]) alphabet.insert(ByteToSymbol(static_cast<uint8_t>(b)));
  }
  std::vector<std::string> pieces;
  std::vector<uint32_t> piece_chars;  // length of each piece in characters
  std::unordered_map<std::string, int32_t> piece_ids;
  for (char32_t c : alphabet) {
    std::string s;
    AppendUtf8(c, s);
    piece_ids.emplace(s, static_cast<int32_t>(pieces.size()));
    pieces.push_back(std::move(s));
    piece_chars.push_back(1);
  }
  std::vector<int32_t> byte_ids(256, -1);
  for (int b = 0; b < 256; ++b) {
    if (!byte_seen[static_cast<size_t>(b)]) continue;
    std::string s;
    AppendUtf8(ByteToSymbol(static_cast<uint8_t>(b)), s);
    byte_ids[static_cast<size_t>(b)] = piece_ids.at(s);
  }

  // Words as symbol ids in one arena; word w occupies [starts[w], starts[w] + lengths[w]).
  // Sorting the words makes the run independent of hash-map order (the result does not
  // depend on it either way, but reproducible memory traffic helps timing).
  std::vector<const std::pair<const std::string, uint64_t>*> sorted;
  sorted.reserve(k_word_counts_.size());
  for (const auto& entry : k_word_counts_) sorted.push_back(&entry);
  std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  const size_t num_words = sorted.size();
  std::vector<uint32_t> arena;
  std::vector<size_t> starts(num_words);
  std::vector<uint32_t> lengths(num_words);
  std::vector<uint64_t> counts(num_words);
  {
    size_t total = 0;
    for (const auto* entry : sorted) total += entry->first.size();
    arena.reserve(total);
  }
  for (size_t w = 0; w < num_words; ++w) {
    starts[w] = arena.size();
    counts[w] = sorted[w]->second;
    for (char c : sorted[w]->first) arena.push_back(static_cast<uint32_t>(byte_ids[static_cast<uint8_t>(c)]));
    lengths[w] = static_cast<uint32_t>(arena.size() - starts[w]);
  }

  // Pair counts and the words each pair occurs in.
  PairTable pair_index;  // pair -> index into pair_counts
  std::vector<int64_t> pair_counts;
  std::vector<std::vector<uint32_t>> positions;  // pos lists referenced by queue entries
  std::vector<uint32_t> collecting;             // per pair: positions index being filled this round, or ~0
  const auto pair_slot = [&](uint64_t pair) -> uint32_t {
    uint64_t& slot = pair_index.FindOrInsert(pair, pair_counts.size());
    if (slot == pair_counts.size()) {
      pair_counts.push_back(0);
      collecting.push_back(~uint32_t{0});
    }
    return static_cast<uint32_t>(slot);
  };
  std::vector<uint32_t> touched;  // pairs with a list being collected this round
  const auto note_word = [&](uint32_t p, uint32_t word) {
    if (collecting[p] == ~uint32_t{0}) {
      collecting[p] = static_cast<uint32_t>(positions.size());
      positions.emplace_back();
      touched.push_back(p);
    }
    auto& list = positions[collecting[p]];
    if (list.empty() || list.back() != word) list.push_back(word);
  };
  std::vector<uint64_t> touched_pairs;  // parallel to `touched`: the pair keys

  for (uint32_t w = 0; w < num_words; ++w) {
    const uint32_t* s = arena.data() + starts[w];
    for (uint32_t i = 0; i + 1 < lengths[w]; ++i) {
      const uint64_t pair = PairTable::Key(s[i], s[i + 1]);
      const uint32_t p = pair_slot(pair);
      if (collecting[p] == ~uint32_t{0}) touched_pairs.push_back(pair);
      pair_counts[p] += static_cast<int64_t>(counts[w]);
      note_word(p, w);
    }
  }
  std::priority_queue<Candidate, std::vector<Candidate>, CandidateLess> queue;
  const auto flush_touched = [&]() {
    for (size_t t = 0; t < touched.size(); ++t) {
      const uint32_t p = touched[t];
      if (pair_counts[p] > 0) {
        queue.push({static_cast<uint64_t>(pair_counts[p]), touched_pairs[t], collecting[p]});
      } else {
        positions[collecting[p]] = {};
      }
      collecting[p] = ~uint32_t{0};
    }
    touched.clear();
    touched_pairs.clear();
  };
  flush_touched();

  const auto vocab_size = static_cast<size_t>(std::max(k_options_.vocab_size, 0));
  const auto min_frequency = static_cast<uint64_t>(std::max(k_options_.min_frequency, 0));
  const auto max_length = static_cast<uint64_t>(k_options_.max_token_length);
  std::vector<std::pair<int32_t, int32_t>> merges;
  std::vector<uint32_t> scratch;
  while (pieces.size() < vocab_size && !queue.empty()) {
    Candidate top = queue.top();
    queue.pop();
    const int64_t current = pair_counts[static_cast<uint32_t>(*pair_index.Find(top.pair))];
    if (top.count != static_cast<uint64_t>(current)) {
      top.count = static_cast<uint64_t>(current);
      queue.push(top);
      continue;
    }
    if (top.count < 1 || min_frequency > top.count) break;

    const auto left = static_cast<uint32_t>(top.pair >> 32);
    const auto right = static_cast<uint32_t>(top.pair);
    std::string merged = pieces[left] + pieces[right];
    int32_t new_id;
    if (auto found = piece_ids.find(merged); found != piece_ids.end()) {
      new_id = found->second;
    } else {
      new_id = static_cast<int32_t>(pieces.size());
      piece_chars.push_back(piece_chars[left] + piece_chars[right]);
      piece_ids.emplace(merged, new_id);
      pieces.push_back(std::move(merged));
    }
    merges.emplace_back(static_cast<int32_t>(left), static_cast<int32_t>(right));
    const auto replacement = static_cast<uint32_t>(new_id);
    const uint64_t new_len = piece_chars[replacement];

    // Merge in every listed word, left to right, non-overlapping, recording count changes
    // exactly as HF's Word::merge reports them.
    const std::vector<uint32_t> words = std::move(positions[top.pos]);
    positions[top.pos] = {};
    const auto change = [&](uint32_t a, uint32_t b, int64_t delta, uint32_t w) {
      const uint32_t p = pair_slot(PairTable::Key(a, b));
      if (delta > 0 && collecting[p] == ~uint32_t{0}) touched_pairs.push_back(PairTable::Key(a, b));
      pair_counts[p] += delta * static_cast<int64_t>(counts[w]);
      if (delta > 0) note_word(p, w);
    };
    for (uint32_t w : words) {
      uint32_t* s = arena.data() + starts[w];
      const uint32_t n = lengths[w];
      uint32_t out = 0;
      uint32_t i = 0;
      bool any = false;
      while (i < n) {
        if (i + 1 < n && s[i] == left && s[i + 1] == right) {
          any = true;
          if (out > 0) {
            change(s[out - 1], left, -1, w);
            if (piece_chars[s[out - 1]] + new_len < max_length) change(s[out - 1], replacement, +1, w);
          }
          if (i + 2 < n) {
            change(right, s[i + 2], -1, w);
            if (piece_chars[s[i + 2]] + new_len < max_length) change(replacement, s[i + 2], +1, w);
          }
          s[out++] = replacement;
          i += 2;
        } else {
          s[out++] = s[i++];
        }
      }
      if (any) lengths[w] = out;
    }
    flush_touched();
  }

  return BpeModel(std::move(pieces), merges);
}

}  // namespace fb::tokenizers
