// Orthonormal DCT-II along time (per action dim) and its inverse, the orthonormal
// DCT-III, in double precision: the transform FAST applies before quantizing.
#pragma once

#include <cmath>
#include <span>
#include <vector>

namespace fb::tokenizers {

// Cosine basis for one horizon T: basis(k, n) = s_k cos(pi k (2n + 1) / 2T), s_0 = sqrt(1/T),
// s_k = sqrt(2/T). Immutable; shared through ForHorizon. Not copyable.
class DctBasis final {
 public:
  explicit DctBasis(int horizon);
  DctBasis(const DctBasis&) = delete;
  DctBasis& operator=(const DctBasis&) = delete;

  // The cached basis for `horizon` (built once per T, thread-safe, never freed).
  // Throws fb::InputError for horizon < 1.
  static const DctBasis& ForHorizon(int horizon);

  int horizon() const { return k_horizon_; }
  double basis(int k, int n) const { return k_basis_[static_cast<size_t>(k) * k_horizon_ + n]; }

  // coeffs (T x dims) = DCT-II of x (T x dims) along time; both row-major, T * dims values.
  void Forward(std::span<const float> x, int dims, std::span<double> coeffs) const;
  void Forward(std::span<const double> x, int dims, std::span<double> coeffs) const;

  // x (T x dims) = DCT-III (the inverse) of coeffs (T x dims) along time.
  void Inverse(std::span<const double> coeffs, int dims, std::span<double> x) const;
  void Inverse(std::span<const double> coeffs, int dims, std::span<float> x) const;

 private:
  int k_horizon_;
  std::vector<double> k_basis_;    // (T x T), row k = frequency k
  std::vector<double> k_basis_t_;  // its transpose, row n = time step n
};

// numpy.around: round half to even. Relies on the default FE_TONEAREST mode, which is
// why this is std::nearbyint and not std::round (2.5 -> 2, 3.5 -> 4, -2.5 -> -2).
inline double RoundHalfEven(double x) { return std::nearbyint(x); }

}  // namespace fb::tokenizers
