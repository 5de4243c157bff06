// Transactions: how a command that spans shards stays atomic.
//
// A Transaction runs a body on its coordinator's thread (the session's home shard) while
// every other shard it involves is parked: that shard's thread blocks on the transaction's
// latch, so the coordinator may read and write the parked shards' data directly and no
// other client sees any of it half-done. Handlers thus stay synchronous whatever shards
// their keys live on.
//
// Parks are ordered the VLL way (Ren, Thomson, Abadi; Dragonfly's transaction.md):
//   1. the coordinator takes an id from one global counter;
//   2. it schedules the transaction on every shard involved, its own included: each shard
//      appends it to its queue, and refuses an id not above every id it has already
//      scheduled, so that every queue is in id order;
//   3. if any shard refused, the coordinator cancels it everywhere and starts again with a
//      new id; otherwise it arms it everywhere;
//   4. a shard parks for the transaction at the head of its queue once it is armed (the
//      coordinator's own shard just acknowledges); when every shard has, the body runs;
//   5. the coordinator releases the latch and each shard drops the transaction from its
//      queue and goes on with the next.
// Because every queue is in the same id order and a coordinator always waits
// asynchronously (its own shard is in the transaction), the lowest id is at the head of
// every queue it is in, and parks never deadlock.
//
// Commands whose keys all live on one shard do not use this: they run on that shard's
// thread, one at a time, which is atomic by construction. So do not the shard's intent
// locks of DESIGN.md: a parked shard runs nothing else, so per-key locks would add cost and
// no safety (see the closing note of the foundation issue).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/functional/any_invocable.h"

namespace shoal::engine {

class Engine;
class Transaction;

// One shard's queue of multi-shard transactions, in id order. Owner thread only.
class TxQueue {
 public:
  explicit TxQueue(unsigned shard) : shard_(shard) {}
  bool Schedule(Transaction* tx);
  void Arm(Transaction* tx);
  void Cancel(Transaction* tx);
  size_t size() const { return queue_.size(); }

 private:
  friend class Transaction;
  // Parks for (or acknowledges) the head while it is armed, then goes on with the next.
  void RunHead();

  struct Entry {
    Transaction* tx;
    bool armed;
  };
  unsigned shard_;
  uint64_t max_scheduled_ = 0;
  std::deque<Entry> queue_;
  bool running_ = false;  // guards against re-entering RunHead
};

class Transaction : public std::enable_shared_from_this<Transaction> {
 public:
  // `shards` must include `home`, the coordinator's shard, whose thread calls Start.
  Transaction(Engine* engine, unsigned home, std::vector<unsigned> shards);

  // Runs `body` on the home thread with every shard parked, then `done` on the home
  // thread after the shards are released.
  void Start(absl::AnyInvocable<void()> body, absl::AnyInvocable<void()> done);

  uint64_t id() const { return id_; }
  const std::vector<unsigned>& shards() const { return shards_; }
  unsigned home() const { return home_; }

 private:
  friend class TxQueue;
  void Schedule();
  void OnScheduled();
  void OnShardReady();  // a shard parked or (home) acknowledged
  void RunBody();
  void WaitReleased();  // on a parked shard's thread

  Engine* engine_;
  unsigned home_;
  std::vector<unsigned> shards_;
  uint64_t id_ = 0;
  std::atomic<int> pending_{0};
  std::atomic<bool> refused_{false};
  absl::AnyInvocable<void()> body_;
  absl::AnyInvocable<void()> done_;
  std::shared_ptr<Transaction> self_;  // keeps the transaction alive until it concludes

  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
};

}  // namespace shoal::engine
