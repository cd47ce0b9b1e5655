#include <memory>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/split_mix64.h"
#include "policies/vla/action_generation.h"
#include "policies/vla/action_token_layout.h"
#include "tests/policies/vla/vla_test_data.h"
#include "tokenizers/binning/binning_tokenizer.h"
#include "tokenizers/fast/fast_tokenizer.h"

namespace fb::policies {
namespace {

constexpr int kHorizon = 4, kDims = 2;

tokenizers::TokenizerPackage FittedFast() {
  auto tokenizer = tokenizers::FastTokenizer::FromConfig({100, 512, 2, false, true, "zeros"});
  ActionChunks chunks = ActionChunks::Zeros(500, kHorizon, kDims);
  SplitMix64 rng(5);
  for (float& v : chunks.values) v = static_cast<float>(rng.Uniform(-1.0, 1.0));
  tokenizer->Fit(chunks);
  tokenizers::TokenizerPackage package;
  package.tokenizer = std::move(tokenizer);
  return package;
}

// An untrained network: its logits are as good as random, so an unconstrained FAST
// sequence almost never decodes.
struct Untrained {
  VlaNet net{nullptr};
  PrefixCache prefix;
  Untrained(const ActionTokenLayout& layout, int seed) {
    torch::manual_seed(seed);
    net = VlaNet(testing::TinyTrainConfig("fast_ar", "unused", "unused").model,
                 VlaVocabularies{10, 0, 0, layout.input_vocab(), layout.output_vocab()}, 8);
    net->eval();
    torch::NoGradGuard no_grad;
    PrefixInputs in;
    in.images = torch::randint(0, 256, {1, 2, testing::kImageSize, testing::kImageSize, 3}).to(torch::kUInt8);
    in.words = torch::tensor({{2, 3, 4, 0, 0, 0, 0, 0}}, torch::kInt64);
    in.proprio = torch::randn({1, 8});
    prefix = net->EncodePrefix(in);
  }
};

TEST(ConstrainedGenerationTest, FastChunksAlwaysDecodeWhereTheReferenceFails) {
  torch::set_num_threads(1);
  const auto package = FittedFast();
  const ActionTokenLayout layout(package, kHorizon, kDims, 1, /*max_action_tokens=*/24);
  const auto constraint = package.tokenizer->MakeDecodingConstraint(kHorizon, kDims, layout.sequence_length() - 1);
  Untrained model(layout, 3);
  torch::NoGradGuard no_grad;
  int reference_failures = 0;
  for (bool greedy : {true, false}) {
    const SamplingConfig sampling{greedy, 50, 1.0};
    for (uint64_t seed = 0; seed < (greedy ? 1u : 5u); ++seed) {
      SplitMix64 rng(seed), same(seed);
      const auto reference = GenerateActionTokens(model.net, model.prefix, layout, false, sampling, rng);
      reference_failures +=
          package.tokenizer->Decode(reference.ids, kHorizon, kDims).failure != tokenizers::DecodeFailure::kNone;
      const auto constrained =
          GenerateActionTokens(model.net, model.prefix, layout, false, sampling, same, constraint.get());
      const auto decoded = package.tokenizer->Decode(constrained.ids, kHorizon, kDims);
      EXPECT_EQ(decoded.failure, tokenizers::DecodeFailure::kNone) << greedy << " " << seed;
      EXPECT_EQ(decoded.actions.size(), static_cast<size_t>(kHorizon * kDims));
      EXPECT_LE(constrained.ids.size(), 24u);
      EXPECT_EQ(constrained.forward_passes, static_cast<int>(constrained.ids.size()) + 1);  // + the end token
    }
  }
  EXPECT_GE(reference_failures, 5) << "the untrained network should fail most reference decodes";
}

TEST(ConstrainedGenerationTest, FixedLengthConstrainedIsTheReference) {
  torch::set_num_threads(1);
  tokenizers::TokenizerPackage package;
  package.tokenizer = std::make_shared<tokenizers::BinningTokenizer>(tokenizers::BinningConfig{"openvla", 64});
  const ActionTokenLayout layout(package, kHorizon, kDims, 2, 24);
  const auto constraint = package.tokenizer->MakeDecodingConstraint(kHorizon, kDims, 24);
  Untrained model(layout, 4);
  torch::NoGradGuard no_grad;
  SplitMix64 rng(9), same(9);
  const SamplingConfig sampling{false, 10, 1.0};
  const auto reference = GenerateActionTokens(model.net, model.prefix, layout, false, sampling, rng);
  const auto constrained =
      GenerateActionTokens(model.net, model.prefix, layout, false, sampling, same, constraint.get());
  EXPECT_EQ(constrained.ids, reference.ids);
  EXPECT_EQ(reference.ids.size(), static_cast<size_t>(kHorizon * kDims));
  EXPECT_EQ(constrained.forward_passes, kHorizon * kDims / 2);
}

}  // namespace
}  // namespace fb::policies
