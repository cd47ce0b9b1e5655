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

// Each worker makes its context on its own thread and every item it runs gets that context:
// the per-worker state (a simulation, a renderer, a policy) never crosses threads.
TEST(WorkerPoolTest, EachItemRunsWithTheContextItsThreadMade) {
  struct Context {
    int worker;
    std::thread::id made_on;
  };
  std::vector<int> worker_of(60, -1);
  std::set<int> workers_seen;
  RunOnWorkers(
      60, 3, [](int worker) { return Context{worker, std::this_thread::get_id()}; },
      [](Context& context, int) {
        EXPECT_EQ(context.made_on, std::this_thread::get_id()) << "worker " << context.worker;
        return context.worker;
      },
      [&](int item, int worker) {
        worker_of[static_cast<size_t>(item)] = worker;
        workers_seen.insert(worker);
      });
  for (int w : worker_of) {
    EXPECT_GE(w, 0);
    EXPECT_LT(w, 3);
  }
  EXPECT_FALSE(workers_seen.empty());
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
