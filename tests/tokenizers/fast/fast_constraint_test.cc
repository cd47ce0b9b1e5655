#include "tokenizers/fast/fast_constraint.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/split_mix64.h"
#include "tests/tokenizers/fast/hand_built_tokenizer.h"
#include "tokenizers/fast/byte_level.h"
#include "tokenizers/fast/fast_tokenizer.h"

namespace fb::tokenizers {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// The hand-built tokenizer: FAST+ settings (vocab_size 2048, so code points up to U+0800,
// which takes three UTF-8 bytes E0 A0 80), 256 byte pieces and eight merges.
std::unique_ptr<FastTokenizer> HandBuilt() {
  testing::TempDir dir("constraint");
  dir.Write("tokenizer.json", testing::HandBuiltTokenizerJson(false));
  dir.Write("processor_config.json", testing::HandBuiltProcessorConfig());
  return FastTokenizer::Load(dir.path());
}

// Id of the piece that is the single byte `byte`.
int32_t ByteId(const FastTokenizer& tokenizer, uint8_t byte) {
  return tokenizer.bpe().FindPiece(EncodeUtf8(std::u32string(1, ByteToSymbol(byte))));
}

bool Contains(const std::vector<int32_t>& ids, int32_t id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// A small fitted tokenizer whose characters need one and two UTF-8 bytes: scale 100 puts
// the quantized values of 4 x 2 chunks over a range of a few hundred code points.
std::unique_ptr<FastTokenizer> FittedSmall() {
  auto tokenizer = FastTokenizer::FromConfig(FastConfig{100, 512, 2, false, true, "zeros"});
  ActionChunks chunks = ActionChunks::Zeros(2000, 4, 2);
  SplitMix64 rng(3);
  for (float& v : chunks.values) v = static_cast<float>(rng.Uniform(-1.0, 1.0));
  tokenizer->Fit(chunks);
  return tokenizer;
}

// Greedy decoding under `logit(step, id)`, id == vocab being the end token: among the ids
// the constraint allows (plus the end where it allows the end), or among all of them
// without a constraint, for at most max_ids ids.
TokenIds Greedy(const std::function<float(int, int32_t)>& logit, int32_t vocab, const DecodingConstraint* constraint,
                int max_ids) {
  TokenIds out;
  ConstraintState state;
  std::vector<int32_t> ids;
  for (int step = 0; step <= max_ids; ++step) {
    if (constraint != nullptr) {
      constraint->Allowed(state, ids);
      if (constraint->EndAllowed(state)) ids.push_back(vocab);
    } else {
      ids.resize(static_cast<size_t>(vocab) + 1);
      for (int32_t i = 0; i <= vocab; ++i) ids[static_cast<size_t>(i)] = i;
    }
    if (ids.empty()) ADD_FAILURE() << "nothing allowed at step " << step;
    if (ids.empty()) return out;
    const int32_t id = *std::max_element(ids.begin(), ids.end(), [&](int32_t a, int32_t b) {
      return logit(step, a) < logit(step, b);
    });
    if (id == vocab) return out;
    if (constraint != nullptr) state = constraint->Advance(state, id);
    out.push_back(id);
  }
  return out;
}

TEST(FastConstraintTest, FollowsUtf8AndTheCodePointLimitAcrossPieces) {
  const auto tokenizer = HandBuilt();
  const auto constraint = tokenizer->MakeDecodingConstraint(1, 2, 16);
  std::vector<int32_t> allowed;
  ConstraintState start = constraint->Start();
  constraint->Allowed(start, allowed);
  EXPECT_TRUE(Contains(allowed, ByteId(*tokenizer, 'A')));
  EXPECT_TRUE(Contains(allowed, ByteId(*tokenizer, 0xC5)));  // a two-byte lead
  EXPECT_TRUE(Contains(allowed, ByteId(*tokenizer, 0xE0)));  // E0 A0 80 = U+0800 = 2048, the largest value
  EXPECT_TRUE(Contains(allowed, 257));                       // "Å¢Å¢": two whole characters
  for (uint8_t bad : {0x80, 0xA2, 0xBF, 0xC0, 0xC1, 0xE1, 0xED, 0xF0, 0xF4, 0xFF}) {
    EXPECT_FALSE(Contains(allowed, ByteId(*tokenizer, bad))) << int{bad};  // continuation, overlong, > 2048
  }

  // After E0 only A0 keeps the code point <= 2048, and after E0 A0 only 80.
  ConstraintState state = constraint->Advance(start, ByteId(*tokenizer, 0xE0));
  EXPECT_EQ(state.values, 0);
  EXPECT_NE(state.partial, 0);
  EXPECT_FALSE(constraint->EndAllowed(state));
  constraint->Allowed(state, allowed);
  EXPECT_EQ(allowed, std::vector<int32_t>{ByteId(*tokenizer, 0xA0)});
  state = constraint->Advance(state, ByteId(*tokenizer, 0xA0));
  constraint->Allowed(state, allowed);
  EXPECT_EQ(allowed, std::vector<int32_t>{ByteId(*tokenizer, 0x80)});
  state = constraint->Advance(state, ByteId(*tokenizer, 0x80));
  EXPECT_EQ(state.values, 1);
  EXPECT_EQ(state.partial, 0);

  // A piece that ends in the middle of a character: "Å" alone is the lead byte C5.
  state = constraint->Advance(start, ByteId(*tokenizer, 0xC5));
  constraint->Allowed(state, allowed);
  EXPECT_TRUE(Contains(allowed, ByteId(*tokenizer, 0xA2)));
  EXPECT_FALSE(Contains(allowed, ByteId(*tokenizer, 'A')));
}

TEST(FastConstraintTest, TheEndIsRefusedBeforeHorizonTimesDimsValuesAndForcedAtIt) {
  const auto tokenizer = HandBuilt();
  const auto constraint = tokenizer->MakeDecodingConstraint(1, 3, 16);
  std::vector<int32_t> allowed;
  ConstraintState state = constraint->Start();
  for (int values = 0; values < 3; ++values) {
    EXPECT_FALSE(constraint->EndAllowed(state)) << values;
    constraint->Allowed(state, allowed);
    EXPECT_FALSE(allowed.empty());
    if (values == 2) {
      EXPECT_FALSE(Contains(allowed, 257)) << "two more characters would make four";
    }
    state = constraint->Advance(state, ByteId(*tokenizer, 'A'));
  }
  EXPECT_EQ(state.values, 3);
  EXPECT_TRUE(constraint->EndAllowed(state));
  constraint->Allowed(state, allowed);
  EXPECT_TRUE(allowed.empty()) << "at horizon x dims values the end is the only choice";
}

TEST(FastConstraintTest, KeepsACleanEndingWithinTheIdBudget) {
  const auto tokenizer = HandBuilt();
  // Four characters: two two-character pieces ("Å¢Å¢", "ĠÅ¢") are the shortest way.
  EXPECT_EQ(FastConstraint(tokenizer->bpe(), 4, 2048, 2).shortest(), 2);
  EXPECT_THAT([&] { tokenizer->MakeDecodingConstraint(2, 2, 1); },
              ThrowsMessage<InputError>(HasSubstr("raise model.max_action_tokens")));
  // With exactly two ids, the first must be a two-character piece.
  const auto constraint = tokenizer->MakeDecodingConstraint(2, 2, 2);
  std::vector<int32_t> allowed;
  constraint->Allowed(constraint->Start(), allowed);
  EXPECT_EQ(allowed, (std::vector<int32_t>{257, 263}));
}

// Random logits (seeded) through the constraint, greedy: every sequence decodes to
// exactly horizon x dims values, with a generous and with the tightest id budget. Each
// step draws a logit for every allowed id (and the end token where allowed), which is the
// argmax of a random logit vector over the whole output vocabulary under the mask.
TEST(FastConstraintTest, RandomLogitsNeverFailToDecode) {
  const auto tokenizer = FittedSmall();
  constexpr int kHorizon = 4, kDims = 2;
  const auto vocab = static_cast<int32_t>(tokenizer->vocab_size());
  const int generous_ids = 2 * kHorizon * kDims;
  const auto generous = tokenizer->MakeDecodingConstraint(kHorizon, kDims, generous_ids);
  const int shortest = FastConstraint(tokenizer->bpe(), kHorizon * kDims, 512, 64).shortest();
  const auto tight = tokenizer->MakeDecodingConstraint(kHorizon, kDims, shortest);
  ASSERT_GT(dynamic_cast<const FastConstraint&>(*generous).pending_states(), 0) << "no two-byte characters";

  SplitMix64 rng(17);
  std::vector<int32_t> allowed;
  int failures = 0, multi_byte = 0;
  for (int sequence = 0; sequence < 100'000; ++sequence) {
    const bool is_tight = sequence % 10 == 0;
    const DecodingConstraint& constraint = is_tight ? *tight : *generous;
    const int max_ids = is_tight ? shortest : generous_ids;
    TokenIds ids;
    ConstraintState state = constraint.Start();
    for (;;) {
      constraint.Allowed(state, allowed);
      if (constraint.EndAllowed(state)) allowed.push_back(vocab);
      ASSERT_FALSE(allowed.empty()) << "sequence " << sequence << ": nothing allowed after " << ids.size() << " ids";
      int32_t best = -1;
      double best_logit = -1.0;
      for (int32_t id : allowed) {
        const double logit = rng.Uniform(0.0, 1.0);
        if (logit > best_logit) {
          best_logit = logit;
          best = id;
        }
      }
      if (best == vocab) break;
      multi_byte += state.partial != 0;
      state = constraint.Advance(state, best);
      ids.push_back(best);
    }
    ASSERT_LE(ids.size(), static_cast<size_t>(max_ids));
    const Decoded decoded = tokenizer->Decode(ids, kHorizon, kDims);
    if (decoded.failure != DecodeFailure::kNone || decoded.actions.size() != kHorizon * kDims) ++failures;
  }
  EXPECT_EQ(failures, 0);
  EXPECT_GT(multi_byte, 1000) << "characters split across pieces should be common";

  // Random choices among all ids and the end token, without the constraint: hardly a
  // sequence decodes.
  const auto logit = [&](int, int32_t) { return static_cast<float>(rng.Uniform(0.0, 1.0)); };
  int unconstrained_failures = 0;
  for (int sequence = 0; sequence < 1000; ++sequence) {
    const auto ids = Greedy(logit, vocab, nullptr, generous_ids);
    unconstrained_failures += tokenizer->Decode(ids, kHorizon, kDims).failure != DecodeFailure::kNone;
  }
  EXPECT_GT(unconstrained_failures, 900);
}

TEST(FastConstraintTest, AConstrainedDecodeOfLogitsTheReferenceFailsOnGivesAValidChunk) {
  const auto tokenizer = HandBuilt();
  const auto vocab = static_cast<int32_t>(tokenizer->vocab_size());
  // The model's favourites: a stray continuation byte, then the end token at once.
  const int32_t stray = ByteId(*tokenizer, 0xA2);
  const auto logit = [&](int step, int32_t id) {
    if (id == stray) return 10.0f;
    if (id == vocab) return step == 0 ? 9.0f : 8.0f;
    return static_cast<float>((id * 7919 + step * 104729) % 1000) / 1000.0f;
  };
  const TokenIds reference = Greedy(logit, vocab, nullptr, 40);
  EXPECT_NE(tokenizer->Decode(reference, 4, 2).failure, DecodeFailure::kNone);
  const auto constraint = tokenizer->MakeDecodingConstraint(4, 2, 40);
  const TokenIds constrained = Greedy(logit, vocab, constraint.get(), 40);
  const Decoded decoded = tokenizer->Decode(constrained, 4, 2);
  EXPECT_EQ(decoded.failure, DecodeFailure::kNone);
  EXPECT_EQ(decoded.actions.size(), 8u);
}

TEST(FastConstraintTest, TheLayoutIsVariableLengthAndTheConstraintNeedsAFit) {
  const auto tokenizer = HandBuilt();
  const TokenLayout layout = tokenizer->token_layout(4, 2);
  EXPECT_TRUE(layout.variable_length);
  EXPECT_EQ(layout.length, 0);
  EXPECT_EQ(layout.block, 1);
  EXPECT_EQ(layout.slot(0), (IdRange{0, 264}));
  EXPECT_EQ(layout.slot(100), (IdRange{0, 264}));
  EXPECT_THROW(FastTokenizer(FastConfig{10, 1024, 2, false, false, "zeros"}).MakeDecodingConstraint(4, 2, 10),
               std::logic_error);
  EXPECT_THROW(tokenizer->MakeDecodingConstraint(0, 2, 10), InputError);
}

}  // namespace
}  // namespace fb::tokenizers
