#include "tokenizers/binning/binning_tokenizer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "core/error.h"

namespace fb::tokenizers {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

BinningTokenizer OpenVla() { return BinningTokenizer({"openvla", 256}); }

TEST(BinningTokenizerTest, OpenVlaMatchesDigitizeAndCentres) {
  const auto tokenizer = OpenVla();
  // OpenVLA's worked examples, in our id space (id = digitize - 1):
  // 0.0 -> digitize 128 -> centre 0.0; 1.0 -> digitize 256 -> value 0.99608.
  const std::vector<float> chunk = {0.0f, 1.0f, -1.0f, 5.0f, -5.0f};
  const auto ids = tokenizer.Encode(chunk, 1, 5);
  EXPECT_EQ(ids, (TokenIds{127, 255, 0, 255, 0}));
  const auto decoded = tokenizer.Decode(ids, 1, 5);
  EXPECT_EQ(decoded.failure, DecodeFailure::kNone);
  EXPECT_NEAR(decoded.actions[0], 0.0, 1e-7);
  EXPECT_NEAR(decoded.actions[1], 0.99607843, 1e-6);
  EXPECT_NEAR(decoded.actions[2], -0.99607843, 1e-6);
}

TEST(BinningTokenizerTest, Rt1UsesGridPoints) {
  const BinningTokenizer tokenizer({"rt1", 256});
  const std::vector<float> chunk = {-1.0f, 1.0f, 0.0f};
  const auto ids = tokenizer.Encode(chunk, 1, 3);
  EXPECT_EQ(ids, (TokenIds{0, 255, 127}));
  const auto decoded = tokenizer.Decode(ids, 1, 3);
  EXPECT_FLOAT_EQ(decoded.actions[0], -1.0f);
  EXPECT_FLOAT_EQ(decoded.actions[1], 1.0f);
  EXPECT_NEAR(decoded.actions[2], 127.0 / 255.0 * 2 - 1, 1e-6);
}

TEST(BinningTokenizerTest, RoundTripErrorIsWithinHalfABin) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (const char* variant : {"openvla", "rt1"}) {
    const BinningTokenizer tokenizer({variant, 256});
    std::vector<float> chunk(20 * 7);
    for (auto& x : chunk) x = u(rng);
    const auto decoded = tokenizer.Decode(tokenizer.Encode(chunk, 20, 7), 20, 7);
    const double bin = 2.0 / 255.0;
    const double bound = std::string(variant) == "rt1" ? bin : bin / 2 + 1e-6;
    for (size_t i = 0; i < chunk.size(); ++i) EXPECT_LE(std::abs(decoded.actions[i] - chunk[i]), bound) << variant;
  }
}

TEST(BinningTokenizerTest, BadIdsAndLengthsDecodeWithFailureKinds) {
  const auto tokenizer = OpenVla();
  const std::vector<int32_t> unknown = {-3, 999};
  const auto a = tokenizer.Decode(unknown, 1, 2);
  EXPECT_EQ(a.failure, DecodeFailure::kUnknownId);
  EXPECT_NEAR(a.actions[0], -0.99607843, 1e-6);  // clamped to the edge bins
  const std::vector<int32_t> short_ids = {127};
  const auto b = tokenizer.Decode(short_ids, 1, 3);
  EXPECT_EQ(b.failure, DecodeFailure::kWrongLength);
  ASSERT_EQ(b.actions.size(), 3u);
  EXPECT_EQ(b.actions[2], 0.0f);
}

// Each check on its own input, and each error says which check failed: a chunk that is both
// the wrong size and non-finite would let one throw hide the other.
TEST(BinningTokenizerTest, RejectsNonFiniteAndWrongShape) {
  const auto tokenizer = OpenVla();
  const std::vector<float> nan_chunk = {0.0f, NAN};
  EXPECT_THAT([&] { tokenizer.Encode(nan_chunk, 1, 2); },
              ThrowsMessage<InputError>(HasSubstr("non-finite action value at step 0, dim 1")));
  const std::vector<float> finite_chunk = {0.0f, 0.5f};
  EXPECT_THAT([&] { tokenizer.Encode(finite_chunk, 2, 2); },
              ThrowsMessage<InputError>(HasSubstr("chunk has 2 values, expected")));
  EXPECT_NO_THROW(tokenizer.Encode(finite_chunk, 1, 2));
}

TEST(BinningTokenizerTest, LayoutIsHorizonTimesDimsSlotsOfAnyBin) {
  const auto tokenizer = OpenVla();
  const TokenLayout layout = tokenizer.token_layout(4, 7);
  EXPECT_FALSE(layout.variable_length);
  EXPECT_EQ(layout.length, 28);
  EXPECT_EQ(layout.block, 1);
  ASSERT_EQ(layout.slots.size(), 28u);
  for (int i = 0; i < 28; ++i) EXPECT_EQ(layout.slot(i), (IdRange{0, 256})) << i;
  EXPECT_THROW(tokenizer.token_layout(0, 7), InputError);
}

// The default grammar of a fixed-length layout: each slot's range, then the end.
TEST(BinningTokenizerTest, ConstrainedDecodingIsTheSlotGrammar) {
  const auto tokenizer = OpenVla();
  const auto constraint = tokenizer.MakeDecodingConstraint(1, 2, /*max_ids=*/1);  // fixed length ignores it
  std::vector<int32_t> ids;
  ConstraintState state = constraint->Start();
  for (int slot = 0; slot < 2; ++slot) {
    EXPECT_FALSE(constraint->EndAllowed(state));
    constraint->Allowed(state, ids);
    ASSERT_EQ(ids.size(), 256u);
    EXPECT_EQ(ids.front(), 0);
    EXPECT_EQ(ids.back(), 255);
    state = constraint->Advance(state, ids.back());
  }
  EXPECT_TRUE(constraint->EndAllowed(state));
  constraint->Allowed(state, ids);
  EXPECT_TRUE(ids.empty());
}

}  // namespace
}  // namespace fb::tokenizers
