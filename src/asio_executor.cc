#include "src/asio_executor.h"

#include "asio/executor_work_guard.hpp"
#include "asio/post.hpp"

namespace shoal::server {

AsioExecutor::AsioExecutor() = default;

void AsioExecutor::Post(engine::Task task) {
  asio::post(io_, [t = std::move(task)]() mutable { std::move(t)(); });
}

void AsioExecutor::ArmTick() {
  tick_timer_.expires_after(std::chrono::milliseconds(tick_ms_));
  tick_timer_.async_wait([this](const asio::error_code& ec) {
    if (ec) return;
    on_tick_();
    ArmTick();
  });
}

void AsioExecutor::Run(absl::AnyInvocable<void()> on_tick, int tick_ms) {
  on_tick_ = std::move(on_tick);
  tick_ms_ = tick_ms;
  auto guard = asio::make_work_guard(io_);
  ArmTick();
  io_.run();
}

void AsioExecutor::Stop() { io_.stop(); }

}  // namespace shoal::server
