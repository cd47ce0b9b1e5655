#include "core/interrupt.h"

#include <atomic>
#include <csignal>

#include "core/error.h"

namespace fb {
namespace {

std::atomic<bool> g_stop_requested{false};

extern "C" void HandleStopSignal(int signum) {
  if (g_stop_requested.exchange(true)) {
    std::signal(signum, SIG_DFL);
    std::raise(signum);
  }
}

}  // namespace

void InstallInterruptHandlers() {
  struct sigaction action {};
  action.sa_handler = HandleStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool InterruptRequested() { return g_stop_requested.load(std::memory_order_relaxed); }

void ThrowIfInterrupted() {
  if (InterruptRequested()) throw Interrupted();
}

void RequestInterrupt() { g_stop_requested.store(true); }
void ClearInterrupt() { g_stop_requested.store(false); }

}  // namespace fb
