// Server: the shoal-server process. It builds the engine with one AsioExecutor per shard
// thread, listens on the configured addresses, and hands each accepted socket to a shard
// thread in turn, where its Connection lives for good.
#pragma once

#include <memory>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "asio/ip/tcp.hpp"
#include "asio/steady_timer.hpp"
#include "engine/config.h"
#include "engine/engine.h"

namespace shoal::server {

class AsioExecutor;
class Connection;

class Server {
 public:
  explicit Server(engine::Config* config);
  ~Server();

  // Binds and listens; false (with a message on stderr) when an address cannot be bound.
  bool Start();
  // Blocks until SIGINT, SIGTERM or SHUTDOWN, then stops everything.
  void Wait();
  void RequestStop();

  engine::Engine& engine() { return *engine_; }
  void Post(unsigned shard, engine::Task task);
  unsigned port() const { return port_; }

  // Connections register on their own thread, so each shard's list needs no lock.
  void Track(std::shared_ptr<Connection> c);
  void Untrack(Connection* c);

 private:
  void Accept(size_t listener);
  void SweepIdle(unsigned shard);

  engine::Config* config_;
  std::vector<AsioExecutor*> executors_;  // owned by the engine
  std::unique_ptr<engine::Engine> engine_;
  std::vector<std::unique_ptr<asio::ip::tcp::acceptor>> acceptors_;
  unsigned port_ = 0;
  unsigned next_shard_ = 0;
  struct ShardConnections {
    absl::flat_hash_set<std::shared_ptr<Connection>> all;
  };
  std::vector<ShardConnections> connections_;
  std::vector<std::unique_ptr<asio::steady_timer>> sweep_timers_;

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stop_requested_ = false;
};

}  // namespace shoal::server
