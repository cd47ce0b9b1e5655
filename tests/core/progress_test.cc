#include "core/progress.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace fb {
namespace {

TEST(ProgressTest, FormatDurationPicksCompactUnits) {
  EXPECT_EQ(FormatDuration(12.34), "12.3s");
  EXPECT_EQ(FormatDuration(185), "3m05s");
  EXPECT_EQ(FormatDuration(3725), "1h02m");
}

TEST(ProgressTest, AdvanceIsThreadSafe) {
  Progress progress("test", 4000, "items");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) progress.Advance();
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(progress.done(), 4000);
}

}  // namespace
}  // namespace fb
