// EventLoop: a shard thread's loop when the engine runs inside the server. One thread runs
// it; the shard's posted tasks, its sockets and its timers share that thread, so a
// connection's commands on local keys run inline on the thread that read them.
//
// One iteration: run the tick (expiry) and any timers that are due; swap out and run the
// tasks posted so far; epoll_wait (timeout 0 when more tasks are already queued, else
// until the next tick or timer); dispatch the ready fds. Readiness is level-triggered: a
// handler that leaves bytes unread is called again on the next iteration, so it may do
// exactly one read per event, and a spurious event must be harmless (read or write
// answers EAGAIN).
//
// Busy polling: after a turn that dispatched events, a loop that would block first polls
// (epoll_wait with timeout 0) for up to busy-poll-us (config, default 50 µs). Under
// request/reply traffic the next request usually lands within that time, so it finds the
// loop awake: the client's send does not pay to wake a sleeping thread, and the reply
// leaves sooner. Measured with bench/evalsha-vs-redis.sh at P=1 (50 clients, one round
// trip each): 0.972 of Redis's rate without it, 1.04-1.06 with 50 µs. An idle loop does
// not spin: its tick and timer wake-ups dispatch nothing, so they never start a poll.
// The cost is up to busy-poll-us of CPU per burst served; 0 turns it off.
//
// Cross-thread Post: the task goes into a mutex-protected vector; the poster writes the
// loop's eventfd only when the loop is blocked in (or about to enter) epoll_wait. The loop
// announces that under the same mutex, just before it would block, so a post from a busy
// loop (or from the loop's own thread) costs no syscall and no wake-up is ever lost.
// Tasks from one posting thread run in posting order (the transaction layer relies on it).
//
// DESIGN deviation: DESIGN.md says each shard thread runs an asio::io_context. Asio 1.22's
// epoll reactor issues a speculative recv() whenever async_read_some starts; right after we
// write a reply the client has not answered yet, so that recv fails with EAGAIN. For
// `redis-benchmark -t get -n 20000 -c 50` against one shard, strace counted 39,232 recvfrom
// (19,180 EAGAIN) for 20,001 requests, and a ptrace-free LD_PRELOAD count 40,092 recv
// (20,038 EAGAIN): one wasted syscall per request. async_wait instead costs an epoll_ctl
// per wait. In this VM syscalls dominate (perf: ~25% of the time in the kernel's
// irq-enable path). This loop costs what Redis's ae costs: one read and one write per
// request plus an epoll_wait amortized over the ready clients (same count: 20,056 read,
// 0 EAGAIN, 20,002 send).
#pragma once

#include <sys/epoll.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/config.h"
#include "engine/executor.h"

namespace shoal::server {

class EventLoop : public engine::Executor {
 public:
  // Something that owns a watched fd. OnEvent runs on the loop thread with the epoll
  // event bits (EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP...). It may Modify or Unwatch its
  // own fd and others. An fd unwatched earlier in the same iteration gets no more events
  // (events are looked up by fd, never through a stale handler pointer; if the number was
  // already watched again by someone else, that one may see one spurious event).
  class Handler {
   public:
    virtual void OnEvent(uint32_t events) = 0;

   protected:
    ~Handler() = default;
  };

  // `config` (may be null: no busy polling) must outlive the loop.
  explicit EventLoop(const engine::Config* config = nullptr);
  ~EventLoop() override;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // engine::Executor. Post and Stop are thread-safe; Run runs on the shard thread.
  void Post(engine::Task task) override;
  void Run(absl::AnyInvocable<void()> on_tick, int tick_ms) override;
  void Stop() override;
  // Dispatches the fds that are ready now (no posted tasks, no timers, no waiting).
  void PollWhileBusy() override;

  // --- Loop thread only (or before Run starts) -----------------------------------------
  // Level-triggered interest in `fd`. The handler is not owned; it must Unwatch before it
  // goes away (closing the fd is not enough: the loop keeps its handler pointer). Watch
  // and Modify return false with errno set when epoll_ctl fails. `events` may be 0: then
  // only EPOLLERR and EPOLLHUP are reported.
  bool Watch(int fd, uint32_t events, Handler* handler);
  bool Modify(int fd, uint32_t events);
  void Unwatch(int fd);

  // Runs fn on this loop just before it next waits for events (after the events and tasks
  // at hand): connections write their replies there, as Redis's beforeSleep does, so that
  // one epoll_wait finds many clients ready instead of a few (loop thread only).
  void BeforePoll(engine::Task fn) { before_poll_.push_back(std::move(fn)); }

  // Calls fn every `period` (first after one period), until the loop is destroyed.
  void Every(std::chrono::milliseconds period, std::function<void()> fn);
  // Calls fn once, after `delay`.
  void After(std::chrono::milliseconds delay, std::function<void()> fn);

 private:
  using Clock = std::chrono::steady_clock;
  struct Timer {
    Clock::time_point due;
    std::chrono::milliseconds period;  // 0: one-shot
    std::function<void()> fn;
  };

  void RunTimers(Clock::time_point now);
  void Dispatch(const epoll_event* events, int n);
  void RunBeforePoll();
  // Milliseconds until the tick or the next timer is due, rounded up.
  int TimeoutMs(Clock::time_point now) const;
  void Wake();
  // Busy polling (see above): epoll_wait(0) until an event or busy-poll-us has passed.
  // Returns what the last epoll_wait returned (0: nothing came).
  int PollBriefly(epoll_event* events);

  const engine::Config* config_;

  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // eventfd, edge-triggered, never read
  std::vector<Handler*> handlers_;  // by fd; null when not watched

  std::mutex mu_;
  std::vector<engine::Task> tasks_;  // guarded by mu_
  std::vector<engine::Task> before_poll_;  // loop thread only
  bool stopped_ = false;             // guarded by mu_
  // Set under mu_ by the loop just before it blocks; the first poster to see it clears it
  // and writes wake_fd_.
  std::atomic<bool> sleeping_{false};

  Clock::time_point next_tick_{};
  std::chrono::milliseconds tick_period_{1};
  std::vector<Timer> timers_;
};

}  // namespace shoal::server
