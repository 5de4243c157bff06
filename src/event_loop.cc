#include "src/event_loop.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace shoal::server {
namespace {

constexpr int kMaxEvents = 256;

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "shoal: %s: %s\n", what, std::strerror(errno));
  std::abort();
}

}  // namespace

EventLoop::EventLoop(const engine::Config* config) : config_(config) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) Die("epoll_create1");
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) Die("eventfd");
  // Edge-triggered and never read (as Asio does with its interrupter): every write is a
  // new edge, so a wake-up costs the poster's write and no read here. The counter would
  // need 2^64 writes to fill.
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLET;
  ev.data.fd = wake_fd_;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) != 0) Die("epoll_ctl(eventfd)");
}

EventLoop::~EventLoop() {
  // Tasks that never ran may own connections; they go while the fds below are still open.
  std::vector<engine::Task> tasks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    tasks.swap(tasks_);
  }
  tasks.clear();
  timers_.clear();
  close(wake_fd_);
  close(epoll_fd_);
}

void EventLoop::Post(engine::Task task) {
  bool wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    tasks_.push_back(std::move(task));
    // Read under mu_: the loop sets the flag under mu_ after its last look at tasks_, so
    // either it sees this task or we see the flag.
    wake = sleeping_.load(std::memory_order_relaxed) &&
           sleeping_.exchange(false, std::memory_order_relaxed);
  }
  if (wake) Wake();
}

void EventLoop::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
  }
  Wake();
}

void EventLoop::Wake() {
  uint64_t one = 1;
  while (write(wake_fd_, &one, sizeof(one)) < 0 && errno == EINTR) {
  }
}

bool EventLoop::Watch(int fd, uint32_t events, Handler* handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) return false;
  if (static_cast<size_t>(fd) >= handlers_.size()) handlers_.resize(fd + 1, nullptr);
  handlers_[fd] = handler;
  return true;
}

bool EventLoop::Modify(int fd, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  return epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) == 0;
}

void EventLoop::Unwatch(int fd) {
  if (static_cast<size_t>(fd) < handlers_.size()) handlers_[fd] = nullptr;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

void EventLoop::Every(std::chrono::milliseconds period, std::function<void()> fn) {
  if (period.count() <= 0) period = std::chrono::milliseconds(1);
  timers_.push_back(Timer{Clock::now() + period, period, std::move(fn)});
}

void EventLoop::After(std::chrono::milliseconds delay, std::function<void()> fn) {
  timers_.push_back(Timer{Clock::now() + delay, std::chrono::milliseconds(0), std::move(fn)});
}

void EventLoop::RunTimers(Clock::time_point now) {
  // A timer's fn may add timers (push_back) but nothing removes them except this loop, so
  // indexes stay valid across the call; the fn is moved out while it runs.
  for (size_t i = 0; i < timers_.size();) {
    if (timers_[i].due > now) {
      ++i;
      continue;
    }
    std::function<void()> fn = std::move(timers_[i].fn);
    if (timers_[i].period.count() == 0) {
      timers_.erase(timers_.begin() + static_cast<ptrdiff_t>(i));
      fn();
      continue;
    }
    timers_[i].due = now + timers_[i].period;
    fn();
    timers_[i].fn = std::move(fn);
    ++i;
  }
}

int EventLoop::TimeoutMs(Clock::time_point now) const {
  Clock::time_point next = next_tick_;
  for (const Timer& t : timers_) next = std::min(next, t.due);
  if (next <= now) return 0;
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(next - now).count();
  return static_cast<int>((us + 999) / 1000);
}

void EventLoop::Run(absl::AnyInvocable<void()> on_tick, int tick_ms) {
  tick_period_ = std::chrono::milliseconds(tick_ms > 0 ? tick_ms : 1);
  next_tick_ = Clock::now() + tick_period_;
  std::vector<engine::Task> batch;
  epoll_event events[kMaxEvents];
  bool served = false;  // the last epoll_wait dispatched something
  while (true) {
    Clock::time_point now = Clock::now();
    if (now >= next_tick_) {
      on_tick();
      now = Clock::now();
      next_tick_ = now + tick_period_;
    }
    if (!timers_.empty()) RunTimers(now);
    RunBeforePoll();  // the replies of the events dispatched last turn

    bool idle;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopped_) break;
      batch.swap(tasks_);
      idle = batch.empty();
      if (idle) sleeping_.store(true, std::memory_order_relaxed);
    }
    if (!idle) {
      for (engine::Task& task : batch) std::move(task)();
      batch.clear();
      RunBeforePoll();
      now = Clock::now();
      // They may have posted more (to this loop too): block only if they did not, so a
      // hop from another shard costs this loop one epoll_wait, not a poll and then a wait.
      std::lock_guard<std::mutex> lock(mu_);
      if (stopped_) break;
      idle = tasks_.empty();
      if (idle) sleeping_.store(true, std::memory_order_relaxed);
    }
    int timeout = idle ? TimeoutMs(now) : 0;

    int n = timeout != 0 && served ? PollBriefly(events) : 0;
    if (n == 0) n = epoll_wait(epoll_fd_, events, kMaxEvents, timeout);
    sleeping_.store(false, std::memory_order_relaxed);
    served = n > 0;
    if (n < 0) {
      if (errno == EINTR) continue;
      Die("epoll_wait");
    }
    Dispatch(events, n);
  }
}

void EventLoop::Dispatch(const epoll_event* events, int n) {
  for (int i = 0; i < n; ++i) {
    int fd = events[i].data.fd;
    if (fd == wake_fd_) continue;  // a post or Stop: handled at the top of the loop
    if (static_cast<size_t>(fd) >= handlers_.size()) continue;
    if (Handler* h = handlers_[fd]) h->OnEvent(events[i].events);
  }
}

int EventLoop::PollBriefly(epoll_event* events) {
  const int us = config_ != nullptr ? config_->GetBusyPollUs() : 0;
  if (us <= 0) return 0;
  const Clock::time_point until = Clock::now() + std::chrono::microseconds(us);
  int n;
  while ((n = epoll_wait(epoll_fd_, events, kMaxEvents, 0)) == 0 && Clock::now() < until) {
  }
  return n;
}

void EventLoop::PollWhileBusy() {
  epoll_event events[kMaxEvents];
  int n = epoll_wait(epoll_fd_, events, kMaxEvents, 0);
  if (n > 0) Dispatch(events, n);
  RunBeforePoll();
}

void EventLoop::RunBeforePoll() {
  // A callback may add more (a connection whose write completes and has more to run
  // posts a task instead, so this ends).
  while (!before_poll_.empty()) {
    std::vector<engine::Task> batch;
    batch.swap(before_poll_);
    for (engine::Task& fn : batch) std::move(fn)();
  }
}

}  // namespace shoal::server
