#include "tokenizers/fast/byte_level.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace fb::tokenizers {
namespace {

TEST(ByteLevelTest, Gpt2ByteTable) {
  EXPECT_EQ(ByteToSymbol(0x20), U'\u0120');  // space -> 'Ġ'
  EXPECT_EQ(ByteToSymbol(0x00), U'\u0100');
  EXPECT_EQ(ByteToSymbol(0x21), U'!');
  EXPECT_EQ(ByteToSymbol(0x7E), U'~');
  EXPECT_EQ(ByteToSymbol(0x7F), U'\u0121');
  EXPECT_EQ(ByteToSymbol(0x9A), U'\u013C');  // 'ļ'
  EXPECT_EQ(ByteToSymbol(0xA0), U'\u0142');  // 'ł'
  EXPECT_EQ(ByteToSymbol(0xA1), U'\u00A1');
  EXPECT_EQ(ByteToSymbol(0xAD), U'\u0143');
  EXPECT_EQ(ByteToSymbol(0xC5), U'\u00C5');  // 'Å'
  for (int b = 0; b < 256; ++b) EXPECT_EQ(SymbolToByte(ByteToSymbol(static_cast<uint8_t>(b))), b);
  EXPECT_EQ(SymbolToByte(U'\u0144'), -1);
  EXPECT_EQ(SymbolToByte(U' '), -1);
  EXPECT_EQ(SymbolToByte(U'\u20AC'), -1);
}

std::vector<std::u32string> Split(const std::u32string& text) {
  std::vector<std::pair<size_t, size_t>> words;
  SplitGpt2Words(text, words);
  std::vector<std::u32string> out;
  size_t expected_begin = 0;
  for (const auto& [b, e] : words) {
    EXPECT_EQ(b, expected_begin);  // words tile the text
    expected_begin = e;
    out.push_back(text.substr(b, e - b));
  }
  EXPECT_EQ(expected_begin, text.size());
  return out;
}

using Words = std::vector<std::u32string>;

TEST(ByteLevelTest, Gpt2SplitOnFastText) {
  // All FAST+ letters: one word.
  EXPECT_EQ(Split(U"ŧŚŠšŢŢŢŢ"), Words{U"ŧŚŠšŢŢŢŢ"});
  // A space joins the next word; '÷' (Sm) and '5' (Nd) stand apart.
  EXPECT_EQ(Split(U"Ţ Ţ÷5ŢŢŢ"), (Words{U"Ţ", U" Ţ", U"÷", U"5", U"ŢŢŢ"}));
  EXPECT_EQ(Split(U"Ţ\u02C2Ţ"), (Words{U"Ţ", U"\u02C2", U"Ţ"}));  // modifier symbol isolated
  EXPECT_EQ(Split(U"Ţ\nŢ"), (Words{U"Ţ", U"\n", U"Ţ"}));
  EXPECT_EQ(Split(U""), Words{});
}

TEST(ByteLevelTest, Gpt2SplitWhitespaceRules) {
  // \s+(?!\S): a run gives its last char back to the following word.
  EXPECT_EQ(Split(U"a  b"), (Words{U"a", U" ", U" b"}));
  EXPECT_EQ(Split(U"a   b"), (Words{U"a", U"  ", U" b"}));
  EXPECT_EQ(Split(U"a\n\nb"), (Words{U"a", U"\n", U"\n", U"b"}));
  EXPECT_EQ(Split(U"a \n b"), (Words{U"a", U" \n", U" b"}));
  EXPECT_EQ(Split(U"a   "), (Words{U"a", U"   "}));  // a run at the end stays whole
  EXPECT_EQ(Split(U" "), Words{U" "});
  EXPECT_EQ(Split(U"\u3000x"), (Words{U"\u3000", U"x"}));  // ideographic space is \s, not a prefix
}

TEST(ByteLevelTest, Gpt2SplitClassesAndContractions) {
  EXPECT_EQ(Split(U"it's they're I'll"), (Words{U"it", U"'s", U" they", U"'re", U" I", U"'ll"}));
  EXPECT_EQ(Split(U"x'S"), (Words{U"x", U"'", U"S"}));  // case-sensitive
  EXPECT_EQ(Split(U"ab12 34!? ?x"), (Words{U"ab", U"12", U" 34", U"!?", U" ?", U"x"}));
  EXPECT_EQ(Split(U"\u00BD\u0661"), Words{U"\u00BD\u0661"});  // No and Nd are both \p{N}
  const std::u32string controls{char32_t{0}, char32_t{1}, U'a'};
  EXPECT_EQ(Split(controls), (Words{controls.substr(0, 2), U"a"}));  // controls: other
}

std::u32string Lossy(const std::string& bytes, bool* replaced = nullptr) {
  std::u32string out;
  const bool r = DecodeUtf8Lossy(bytes, out);
  if (replaced) *replaced = r;
  return out;
}

TEST(ByteLevelTest, Utf8RoundTrip) {
  const std::u32string text = U"a\u00FF\u0162\u07FF\u0800\uFFFD\U00010000\U0010FFFF";
  const std::string bytes = EncodeUtf8(text);
  EXPECT_EQ(bytes, "a\xC3\xBF\xC5\xA2\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBD\xF0\x90\x80\x80\xF4\x8F\xBF\xBF");
  bool replaced = true;
  EXPECT_EQ(Lossy(bytes, &replaced), text);
  EXPECT_FALSE(replaced);
  EXPECT_EQ(DecodeUtf8(bytes), text);
}

TEST(ByteLevelTest, LossyDecodingMatchesRustMaximalSubparts) {
  const std::u32string r = U"\uFFFD";
  bool replaced = false;
  EXPECT_EQ(Lossy("Hello \xF0\x90\x80World", &replaced), U"Hello " + r + U"World");
  EXPECT_TRUE(replaced);
  EXPECT_EQ(Lossy("\xC5\xC5\xA2"), r + U"\u0162");         // lone lead byte
  EXPECT_EQ(Lossy("\xE0\x80"), r + r);                     // overlong: E0 must see A0..BF
  EXPECT_EQ(Lossy("\xED\xA0\x80"), r + r + r);             // surrogate
  EXPECT_EQ(Lossy("\xF4\x90\x80\x80"), r + r + r + r);     // above U+10FFFF
  EXPECT_EQ(Lossy("\xC0\xAF"), r + r);
  EXPECT_EQ(Lossy("\xF5x"), r + U"x");
  EXPECT_EQ(Lossy("a\xF1\x80\x80"), U"a" + r);             // truncated at the end
  EXPECT_EQ(Lossy("\xE1\x80z"), r + U"z");                 // valid prefix, then a bad byte
  EXPECT_EQ(Lossy("\x80\xBF"), r + r);                     // stray continuations
  EXPECT_EQ(DecodeUtf8("\xC5"), std::nullopt);
}

}  // namespace
}  // namespace fb::tokenizers
