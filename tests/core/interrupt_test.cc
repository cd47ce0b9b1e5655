#include "core/interrupt.h"

#include <gtest/gtest.h>

#include <csignal>

#include "core/error.h"

namespace fb {
namespace {

TEST(InterruptTest, SignalSetsFlagAndThrowIfInterruptedThrows) {
  InstallInterruptHandlers();
  ClearInterrupt();
  EXPECT_NO_THROW(ThrowIfInterrupted());
  std::raise(SIGINT);
  EXPECT_TRUE(InterruptRequested());
  EXPECT_THROW(ThrowIfInterrupted(), Interrupted);
  ClearInterrupt();
  EXPECT_FALSE(InterruptRequested());
}

}  // namespace
}  // namespace fb
