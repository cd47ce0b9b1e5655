#include "tokenizers/fast/fast_tokenizer.h"

#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/config/schema.h"
#include "core/error.h"
#include "tests/tokenizers/fast/hand_built_tokenizer.h"
#include "tokenizers/fast/byte_level.h"
#include "tokenizers/fast/dct.h"
#include "tokenizers/fast/hf_tokenizer_json.h"

namespace fb::tokenizers {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

// The hand-built tokenizer (FAST+ min_token -354, scale 10), loaded from a directory.
std::unique_ptr<FastTokenizer> HandBuilt(FailurePolicy policy = FailurePolicy::kZeros, bool pair_notation = false) {
  TempDir dir("hand");
  dir.Write("tokenizer.json", testing::HandBuiltTokenizerJson(pair_notation));
  dir.Write("processor_config.json", testing::HandBuiltProcessorConfig());
  return FastTokenizer::Load(dir.path(), policy);
}

// Actions whose quantized DCT is exactly `q` (T x D, frequency-major).
std::vector<float> ActionsFor(const std::vector<double>& q, int horizon, int dims, double scale = 10.0) {
  std::vector<double> coeffs(q.size());
  for (size_t i = 0; i < q.size(); ++i) coeffs[i] = q[i] / scale;
  std::vector<float> actions(q.size());
  DctBasis::ForHorizon(horizon).Inverse(coeffs, dims, std::span<float>(actions));
  return actions;
}

const std::vector<float> kGolden = {0.10f, -0.50f, 0.20f, -0.40f, 0.30f, -0.35f, 0.35f, -0.30f};
const std::vector<int32_t> kGoldenIds = {260, 262, 129, 261, 257, 257};

TEST(FastTokenizerTest, GoldenExampleBitExact) {
  const auto tok = HandBuilt();
  const std::vector<int64_t> q = tok->Quantize(kGolden, 4, 2);
  EXPECT_EQ(q, (std::vector<int64_t>{5, -8, -2, -1, 0, 0, 0, 0}));
  const std::u32string text = tok->ToText(q);
  EXPECT_EQ(text, (std::u32string{359, 346, 352, 353, 354, 354, 354, 354}));
  EXPECT_EQ(text, U"ŧŚŠšŢŢŢŢ");
  EXPECT_EQ(EncodeUtf8(text), "\xc5\xa7\xc5\x9a\xc5\xa0\xc5\xa1\xc5\xa2\xc5\xa2\xc5\xa2\xc5\xa2");
  const TokenIds ids = tok->Encode(kGolden, 4, 2);
  EXPECT_EQ(ids, kGoldenIds);
  const Decoded decoded = tok->Decode(ids, 4, 2);
  EXPECT_EQ(decoded.failure, DecodeFailure::kNone);
  const std::vector<float> expected = {0.1193f, -0.4653f, 0.1959f, -0.4271f, 0.3041f, -0.3729f, 0.3807f, -0.3347f};
  ASSERT_EQ(decoded.actions.size(), 8u);
  for (size_t i = 0; i < 8; ++i) EXPECT_NEAR(decoded.actions[i], expected[i], 1e-4) << i;
}

TEST(FastTokenizerTest, BothMergeNotationsEncodeAlike) {
  EXPECT_EQ(HandBuilt(FailurePolicy::kZeros, true)->Encode(kGolden, 4, 2), kGoldenIds);
}

TEST(FastTokenizerTest, MultiWordChunk) {
  const auto tok = HandBuilt();
  // q -322 -> U+0020 (space), -107 -> U+00F7 '÷', -301 -> U+0035 '5', 0 -> 'Ţ'.
  const std::vector<double> q = {0, -322, 0, -107, -301, 0, 0, 0};
  const std::vector<float> actions = ActionsFor(q, 4, 2);
  EXPECT_EQ(tok->ToText(tok->Quantize(actions, 4, 2)), U"Ţ Ţ÷5ŢŢŢ");
  // Words "Ţ" | " Ţ" | "÷" | "5" | "ŢŢŢ":
  //   Å¢ -> 256;  Ġ Å¢ -> ĠÅ¢ 263;  C3 B7 -> Ã 127, · 115;  '5' -> 20;  Å¢Å¢Å¢ -> 257 256.
  const TokenIds ids = tok->Encode(actions, 4, 2);
  EXPECT_EQ(ids, (TokenIds{256, 263, 127, 115, 20, 257, 256}));
  const Decoded decoded = tok->Decode(ids, 4, 2);
  EXPECT_EQ(decoded.failure, DecodeFailure::kNone);
  for (size_t i = 0; i < 8; ++i) EXPECT_NEAR(decoded.actions[i], actions[i], 1e-5);
}

TEST(FastTokenizerTest, EncodeRejectsBadInput) {
  const auto tok = HandBuilt();
  std::vector<float> bad = kGolden;
  bad[3] = std::nanf("");
  EXPECT_THROW(tok->Encode(bad, 4, 2), InputError);
  bad[3] = INFINITY;
  EXPECT_THROW(tok->Encode(bad, 4, 2), InputError);
  EXPECT_THROW(tok->Encode(kGolden, 3, 2), InputError);
  EXPECT_THROW(tok->Encode(kGolden, 0, 8), InputError);
  // q = 54942 - 354... a DC of 5500 gives q 55000 -> code point 55354, a surrogate.
  try {
    tok->Encode(ActionsFor({55000, 0, 0, 0}, 2, 2), 2, 2);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("surrogate"));
  }
  EXPECT_THROW(tok->Encode(ActionsFor({1200000, 0}, 1, 2), 1, 2), InputError);  // > U+10FFFF
  // Below min_token clamps silently to code point 0 (U+0000, byte symbol 'Ā').
  EXPECT_EQ(tok->ToText(std::vector<int64_t>{-1000}), std::u32string(1, char32_t{0}));
  EXPECT_THROW(FastTokenizer(FastConfig{10, 1024, 2, false, false, "zeros"}).Encode(kGolden, 4, 2), std::logic_error);
}

TEST(FastTokenizerTest, DecodeReportsFailureKinds) {
  const auto tok = HandBuilt();
  auto with = [](std::vector<int32_t> ids, std::vector<int32_t> extra) {
    ids.insert(ids.end(), extra.begin(), extra.end());
    return ids;
  };
  const Decoded golden = tok->Decode(kGoldenIds, 4, 2);
  // An id >= vocab is dropped (HF) but reported.
  Decoded d = tok->Decode(with(kGoldenIds, {264}), 4, 2);
  EXPECT_EQ(d.failure, DecodeFailure::kUnknownId);
  EXPECT_EQ(d.actions, golden.actions);
  // A negative id makes the reference raise: zeros.
  d = tok->Decode(with(kGoldenIds, {-1}), 4, 2);
  EXPECT_EQ(d.failure, DecodeFailure::kUnknownId);
  EXPECT_EQ(d.actions, std::vector<float>(8, 0.0f));
  // A lone lead byte 'Å' -> U+FFFD; with the right length the reference keeps the value.
  d = tok->Decode(TokenIds{129, 262, 129, 261, 257, 257}, 4, 2);  // Å ÅļÅłÅ¡... -> FFFD first
  EXPECT_EQ(d.failure, DecodeFailure::kInvalidUtf8);
  // A code point above min_token + vocab_size (FAST+: 2048) cannot come from a fit:
  // U+0801 = E0 A0 81 = symbols à ł ģ.
  const TokenIds high = {tok->bpe().FindPiece("à"), tok->bpe().FindPiece("ł"), tok->bpe().FindPiece("ģ"),
                         262, 129, 261, 257, 257};
  d = tok->Decode(high, 4, 2);
  EXPECT_EQ(d.failure, DecodeFailure::kOutOfRange);
  EXPECT_NE(d.actions, std::vector<float>(8, 0.0f));  // the zeros policy keeps the values
  EXPECT_EQ(HandBuilt(FailurePolicy::kStrict)->Decode(high, 4, 2).actions, std::vector<float>(8, 0.0f));
  // U+07FF (q = 1693) is still in range.
  d = tok->Decode(TokenIds{tok->bpe().FindPiece("ß"), tok->bpe().FindPiece("¿"), 262, 129, 261, 257, 257}, 4, 2);
  EXPECT_EQ(d.failure, DecodeFailure::kNone);
  // Wrong length.
  d = tok->Decode(TokenIds{}, 4, 2);
  EXPECT_EQ(d.failure, DecodeFailure::kWrongLength);
  EXPECT_EQ(d.actions, std::vector<float>(8, 0.0f));
  d = tok->Decode(kGoldenIds, 0, 2);
  EXPECT_EQ(d.failure, DecodeFailure::kWrongLength);
  EXPECT_TRUE(d.actions.empty());
}

// Each policy on a too-short (3 values) and a too-long (9 values) sequence.
TEST(FastTokenizerTest, FailurePolicies) {
  // ŧŚŠ = Å§ Åļ Å ł -> q [5, -8, -2]; golden + Å§ -> q [5, -8, -2, -1, 0, 0, 0, 0, 5].
  const TokenIds short_ids = {260, 262, 129, 254};
  TokenIds long_ids = kGoldenIds;
  long_ids.push_back(260);
  const std::vector<float> zeros(8, 0.0f);
  const std::vector<float> golden = ActionsFor({5, -8, -2, -1, 0, 0, 0, 0}, 4, 2);
  const std::vector<float> padded = ActionsFor({5, -8, -2, 0, 0, 0, 0, 0}, 4, 2);
  const std::vector<float> lowpass = ActionsFor({5, -8, 0, 0, 0, 0, 0, 0}, 4, 2);
  struct Case {
    FailurePolicy policy;
    std::vector<float> short_out;
    std::vector<float> long_out;
  };
  const std::vector<Case> cases = {{FailurePolicy::kZeros, zeros, zeros},
                                   {FailurePolicy::kPadTruncate, padded, golden},
                                   {FailurePolicy::kLowpass, lowpass, golden},
                                   {FailurePolicy::kStrict, zeros, zeros}};
  for (const Case& c : cases) {
    SCOPED_TRACE(FailurePolicyName(c.policy));
    const auto tok = HandBuilt(c.policy);
    for (const auto& [ids, expected] : {std::pair{short_ids, c.short_out}, std::pair{long_ids, c.long_out}}) {
      const Decoded d = tok->Decode(ids, 4, 2);
      EXPECT_EQ(d.failure, DecodeFailure::kWrongLength);
      ASSERT_EQ(d.actions.size(), 8u);
      for (size_t i = 0; i < 8; ++i) EXPECT_NEAR(d.actions[i], expected[i], 1e-6) << i;
    }
    // A clean sequence decodes the same under every policy.
    EXPECT_EQ(tok->Decode(kGoldenIds, 4, 2).failure, DecodeFailure::kNone);
  }
  EXPECT_EQ(ParseFailurePolicy("lowpass"), FailurePolicy::kLowpass);
  EXPECT_THROW(ParseFailurePolicy("relaxed"), InputError);
}

TEST(FastTokenizerTest, DecodeNeverThrowsOnRandomIds) {
  const auto tok = HandBuilt(FailurePolicy::kLowpass);
  std::mt19937 rng(2024);
  const int vocab = static_cast<int>(tok->vocab_size());
  std::uniform_int_distribution<int> length(0, 80);
  std::uniform_int_distribution<int> id(-5, vocab + 5);
  std::map<DecodeFailure, int> failures;
  TokenIds ids;
  for (int trial = 0; trial < 100000; ++trial) {
    ids.resize(static_cast<size_t>(length(rng)));
    for (int32_t& v : ids) v = id(rng);
    const Decoded d = tok->Decode(ids, 4, 2);
    ASSERT_EQ(d.actions.size(), 8u);
    ++failures[d.failure];
  }
  int total = 0;
  for (const auto& [kind, count] : failures) total += count;
  EXPECT_EQ(total, 100000);
  EXPECT_GT(failures[DecodeFailure::kUnknownId], 0);
  EXPECT_GT(failures[DecodeFailure::kInvalidUtf8], 0);
  EXPECT_GT(failures[DecodeFailure::kWrongLength] + failures[DecodeFailure::kOutOfRange], 0);
  for (const auto& [kind, count] : failures) std::printf("  %s: %d\n", DecodeFailureName(kind), count);
}

TEST(FastTokenizerTest, SaveLoadRoundTrip) {
  const auto tok = HandBuilt();
  TempDir dir("save");
  const nlohmann::json manifest = tok->Save(dir.path());
  EXPECT_EQ(manifest["type"], "fast");
  EXPECT_EQ(manifest["min_token"], -354);
  EXPECT_EQ(manifest["bpe_vocab_size"], 264);
  EXPECT_EQ(manifest["vocab_size"], 2048);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "tokenizer.json"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "processor_config.json"));
  const auto back = FastTokenizer::Load(dir.path());
  EXPECT_EQ(back->bpe(), tok->bpe());
  EXPECT_EQ(back->min_token(), tok->min_token());
  EXPECT_EQ(back->scale(), tok->scale());
  EXPECT_EQ(back->Encode(kGolden, 4, 2), kGoldenIds);
  TempDir again("save_again");
  back->Save(again.path());
  EXPECT_EQ(HfTokenizerJsonText(LoadHfTokenizerJson(again.path() / "tokenizer.json")),
            HfTokenizerJsonText(tok->bpe()));
}

TEST(FastTokenizerTest, LoadNamesTheBrokenFile) {
  TempDir dir("broken");
  dir.Write("tokenizer.json", "{");
  dir.Write("processor_config.json", testing::HandBuiltProcessorConfig());
  try {
    FastTokenizer::Load(dir.path());
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr((dir.path() / "tokenizer.json").string()));
  }
  std::filesystem::remove(dir.path() / "processor_config.json");
  EXPECT_THROW(FastTokenizer::Load(dir.path()), InputError);
}

// Smooth synthetic 20 x 7 chunks in roughly [-1, 1].
ActionChunks SmoothChunks(int64_t count, uint32_t seed) {
  ActionChunks chunks = ActionChunks::Zeros(count, 20, 7);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (int64_t i = 0; i < count; ++i) {
    auto c = chunks.chunk(i);
    for (int d = 0; d < 7; ++d) {
      const float a = u(rng) * 0.6f;
      const float b = u(rng) * 0.3f;
      const float f = 0.5f + 2.0f * std::abs(u(rng));
      for (int t = 0; t < 20; ++t) c[static_cast<size_t>(t * 7 + d)] = a + b * std::sin(f * t / 20.0f * 3.14159f);
    }
  }
  return chunks;
}

TEST(FastTokenizerTest, TrainedTokenizerRoundTripsAtQuantizationLevel) {
  const ActionChunks train = SmoothChunks(2000, 1);
  FastTokenizer tok(FastConfig{10, 512, 2, false, false, "strict"});
  tok.Fit(train);
  EXPECT_LE(tok.vocab_size(), 512);
  EXPECT_GT(tok.bpe().merges().size(), 100u);
  const ActionChunks test = SmoothChunks(200, 2);
  size_t total_tokens = 0;
  for (int64_t i = 0; i < test.count; ++i) {
    const auto chunk = test.chunk(i);
    const TokenIds ids = tok.Encode(chunk, 20, 7);
    total_tokens += ids.size();
    for (int32_t id : ids) ASSERT_TRUE(id >= 0 && id < tok.vocab_size());
    const Decoded d = tok.Decode(ids, 20, 7);
    ASSERT_EQ(d.failure, DecodeFailure::kNone);
    // Exactly the quantized coefficients come back.
    EXPECT_EQ(tok.Quantize(d.actions, 20, 7), tok.Quantize(chunk, 20, 7));
    std::vector<double> q(140);
    const auto qi = tok.Quantize(chunk, 20, 7);
    for (size_t j = 0; j < 140; ++j) q[j] = static_cast<double>(qi[j]);
    const std::vector<float> expected = ActionsFor(q, 20, 7);
    for (size_t j = 0; j < 140; ++j) ASSERT_NEAR(d.actions[j], expected[j], 1e-6);
  }
  EXPECT_LT(total_tokens, 200u * 140u / 2);  // BPE compresses smooth chunks
}

TEST(FastTokenizerTest, FitIsDeterministicAndSaveLoadKeepsEncoding) {
  const ActionChunks train = SmoothChunks(500, 3);
  FastTokenizer a(FastConfig{10, 400, 2, false, false, "zeros"});
  FastTokenizer b(FastConfig{10, 400, 2, false, false, "zeros"});
  a.Fit(train);
  b.Fit(train);
  EXPECT_EQ(a.bpe(), b.bpe());
  EXPECT_EQ(a.min_token(), b.min_token());
  TempDir dir("fit_save");
  const nlohmann::json manifest = a.Save(dir.path());
  EXPECT_EQ(manifest["time_horizon"], 20);
  const auto loaded = FastTokenizer::Load(dir.path());
  for (int64_t i = 0; i < 20; ++i) EXPECT_EQ(loaded->Encode(train.chunk(i), 20, 7), a.Encode(train.chunk(i), 20, 7));
}

TEST(FastTokenizerTest, FitChecksVocabularyRange) {
  ActionChunks wide = ActionChunks::Zeros(2, 4, 1);
  wide.values = {-10, -10, -10, -10, 10, 10, 10, 10};  // DC -200 and +200 at scale 10
  FastTokenizer tok(FastConfig{10, 300, 2, false, false, "zeros"});
  try {
    tok.Fit(wide);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("vocabulary too small"));
    EXPECT_THAT(e.what(), HasSubstr("300"));
    EXPECT_THAT(e.what(), HasSubstr("400"));
  }
  EXPECT_THROW(tok.Fit(ActionChunks{}), InputError);
  ActionChunks nan = ActionChunks::Zeros(1, 4, 1);
  nan.values[2] = NAN;
  EXPECT_THROW(tok.Fit(nan), InputError);
}

TEST(FastTokenizerTest, InitialAlphabetQuirkUsesVocabularySlots) {
  const ActionChunks train = SmoothChunks(300, 4);
  FastTokenizer plain(FastConfig{10, 600, 2, false, false, "zeros"});
  FastTokenizer quirk(FastConfig{10, 600, 2, true, false, "zeros"});
  plain.Fit(train);
  quirk.Fit(train);
  EXPECT_EQ(quirk.bpe().piece(0), std::string(1, '\0'));  // raw chr(0), never produced by byte-level words
  EXPECT_LT(quirk.bpe().merges().size(), plain.bpe().merges().size());
  for (int64_t i = 0; i < 10; ++i) {
    const TokenIds ids = quirk.Encode(train.chunk(i), 20, 7);
    EXPECT_EQ(quirk.Decode(ids, 20, 7).failure, DecodeFailure::kNone);
  }
}

TEST(FastTokenizerTest, ByteAlphabetKeepsUnseenValuesEncodable) {
  const ActionChunks train = SmoothChunks(300, 4);
  FastTokenizer seen_only(FastConfig{10, 600, 2, false, false, "zeros"});
  FastTokenizer all_bytes(FastConfig{10, 600, 2, false, true, "zeros"});
  seen_only.Fit(train);
  all_bytes.Fit(train);
  // A spike far outside the training range gives code points whose UTF-8 bytes the
  // training words never contained.
  std::vector<float> spike(train.chunk(0).begin(), train.chunk(0).end());
  spike[0] = 40.0f;
  EXPECT_NE(seen_only.Decode(seen_only.Encode(spike, 20, 7), 20, 7).failure, DecodeFailure::kNone);
  const Decoded decoded = all_bytes.Decode(all_bytes.Encode(spike, 20, 7), 20, 7);
  EXPECT_EQ(decoded.failure, DecodeFailure::kNone);
  EXPECT_NEAR(decoded.actions[0], 40.0f, 0.5f);
}

TEST(FastConfigTest, BuiltinDefaultsAreComplete) {
  FastConfig config;
  config::Apply(config::LoadBuiltin("tokenizers/fast.yaml"), config, /*complete=*/true);
  EXPECT_EQ(config.scale, 10.0);
  EXPECT_EQ(config.vocab_size, 1024);
  EXPECT_EQ(config.min_frequency, 2);
  EXPECT_FALSE(config.initial_alphabet);
  EXPECT_EQ(config.failure_policy, "zeros");
  const auto tok = FastTokenizer::FromConfig(config);
  EXPECT_EQ(tok->type(), "fast");
  EXPECT_EQ(tok->failure_policy(), FailurePolicy::kZeros);
  EXPECT_THROW(config::Apply(config::FromAssignment("failure_policy=relaxed"), config), InputError);
}

}  // namespace
}  // namespace fb::tokenizers
