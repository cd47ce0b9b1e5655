// A helper thread that runs a worker's policy calls (Attach/Reset/Act) with a deadline. A
// hung C++ call cannot be cancelled, so on a missed deadline the caller stops waiting and the
// call thread is abandoned: it keeps running the hung call, and the policy instance, the
// episode state it is attached to and the call's inputs must then stay alive for as long as
// that call might still touch them. The worker therefore leaks them on purpose (see
// eval_run.cc, PolicySession) and starts the next episode with a fresh policy.
#pragma once

#include <functional>
#include <memory>

namespace fb::eval {

class PolicyCallThread final {
 public:
  PolicyCallThread();
  // Joins the thread unless abandoned (then it was detached, and it leaves on its own once the
  // hung call returns; its shared state goes with it).
  ~PolicyCallThread();
  PolicyCallThread(const PolicyCallThread&) = delete;
  PolicyCallThread& operator=(const PolicyCallThread&) = delete;

  // Runs `call` on the thread and waits at most `timeout_s` seconds (<= 0: no limit). Returns
  // true when the call finished (rethrowing its exception, if any), false when it missed the
  // deadline: the thread is then abandoned and every later Run throws std::logic_error.
  // Whatever `call` touches must outlive it: capture owned copies (shared_ptr) of inputs
  // and outputs, never references to the caller's stack.
  bool Run(std::function<void()> call, double timeout_s);

  bool abandoned() const { return k_abandoned_; }

 private:
  struct Channel;
  // The thread's loop; owns a reference to the channel, so it may outlive this object.
  static void Serve(std::shared_ptr<Channel> channel);

  std::shared_ptr<Channel> k_channel_;  // shared with the thread, which may outlive this
  bool k_abandoned_ = false;
};

}  // namespace fb::eval
