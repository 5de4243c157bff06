// Executor: the loop that runs one shard thread.
//
// The engine needs only this from a thread: run posted tasks in the order they were
// posted, one at a time, and call a tick function every few milliseconds (expiry). The
// embedded engine uses QueueExecutor; the server plugs in an epoll EventLoop
// (src/event_loop.h) so that the same thread also serves that shard's sockets (the
// engine never sees a socket).
//
// A task may block its thread (a shard parked for a transaction does); tasks posted
// meanwhile wait their turn.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>

#include "absl/functional/any_invocable.h"

namespace shoal::engine {

using Task = absl::AnyInvocable<void() &&>;

class Executor {
 public:
  virtual ~Executor() = default;
  // Thread-safe. Tasks run in posting order (per posting thread) on the executor's thread.
  virtual void Post(Task task) = 0;
  // Runs on the calling thread until Stop(): tasks, and on_tick every tick_ms.
  virtual void Run(absl::AnyInvocable<void()> on_tick, int tick_ms) = 0;
  // Thread-safe; Run returns soon after.
  virtual void Stop() = 0;
  // From inside a long-running task (a script past busy-reply-threshold): lets this
  // thread's clients be heard without running posted tasks, so they get BUSY replies and
  // may send SCRIPT KILL. No-op where there are no clients (the embedded engine).
  virtual void PollWhileBusy() {}
};

class QueueExecutor : public Executor {
 public:
  void Post(Task task) override;
  void Run(absl::AnyInvocable<void()> on_tick, int tick_ms) override;
  void Stop() override;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Task> tasks_;
  bool stopped_ = false;
};

}  // namespace shoal::engine
