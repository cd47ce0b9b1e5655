// Random draws that are the same on every standard library: std::mt19937_64's output
// is fixed by the standard, but std::uniform_real_distribution and
// std::normal_distribution are implementation-defined, so draws are derived from raw bits.
#pragma once

#include <cstdint>
#include <random>

#include "core/split_mix64.h"

namespace fb::data {

using fb::MixSeed;  // core/split_mix64.h

// Copyable: a copy continues the same stream independently.
class PortableRandom final {
 public:
  explicit PortableRandom(uint64_t seed) : k_engine_(seed) {}

  // Uniform in [0, 1) from the top 53 bits of one engine output: bit-exact everywhere.
  double Uniform();
  double Uniform(double low, double high) { return low + (high - low) * Uniform(); }

  // Standard normal by Box-Muller from two Uniform() draws (no cached pair, so a draw
  // depends only on how many came before). Equal everywhere up to libm's rounding of
  // log/cos, which is not guaranteed to be the last bit.
  double Normal();

 private:
  std::mt19937_64 k_engine_;
};

}  // namespace fb::data
