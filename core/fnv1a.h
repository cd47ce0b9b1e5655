// FNV-1a, 64 bit: a stable hash of text, the same on every platform and compiler; used for
// config hashes and for deriving seeds from names and episode identities.
#pragma once

#include <cstdint>
#include <string_view>

namespace fb {

inline constexpr uint64_t kFnv1aOffsetBasis = 14695981039346656037ull;

// The envs and policies derive seeds with this basis, a truncated copy of the standard one
// (its last digit missing). The committed initial states and the seeded policies were made
// with it, so it stays: changing it would change every saved episode start.
inline constexpr uint64_t kEpisodeSeedBasis = 1469598103934665603ull;

inline uint64_t Fnv1a64(std::string_view text, uint64_t basis = kFnv1aOffsetBasis) {
  uint64_t hash = basis;
  for (const unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace fb
