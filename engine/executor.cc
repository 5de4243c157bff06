#include "engine/executor.h"

#include <chrono>

namespace shoal::engine {

void QueueExecutor::Post(Task task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    tasks_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void QueueExecutor::Run(absl::AnyInvocable<void()> on_tick, int tick_ms) {
  using Clock = std::chrono::steady_clock;
  auto period = std::chrono::milliseconds(tick_ms);
  auto next_tick = Clock::now() + period;
  std::deque<Task> batch;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_until(lock, next_tick, [&] { return stopped_ || !tasks_.empty(); });
      if (stopped_) return;
      batch.swap(tasks_);
    }
    for (Task& task : batch) std::move(task)();
    batch.clear();
    if (Clock::now() >= next_tick) {
      on_tick();
      next_tick = Clock::now() + period;
    }
  }
}

void QueueExecutor::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
  }
  cv_.notify_all();
}

}  // namespace shoal::engine
