// MuJoCo's process-wide error and warning hooks, set once so that nothing ever blocks on
// stdin (the default mju_error waits for Enter) and engine errors reach C++ callers.
#pragma once

#include <cstdint>
#include <stdexcept>

#include <mujoco/mjdata.h>

namespace fb::envs {

// MuJoCo raised an unrecoverable error (mju_error) inside a call made on this thread. The
// mjData used by that call is inconsistent afterwards: mj_resetData it before reuse.
class MujocoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Installs mju_user_error (throws MujocoError) and mju_user_warning (logs through spdlog and
// counts per thread). Idempotent and thread-safe; LoadModel and Renderer call it themselves.
void InstallMujocoHandlers();

// Number of mju_warning messages raised on the calling thread since it started or since
// the last ResetThreadWarningCount().
int64_t ThreadWarningCount();
void ResetThreadWarningCount();

// Sum of mjData's warning counters (d->warning[i].number over all mjNWARNING kinds):
// instabilities, contact/stack overflows, bad controls. 0 for a healthy simulation.
int DataWarningCount(const mjData* d);

}  // namespace fb::envs
