// Error types shared by every fasterbench library, and the exit codes they map to.
#pragma once

#include <stdexcept>
#include <string>

namespace fb {

// Process exit codes, documented in the README.
inline constexpr int kExitOk = 0;
inline constexpr int kExitCheckFailed = 1;  // the checked thing failed (e.g. a regression)
inline constexpr int kExitUsage = 2;        // bad command line, config, or input data
inline constexpr int kExitInterrupted = 130;

// The caller's input is wrong: a config, a data file, a flag. The message names the
// file, field or value and, where possible, the remedy. Maps to exit code 2.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A long job stopped because the user asked it to (SIGINT/SIGTERM). Maps to exit 130.
class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted") {}
};

}  // namespace fb
