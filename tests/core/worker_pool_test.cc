#include "core/worker_pool.h"

#include <atomic>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace fb {
namespace {

TEST(WorkerPoolTest, EveryItemRunsOnceAndResultsReachTheCallingThread) {
  const auto caller = std::this_thread::get_id();
  std::atomic<int> contexts{0};
  std::vector<int> seen(100, 0);
  RunOnWorkers(
      100, 3, [&](int worker) { ++contexts; return worker; },
      [](int& worker, int item) { return item * 10 + worker * 0; },
      [&](int item, int result) {
        EXPECT_EQ(std::this_thread::get_id(), caller);
        EXPECT_EQ(result, item * 10);
        ++seen[static_cast<size_t>(item)];
      });
  EXPECT_EQ(contexts.load(), 3);
  for (int n : seen) EXPECT_EQ(n, 1);
}

TEST(WorkerPoolTest, NeverMoreWorkersThanItems) {
  std::atomic<int> contexts{0};
  RunOnWorkers(
      2, 8, [&](int) { return ++contexts; }, [](int&, int item) { return item; }, [](int, int) {});
  EXPECT_EQ(contexts.load(), 2);
}

TEST(WorkerPoolTest, AWorkerErrorStopsNewItemsDeliversFinishedOnesAndIsRethrown) {
  std::set<int> delivered;
  EXPECT_THROW(RunOnWorkers(
                   50, 1, [](int) { return 0; },
                   [](int&, int item) {
                     if (item == 5) throw std::runtime_error("item 5 broke");
                     return item;
                   },
                   [&](int item, int) { delivered.insert(item); }),
               std::runtime_error);
  EXPECT_EQ(delivered, (std::set<int>{0, 1, 2, 3, 4}));
}

TEST(WorkerPoolTest, InterruptStopsHandingOutItems) {
  ClearInterrupt();
  int delivered = 0;
  EXPECT_THROW(RunOnWorkers(
                   50, 1, [](int) { return 0; },
                   [](int&, int item) {
                     if (item == 3) RequestInterrupt();
                     return item;
                   },
                   [&](int, int) { ++delivered; }),
               Interrupted);
  ClearInterrupt();
  EXPECT_EQ(delivered, 4);
}

}  // namespace
}  // namespace fb
