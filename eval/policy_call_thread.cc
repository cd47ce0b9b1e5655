#include "eval/policy_call_thread.h"

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace fb::eval {

struct PolicyCallThread::Channel {
  std::mutex mutex;
  std::condition_variable wake;  // a call or quit for the thread
  std::condition_variable done;  // a finished call for the caller
  std::function<void()> call;    // pending, empty when none
  bool finished = false;
  bool quit = false;
  std::exception_ptr error;
  std::thread thread;
};

void PolicyCallThread::Serve(std::shared_ptr<Channel> channel) {
  std::unique_lock lock(channel->mutex);
  for (;;) {
    channel->wake.wait(lock, [&] { return channel->quit || channel->call; });
    if (!channel->call) return;  // quit
    std::function<void()> call = std::move(channel->call);
    channel->call = nullptr;
    lock.unlock();
    std::exception_ptr error;
    try {
      call();
    } catch (...) {
      error = std::current_exception();
    }
    call = nullptr;  // release what the call captured before reporting back
    lock.lock();
    channel->error = error;
    channel->finished = true;
    channel->done.notify_one();
    if (channel->quit) return;  // abandoned while the call ran
  }
}

PolicyCallThread::PolicyCallThread() : k_channel_(std::make_shared<Channel>()) {
  k_channel_->thread = std::thread(Serve, k_channel_);
}

PolicyCallThread::~PolicyCallThread() {
  if (k_abandoned_) return;  // already detached
  {
    std::lock_guard lock(k_channel_->mutex);
    k_channel_->quit = true;
  }
  k_channel_->wake.notify_one();
  k_channel_->thread.join();
}

bool PolicyCallThread::Run(std::function<void()> call, double timeout_s) {
  if (k_abandoned_) throw std::logic_error("PolicyCallThread::Run after a missed deadline");
  std::unique_lock lock(k_channel_->mutex);
  k_channel_->call = std::move(call);
  k_channel_->finished = false;
  k_channel_->error = nullptr;
  k_channel_->wake.notify_one();
  const auto finished = [&] { return k_channel_->finished; };
  if (timeout_s > 0) {
    if (!k_channel_->done.wait_for(lock, std::chrono::duration<double>(timeout_s), finished)) {
      k_abandoned_ = true;
      k_channel_->quit = true;  // the thread leaves once the hung call returns, if it ever does
      k_channel_->thread.detach();
      return false;
    }
  } else {
    k_channel_->done.wait(lock, finished);
  }
  if (k_channel_->error) std::rethrow_exception(k_channel_->error);
  return true;
}

}  // namespace fb::eval
