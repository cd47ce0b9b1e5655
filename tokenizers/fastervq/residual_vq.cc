#include "tokenizers/fastervq/residual_vq.h"

#include <algorithm>

namespace fb::tokenizers {
namespace {

// Laplace smoothing of the EMA cluster sizes keeps an empty code's division finite.
constexpr double kLaplaceEpsilon = 1e-5;

// `count` row indices in [0, rows) from `rng`, as an int64 tensor.
torch::Tensor DrawRows(int64_t count, int64_t rows, SplitMix64& rng) {
  std::vector<int64_t> picks(static_cast<size_t>(count));
  for (auto& p : picks) p = static_cast<int64_t>(rng.Below(static_cast<uint64_t>(rows)));
  return torch::tensor(picks, torch::kInt64);
}

}  // namespace

ResidualVqImpl::ResidualVqImpl(int levels, int codebook_size, int code_dim)
    : k_levels_(levels), k_codebook_size_(codebook_size), k_code_dim_(code_dim) {
  k_codebooks_ = register_buffer("codebooks", torch::zeros({levels, codebook_size, code_dim}));
  k_cluster_size_ = register_buffer("cluster_size", torch::zeros({levels, codebook_size}));
  k_embed_sum_ = register_buffer("embed_sum", torch::zeros({levels, codebook_size, code_dim}));
  k_initialized_ = register_buffer("initialized", torch::zeros({levels}));
  k_fair_share_ = register_buffer("fair_share", torch::ones({1}));
}

torch::Tensor ResidualVqImpl::Nearest(const torch::Tensor& r, int level) const {
  const auto codebook = k_codebooks_[level];
  // ||r - e||^2 = ||r||^2 - 2 r.e + ||e||^2; ||r||^2 does not change the argmin.
  const auto distances = torch::addmm(codebook.pow(2).sum(1).unsqueeze(0), r, codebook.t(), 1.0, -2.0);
  return distances.argmin(1);
}

void ResidualVqImpl::SetCode(int level, const torch::Tensor& indices, const torch::Tensor& vectors, double weight) {
  k_codebooks_[level].index_copy_(0, indices, vectors);
  k_embed_sum_[level].index_copy_(0, indices, vectors * weight);
  k_cluster_size_[level].index_fill_(0, indices, weight);
}

RvqOutput ResidualVqImpl::Forward(const torch::Tensor& z, SplitMix64* init_rng) {
  const int64_t batch = z.size(0), positions = z.size(1);
  const int64_t rows = batch * positions;
  RvqOutput out;
  torch::Tensor r = z.detach().reshape({rows, k_code_dim_});
  torch::Tensor quantized = torch::zeros_like(r);
  std::vector<torch::Tensor> codes;
  {
    torch::NoGradGuard no_grad;
    for (int level = 0; level < k_levels_; ++level) {
      if (init_rng != nullptr && k_initialized_[level].item<float>() == 0.0f) {
        const double share = static_cast<double>(rows) / k_codebook_size_;
        const auto picks = r.index_select(0, DrawRows(k_codebook_size_, rows, *init_rng));
        SetCode(level, torch::arange(k_codebook_size_, torch::kInt64), picks, share);
        k_initialized_[level].fill_(1.0);
      }
      out.residuals.push_back(r);
      const auto index = Nearest(r, level);
      const auto chosen = k_codebooks_[level].index_select(0, index);
      quantized = quantized + chosen;
      r = r - chosen;
      codes.push_back(index.view({batch, positions}));
    }
  }
  quantized = quantized.view_as(z);
  out.commitment = (z - quantized).pow(2).mean();
  // Straight-through: forward value z_q, gradient of the loss w.r.t. z_q passed to z.
  out.quantized = z + (quantized - z).detach();
  out.codes = torch::stack(codes, 1);
  return out;
}

torch::Tensor ResidualVqImpl::Quantize(const torch::Tensor& z) {
  torch::NoGradGuard no_grad;
  const int64_t batch = z.size(0), positions = z.size(1);
  torch::Tensor r = z.reshape({batch * positions, k_code_dim_});
  std::vector<torch::Tensor> codes;
  for (int level = 0; level < k_levels_; ++level) {
    const auto index = Nearest(r, level);
    if (level + 1 < k_levels_) r = r - k_codebooks_[level].index_select(0, index);
    codes.push_back(index.view({batch, positions}));
  }
  return torch::stack(codes, 1);
}

torch::Tensor ResidualVqImpl::Lookup(const torch::Tensor& codes) {
  const int64_t batch = codes.size(0), used = codes.size(1), positions = codes.size(2);
  torch::Tensor sum = torch::zeros({batch * positions, k_code_dim_});
  for (int64_t level = 0; level < used; ++level) {
    sum = sum + k_codebooks_[level].index_select(0, codes.select(1, level).reshape({batch * positions}));
  }
  return sum.view({batch, positions, k_code_dim_});
}

void ResidualVqImpl::UpdateEma(const std::vector<torch::Tensor>& residuals, const torch::Tensor& codes,
                               double decay) {
  torch::NoGradGuard no_grad;
  const int64_t rows = residuals.front().size(0);
  k_fair_share_.fill_(static_cast<double>(rows) / k_codebook_size_);
  for (int level = 0; level < k_levels_; ++level) {
    const auto index = codes.select(1, level).reshape({rows});
    const auto counts = torch::zeros({k_codebook_size_}).index_add_(0, index, torch::ones({rows}));
    const auto sums = torch::zeros({k_codebook_size_, k_code_dim_}).index_add_(0, index, residuals[level]);
    auto cluster_size = k_cluster_size_[level];
    auto embed_sum = k_embed_sum_[level];
    cluster_size.mul_(decay).add_(counts, 1.0 - decay);
    embed_sum.mul_(decay).add_(sums, 1.0 - decay);
    const auto total = cluster_size.sum();
    const auto smoothed = (cluster_size + kLaplaceEpsilon) / (total + k_codebook_size_ * kLaplaceEpsilon) * total;
    k_codebooks_[level].copy_(embed_sum / smoothed.unsqueeze(1));
  }
}

std::vector<int64_t> ResidualVqImpl::ResetDeadCodes(const std::vector<torch::Tensor>& residuals, double threshold,
                                                    SplitMix64& rng) {
  torch::NoGradGuard no_grad;
  std::vector<int64_t> reset(static_cast<size_t>(k_levels_), 0);
  const int64_t rows = residuals.front().size(0);
  const double share = static_cast<double>(rows) / k_codebook_size_;
  for (int level = 0; level < k_levels_; ++level) {
    const auto dead = (k_cluster_size_[level] < threshold * share).nonzero().view({-1});
    const int64_t count = dead.size(0);
    if (count == 0) continue;
    SetCode(level, dead, residuals[static_cast<size_t>(level)].index_select(0, DrawRows(count, rows, rng)), share);
    reset[static_cast<size_t>(level)] = count;
  }
  return reset;
}

std::vector<double> ResidualVqImpl::LiveFraction(double threshold) const {
  const double share = k_fair_share_.item<double>();
  const auto live = (k_cluster_size_ >= threshold * share).to(torch::kFloat64).mean(1);
  std::vector<double> fractions(static_cast<size_t>(k_levels_));
  for (int level = 0; level < k_levels_; ++level) fractions[static_cast<size_t>(level)] = live[level].item<double>();
  return fractions;
}

}  // namespace fb::tokenizers
