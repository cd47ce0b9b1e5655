#include "tokenizers/fast/dct.h"

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

template <class In>
void ForwardImpl(const std::vector<double>& basis, int horizon, std::span<const In> x, int dims,
                 std::span<double> coeffs) {
  const size_t d_count = static_cast<size_t>(dims);
  for (int k = 0; k < horizon; ++k) {
    double* out = coeffs.data() + static_cast<size_t>(k) * d_count;
    for (size_t d = 0; d < d_count; ++d) out[d] = 0.0;
    const double* row = basis.data() + static_cast<size_t>(k) * horizon;
    for (int n = 0; n < horizon; ++n) {
      const double w = row[n];
      const In* in = x.data() + static_cast<size_t>(n) * d_count;
      for (size_t d = 0; d < d_count; ++d) out[d] += w * static_cast<double>(in[d]);
    }
  }
}

template <class Out>
void InverseImpl(const std::vector<double>& basis, int horizon, std::span<const double> coeffs, int dims,
                 std::span<Out> x) {
  const size_t d_count = static_cast<size_t>(dims);
  // Accumulate in double even for float output, so float is only the final rounding.
  thread_local std::vector<double> acc;
  acc.assign(static_cast<size_t>(horizon) * d_count, 0.0);
  for (int k = 0; k < horizon; ++k) {
    const double* c = coeffs.data() + static_cast<size_t>(k) * d_count;
    const double* row = basis.data() + static_cast<size_t>(k) * horizon;
    for (int n = 0; n < horizon; ++n) {
      const double w = row[n];
      double* out = acc.data() + static_cast<size_t>(n) * d_count;
      for (size_t d = 0; d < d_count; ++d) out[d] += w * c[d];
    }
  }
  for (size_t i = 0; i < acc.size(); ++i) x[i] = static_cast<Out>(acc[i]);
}

}  // namespace

DctBasis::DctBasis(int horizon) : k_horizon_(horizon), k_basis_(static_cast<size_t>(horizon) * horizon) {
  const double t = horizon;
  for (int k = 0; k < horizon; ++k) {
    const double s = k == 0 ? std::sqrt(1.0 / t) : std::sqrt(2.0 / t);
    for (int n = 0; n < horizon; ++n) {
      k_basis_[static_cast<size_t>(k) * horizon + n] = s * std::cos(std::numbers::pi * k * (2.0 * n + 1.0) / (2.0 * t));
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
  ForwardImpl(k_basis_, k_horizon_, x, dims, coeffs);
}
void DctBasis::Forward(std::span<const double> x, int dims, std::span<double> coeffs) const {
  ForwardImpl(k_basis_, k_horizon_, x, dims, coeffs);
}
void DctBasis::Inverse(std::span<const double> coeffs, int dims, std::span<double> x) const {
  InverseImpl(k_basis_, k_horizon_, coeffs, dims, x);
}
void DctBasis::Inverse(std::span<const double> coeffs, int dims, std::span<float> x) const {
  InverseImpl(k_basis_, k_horizon_, coeffs, dims, x);
}

}  // namespace fb::tokenizers
