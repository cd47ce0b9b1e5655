#include "eval/eval_results.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace fb::eval {
namespace {

TEST(WilsonIntervalTest, MatchesKnownValues) {
  const Interval eight = WilsonInterval(8, 10);
  EXPECT_NEAR(eight.low, 0.4902, 5e-4);
  EXPECT_NEAR(eight.high, 0.9433, 5e-4);
  const Interval none = WilsonInterval(0, 10);
  EXPECT_NEAR(none.low, 0.0, 1e-12);
  EXPECT_NEAR(none.high, 0.2775, 5e-4);
  const Interval all = WilsonInterval(10, 10);
  EXPECT_NEAR(all.low, 0.7225, 5e-4);
  EXPECT_NEAR(all.high, 1.0, 1e-12);
  const Interval half = WilsonInterval(50, 100);
  EXPECT_NEAR(half.low, 0.4038, 5e-4);
  EXPECT_NEAR(half.high, 0.5962, 5e-4);
  const Interval empty = WilsonInterval(0, 0);
  EXPECT_EQ(empty.low, 0.0);
  EXPECT_EQ(empty.high, 1.0);
  EXPECT_THROW(WilsonInterval(3, 2), InputError);
}

EpisodeRecord Record(const std::string& task, const std::string& split, int index, bool success) {
  EpisodeRecord r;
  r.id = {"spatial", task, split, "widowx250", index, static_cast<uint64_t>(index)};
  r.policy = std::string("p");  // not = "p": GCC 12 -Wrestrict false positive (PR 105329)
  r.success_once = success;
  r.success_at_end = success;
  r.steps = 10;
  r.failure = success ? EpisodeFailure::kNone : EpisodeFailure::kTimeout;
  return r;
}

TEST(AggregateTest, RollsUpTaskGroupOverallWithTheSameKeys) {
  std::vector<EpisodeRecord> records;
  for (int i = 0; i < 10; ++i) records.push_back(Record("a", "id", i, i < 8));
  for (int i = 0; i < 4; ++i) records.push_back(Record("b", "id", i, i < 1));
  for (int i = 0; i < 2; ++i) records.push_back(Record("a", "ood-position", i, false));
  const auto results = Aggregate(records, {{"config_hash", "h"}});
  EXPECT_EQ(results["schema_version"], kResultsSchemaVersion);
  EXPECT_EQ(results["config_hash"], "h");
  const auto& a = results["per_task"]["spatial/id/a/widowx250"];
  EXPECT_EQ(a["episodes"], 10);
  EXPECT_EQ(a["successes"], 8);
  EXPECT_NEAR(a["success_ci95"][0].get<double>(), 0.490, 5e-4);
  EXPECT_EQ(results["per_group"]["spatial/id"]["episodes"], 14);
  EXPECT_EQ(results["per_group"]["spatial/id"]["successes"], 9);
  EXPECT_EQ(results["per_group"]["spatial/ood-position"]["failures"]["timeout"], 2);
  EXPECT_EQ(results["overall"]["episodes"], 16);
  for (const char* key : {"episodes", "successes", "success_rate", "success_ci95", "failures", "mean_steps", "timing",
                          "mean_tokens_per_chunk", "decode_failures"}) {
    EXPECT_TRUE(a.contains(key) && results["per_group"]["spatial/id"].contains(key) && results["overall"].contains(key))
        << key;
  }
}

TEST(NearestRankPercentileTest, PicksTheValueAtRankCeilPN) {
  // Ranks for n = 10: p50 -> 5th, p95 -> 10th, p99 -> 10th, p10 -> 1st, p11 -> 2nd.
  const std::vector<double> values = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  EXPECT_EQ(NearestRankPercentile(values, 50), 5.0);
  EXPECT_EQ(NearestRankPercentile(values, 95), 10.0);
  EXPECT_EQ(NearestRankPercentile(values, 99), 10.0);
  EXPECT_EQ(NearestRankPercentile(values, 10), 1.0);
  EXPECT_EQ(NearestRankPercentile(values, 11), 2.0);
  EXPECT_EQ(NearestRankPercentile(values, 0), 1.0);
  EXPECT_EQ(NearestRankPercentile(values, 100), 10.0);
  std::vector<double> hundred;
  for (int i = 1; i <= 100; ++i) hundred.push_back(i);
  EXPECT_EQ(NearestRankPercentile(hundred, 95), 95.0);
  EXPECT_EQ(NearestRankPercentile(hundred, 99), 99.0);
  EXPECT_EQ(NearestRankPercentile({}, 50), 0.0);
  EXPECT_THROW(NearestRankPercentile(values, 101), InputError);
}

TEST(SummarizeTest, ReportsLatencyPercentilesControlRatesAndChunkMeans) {
  EpisodeRecord r = Record("a", "id", 0, true);
  r.steps = 40;
  r.policy_s = 2.0;
  for (int i = 1; i <= 4; ++i) {
    CallRecord c;
    c.latency_s = 0.1 * i;  // 0.1, 0.2, 0.3, 0.4
    c.chunk_steps = 10;
    c.metrics.tokens = 8 * i;  // 8, 16, 24, 32
    c.metrics.forward_passes = 2;
    c.metrics.decode_failures = i == 4 ? 1 : 0;
    r.calls.push_back(c);
  }
  const auto s = Summarize({&r});
  EXPECT_EQ(s["act_calls"], 4);
  EXPECT_DOUBLE_EQ(s["mean_tokens_per_chunk"].get<double>(), 20.0);
  EXPECT_DOUBLE_EQ(s["mean_forward_passes_per_chunk"].get<double>(), 2.0);
  EXPECT_EQ(s["decode_failures"], 1);
  const auto& t = s["timing"];
  EXPECT_NEAR(t["latency_mean_s"].get<double>(), 0.25, 1e-12);
  EXPECT_DOUBLE_EQ(t["latency_p50_s"].get<double>(), 0.2);  // rank ceil(0.5 * 4) = 2
  EXPECT_DOUBLE_EQ(t["latency_p95_s"].get<double>(), 0.4);
  EXPECT_DOUBLE_EQ(t["latency_p99_s"].get<double>(), 0.4);
  EXPECT_NEAR(t["control_rate_hz"].get<double>(), 20.0, 1e-9);     // 40 steps / 2 s
  EXPECT_NEAR(t["control_rate_at_p95_hz"].get<double>(), 25.0, 1e-9);  // 10 steps per call / 0.4 s
  const auto empty = Summarize({});
  EXPECT_EQ(empty["timing"]["latency_p95_s"], 0.0);
  EXPECT_EQ(empty["timing"]["control_rate_hz"], 0.0);
}

// A variant labels its row: results carry the name the policy reported in its records.
TEST(AggregateTest, ThePolicyIsTheNameThePolicyReported) {
  std::vector<EpisodeRecord> records = {Record("a", "id", 0, true)};
  records[0].policy = std::string("fast_ar (constrained)");
  EXPECT_EQ(Aggregate(records, {{"policy", "fast_ar"}})["policy"], "fast_ar (constrained)");
  EXPECT_EQ(Aggregate({}, {{"policy", "fast_ar"}})["policy"], "fast_ar");
}

TEST(OodDropTest, ComparesEachOodSplitWithIdOnTheSharedCells) {
  std::vector<EpisodeRecord> records;
  for (int i = 0; i < 10; ++i) records.push_back(Record("a", "id", i, i < 8));           // a: 0.8 in id
  for (int i = 0; i < 10; ++i) records.push_back(Record("b", "id", i, i < 2));           // b: 0.2, id only
  for (int i = 0; i < 10; ++i) records.push_back(Record("a", "ood-position", i, i < 3));  // a: 0.3
  for (int i = 0; i < 5; ++i) records.push_back(Record("a", "ood-visual", i, true));
  for (int i = 0; i < 5; ++i) records.push_back(Record("a", "train", i, true));  // not an OOD split
  const auto results = Aggregate(records, nlohmann::json::object());
  const auto& drop = results["overall"]["ood_drop"];
  ASSERT_EQ(drop.size(), 2u);
  EXPECT_DOUBLE_EQ(drop["ood-position"]["id_rate"].get<double>(), 0.8);  // task b has no ood-position cell
  EXPECT_DOUBLE_EQ(drop["ood-position"]["split_rate"].get<double>(), 0.3);
  EXPECT_NEAR(drop["ood-position"]["drop"].get<double>(), -0.5, 1e-12);
  EXPECT_EQ(drop["ood-position"]["id_episodes"], 10);
  EXPECT_NEAR(drop["ood-visual"]["drop"].get<double>(), 0.2, 1e-12);
  EXPECT_TRUE(OodDrop({Record("a", "ood-position", 0, true)}).empty());
}

}  // namespace
}  // namespace fb::eval
