#include "tokenizers/fastervq/residual_vq.h"

#include <gtest/gtest.h>

namespace fb::tokenizers {
namespace {

// Codebooks whose levels have decreasing scale (1, 0.1, 0.01), and data built from one
// code per level plus small noise: the structure a residual VQ should peel off in order.
ResidualVq StructuredQuantizer(torch::Tensor& z) {
  torch::manual_seed(3);
  ResidualVq rvq(3, 16, 4);
  const double scales[] = {1.0, 0.1, 0.01};
  for (int level = 0; level < 3; ++level) rvq->codebooks()[level].copy_(torch::randn({16, 4}) * scales[level]);
  const auto pick = torch::randint(0, 16, {3, 10 * 5}, torch::kInt64);
  z = torch::zeros({50, 4});
  for (int level = 0; level < 3; ++level) z += rvq->codebooks()[level].index_select(0, pick[level]);
  z = (z + 0.001 * torch::randn({50, 4})).view({10, 5, 4});
  return rvq;
}

TEST(ResidualVqTest, QuantizedIsTheSumOfChosenCodesAndResidualsShrink) {
  torch::Tensor z;
  ResidualVq rvq = StructuredQuantizer(z);
  const RvqOutput out = rvq->Forward(z);
  ASSERT_EQ(out.codes.sizes(), (std::vector<int64_t>{10, 3, 5}));
  // z_q = sum over levels of the chosen code vectors.
  EXPECT_TRUE(torch::allclose(out.quantized, rvq->Lookup(out.codes), 1e-5, 1e-6));
  EXPECT_TRUE(torch::equal(rvq->Quantize(z), out.codes));
  // r_1 = z, and each level's residual is smaller than the one before, down to the noise.
  EXPECT_TRUE(torch::allclose(out.residuals[0], z.reshape({50, 4})));
  double previous = out.residuals[0].norm().item<double>();
  for (int level = 1; level < 3; ++level) {
    const double norm = out.residuals[static_cast<size_t>(level)].norm().item<double>();
    EXPECT_LT(norm, 0.5 * previous) << "level " << level;
    previous = norm;
  }
  const double final_residual = (z - out.quantized).norm().item<double>();
  EXPECT_LT(final_residual, 0.5 * previous);
  // Fewer levels: the coarse sum of the first k codes.
  const auto coarse = rvq->Lookup(out.codes.narrow(1, 0, 1));
  EXPECT_TRUE(torch::allclose(coarse.reshape({50, 4}),
                              rvq->codebooks()[0].index_select(0, out.codes.select(1, 0).reshape({50}))));
}

TEST(ResidualVqTest, EmaUpdateMovesACodeTowardsItsVectorsByTheExpectedAmount) {
  ResidualVq rvq(1, 4, 2);
  const auto codes0 = torch::tensor({{0.0f, 0.0f}, {5.0f, 5.0f}, {-5.0f, 5.0f}, {5.0f, -5.0f}});
  rvq->codebooks()[0].copy_(codes0);
  rvq->cluster_size()[0].fill_(2.0);
  rvq->embed_sum()[0].copy_(codes0 * 2.0);
  // Three vectors near code 0 with mean (0.3, 0.6); each other code gets one at itself.
  const auto vectors = torch::tensor({{0.2f, 0.5f}, {0.4f, 0.7f}, {0.3f, 0.6f}, {5.0f, 5.0f}, {-5.0f, 5.0f}, {5.0f, -5.0f}});
  const RvqOutput out = rvq->Forward(vectors.view({1, 6, 2}));
  ASSERT_TRUE(torch::equal(out.codes.view({6}), torch::tensor({0, 0, 0, 1, 2, 3}, torch::kInt64)));
  const double decay = 0.8;
  rvq->UpdateEma(out.residuals, out.codes, decay);
  // cluster size 0.8*2 + 0.2*3 = 2.2; embed sum 0.8*2*(0,0) + 0.2*3*(0.3,0.6) = (0.18, 0.36);
  // code = sum / size (Laplace smoothing changes it by ~1e-5 relative).
  EXPECT_NEAR(rvq->cluster_size()[0][0].item<double>(), 2.2, 1e-6);
  EXPECT_NEAR(rvq->codebooks()[0][0][0].item<double>(), 0.18 / 2.2, 1e-4);
  EXPECT_NEAR(rvq->codebooks()[0][0][1].item<double>(), 0.36 / 2.2, 1e-4);
  // Codes whose vectors sit on them stay put.
  EXPECT_TRUE(torch::allclose(rvq->codebooks()[0][1], codes0[1], 1e-3, 1e-3));
}

TEST(ResidualVqTest, DeadCodesAreReplacedByRecentResiduals) {
  ResidualVq rvq(1, 8, 2);
  rvq->codebooks()[0].copy_(torch::arange(16, torch::kFloat32).view({8, 2}));
  rvq->cluster_size()[0].copy_(torch::tensor({10.f, 10.f, 10.f, 10.f, 0.f, 0.f, 0.01f, 0.f}));
  const auto before = rvq->codebooks()[0].clone();
  const auto recent = 100.0 + torch::arange(32, torch::kFloat32).view({16, 2});  // 16 vectors: fair share 2
  SplitMix64 rng(7);
  const auto reset = rvq->ResetDeadCodes({recent}, /*threshold=*/0.1, rng);
  ASSERT_EQ(reset, (std::vector<int64_t>{4}));
  EXPECT_TRUE(torch::equal(rvq->codebooks()[0].narrow(0, 0, 4), before.narrow(0, 0, 4)));
  for (int k = 4; k < 8; ++k) {
    const auto distance = (recent - rvq->codebooks()[0][k]).abs().sum(1).min().item<double>();
    EXPECT_EQ(distance, 0.0) << "code " << k << " is not one of the recent residuals";
    EXPECT_NEAR(rvq->cluster_size()[0][k].item<double>(), 2.0, 1e-6);  // restarted at a fair share
  }
}

TEST(ResidualVqTest, StraightThroughPassesTheQuantizedGradientToTheEncoderOutput) {
  torch::Tensor z0;
  ResidualVq rvq = StructuredQuantizer(z0);
  const auto z = z0.clone().requires_grad_(true);
  const RvqOutput out = rvq->Forward(z);
  const auto weights = torch::randn(z.sizes());
  const auto loss = (out.quantized.pow(2) * weights).sum();
  const auto grads = torch::autograd::grad({loss}, {z, out.quantized});
  EXPECT_TRUE(torch::allclose(grads[0], grads[1]));
  EXPECT_GT(grads[0].abs().sum().item<double>(), 0.0);
  // Commitment pulls z towards sg(z_q): its gradient is 2 (z - z_q) / numel, nothing to the codebook.
  const auto commit_grad = torch::autograd::grad({out.commitment}, {z})[0];
  EXPECT_TRUE(torch::allclose(commit_grad, 2.0 * (z - out.quantized).detach() / z.numel(), 1e-5, 1e-7));
}

}  // namespace
}  // namespace fb::tokenizers
