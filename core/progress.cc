#include "core/progress.h"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

namespace fb {
namespace {

// Terminals redraw often; logs get a line every so often so they stay readable.
constexpr std::chrono::milliseconds kTerminalPeriod{200};
constexpr std::chrono::seconds kLogPeriod{10};

}  // namespace

std::string FormatDuration(double seconds) {
  if (seconds < 60) return fmt::format("{:.1f}s", seconds);
  const auto total = static_cast<int64_t>(seconds + 0.5);
  if (total < 3600) return fmt::format("{}m{:02}s", total / 60, total % 60);
  return fmt::format("{}h{:02}m", total / 3600, (total % 3600) / 60);
}

Progress::Progress(std::string label, int64_t total, std::string unit)
    : k_label_(std::move(label)),
      k_total_(total),
      k_unit_(std::move(unit)),
      k_terminal_(::isatty(STDERR_FILENO) != 0),
      k_start_(Clock::now()),
      k_last_print_(k_start_) {}

Progress::~Progress() { Finish(); }

void Progress::Advance(int64_t n) {
  std::lock_guard lock(k_mutex_);
  k_done_ += n;
  const auto now = Clock::now();
  const auto period = k_terminal_ ? std::chrono::duration_cast<Clock::duration>(kTerminalPeriod)
                                  : std::chrono::duration_cast<Clock::duration>(kLogPeriod);
  if (now - k_last_print_ >= period) {
    k_last_print_ = now;
    PrintLocked(false);
  }
}

void Progress::Resume(int64_t n) {
  std::lock_guard lock(k_mutex_);
  k_done_ += n;
  k_resumed_ += n;
}

void Progress::Finish() {
  std::lock_guard lock(k_mutex_);
  if (k_finished_) return;
  k_finished_ = true;
  PrintLocked(true);
}

int64_t Progress::done() const {
  std::lock_guard lock(k_mutex_);
  return k_done_;
}

void Progress::PrintLocked(bool final_line) {
  const double elapsed = std::chrono::duration<double>(Clock::now() - k_start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(k_done_ - k_resumed_) / elapsed : 0.0;
  std::string line = k_total_ > 0
                         ? fmt::format("{}: {}/{} {} ({:.0f}%)", k_label_, k_done_, k_total_, k_unit_,
                                       100.0 * static_cast<double>(k_done_) / static_cast<double>(k_total_))
                         : fmt::format("{}: {} {}", k_label_, k_done_, k_unit_);
  line += fmt::format(", {:.1f} {}/s, elapsed {}", rate, k_unit_, FormatDuration(elapsed));
  if (!final_line && k_total_ > 0 && rate > 0) {
    line += fmt::format(", ETA {}", FormatDuration(static_cast<double>(k_total_ - k_done_) / rate));
  }
  if (k_terminal_) {
    std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), final_line ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::fflush(stderr);
}

}  // namespace fb
