#include "tokenizers/fast/fast_constraint.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "core/error.h"

namespace fb::tokenizers {
namespace {

constexpr int32_t kNever = std::numeric_limits<int32_t>::max() / 2;

// A UTF-8 sequence in progress: the code point bits so far, the continuation bytes still
// needed, and the range the next byte must fall in (the lead byte narrows the second byte
// to rule out overlong forms, surrogates and code points above U+10FFFF, as
// DecodeUtf8Lossy does). need == 0 is "no sequence pending".
struct Pending {
  uint32_t cp = 0;
  uint8_t need = 0;
  uint8_t lo = 0x80;
  uint8_t hi = 0xBF;
  auto Key() const { return std::make_tuple(cp, need, lo, hi); }
};

// Smallest code point that `p` can still finish as.
uint64_t MinCompletion(const Pending& p) {
  return ((static_cast<uint64_t>(p.cp) << 6) | (p.lo & 0x3Fu)) << (6 * (p.need - 1));
}

// Feeds one byte; nullopt when it makes the bytes invalid UTF-8 or a character above
// max_code (or leaves a prefix that can only finish above it).
std::optional<Pending> Feed(const Pending& p, uint8_t byte, char32_t max_code, int32_t& chars) {
  Pending next;
  if (p.need == 0) {
    if (byte < 0x80) {
      if (byte > max_code) return std::nullopt;
      ++chars;
      return Pending{};
    }
    if (byte >= 0xC2 && byte <= 0xDF) next = {byte & 0x1Fu, 1, 0x80, 0xBF};
    else if (byte == 0xE0) next = {byte & 0x0Fu, 2, 0xA0, 0xBF};
    else if (byte == 0xED) next = {byte & 0x0Fu, 2, 0x80, 0x9F};
    else if (byte >= 0xE1 && byte <= 0xEF) next = {byte & 0x0Fu, 2, 0x80, 0xBF};
    else if (byte == 0xF0) next = {byte & 0x07u, 3, 0x90, 0xBF};
    else if (byte >= 0xF1 && byte <= 0xF3) next = {byte & 0x07u, 3, 0x80, 0xBF};
    else if (byte == 0xF4) next = {byte & 0x07u, 3, 0x80, 0x8F};
    else return std::nullopt;
  } else {
    if (byte < p.lo || byte > p.hi) return std::nullopt;
    next = {(p.cp << 6) | (byte & 0x3Fu), static_cast<uint8_t>(p.need - 1), 0x80, 0xBF};
    if (next.need == 0) {
      if (next.cp > max_code) return std::nullopt;
      ++chars;
      return Pending{};
    }
  }
  if (MinCompletion(next) > max_code) return std::nullopt;
  return next;
}

}  // namespace

FastConstraint::FastConstraint(const BpeModel& bpe, int values, char32_t max_code, int max_ids)
    : k_pieces_(bpe.size()), k_values_(values), k_max_ids_(max_ids) {
  // The states reachable from "none", found breadth-first; row s of k_steps_ is state s.
  std::vector<Pending> states = {Pending{}};
  std::map<std::tuple<uint32_t, uint8_t, uint8_t, uint8_t>, int32_t> index = {{Pending{}.Key(), 0}};
  std::string bytes;
  for (size_t s = 0; s < states.size(); ++s) {
    for (int32_t id = 0; id < k_pieces_; ++id) {
      bytes.clear();
      bpe.AppendPieceBytes(id, bytes);
      std::optional<Pending> at = states[s];
      int32_t chars = 0;
      for (size_t b = 0; b < bytes.size() && at; ++b) at = Feed(*at, static_cast<uint8_t>(bytes[b]), max_code, chars);
      Step step;
      if (at && !bytes.empty()) {
        const auto [it, added] = index.emplace(at->Key(), static_cast<int32_t>(states.size()));
        if (added) states.push_back(*at);
        step = {chars, it->second};
      }
      k_steps_.push_back(step);
    }
  }
  k_states_ = static_cast<int32_t>(states.size());

  // Fewest ids to a clean end with exactly k more characters. A piece that completes no
  // character only moves deeper into one sequence (none -> pending, need n -> need < n),
  // so for each k the states are settled in order of need 1, 2, 3, then none.
  std::vector<int32_t> order(static_cast<size_t>(k_states_));
  for (int32_t s = 0; s < k_states_; ++s) order[static_cast<size_t>(s)] = s;
  auto rank = [&states](int32_t s) {
    const int need = states[static_cast<size_t>(s)].need;
    return need == 0 ? 4 : need;
  };
  std::stable_sort(order.begin(), order.end(), [&rank](int32_t a, int32_t b) { return rank(a) < rank(b); });
  const auto stride = static_cast<size_t>(k_values_ + 1);
  k_min_ids_.assign(static_cast<size_t>(k_states_) * stride, kNever);
  for (int32_t k = 0; k <= k_values_; ++k) {
    for (int32_t s : order) {
      int32_t best = (s == 0 && k == 0) ? 0 : kNever;
      for (int32_t id = 0; id < k_pieces_; ++id) {
        const Step& step = StepOf(s, id);
        if (step.next < 0 || step.chars > k) continue;
        best = std::min(best, 1 + MinIds(step.next, k - step.chars));
      }
      k_min_ids_[static_cast<size_t>(s) * stride + static_cast<size_t>(k)] = best;
    }
  }
  if (shortest() > k_max_ids_) {
    throw InputError("FAST constrained decoding: no sequence of at most " + std::to_string(k_max_ids_) +
                     " ids decodes to " + std::to_string(k_values_) + " values with this vocabulary" +
                     (shortest() >= kNever ? std::string(" (none at all)")
                                           : " (the shortest takes " + std::to_string(shortest()) + ")") +
                     "; raise model.max_action_tokens");
  }
}

void FastConstraint::Allowed(const ConstraintState& state, std::vector<int32_t>& ids) const {
  ids.clear();
  const int32_t left = k_values_ - state.values;
  const int32_t budget = k_max_ids_ - state.ids - 1;  // ids after this one
  for (int32_t id = 0; id < k_pieces_; ++id) {
    const Step& step = StepOf(state.partial, id);
    if (step.next >= 0 && step.chars <= left && MinIds(step.next, left - step.chars) <= budget) ids.push_back(id);
  }
}

ConstraintState FastConstraint::Advance(const ConstraintState& state, int32_t id) const {
  const Step& step = StepOf(state.partial, id);
  return {state.ids + 1, state.values + step.chars, step.next};
}

bool FastConstraint::EndAllowed(const ConstraintState& state) const {
  return state.partial == 0 && state.values == k_values_;
}

}  // namespace fb::tokenizers
