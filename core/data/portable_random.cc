#include "core/data/portable_random.h"

#include <cmath>
#include <numbers>

namespace fb::data {

double PortableRandom::Uniform() { return static_cast<double>(k_engine_() >> 11) * 0x1.0p-53; }

double PortableRandom::Normal() {
  const double radius = std::sqrt(-2.0 * std::log(1.0 - Uniform()));  // 1 - u is in (0, 1]
  return radius * std::cos(2.0 * std::numbers::pi * Uniform());
}

}  // namespace fb::data
