// FASTerVQ's residual vector quantizer: r_1 = z, k_i = argmin_j ||r_i - e_ij||^2,
// r_{i+1} = r_i - e_i,k_i, z_q = sum_i e_i,k_i. Codebooks learn by EMA (cluster sizes and
// embedding sums, Laplace-smoothed), not by the loss; unused codes are re-initialised
// from recent encoder outputs (that level's residuals). Uses LibTorch.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "core/split_mix64.h"

namespace fb::tokenizers {

struct RvqOutput {
  torch::Tensor quantized;   // (batch x positions x code_dim) z_q, straight-through: its gradient flows to z
  torch::Tensor codes;       // (batch x levels x positions) int64 code per level
  torch::Tensor commitment;  // scalar mean ||z - sg(z_q)||^2 per element (unweighted)
  std::vector<torch::Tensor> residuals;  // per level: r_i (batch*positions x code_dim), detached
};

class ResidualVqImpl final : public torch::nn::Module {
 public:
  // Codebooks start uninitialised (zeros); the first Forward with an rng fills each level
  // from that batch's residuals.
  ResidualVqImpl(int levels, int codebook_size, int code_dim);

  int levels() const { return k_levels_; }
  int codebook_size() const { return k_codebook_size_; }
  int code_dim() const { return k_code_dim_; }

  // Training/analysis pass on z (batch x positions x code_dim). With `init_rng`, a level
  // whose codebook is not yet initialised is first filled from this batch's residuals.
  // Does not touch the EMA state (see UpdateEma).
  RvqOutput Forward(const torch::Tensor& z, SplitMix64* init_rng = nullptr);

  // Codes of z (batch x positions x code_dim) -> (batch x levels x positions) int64, no grad.
  torch::Tensor Quantize(const torch::Tensor& z);

  // Sum of the codes' vectors: codes (batch x k x positions), k <= levels, level i in
  // row i -> (batch x positions x code_dim). Codes must lie in [0, codebook_size).
  torch::Tensor Lookup(const torch::Tensor& codes);

  // EMA step with `decay` on every level: cluster_size <- decay*cs + (1-decay)*counts,
  // embed_sum likewise with the assigned residuals' sums, codebook <- embed_sum / the
  // Laplace-smoothed cluster_size. `residuals` and `codes` as returned by Forward.
  void UpdateEma(const std::vector<torch::Tensor>& residuals, const torch::Tensor& codes, double decay);

  // Replaces every code whose EMA cluster size is below threshold x (vectors per step / K)
  // by a residual drawn with `rng` from that level's `residuals`; returns the count per level.
  std::vector<int64_t> ResetDeadCodes(const std::vector<torch::Tensor>& residuals, double threshold,
                                      SplitMix64& rng);

  // Fraction of codes per level whose EMA cluster size is above threshold x fair share.
  std::vector<double> LiveFraction(double threshold) const;

  torch::Tensor& codebooks() { return k_codebooks_; }       // (levels x K x code_dim)
  torch::Tensor& cluster_size() { return k_cluster_size_; }  // (levels x K)
  torch::Tensor& embed_sum() { return k_embed_sum_; }        // (levels x K x code_dim)

 private:
  // Nearest code of each row of r (n x code_dim) in level `level`'s codebook -> (n) int64.
  torch::Tensor Nearest(const torch::Tensor& r, int level) const;
  // Sets code k of `level` to `vector` with EMA state worth `weight` assignments.
  void SetCode(int level, const torch::Tensor& indices, const torch::Tensor& vectors, double weight);

  int k_levels_, k_codebook_size_, k_code_dim_;
  torch::Tensor k_codebooks_, k_cluster_size_, k_embed_sum_;
  torch::Tensor k_initialized_;  // (levels) 0/1; a buffer so checkpoints restore it
  torch::Tensor k_fair_share_;   // (1) vectors per level per step / K, seen at the last update
};
TORCH_MODULE(ResidualVq);

}  // namespace fb::tokenizers
