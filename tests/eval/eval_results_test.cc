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
  r.policy = "p";
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
  for (const char* key : {"episodes", "successes", "success_rate", "success_ci95", "failures", "mean_steps"}) {
    EXPECT_TRUE(a.contains(key) && results["per_group"]["spatial/id"].contains(key) && results["overall"].contains(key))
        << key;
  }
}

}  // namespace
}  // namespace fb::eval
