// SplitMix64: a tiny, well-mixed random stream whose output is the same on every platform,
// compiler and standard library (unlike std:: distributions), so seeded results reproduce.
#pragma once

#include <cstdint>

namespace fb {

class SplitMix64 final {
 public:
  explicit SplitMix64(uint64_t seed = 0) : k_state_(seed) {}

  uint64_t Next() {
    uint64_t z = (k_state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, n) without modulo bias worth noting (Lemire's multiply-shift).
  uint64_t Below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64); }

  // Uniform in [lo, hi), from the top 53 bits.
  double Uniform(double lo, double hi) { return lo + (hi - lo) * (static_cast<double>(Next() >> 11) * 0x1.0p-53); }

  uint64_t state() const { return k_state_; }
  void set_state(uint64_t state) { k_state_ = state; }

 private:
  uint64_t k_state_;
};

// One well-mixed value from `value`: the first output of a SplitMix64 seeded with it.
inline uint64_t MixSeed(uint64_t value) { return SplitMix64(value).Next(); }

}  // namespace fb
