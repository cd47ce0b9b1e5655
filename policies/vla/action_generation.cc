#include "policies/vla/action_generation.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace fb::policies {
namespace {

int32_t Choose(const float* logits, std::pair<int32_t, int32_t> range, const SamplingConfig& sampling,
               SplitMix64& rng) {
  const auto [first, last] = range;
  if (sampling.greedy) return static_cast<int32_t>(std::max_element(logits + first, logits + last) - logits);
  std::vector<int32_t> ids(static_cast<size_t>(last - first));
  std::iota(ids.begin(), ids.end(), first);
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

}  // namespace

torch::Tensor InferencePositions(const VlaNet& net, int64_t first_token, int64_t count, bool gap_jitter) {
  const int64_t gap = gap_jitter ? 2 : 1;
  return torch::arange(first_token + 1, first_token + count + 1, torch::kInt64) * gap + net->first_action_position();
}

GeneratedTokens GenerateActionTokens(VlaNet& net, const PrefixCache& prefix, const ActionTokenLayout& layout,
                                     bool gap_jitter, const SamplingConfig& sampling, SplitMix64& rng) {
  GeneratedTokens out;
  ActionCache cache;
  const int length = layout.sequence_length(), block = layout.block_size();
  std::vector<int64_t> inputs(static_cast<size_t>(block), layout.block_start_token());
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
      const int32_t id = Choose(row + static_cast<int64_t>(i) * logits.size(2), layout.allowed(start + i), sampling, rng);
      if (layout.variable_length() && id == layout.end_token()) return out;
      out.ids.push_back(id);
      inputs[static_cast<size_t>(i)] = id;
    }
  }
  return out;
}

}  // namespace fb::policies
