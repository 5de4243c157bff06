// Server: the shoal-server process. It builds the engine with one EventLoop per shard
// thread, listens on the configured addresses, and hands each accepted socket to a shard
// thread in turn, where its Connection lives for good. With `http-port` set it also listens
// there on the same addresses, and those sockets become HttpConnections (src/http/), on the
// same shard threads and the same engine.
//
// Threads: the listening sockets are watched by shard 0's loop, which accepts and posts
// each new fd to the next shard round robin; the Connection is created on that shard's
// thread. Each shard's loop also runs the sweep of its own connections (idle timeout,
// output limits) once a second. Wait() runs on the main thread.
//
// Ownership: the per-shard connection sets (touched only on their shard's thread) hold the
// connections; the engine owns the loops. Wait() stops the engine (joining the shard
// threads), then closes the listeners and drops the connections, then destroys the engine
// and with it the loops, so nothing outlives the loop it is registered with.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <thread>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "engine/config.h"
#include "engine/engine.h"
#include "src/event_loop.h"
#include "src/persistence/rdb_persistence.h"
#include "src/persistence/aof.h"

namespace shoal::server {

class Connection;
class HttpConnection;

class Server {
 public:
  explicit Server(engine::Config* config);
  ~Server();

  // Binds and listens; false (with a message on stderr) when an address cannot be bound.
  bool Start();
  // Blocks until SIGINT, SIGTERM or SHUTDOWN, then stops everything.
  void Wait();
  // Thread-safe.
  void RequestStop();

  engine::Engine& engine() { return *engine_; }
  // Thread-safe: runs `task` on shard `shard`'s thread.
  void Post(unsigned shard, engine::Task task);
  // Thread-safe: runs (object->*method)() on shard `shard`'s thread, unless the object
  // (a connection) is gone by then.
  template <typename T>
  void PostTo(unsigned shard, std::weak_ptr<T> object, void (T::*method)()) {
    Post(shard, [object = std::move(object), method] {
      if (auto self = object.lock()) ((*self).*method)();
    });
  }
  unsigned port() const { return port_; }
  unsigned http_port() const { return http_port_; }  // 0: no HTTP front

  // Connections register on their own thread, so each shard's set needs no lock. Untrack
  // returns the set's reference (null if it had none), for the caller to release.
  void Track(std::shared_ptr<Connection> c);
  std::shared_ptr<Connection> Untrack(Connection* c);
  void Track(std::shared_ptr<HttpConnection> c);
  std::shared_ptr<HttpConnection> Untrack(HttpConnection* c);

  // Group commit (appendfsync always): true when the replies of a round that wrote up to
  // `lsn` must wait for the AOF's fsync; `resume` then runs on shard `shard`'s thread once
  // it is done. False when they may go now. Thread-safe.
  bool HoldUntilDurable(uint64_t lsn, unsigned shard, std::function<void()> resume);

 private:
  // A listening socket on shard 0's loop.
  class Listener : public EventLoop::Handler {
   public:
    Listener(Server* server, int fd, bool http) : server_(server), fd_(fd), http_(http) {}
    ~Listener();
    int fd() const { return fd_; }
    bool http() const { return http_; }
    void OnEvent(uint32_t events) override;

   private:
    Server* server_;
    int fd_;
    bool http_;  // its clients speak HTTP, not RESP
  };

  // Creates a listening socket on addr:*port; -1 (with a message on stderr) on failure.
  // `optional` addresses (Redis's "-addr") that do not exist here are skipped: -2. A port
  // of 0 is set to the one the kernel chose.
  int Listen(const std::string& addr, bool optional, unsigned* port);
  // Listens on every `bind` address at *port; false when one cannot be bound.
  bool ListenAll(unsigned* port, bool http);
  // Shard 0's thread: accepts until EAGAIN and posts each fd to a shard.
  void AcceptAll(Listener* listener);
  // Starts an HttpConnection for `fd` on shard `shard` (from shard 0's thread).
  void StartHttp(unsigned shard, int fd);
  // Once a second on shard `shard`'s thread: its connections' output limits (soft limits
  // expire with no new output), then the idle timeout.
  void SweepIdle(unsigned shard);
  // At startup, before clients are accepted: the AOF when appendonly is on, else the RDB.
  // The RDB fills the shards from this thread, before their threads start; the AOF is
  // replayed through sessions, once they run. False (with a message on stderr) when the
  // data cannot be loaded.
  bool LoadRdb();
  bool ReplayAof();
  // Makes the AOF match `appendonly`: at startup (after replay, so the files match the
  // data) or after CONFIG SET (a rewrite first). Not on a shard thread.
  std::string ApplyAppendOnly(bool startup);
  void OnConfigChange(const std::string& name);

  engine::Config* config_;
  // Declared before the engine so that it outlives it: a BGSAVE's shard parts may be in
  // use until the shard threads stop.
  std::unique_ptr<persistence::RdbPersistence> rdb_;
  std::vector<EventLoop*> loops_;  // owned by the engine
  std::unique_ptr<engine::Engine> engine_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  unsigned port_ = 0;
  unsigned http_port_ = 0;
  unsigned next_shard_ = 0;  // shard 0's thread only
  struct ShardConnections {
    absl::flat_hash_set<std::shared_ptr<Connection>> all;
    absl::flat_hash_set<std::shared_ptr<HttpConnection>> http;
  };
  std::vector<ShardConnections> connections_;

  // The AOF being written, or null. Every Aof made lives until the server is destroyed,
  // since a shard thread may still be appending to one just switched off.
  std::atomic<Aof*> aof_{nullptr};
  std::mutex aof_mu_;  // serializes ApplyAppendOnly; guards aofs_
  std::vector<std::unique_ptr<Aof>> aofs_;
  std::mutex togglers_mu_;
  std::vector<std::thread> togglers_;  // CONFIG SET appendonly's work, joined by Wait
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stop_requested_ = false;
};

}  // namespace shoal::server
