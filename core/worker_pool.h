// Runs independent items (episodes, demos) on worker threads, each worker with its own
// context (MuJoCo data, render context, policy instance) built once, while one consumer on
// the calling thread receives results one at a time, so logs and files are written by a
// single thread. Items are handed out in index order; results arrive in completion order,
// and callers that need a fixed order key them by index.
//
// Stops handing out items once fb::InterruptRequested() or after `on_done` or a worker
// throws; items already started finish and are delivered (nothing done is lost), then the
// first exception is rethrown (fb::Interrupted for an interrupt).
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/interrupt.h"

namespace fb {

// make_context(worker) -> Context, called on the worker's thread (so thread-bound resources
// such as OpenGL contexts live there). run(Context&, item) -> Result. on_done(item, Result&&)
// on the calling thread. workers <= 0 means 1; never more workers than items.
template <class MakeContext, class Run, class OnDone>
void RunOnWorkers(int count, int workers, MakeContext make_context, Run run, OnDone on_done) {
  using Context = decltype(make_context(0));
  using Result = decltype(run(std::declval<Context&>(), 0));
  if (count <= 0) return;
  workers = std::clamp(workers, 1, count);

  std::mutex mutex;
  std::condition_variable ready;
  int next = 0;
  int running = workers;
  bool stop = false;
  bool interrupted = false;
  std::exception_ptr error;
  std::deque<std::pair<int, Result>> finished;

  auto fail = [&](std::exception_ptr e) {  // with mutex held
    if (!error) error = e;
    stop = true;
  };

  auto work = [&](int worker) {
    std::optional<Context> context;
    try {
      context.emplace(make_context(worker));
    } catch (...) {
      std::lock_guard lock(mutex);
      fail(std::current_exception());
    }
    for (;;) {
      int item;
      {
        std::lock_guard lock(mutex);
        if (stop || !context || next >= count) break;
        if (InterruptRequested()) {
          stop = interrupted = true;
          break;
        }
        item = next++;
      }
      try {
        Result result = run(*context, item);
        std::lock_guard lock(mutex);
        finished.emplace_back(item, std::move(result));
      } catch (...) {
        std::lock_guard lock(mutex);
        fail(std::current_exception());
      }
      ready.notify_one();
    }
    {
      std::lock_guard lock(mutex);
      --running;
    }
    ready.notify_one();
  };

  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(workers));
  for (int w = 0; w < workers; ++w) threads.emplace_back(work, w);

  for (;;) {
    std::unique_lock lock(mutex);
    ready.wait(lock, [&] { return !finished.empty() || running == 0; });
    if (finished.empty()) break;  // every worker has left and everything was delivered
    auto [item, result] = std::move(finished.front());
    finished.pop_front();
    lock.unlock();
    try {
      on_done(item, std::move(result));
    } catch (...) {
      std::lock_guard relock(mutex);
      fail(std::current_exception());
    }
  }
  for (auto& t : threads) t.join();
  if (error) std::rethrow_exception(error);
  if (interrupted) ThrowIfInterrupted();
}

}  // namespace fb
