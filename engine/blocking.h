// Blocking commands (BZPOPMIN, BZPOPMAX, and later BLPOP, XREAD BLOCK, BZPOPBYSCORE): a
// client that finds nothing to pop waits on its keys instead of getting an empty reply.
//
// A Waiter is shared by every shard that owns one of its keys (each keeps it in a FIFO per
// key, so the oldest waiter is served first) and by its session's home shard, which holds
// its timeout on a timing wheel. Whoever finishes it first, a shard that can serve one of
// its keys or the timeout, claims it with one compare-and-swap on `finished`; the others
// drop it when they next meet it.
//
// Waking is exact, not polled: every write goes through Db::NotifyWrite, which marks the
// key ready when someone waits on it; after the command (or transaction) that wrote it, the
// shard serves its ready keys on its own thread: it re-runs the waiter's pop for that key
// (`serve`), so the pop is atomic with the wake-up, writes the reply into the waiter, and
// posts the waiter to the session's home thread, where the session resumes its pipeline.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/ds/timing_wheel.h"

namespace shoal::engine {

class CommandContext;
class Session;
class Shard;

// Tries to serve the blocked command from `key` (on the key's shard): writes the whole
// reply through ctx.reply and returns true, or returns false (nothing there, or the key now
// holds another type) and writes nothing. A serve that cannot finish on this shard alone
// (BLMOVE to a key of another shard) calls ctx.RequestRerun() and returns true without a
// reply: the waiter is finished and its session runs the command again (see Waiter::rerun).
using ServeFn = bool (*)(CommandContext& ctx, std::string_view key);

struct Waiter {
  Session* session = nullptr;  // alive while blocked: the connection waits for the round
  unsigned home = 0;
  int db = 0;
  int resp = 2;
  std::vector<std::string> args;  // the blocked command, owned (it outlives the round)
  std::vector<std::string> keys;
  ServeFn serve = nullptr;
  int64_t deadline_ms = 0;        // 0: no timeout
  std::atomic<bool> finished{false};
  std::string reply;              // written by whoever finished it
  // Set with an empty reply when the serve asked for a re-run (ServeFn): the session runs
  // the command again from the start, through the normal routing (a multi-shard
  // transaction for BLMOVE across shards), with this waiter's deadline; if it finds nothing
  // by then, it blocks again. The key's later waiters are not served until the re-run has
  // run (the session then marks the key ready again), so the oldest waiter still goes
  // first and one element wakes one re-run, not all of them.
  bool rerun = false;
  const void* spec = nullptr;     // the CommandSpec, for the re-run's CommandContext
  // Readers that do not consume (XREAD, XREADGROUP): when this waiter cannot be served,
  // the waiters queued behind it on the key are still tried (each may read a different
  // range or group), instead of stopping at the first that finds nothing.
  bool serve_each = false;

  // Claims the waiter; false when someone else already finished it.
  bool Claim() {
    bool expected = false;
    return finished.compare_exchange_strong(expected, true, std::memory_order_acq_rel);
  }
};

// One shard's waiters by (database, key). Touched by the shard's thread, or by another
// thread while the shard is parked for its transaction.
class BlockingRegistry {
 public:
  explicit BlockingRegistry(int64_t now_ms) : due_(now_ms) {}
  bool empty() const { return waiters_.empty(); }
  void Add(int db, std::string_view key, std::shared_ptr<Waiter> w);
  // Db::NotifyWrite: marks the key ready when someone waits on it.
  void OnWrite(int db, std::string_view key);
  bool has_ready() const { return !ready_.empty(); }
  // Serves the ready keys, oldest waiter first (shard thread).
  void ServeReady(Shard& shard);
  size_t waiter_count() const;
  // Marks the key ready at `at_ms` (BZPOPBYSCORE ... NOW: when its earliest member falls
  // due), unless it is already set to wake no later.
  void WakeAt(int db, std::string_view key, int64_t at_ms);
  // Marks ready the keys whose wake-up time has come (shard thread, from the tick).
  void AdvanceDue(int64_t now_ms);
  // Drops the finished waiters of a key (after a timeout or a cancel elsewhere).
  void RemoveFinished(int db, std::string_view key);

 private:
  using Key = std::pair<int, std::string>;
  absl::flat_hash_map<Key, std::deque<std::shared_ptr<Waiter>>> waiters_;
  std::vector<Key> ready_;
  ds::TimingWheel<Key> due_;
  absl::flat_hash_map<Key, int64_t> due_at_;  // the earliest pending wake-up per key
};

}  // namespace shoal::engine
