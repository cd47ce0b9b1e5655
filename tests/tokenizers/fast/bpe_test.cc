#include "tokenizers/fast/bpe.h"

#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tokenizers/fast/bpe_trainer.h"

#include "tests/tokenizers/fast/hand_built_tokenizer.h"
#include "tokenizers/fast/hf_tokenizer_json.h"

namespace fb::tokenizers {
namespace {

BpeModel HandBuilt() { return ParseHfTokenizerJson(testing::HandBuiltTokenizerJson(false), "hand.json"); }

std::vector<int32_t> EncodeWord(const BpeModel& model, const std::string& bytes) {
  std::vector<int32_t> out;
  model.EncodeWord(bytes, out);
  return out;
}

std::string DecodeIds(const BpeModel& model, const std::vector<int32_t>& ids) {
  std::string out;
  for (int32_t id : ids) model.AppendPieceBytes(id, out);
  return out;
}

TEST(PairTableTest, InsertFindOverwriteGrow) {
  PairTable table;
  EXPECT_EQ(table.Find(PairTable::Key(1, 2)), nullptr);
  for (uint32_t i = 0; i < 5000; ++i) table.Set(PairTable::Key(i, i * 7), i);
  EXPECT_EQ(table.size(), 5000u);
  for (uint32_t i = 0; i < 5000; ++i) ASSERT_EQ(*table.Find(PairTable::Key(i, i * 7)), i);
  table.Set(PairTable::Key(3, 21), 99);
  EXPECT_EQ(*table.Find(PairTable::Key(3, 21)), 99u);
  EXPECT_EQ(table.FindOrInsert(PairTable::Key(3, 21), 5), 99u);
  EXPECT_EQ(table.Find(PairTable::Key(21, 3)), nullptr);
}

TEST(BpeModelTest, HandBuiltIds) {
  const BpeModel model = HandBuilt();
  ASSERT_EQ(model.size(), 264);
  // Byte symbols are numbered by code point: '!' 0, '5' 20, '¡' 94, '§' 100, 'Å' 129,
  // 'Ġ' (0x20) 188 + 32 = 220, 'ł' (0xA0) 188 + 66 = 254.
  EXPECT_EQ(model.FindPiece("!"), 0);
  EXPECT_EQ(model.FindPiece("5"), 20);
  EXPECT_EQ(model.FindPiece("Å"), 129);
  EXPECT_EQ(model.FindPiece("Ġ"), 220);
  EXPECT_EQ(model.FindPiece("ł"), 254);
  EXPECT_EQ(model.FindPiece("Å¢Å¢"), 257);
  EXPECT_EQ(model.FindPiece("nope"), -1);
  EXPECT_EQ(model.merges().size(), 8u);
}

TEST(BpeModelTest, LowerRankWinsOverEarlierPosition) {
  const BpeModel model = HandBuilt();
  // "Šš" = C5 A0 C5 A1 = symbols Å ł Å ¡. "Å ł" (rank 3) starts first, but "ł Å" (rank 2)
  // is applied first, then "łÅ ¡" (rank 5): Å + łÅ¡.
  EXPECT_EQ(EncodeWord(model, "\xC5\xA0\xC5\xA1"), (std::vector<int32_t>{129, 261}));
  // Without the '¡' the rank-2 merge still wins: Å + łÅ + ...
  EXPECT_EQ(EncodeWord(model, "\xC5\xA0\xC5"), (std::vector<int32_t>{129, 258}));
  // Alone, "Å ł" applies.
  EXPECT_EQ(EncodeWord(model, "\xC5\xA0"), (std::vector<int32_t>{259}));
  // Equal ranks merge left to right: Å¢Å¢Å¢ -> Å¢Å¢ + Å¢.
  EXPECT_EQ(EncodeWord(model, "\xC5\xA2\xC5\xA2\xC5\xA2"), (std::vector<int32_t>{257, 256}));
  EXPECT_EQ(EncodeWord(model, ""), std::vector<int32_t>{});
  EXPECT_EQ(EncodeWord(model, "5"), std::vector<int32_t>{20});
}

TEST(BpeModelTest, GoldenWord) {
  const BpeModel model = HandBuilt();
  // "ŧŚŠšŢŢŢŢ" (tokenizers.md 3.10) -> Å§ Åļ Å łÅ¡ Å¢Å¢ Å¢Å¢.
  const std::string bytes = "\xC5\xA7\xC5\x9A\xC5\xA0\xC5\xA1\xC5\xA2\xC5\xA2\xC5\xA2\xC5\xA2";
  const std::vector<int32_t> ids = EncodeWord(model, bytes);
  EXPECT_EQ(ids, (std::vector<int32_t>{260, 262, 129, 261, 257, 257}));
  EXPECT_EQ(DecodeIds(model, ids), bytes);
}

TEST(BpeModelTest, SymbolsMissingFromVocabAreDropped) {
  // Only 'a' and 'b' are in the vocabulary; '-' disappears and "a b" still merges.
  const BpeModel model({"a", "b", "ab"}, {{0, 1}});
  EXPECT_EQ(EncodeWord(model, "a-b"), std::vector<int32_t>{2});
  EXPECT_EQ(EncodeWord(model, "--"), std::vector<int32_t>{});
}

TEST(BpeModelTest, DecodeUsesRawBytesForNonSymbolPieces) {
  // "€" is not a byte symbol: HF's decoder emits the piece's own UTF-8 (E2 82 AC); a piece
  // with one foreign char falls back as a whole.
  const BpeModel model({"a", "Ġ", "€", "Ġ€"}, {});
  EXPECT_EQ(DecodeIds(model, {0, 1, 2}), "a \xE2\x82\xAC");
  EXPECT_EQ(DecodeIds(model, {3}), "\xC4\xA0\xE2\x82\xAC");
}

TEST(BpeModelTest, DuplicateMergeKeepsLastRank) {
  const BpeModel model({"a", "b", "c", "ab", "bc"}, {{0, 1}, {1, 2}, {0, 1}});
  // (a, b) now has rank 2, after (b, c): "abc" -> a + bc.
  EXPECT_EQ(EncodeWord(model, "abc"), (std::vector<int32_t>{0, 4}));
  EXPECT_EQ(model.merges(), (std::vector<std::pair<int32_t, int32_t>>{{1, 2}, {0, 1}}));
}

// The bucket queue (monotone merge lists) and the heap must agree. Appending two merges
// that break monotonicity, over bytes that never occur (0xF8, 0xF9), forces the heap.
TEST(BpeModelTest, BucketQueueMatchesHeap) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> letter(0, 4);
  std::uniform_int_distribution<int> length(1, 60);
  const auto random_word = [&] {
    std::string w(static_cast<size_t>(length(rng)), 'a');
    for (char& c : w) c = static_cast<char>('a' + letter(rng));
    return w;
  };
  BpeTrainerOptions options;
  options.vocab_size = 200;
  options.min_frequency = 1;
  BpeTrainer trainer(options);
  for (int i = 0; i < 3000; ++i) trainer.AddWord(random_word());
  const BpeModel trained = trainer.Train();
  ASSERT_TRUE(trained.monotone());
  std::vector<std::string> pieces = trained.pieces();
  const auto o = static_cast<int32_t>(pieces.size());
  pieces.insert(pieces.end(), {"ø", "ù", "øù", "øùø"});
  std::vector<std::pair<int32_t, int32_t>> merges = trained.merges();
  merges.emplace_back(o + 2, o);      // uses "øù" ...
  merges.emplace_back(o, o + 1);      // ... made only by this later merge
  const BpeModel heap(pieces, merges);
  ASSERT_FALSE(heap.monotone());
  for (int i = 0; i < 3000; ++i) {
    const std::string w = random_word();
    ASSERT_EQ(EncodeWord(trained, w), EncodeWord(heap, w)) << w;
  }
  // (ø, ù) first, then the lower-ranked (øù, ø) it formed.
  EXPECT_EQ(EncodeWord(heap, "\xF8\xF9\xF8"), (std::vector<int32_t>{o + 3}));
}

TEST(BpeModelTest, ConstructorRejectsBadInput) {
  EXPECT_THROW(BpeModel({"a", "a"}, {}), std::invalid_argument);
  EXPECT_THROW(BpeModel({"a", "b"}, {{0, 1}}), std::invalid_argument);  // "ab" missing
  EXPECT_THROW(BpeModel({"a", "b"}, {{0, 5}}), std::invalid_argument);
}

}  // namespace
}  // namespace fb::tokenizers
