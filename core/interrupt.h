// Cooperative interruption: SIGINT/SIGTERM set a flag that long loops poll, so a job
// stops between units of work and never leaves a half-written file behind.
#pragma once

namespace fb {

// Installs the SIGINT/SIGTERM handlers. A second signal while a stop is pending
// restores the default action, so a stuck job can still be killed with Ctrl-C twice.
void InstallInterruptHandlers();

// True once a stop was requested.
bool InterruptRequested();

// Throws fb::Interrupted when a stop was requested; call between units of work.
void ThrowIfInterrupted();

// For tests: request a stop (as a signal would) or clear the request.
void RequestInterrupt();
void ClearInterrupt();

}  // namespace fb
