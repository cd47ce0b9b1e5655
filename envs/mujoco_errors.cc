#include "envs/mujoco_errors.h"

#include <mutex>

#include <mujoco/mujoco.h>
#include <spdlog/spdlog.h>

namespace fb::envs {
namespace {

thread_local int64_t t_warning_count = 0;

// Throwing from the handler, rather than longjmp (MuJoCo's Python bindings) or abort:
// - mju_error must not return (the caller would continue on garbage), so it either leaves by
//   a non-local exit or ends the process; one bad episode must not end a benchmark run.
// - Unwinding through C frames needs unwind tables, not -fexceptions: the unwinder only
//   needs an FDE per frame, and C frames have no cleanups to run. Debian's
//   libmujoco.so.2.2.2 has .eh_frame/.eh_frame_hdr and an FDE covering every one of its 303
//   exported functions (checked with `readelf --debug-dump=frames`; GCC's x86-64 default is
//   -fasynchronous-unwind-tables), and GL/glibc frames carry them too. This is what GCC
//   guarantees in practice, not what ISO C++ promises; a MuJoCo build without unwind
//   tables would turn the throw into std::terminate (an abort, not a hang).
// - longjmp would skip the destructors of our C++ frames between the call and the setjmp
//   (undefined behaviour when they are non-trivial); a throw runs them.
// - What is lost either way: memory MuJoCo allocated inside the aborted call and mjData's
//   stack pointer, hence "mj_resetData before reuse" on MujocoError.
// During mj_loadXML MuJoCo's compiler installs its own thread-local handler, which takes
// precedence, so compile errors still come back through the loader's error buffer.
[[noreturn]] void ThrowMujocoError(const char* message) { throw MujocoError(std::string("MuJoCo: ") + message); }

void LogMujocoWarning(const char* message) {
  ++t_warning_count;
  spdlog::warn("MuJoCo: {}", message);
}

}  // namespace

void InstallMujocoHandlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    mju_user_error = &ThrowMujocoError;
    mju_user_warning = &LogMujocoWarning;
  });
}

int64_t ThreadWarningCount() { return t_warning_count; }

void ResetThreadWarningCount() { t_warning_count = 0; }

int DataWarningCount(const mjData* d) {
  int total = 0;
  for (int i = 0; i < mjNWARNING; ++i) total += d->warning[i].number;
  return total;
}

}  // namespace fb::envs
