// The byte level of HF's ByteLevel BPE: the GPT-2 byte <-> symbol table, the GPT-2
// pre-tokenizer split (on code points, Unicode classes from ICU) and UTF-8 coding with
// Rust-compatible lossy decoding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fb::tokenizers {

// GPT-2 symbol of a byte: 0x21-0x7E, 0xA1-0xAC, 0xAE-0xFF map to themselves, the other 68
// bytes in ascending order to U+0100..U+0143 (so space -> U+0120 'Ġ').
char32_t ByteToSymbol(uint8_t byte);

// The byte a GPT-2 symbol stands for, or -1 when `symbol` is not in the table.
int SymbolToByte(char32_t symbol);

// Word boundaries of the GPT-2 pre-tokenizer regex
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// applied to `text`: fills `words` with [begin, end) index pairs covering the text in
// order. Never fails; an empty text gives no words.
void SplitGpt2Words(std::u32string_view text, std::vector<std::pair<size_t, size_t>>& words);

// Appends the UTF-8 encoding of `cp`. The caller guarantees a scalar value (no
// surrogate, <= U+10FFFF).
void AppendUtf8(char32_t cp, std::string& out);

// True for a Unicode scalar value: <= U+10FFFF and not a surrogate.
inline bool IsScalarValue(char32_t cp) { return cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF); }

// Decodes UTF-8 like Rust's String::from_utf8_lossy: each maximal invalid subpart becomes
// one U+FFFD. Appends to `out`; returns true when any replacement was made.
bool DecodeUtf8Lossy(std::string_view bytes, std::u32string& out);

// Strict UTF-8 decode; nullopt on any invalid sequence.
std::optional<std::u32string> DecodeUtf8(std::string_view bytes);

// UTF-8 of a code-point string (scalar values only).
std::string EncodeUtf8(std::u32string_view text);

}  // namespace fb::tokenizers
