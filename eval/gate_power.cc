#include "eval/gate_power.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/error.h"

namespace fb::eval {
namespace {

constexpr double kRateTolerance = 1e-12;  // as Judge: a drop of exactly min_drop counts

// log of the binomial(n, k) probability mass at rate r.
double LogBinomial(int n, int k, double r) {
  if (r <= 0) return k == 0 ? 0 : -INFINITY;
  if (r >= 1) return k == n ? 0 : -INFINITY;
  return std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0) + k * std::log(r) +
         (n - k) * std::log1p(-r);
}

// The largest c < m / 2 whose McNemar p for (m - c, c) is below alpha; -1 when none. p grows
// with c at fixed m, so bisect.
int CriticalCandidateOnly(int m, double alpha) {
  int lo = -1, hi = (m + 1) / 2;  // McNemarExactP(m - lo, lo) < alpha holds at lo (or lo = -1), fails at hi
  while (hi - lo > 1) {
    const int c = (lo + hi) / 2;
    (McNemarExactP(m - c, c) < alpha ? lo : hi) = c;
  }
  return lo;
}

}  // namespace

double RegressionPower(int n, double baseline_rate, double candidate_rate, const GateThresholds& thresholds) {
  if (n < 1) throw InputError(fmt::format("gate power: {} paired episodes; need at least 1", n));
  for (const double rate : {baseline_rate, candidate_rate}) {
    if (!(rate >= 0 && rate <= 1)) throw InputError(fmt::format("gate power: success rate {} is not in [0, 1]", rate));
  }
  const double baseline_only = baseline_rate * (1 - candidate_rate);
  const double candidate_only = candidate_rate * (1 - baseline_rate);
  const double discordant = baseline_only + candidate_only;
  if (discordant <= 0) return 0;
  const double share_c = candidate_only / discordant;
  // m discordant pairs fail the gate when c is at most the McNemar critical value and the drop
  // (b - c) / n = (m - 2c) / n reaches min_drop. Terms beyond 12 standard deviations of m are
  // below double precision and skipped.
  const double mean = n * discordant, spread = 12 * std::sqrt(n * discordant * (1 - discordant)) + 2;
  const int m_lo = std::max(1, static_cast<int>(std::floor(mean - spread)));
  const int m_hi = std::min(n, static_cast<int>(std::ceil(mean + spread)));
  double power = 0;
  for (int m = m_lo; m <= m_hi; ++m) {
    const int by_drop = static_cast<int>(std::floor((m - thresholds.min_drop * n) / 2 + kRateTolerance * n));
    const int c_max = std::min(CriticalCandidateOnly(m, thresholds.alpha), by_drop);
    if (c_max < 0) continue;
    double given_m = 0;
    for (int c = 0; c <= c_max; ++c) given_m += std::exp(LogBinomial(m, c, share_c));
    power += std::exp(LogBinomial(n, m, discordant)) * std::min(1.0, given_m);
  }
  return std::min(1.0, power);
}

double MinimumDetectableDrop(int n, double baseline_rate, const GateThresholds& thresholds, double power) {
  constexpr double kStep = 0.005;
  for (double drop = kStep; drop <= baseline_rate + 1e-9; drop += kStep) {
    if (RegressionPower(n, baseline_rate, std::max(0.0, baseline_rate - drop), thresholds) >= power) return drop;
  }
  return baseline_rate + kStep;
}

int EpisodesToDetect(double baseline_rate, double relative_drop, const GateThresholds& thresholds, double power,
                     int max_n) {
  const double candidate_rate = baseline_rate * (1 - relative_drop);
  auto enough = [&](int n) { return RegressionPower(n, baseline_rate, candidate_rate, thresholds) >= power; };
  // Small samples: McNemar's discreteness makes power jump up and down with n, so take the
  // first n from which it holds over a window of five.
  constexpr int kScanned = 400, kWindow = 5;
  int run = 0;
  for (int n = 1; n <= std::min(kScanned, max_n); ++n) {
    run = enough(n) ? run + 1 : 0;
    if (run == kWindow) return n - kWindow + 1;
  }
  // Large samples: power grows with n; bisect.
  if (max_n <= kScanned || !enough(max_n)) return 0;
  int lo = kScanned, hi = max_n;
  while (hi - lo > 1) {
    const int n = (lo + hi) / 2;
    (enough(n) ? hi : lo) = n;
  }
  return hi;
}

}  // namespace fb::eval
