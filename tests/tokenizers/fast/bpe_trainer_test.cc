#include "tokenizers/fast/bpe_trainer.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace fb::tokenizers {
namespace {

// HF tokenizers' own trainer test (trainer.rs test_train): ties go to the smaller pair.
TEST(BpeTrainerTest, MatchesHfTrainerTest) {
  BpeTrainerOptions options;
  options.vocab_size = 30000;
  options.min_frequency = 2;
  BpeTrainer trainer(options);
  const std::vector<std::pair<std::string, uint64_t>> words = {
      {"roses", 1}, {"are", 2}, {"red", 1}, {"voilets", 1}, {"blue", 1}, {"BERT", 1},
      {"is", 2},    {"big", 1}, {"and", 1}, {"so", 1},      {"GPT-2", 1}};
  for (const auto& [w, c] : words) trainer.AddWord(w, c);
  const BpeModel model = trainer.Train();
  const std::vector<std::string> expected = {"-", "2", "B", "E", "G", "P", "R", "T", "a", "b", "d", "e", "g",
                                             "i", "l", "n", "o", "r", "s", "t", "u", "v", "re", "are", "is"};
  EXPECT_EQ(model.pieces(), expected);
  EXPECT_EQ(model.merges(), (std::vector<std::pair<int32_t, int32_t>>{{17, 11}, {8, 22}, {13, 18}}));
}

TEST(BpeTrainerTest, StopsAtVocabSize) {
  BpeTrainerOptions options;
  options.vocab_size = 5;
  options.min_frequency = 0;
  BpeTrainer trainer(options);
  trainer.AddWord("are", 2);
  trainer.AddWord("red", 1);
  // Alphabet a d e r, then the most frequent pair (r, e) x 3, then the size limit.
  EXPECT_EQ(trainer.Train().pieces(), (std::vector<std::string>{"a", "d", "e", "r", "re"}));
}

TEST(BpeTrainerTest, InitialAlphabetTakesSlotsSortedByCodePoint) {
  BpeTrainerOptions options;
  options.vocab_size = 100;
  options.min_frequency = 1;
  options.initial_alphabet = {U'\u0001', U'z', U'\u0000'};
  BpeTrainer trainer(options);
  trainer.AddWord("zz", 3);
  const BpeModel model = trainer.Train();
  // Raw U+0000 / U+0001 are not byte symbols yet occupy ids 0 and 1; 'z' is shared.
  ASSERT_GE(model.size(), 4);
  EXPECT_EQ(model.piece(0), std::string(1, '\0'));
  EXPECT_EQ(model.piece(1), "\x01");
  EXPECT_EQ(model.piece(2), "z");
  EXPECT_EQ(model.piece(3), "zz");
  EXPECT_EQ(model.size(), 4);
}

TEST(BpeTrainerTest, MinFrequencyStopsTraining) {
  BpeTrainerOptions options;
  options.vocab_size = 1000;
  options.min_frequency = 3;
  BpeTrainer trainer(options);
  trainer.AddWord("abab", 1);  // (a, b) twice: below 3
  EXPECT_EQ(trainer.Train().merges().size(), 0u);
  trainer.AddWord("ab", 1);  // now three times
  EXPECT_EQ(trainer.Train().merges().size(), 1u);
}

TEST(BpeTrainerTest, OverlappingRunsCountedLikeHf) {
  // "aaaa": (a, a) occurs 3 times but merges twice -> "aa aa" -> "aaaa".
  BpeTrainerOptions options;
  options.vocab_size = 1000;
  options.min_frequency = 1;
  BpeTrainer trainer(options);
  trainer.AddWord("aaaa", 1);
  const BpeModel model = trainer.Train();
  EXPECT_EQ(model.pieces(), (std::vector<std::string>{"a", "aa", "aaaa"}));
}

TEST(BpeTrainerTest, DeterministicAndOrderIndependent) {
  BpeTrainerOptions options;
  options.vocab_size = 300;
  options.min_frequency = 2;
  std::vector<std::string> words;
  uint32_t state = 12345;
  for (int i = 0; i < 2000; ++i) {
    std::string w;
    for (int j = 0; j < 12; ++j) {
      state = state * 1664525u + 1013904223u;
      w.push_back(static_cast<char>('a' + (state >> 28) % 6));
    }
    words.push_back(w);
  }
  BpeTrainer forward(options);
  for (const auto& w : words) forward.AddWord(w);
  BpeTrainer backward(options);
  for (auto it = words.rbegin(); it != words.rend(); ++it) backward.AddWord(*it);
  const BpeModel a = forward.Train();
  const BpeModel b = backward.Train();
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, forward.Train());
  EXPECT_EQ(a.size(), 300);
}

}  // namespace
}  // namespace fb::tokenizers
