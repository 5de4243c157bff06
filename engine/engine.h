// Engine: the embeddable Shoal engine. It owns the shards and their threads.
//
//   shoal::engine::Engine engine({.shards = 4});
//   engine.Start();
//   auto session = engine.NewSession();
//   shoal::protocol::Value v = session->Execute({"SET", "k", "v"});
//
// The server builds the same Engine, passing executors that also run the shard threads'
// sockets. A key's owner is XXH3_64bits(tag) % shards, where tag is the part between the
// first '{' and the next '}' when that is non-empty (Redis hash tags), else the whole key.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/clock.h"
#include "engine/config.h"
#include "engine/executor.h"
#include "engine/journal.h"
#include "engine/pubsub.h"
#include "engine/scripts.h"
#include "engine/shard.h"
#include "engine/tracking.h"

namespace shoal::engine {

class Persistence;
class Session;

struct EngineOptions {
  unsigned shards = 0;        // 0: one per core
  int databases = 16;
  const Clock* clock = nullptr;  // null: the system clock
  int tick_ms = 1;            // how often each shard runs active expiry
  // One executor per shard, or empty for QueueExecutors. The engine runs each on a
  // thread of its own (Start) and stops it (Stop).
  std::vector<std::unique_ptr<Executor>> executors;
  Config* config = nullptr;   // null: the engine's own defaults
};

// What the server tells the engine about itself for INFO and CLIENT.
struct ServerInfo {
  int tcp_port = 0;
  std::string executable;
  std::string config_file;
  std::function<size_t()> rss;
  std::function<void()> shutdown;         // SHUTDOWN: stops the server; null when embedded
};

class Engine {
 public:
  explicit Engine(EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  void Start();
  void Stop();  // idempotent; sessions must not run commands after it

  unsigned shard_count() const { return static_cast<unsigned>(shards_.size()); }
  Shard& shard(unsigned i) { return *shards_[i]; }
  int databases() const { return databases_; }
  unsigned ShardOf(std::string_view key) const;
  const Clock& clock() const { return *clock_; }
  Config& config() { return *config_; }
  ServerInfo& server_info() { return server_info_; }
  ScriptRegistry& scripts() { return *scripts_; }
  // Installed by the server before Start (engine/persistence.h); null when embedded.
  Persistence* persistence() { return persistence_; }
  void set_persistence(Persistence* p) { persistence_ = p; }
  // The journal writes are appended to (journal.h), or null: nothing is recorded. The
  // installer keeps it alive until it uninstalls it and no command can still be using it
  // (the server: until the shard threads have stopped).
  Journal* journal() const { return journal_.load(std::memory_order_acquire); }
  void set_journal(Journal* journal) { journal_.store(journal, std::memory_order_release); }
  PubSub& pubsub() { return *pubsub_; }
  Tracking& tracking() { return *tracking_; }
  int64_t start_ms() const { return start_ms_; }

  // A session whose home is `home` (or the next shard, round robin, when negative).
  std::unique_ptr<Session> NewSession(int home = -1);

  uint64_t NextTxId() { return next_tx_id_.fetch_add(1, std::memory_order_relaxed) + 1; }
  uint64_t NextClientId() { return next_client_id_.fetch_add(1, std::memory_order_relaxed) + 1; }

  // Runs fn(shard) on every shard's thread and waits for all. Only for threads that are
  // not shard threads (tests, the embedding program): a shard thread that waited for
  // another shard could deadlock with a transaction.
  void RunOnEachShard(const std::function<void(Shard&)>& fn);
  // For tests with a ManualClock: runs every shard's active expiry now, and waits.
  void RunExpiry();

  // Sessions, for CLIENT LIST / KILL and INFO clients. Thread-safe.
  void Register(Session* s);
  void Unregister(Session* s);
  template <typename Fn>
  void ForEachSession(Fn&& fn) {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    for (auto& [id, s] : sessions_) fn(s);
  }
  // Runs fn(find) under the session lock, where find(id) is the session with that id or
  // null; the sessions found stay alive until fn returns.
  template <typename Fn>
  void WithSessions(Fn&& fn) {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    fn([this](uint64_t id) -> Session* {
      auto it = sessions_.find(id);
      return it == sessions_.end() ? nullptr : it->second;
    });
  }
  size_t session_count() {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    return sessions_.size();
  }

  // Engine-wide counters.
  std::atomic<uint64_t> total_connections{0};
  std::atomic<uint64_t> rejected_connections{0};
  std::atomic<bool> active_expire{true};
  // Keys with a retention or a legal hold, over every shard and database: while 0, writes
  // skip the retention guard (retention_family.cc).
  std::atomic<int64_t> locked_keys{0};
  // Shards that were over maxmemory and found nothing they may evict (eviction.h). While
  // every shard is (or under noeviction), writes that may grow memory get -OOM.
  std::atomic<unsigned> stuck_shards{0};
  // Over maxmemory with no way to get under it: a `denyoom` command is refused.
  bool OutOfMemory() const;

 private:
  std::vector<std::unique_ptr<Executor>> executors_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::vector<std::thread> threads_;
  int databases_;
  const Clock* clock_;
  int tick_ms_;
  std::unique_ptr<Config> own_config_;
  Config* config_;
  ServerInfo server_info_;
  Persistence* persistence_ = nullptr;
  std::unique_ptr<ScriptRegistry> scripts_;
  std::atomic<Journal*> journal_{nullptr};
  std::unique_ptr<PubSub> pubsub_;
  std::unique_ptr<Tracking> tracking_ = std::make_unique<Tracking>(this);
  int64_t start_ms_;
  bool started_ = false;
  std::atomic<uint64_t> next_tx_id_{0};
  std::atomic<uint64_t> next_client_id_{0};
  std::atomic<unsigned> next_home_{0};
  std::mutex sessions_mu_;
  absl::flat_hash_map<uint64_t, Session*> sessions_;
};

}  // namespace shoal::engine
