// SplitMix64: the small seeded generator behind FASTerVQ's data order and dead-code
// choices. Our own, not a std:: distribution, so a seed gives the same stream with any
// standard library; its whole state is one integer, which checkpoints store.
#pragma once

#include <cstdint>

namespace fb::tokenizers {

class SplitMix64 final {
 public:
  explicit SplitMix64(uint64_t seed = 0) : k_state_(seed) {}

  uint64_t Next() {
    uint64_t z = (k_state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) for n >= 1 (multiply-shift; the bias is below 2^-32 for n < 2^32).
  uint64_t Below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64); }

  uint64_t state() const { return k_state_; }
  void set_state(uint64_t state) { k_state_ = state; }

 private:
  uint64_t k_state_;
};

}  // namespace fb::tokenizers
