// Shard: the slice of the keyspace one thread owns.
//
// A shard holds its databases (16 by default), the timing wheel that expires their keys,
// its queue of multi-shard transactions and its counters. Everything in it belongs to the
// shard's thread; other threads reach it by posting a task to its executor, or touch it
// directly only while it is parked for their transaction (see transaction.h).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "engine/blocking.h"
#include "engine/db.h"
#include "engine/ds/timing_wheel.h"
#include "engine/eviction.h"
#include "engine/scripts.h"
#include "engine/executor.h"
#include "engine/stats.h"
#include "engine/tracking.h"
#include "engine/transaction.h"
#include "engine/watch.h"

namespace shoal::engine {

class Engine;

struct WheelEntry {
  Db* db;  // stable: SWAPDB swaps Db objects between indexes, never frees them
  std::string key;
};

class Shard {
 public:
  Shard(Engine* engine, unsigned index, Executor* executor, int databases);
  ~Shard();

  unsigned index() const { return index_; }
  Engine& engine() { return *engine_; }
  Executor& executor() { return *executor_; }
  // Unix ms: the running command's time snapshot if one is set, else the clock.
  int64_t now_ms() const { return command_time_ != 0 ? command_time_ : ClockMs(); }
  // The time every key a command looks at expires by, read once when the command starts
  // (Redis's command time snapshot; a script or EXEC keeps one for all its commands).
  // Set and cleared by Session::ExecuteHere; 0 clears. It belongs to the thread that runs
  // the command, so a transaction that runs on one thread over several parked shards
  // sees (and stamps) one time on all of them.
  static bool has_command_time() { return command_time_ != 0; }
  static void set_command_time(int64_t ms) { command_time_ = ms; }

  Db& db(int i) { return *dbs_[i]; }
  int db_count() const { return static_cast<int>(dbs_.size()); }
  void SwapDb(int a, int b);

  ds::TimingWheel<WheelEntry>& wheel() { return wheel_; }
  TxQueue& tx_queue() { return tx_queue_; }
  BlockingRegistry& blocking() { return blocking_; }
  WatchRegistry& watches() { return watches_; }
  // Keys read by tracking clients (client-side caching, tracking.h).
  TrackingTable& tracking() { return tracking_; }
  // Timeouts of the blocked clients whose home this shard is.
  ds::TimingWheel<std::weak_ptr<Waiter>>& block_timers() { return block_timers_; }
  // Serves blocked clients whose keys were written (shard thread, after a command).
  void ServeBlocked() {
    if (blocking_.has_ready()) blocking_.ServeReady(*this);
  }
  ShardStats& stats() { return stats_; }
  Evictor& evictor() { return evictor_; }
  // Evicts this shard's keys while the process is over maxmemory (eviction.h), at most
  // `max_keys`. A shard that is over the limit and has nothing it may evict counts itself
  // in the engine's stuck_shards and asks the other shards to evict. Shard thread, or a
  // thread that holds the shard parked.
  void EvictIfNeeded(size_t max_keys);
  static constexpr size_t kEvictPerCommand = 1000;
  // The wheel keeps the entry of a key that was deleted, or whose TTL was cut, until its
  // deadline (db.h). Once such stale entries outnumber the keys with a TTL by
  // kStaleWheelSlack, this drops them, so the wheel holds at most about twice as many
  // entries as there are keys with a TTL. Shard thread (or parked), not during Tick's
  // wheel advance.
  void PurgeStaleExpiries();
  static constexpr size_t kStaleWheelSlack = 1024;
  static constexpr size_t kEvictPerTick = 20000;
  // This shard's Lua VM and script flags, made on first use; flushed first when SCRIPT
  // FLUSH has run since (the registry's epoch moved). Shard thread only.
  ShardScripts& scripts();

  // Active expiry (fires every wheel entry that is due), a slice of a running snapshot,
  // then PublishCounts. Runs on the shard thread.
  void Tick();

  // Snapshots (engine/snapshot.h). BeginSnapshot: from a thread that holds every shard,
  // so that all start at one instant; the sink must live until its Done. StepSnapshot
  // hands over about `budget` keys (Tick calls it); it calls the sink's Done, and forgets
  // the sink, once every database is through.
  void BeginSnapshot(SnapshotSink* sink, int64_t start_ms);
  void StepSnapshot(size_t budget);
  SnapshotSink* snapshot_sink() { return snapshot_sink_; }
  static constexpr size_t kSnapshotKeysPerTick = 2000;

  // INFO keyspace reads these from any thread (other shards' Dbs are off limits): per
  // database key and TTL counts, as of the last PublishCounts. Tick publishes every tick; INFO publishes its home shard first.
  uint64_t published_keys(int db) const {
    return published_[db].keys.load(std::memory_order_relaxed);
  }
  uint64_t published_expires(int db) const {
    return published_[db].expires.load(std::memory_order_relaxed);
  }
  // Copies the counts above from the Dbs. Shard thread only.
  void PublishCounts();

  // While a script is busy (scripts.h): lets this thread's clients be heard, from the
  // script's own thread or from a thread parked for a transaction. Commands run meanwhile
  // only if they are allowed while busy (SCRIPT KILL, ...); see PollingWhileBusy.
  void PollWhileBusy();
  // True on a thread inside PollWhileBusy: it must touch no shard data.
  static bool PollingWhileBusy();

  // The shard whose thread is running, or null on any other thread.
  static Shard* Current();
  // Marks the calling thread as this shard's thread (the engine's thread start does it).
  void BindToCurrentThread();

 private:
  Engine* engine_;
  unsigned index_;
  Executor* executor_;
  std::vector<std::unique_ptr<Db>> dbs_;
  ds::TimingWheel<WheelEntry> wheel_;
  TxQueue tx_queue_;
  BlockingRegistry blocking_;
  WatchRegistry watches_;
  TrackingTable tracking_;
  ds::TimingWheel<std::weak_ptr<Waiter>> block_timers_;
  ShardStats stats_;
  Evictor evictor_;
  bool stuck_ = false;                 // counted in Engine::stuck_shards
  std::atomic<bool> nudged_{false};    // an EvictIfNeeded is posted to this shard
  void SetStuck(bool stuck);
  int64_t ClockMs() const;
  static inline thread_local int64_t command_time_ = 0;
  std::unique_ptr<ShardScripts> scripts_;
  SnapshotSink* snapshot_sink_ = nullptr;
  struct DbCounts {
    std::atomic<uint64_t> keys{0}, expires{0};
  };
  std::unique_ptr<DbCounts[]> published_;  // one per database
};

}  // namespace shoal::engine
