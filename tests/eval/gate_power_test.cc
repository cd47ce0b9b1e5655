#include "eval/gate_power.h"

#include <random>

#include <gtest/gtest.h>

#include "core/error.h"

namespace fb::eval {
namespace {

const GateThresholds kGate{0.05, 0.05};

// The gate's verdict on simulated pairs, counted: the power by Monte Carlo.
double SimulatedPower(int n, double baseline_rate, double candidate_rate, int trials) {
  std::mt19937_64 rng(7);
  std::bernoulli_distribution baseline(baseline_rate), candidate(candidate_rate);
  int failed = 0;
  for (int t = 0; t < trials; ++t) {
    GroupComparison g;
    g.paired = n;
    for (int i = 0; i < n; ++i) {
      const bool b = baseline(rng), c = candidate(rng);
      g.baseline_successes += b;
      g.candidate_successes += c;
      g.baseline_only += b && !c;
      g.candidate_only += c && !b;
    }
    g.p_value = McNemarExactP(g.baseline_only, g.candidate_only);
    failed += Judge(g, kGate) == Verdict::kRegression;
  }
  return static_cast<double>(failed) / trials;
}

TEST(GatePowerTest, AgreesWithSimulatingTheGate) {
  for (const auto& [n, p, q] : {std::tuple{30, 0.8, 0.5}, std::tuple{12, 0.25, 0.0}, std::tuple{60, 0.9, 0.75}}) {
    EXPECT_NEAR(RegressionPower(n, p, q, kGate), SimulatedPower(n, p, q, 20000), 0.012) << n << " " << p << " " << q;
  }
}

TEST(GatePowerTest, TwelveEpisodesAtAQuarterCannotSeeAPolicyThatNeverSucceeds) {
  // The old CI gate: 12 pairs against baselines near 3/12. McNemar needs b >= 6 with c = 0.
  EXPECT_LT(RegressionPower(12, 0.25, 0.0, kGate), 0.1);
  EXPECT_GT(MinimumDetectableDrop(12, 0.25, kGate, 0.8), 0.25);  // "none"
  EXPECT_EQ(RegressionPower(12, 0.0, 0.0, kGate), 0.0);
}

TEST(GatePowerTest, EpisodesToDetectAHalvingGivePowerFromThereOn) {
  const int n = EpisodesToDetect(0.9, 0.5, kGate, 0.8);
  ASSERT_GT(n, 0);
  EXPECT_LT(n, 40);  // 6 losses with no win back are enough, and a 90% policy gives them fast
  for (int k = n; k < n + 5; ++k) EXPECT_GE(RegressionPower(k, 0.9, 0.45, kGate), 0.8) << k;
  EXPECT_LT(RegressionPower(n - 1, 0.9, 0.45, kGate), 0.8);
  // A weaker baseline needs more episodes to see its halving.
  EXPECT_GT(EpisodesToDetect(0.3, 0.5, kGate, 0.8), n);
  // The detectable drop shrinks as episodes grow.
  EXPECT_GT(MinimumDetectableDrop(30, 0.9, kGate, 0.8), MinimumDetectableDrop(300, 0.9, kGate, 0.8));
}

TEST(GatePowerTest, RejectsImpossibleInputs) {
  EXPECT_THROW(RegressionPower(0, 0.5, 0.2, kGate), InputError);
  EXPECT_THROW(RegressionPower(10, 1.5, 0.2, kGate), InputError);
}

}  // namespace
}  // namespace fb::eval
