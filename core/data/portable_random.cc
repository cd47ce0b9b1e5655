#include "core/data/portable_random.h"

#include <cmath>
#include <numbers>

namespace fb::data {

uint64_t MixSeed(uint64_t value) {
  value += 0x9e3779b97f4a7c15ull;
  value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ull;
  value = (value ^ (value >> 27)) * 0x94d049bb133111ebull;
  return value ^ (value >> 31);
}

double PortableRandom::Uniform() { return static_cast<double>(k_engine_() >> 11) * 0x1.0p-53; }

double PortableRandom::Normal() {
  const double radius = std::sqrt(-2.0 * std::log(1.0 - Uniform()));  // 1 - u is in (0, 1]
  return radius * std::cos(2.0 * std::numbers::pi * Uniform());
}

}  // namespace fb::data
