#include "tokenizers/fast/byte_level.h"

#include <array>

#include <unicode/uchar.h>

namespace fb::tokenizers {
namespace {

struct ByteTables {
  std::array<char32_t, 256> to_symbol{};
  std::array<int16_t, 0x144> to_byte{};  // every symbol is below U+0144
};

const ByteTables& Tables() {
  static const ByteTables tables = [] {
    ByteTables t;
    t.to_byte.fill(-1);
    int extra = 0;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      const char32_t symbol = printable ? static_cast<char32_t>(b) : static_cast<char32_t>(0x100 + extra++);
      t.to_symbol[b] = symbol;
      t.to_byte[symbol] = static_cast<int16_t>(b);
    }
    return t;
  }();
  return tables;
}

enum class CharClass : uint8_t { kLetter, kNumber, kSpace, kOther };

CharClass ClassifyIcu(char32_t c) {
  const auto ch = static_cast<UChar32>(c);
  if (u_isUWhiteSpace(ch)) return CharClass::kSpace;
  const uint32_t mask = U_GET_GC_MASK(ch);
  if (mask & U_GC_L_MASK) return CharClass::kLetter;
  if (mask & U_GC_N_MASK) return CharClass::kNumber;
  return CharClass::kOther;
}

// FAST text lives almost entirely below U+0800 (one- and two-byte UTF-8), so those
// classes come from a table built once instead of an ICU lookup per character.
constexpr char32_t kTableSize = 0x800;
using ClassTable = std::array<CharClass, kTableSize>;

const ClassTable& Classes() {
  static const ClassTable table = [] {
    ClassTable t{};
    for (char32_t i = 0; i < kTableSize; ++i) t[i] = ClassifyIcu(i);
    return t;
  }();
  return table;
}

inline CharClass Classify(const ClassTable& table, char32_t c) { return c < kTableSize ? table[c] : ClassifyIcu(c); }

}  // namespace

char32_t ByteToSymbol(uint8_t byte) { return Tables().to_symbol[byte]; }

int SymbolToByte(char32_t symbol) { return symbol < 0x144 ? Tables().to_byte[symbol] : -1; }

void SplitGpt2Words(std::u32string_view text, std::vector<std::pair<size_t, size_t>>& words) {
  words.clear();
  const ClassTable& table = Classes();  // fetched once: the split is per character
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const char32_t c = text[i];
    // 's|'t|'re|'ve|'m|'ll|'d (case-sensitive, ASCII apostrophe only).
    if (c == U'\'' && i + 1 < n) {
      const char32_t c1 = text[i + 1];
      if (c1 == U's' || c1 == U't' || c1 == U'm' || c1 == U'd') {
        words.emplace_back(i, i + 2);
        i += 2;
        continue;
      }
      if (i + 2 < n) {
        const char32_t c2 = text[i + 2];
        if ((c1 == U'r' && c2 == U'e') || (c1 == U'v' && c2 == U'e') || (c1 == U'l' && c2 == U'l')) {
          words.emplace_back(i, i + 3);
          i += 3;
          continue;
        }
      }
    }
    // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: the optional prefix is U+0020 only.
    const size_t start = (c == U' ' && i + 1 < n) ? i + 1 : i;
    const CharClass cls = Classify(table, text[start]);
    if (cls != CharClass::kSpace) {
      size_t end = start + 1;
      while (end < n && Classify(table, text[end]) == cls) ++end;
      words.emplace_back(i, end);
      i = end;
      continue;
    }
    // Here text[i] is whitespace. `\s+(?!\S)`: a run that reaches the end is one word; a
    // run followed by a non-space gives its last character back to the next word (where
    // a space becomes the optional prefix). A single such character falls to `\s+`.
    size_t end = i + 1;
    while (end < n && Classify(table, text[end]) == CharClass::kSpace) ++end;
    if (end < n && end - i >= 2) --end;
    words.emplace_back(i, end);
    i = end;
  }
}

void AppendUtf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string EncodeUtf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size() * 2);
  for (char32_t cp : text) AppendUtf8(cp, out);
  return out;
}

namespace {

inline bool IsCont(uint8_t b) { return (b & 0xC0) == 0x80; }

// Length of the valid sequence at `p` (1-4), or the negated length of the maximal
// invalid subpart (at least 1 byte). Mirrors core::str::from_utf8's checks.
int ScanSequence(const uint8_t* p, size_t left, char32_t& cp) {
  const uint8_t b0 = p[0];
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  int width = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) width = 2;
  else if (b0 >= 0xE0 && b0 <= 0xEF) width = 3;
  else if (b0 >= 0xF0 && b0 <= 0xF4) width = 4;
  else return -1;
  if (left < 2) return -1;
  const uint8_t b1 = p[1];
  if (width == 2) {
    if (!IsCont(b1)) return -1;
    cp = (static_cast<char32_t>(b0 & 0x1F) << 6) | (b1 & 0x3F);
    return 2;
  }
  if (width == 3) {
    const bool ok = (b0 == 0xE0 && b1 >= 0xA0 && b1 <= 0xBF) || (b0 >= 0xE1 && b0 <= 0xEC && IsCont(b1)) ||
                    (b0 == 0xED && b1 >= 0x80 && b1 <= 0x9F) || (b0 >= 0xEE && IsCont(b1));
    if (!ok) return -1;
    if (left < 3 || !IsCont(p[2])) return -2;
    cp = (static_cast<char32_t>(b0 & 0x0F) << 12) | (static_cast<char32_t>(b1 & 0x3F) << 6) | (p[2] & 0x3F);
    return 3;
  }
  const bool ok = (b0 == 0xF0 && b1 >= 0x90 && b1 <= 0xBF) || (b0 >= 0xF1 && b0 <= 0xF3 && IsCont(b1)) ||
                  (b0 == 0xF4 && b1 >= 0x80 && b1 <= 0x8F);
  if (!ok) return -1;
  if (left < 3 || !IsCont(p[2])) return -2;
  if (left < 4 || !IsCont(p[3])) return -3;
  cp = (static_cast<char32_t>(b0 & 0x07) << 18) | (static_cast<char32_t>(b1 & 0x3F) << 12) |
       (static_cast<char32_t>(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
  return 4;
}

}  // namespace

bool DecodeUtf8Lossy(std::string_view bytes, std::u32string& out) {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const size_t n = bytes.size();
  bool replaced = false;
  size_t i = 0;
  while (i < n) {
    char32_t cp = 0;
    const int len = ScanSequence(p + i, n - i, cp);
    if (len > 0) {
      out.push_back(cp);
      i += static_cast<size_t>(len);
    } else {
      out.push_back(U'\uFFFD');
      replaced = true;
      i += static_cast<size_t>(-len);
    }
  }
  return replaced;
}

std::optional<std::u32string> DecodeUtf8(std::string_view bytes) {
  std::u32string out;
  if (DecodeUtf8Lossy(bytes, out)) return std::nullopt;
  return out;
}

}  // namespace fb::tokenizers
