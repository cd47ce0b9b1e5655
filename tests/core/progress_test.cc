#include "core/progress.h"

#include <gtest/gtest.h>

#include <string>
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

// A resumed job's earlier units count as done but not toward the rate (else a resumed
// training run would report thousands of steps per second and an ETA of seconds).
TEST(ProgressTest, ResumedUnitsAreDoneButNotPartOfTheRate) {
  ::testing::internal::CaptureStderr();
  {
    Progress progress("test", 2000, "items");
    progress.Resume(1000);
    EXPECT_EQ(progress.done(), 1000);
    progress.Finish();
  }
  const std::string line = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(line.find("1000/2000 items (50%), 0.0 items/s"), std::string::npos) << line;
}

}  // namespace
}  // namespace fb
