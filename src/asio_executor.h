// AsioExecutor: a shard thread's loop when the engine runs inside the server. The shard's
// tasks and its sockets share one asio::io_context, so a connection's commands on local
// keys run inline on the thread that read them.
#pragma once

#include "asio/io_context.hpp"
#include "asio/steady_timer.hpp"
#include "engine/executor.h"

namespace shoal::server {

class AsioExecutor : public engine::Executor {
 public:
  AsioExecutor();
  asio::io_context& io() { return io_; }

  void Post(engine::Task task) override;
  void Run(absl::AnyInvocable<void()> on_tick, int tick_ms) override;
  void Stop() override;

 private:
  void ArmTick();

  asio::io_context io_{1};  // one thread runs it: no locking inside asio's scheduler
  asio::steady_timer tick_timer_{io_};
  absl::AnyInvocable<void()> on_tick_;
  int tick_ms_ = 1;
};

}  // namespace shoal::server
