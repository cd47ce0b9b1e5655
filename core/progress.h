// Progress of a long job on stderr: done/total, rate, ETA. On a terminal one line is
// redrawn in place; otherwise (CI logs, pipes) plain lines appear at a bounded pace.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace fb {

class Progress final {
 public:
  // `unit` names what is counted ("chunks", "episodes"). total <= 0 hides the ETA.
  Progress(std::string label, int64_t total, std::string unit);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Adds `n` finished units; thread-safe; prints when the pace allows.
  void Advance(int64_t n = 1);

  // Counts `n` units a resumed job finished before this process: they show in done/total
  // but not in the rate, so the ETA stays this process's pace.
  void Resume(int64_t n);

  // Prints the closing line (called by the destructor if not called before).
  void Finish();

  int64_t done() const;

 private:
  void PrintLocked(bool final_line);

  using Clock = std::chrono::steady_clock;
  const std::string k_label_;
  const int64_t k_total_;
  const std::string k_unit_;
  const bool k_terminal_;
  const Clock::time_point k_start_;
  mutable std::mutex k_mutex_;
  int64_t k_done_ = 0;
  int64_t k_resumed_ = 0;  // of k_done_, finished before this process
  Clock::time_point k_last_print_;
  bool k_finished_ = false;
};

// "1h02m", "3m05s", "12.3s": compact durations for progress lines and summaries.
std::string FormatDuration(double seconds);

}  // namespace fb
