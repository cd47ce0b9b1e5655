#include "policies/vla/action_generation.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

namespace fb::policies {
namespace {

// Draws among `ids` (ascending, not empty): the best logit, or top-k sampling.
int32_t Choose(const float* logits, std::vector<int32_t>& ids, const SamplingConfig& sampling, SplitMix64& rng) {
  if (sampling.greedy) {
    return *std::max_element(ids.begin(), ids.end(), [logits](int32_t a, int32_t b) { return logits[a] < logits[b]; });
  }
  const size_t k = std::min(ids.size(), static_cast<size_t>(sampling.top_k));
  std::partial_sort(ids.begin(), ids.begin() + static_cast<ptrdiff_t>(k), ids.end(),
                    [logits](int32_t a, int32_t b) { return logits[a] > logits[b] || (logits[a] == logits[b] && a < b); });
  std::vector<double> weights(k);
  const double top = logits[ids[0]];
  for (size_t i = 0; i < k; ++i) weights[i] = std::exp((logits[ids[i]] - top) / sampling.temperature);
  double draw = rng.Uniform(0.0, std::accumulate(weights.begin(), weights.end(), 0.0));
  for (size_t i = 0; i < k; ++i) {
    if ((draw -= weights[i]) < 0) return ids[i];
  }
  return ids[k - 1];
}

// The ids position `position` may take: the layout's range, or what the constraint allows
// (plus the end token where it may end).
void Candidates(const ActionTokenLayout& layout, const tokenizers::DecodingConstraint* constraint,
                const tokenizers::ConstraintState& state, int position, std::vector<int32_t>& ids) {
  if (constraint == nullptr) {
    const auto [first, last] = layout.allowed(position);
    ids.resize(static_cast<size_t>(last - first));
    std::iota(ids.begin(), ids.end(), first);
    return;
  }
  constraint->Allowed(state, ids);
  if (layout.variable_length() && constraint->EndAllowed(state)) ids.push_back(layout.end_token());
  if (ids.empty()) {
    throw std::logic_error("the decoding constraint allows nothing at action token " + std::to_string(position));
  }
}

}  // namespace

torch::Tensor InferencePositions(const VlaNet& net, int64_t first_token, int64_t count, bool gap_jitter) {
  const int64_t gap = gap_jitter ? 2 : 1;
  return torch::arange(first_token + 1, first_token + count + 1, torch::kInt64) * gap + net->first_action_position();
}

GeneratedTokens GenerateActionTokens(VlaNet& net, const PrefixCache& prefix, const ActionTokenLayout& layout,
                                     bool gap_jitter, const SamplingConfig& sampling, SplitMix64& rng,
                                     const tokenizers::DecodingConstraint* constraint) {
  GeneratedTokens out;
  ActionCache cache;
  const int length = layout.sequence_length(), block = layout.block_size();
  std::vector<int64_t> inputs(static_cast<size_t>(block), layout.block_start_token());
  std::vector<int32_t> candidates;
  tokenizers::ConstraintState state;
  for (int start = 0, j = 0; start < length; start += block, ++j) {
    const int n = std::min(block, length - start);
    inputs.resize(static_cast<size_t>(n));
    const auto logits = net->DecodeActions(prefix, cache, torch::tensor(inputs, torch::kInt64).view({1, n}),
                                           InferencePositions(net, start, n, gap_jitter),
                                           torch::full({n}, j, torch::kInt64))
                            .contiguous();
    ++out.forward_passes;
    const float* row = logits.data_ptr<float>();
    for (int i = 0; i < n; ++i) {
      Candidates(layout, constraint, state, start + i, candidates);
      const int32_t id = Choose(row + static_cast<int64_t>(i) * logits.size(2), candidates, sampling, rng);
      if (layout.variable_length() && id == layout.end_token()) return out;
      if (constraint != nullptr) state = constraint->Advance(state, id);
      out.ids.push_back(id);
      inputs[static_cast<size_t>(i)] = id;
    }
  }
  return out;
}

}  // namespace fb::policies
