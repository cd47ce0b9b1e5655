#include "tokenizers/fast/dct.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <numbers>
#include <string>

#include "core/error.h"

namespace fb::tokenizers {
namespace {

// Horizons up to this are found without a lock (an atomic slot each); longer ones go
// through the mutex-guarded map.
constexpr int kFastSlots = 512;

// Both transforms sum each output over its T terms in ascending order from +0.0, the order
// of the textbook loop, so the coefficients (and FAST's ids) are bit-identical to it; the
// loops are arranged so the innermost one runs over contiguous outputs (vectorized).

// coeffs[k][d] = sum_n basis[k][n] x[n][d]: per dim, the T outputs accumulate side by side
// with the transposed basis (basis_t[n][k]).
template <class In>
void ForwardImpl(const std::vector<double>& basis_t, int horizon, std::span<const In> x, int dims,
                 std::span<double> coeffs) {
  const auto t_count = static_cast<size_t>(horizon);
  const auto d_count = static_cast<size_t>(dims);
  thread_local std::vector<double> acc_buffer;
  acc_buffer.resize(t_count);
  double* __restrict acc = acc_buffer.data();
  for (size_t d = 0; d < d_count; ++d) {
    std::fill(acc, acc + t_count, 0.0);
    for (size_t n = 0; n < t_count; ++n) {
      const double v = static_cast<double>(x[n * d_count + d]);
      const double* __restrict column = basis_t.data() + n * t_count;
      for (size_t k = 0; k < t_count; ++k) acc[k] += column[k] * v;
    }
    for (size_t k = 0; k < t_count; ++k) coeffs[k * d_count + d] = acc[k];
  }
}

// x[n][d] = sum_k basis[k][n] coeffs[k][d]. A zero coefficient adds an exact +-0 to a sum
// that starts at +0.0 and so can never be -0.0: skipping it changes no bit, and FAST's
// quantized high frequencies are mostly zero.
template <class Out>
void InverseImpl(const std::vector<double>& basis, int horizon, std::span<const double> coeffs, int dims,
                 std::span<Out> x) {
  const auto t_count = static_cast<size_t>(horizon);
  const auto d_count = static_cast<size_t>(dims);
  // Accumulate in double even for float output, so float is only the final rounding.
  thread_local std::vector<double> acc_buffer;
  acc_buffer.resize(t_count);
  double* __restrict acc = acc_buffer.data();
  for (size_t d = 0; d < d_count; ++d) {
    std::fill(acc, acc + t_count, 0.0);
    for (size_t k = 0; k < t_count; ++k) {
      const double c = coeffs[k * d_count + d];
      if (c == 0.0) continue;
      const double* __restrict row = basis.data() + k * t_count;
      for (size_t n = 0; n < t_count; ++n) acc[n] += row[n] * c;
    }
    for (size_t n = 0; n < t_count; ++n) x[n * d_count + d] = static_cast<Out>(acc[n]);
  }
}

}  // namespace

DctBasis::DctBasis(int horizon)
    : k_horizon_(horizon),
      k_basis_(static_cast<size_t>(horizon) * horizon),
      k_basis_t_(static_cast<size_t>(horizon) * horizon) {
  const double t = horizon;
  for (int k = 0; k < horizon; ++k) {
    const double s = k == 0 ? std::sqrt(1.0 / t) : std::sqrt(2.0 / t);
    for (int n = 0; n < horizon; ++n) {
      const double value = s * std::cos(std::numbers::pi * k * (2.0 * n + 1.0) / (2.0 * t));
      k_basis_[static_cast<size_t>(k) * horizon + n] = value;
      k_basis_t_[static_cast<size_t>(n) * horizon + k] = value;
    }
  }
}

const DctBasis& DctBasis::ForHorizon(int horizon) {
  if (horizon < 1) throw InputError("DCT horizon must be >= 1, got " + std::to_string(horizon));
  static std::array<std::atomic<const DctBasis*>, kFastSlots + 1> slots{};
  static std::mutex mutex;
  static std::map<int, std::unique_ptr<DctBasis>> owned;
  if (horizon <= kFastSlots) {
    if (const DctBasis* cached = slots[horizon].load(std::memory_order_acquire)) return *cached;
  }
  std::lock_guard<std::mutex> lock(mutex);
  auto& entry = owned[horizon];
  if (!entry) entry = std::make_unique<DctBasis>(horizon);
  if (horizon <= kFastSlots) slots[horizon].store(entry.get(), std::memory_order_release);
  return *entry;
}

void DctBasis::Forward(std::span<const float> x, int dims, std::span<double> coeffs) const {
  ForwardImpl(k_basis_t_, k_horizon_, x, dims, coeffs);
}
void DctBasis::Forward(std::span<const double> x, int dims, std::span<double> coeffs) const {
  ForwardImpl(k_basis_t_, k_horizon_, x, dims, coeffs);
}
void DctBasis::Inverse(std::span<const double> coeffs, int dims, std::span<double> x) const {
  InverseImpl(k_basis_, k_horizon_, coeffs, dims, x);
}
void DctBasis::Inverse(std::span<const double> coeffs, int dims, std::span<float> x) const {
  InverseImpl(k_basis_, k_horizon_, coeffs, dims, x);
}

}  // namespace fb::tokenizers
