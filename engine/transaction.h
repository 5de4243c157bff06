// Transactions: how a command that spans shards stays atomic.
//
// A Transaction runs a body on its coordinator's thread (the session's home shard) while
// every other shard it involves is parked: that shard's thread blocks on the transaction's
// latch, so the coordinator may read and write the parked shards' data directly and no
// other client sees any of it half-done. Handlers thus stay synchronous whatever shards
// their keys live on.
//
// Parks are ordered the VLL way (Ren, Thomson, Abadi; Dragonfly's transaction.md): every
// shard keeps a queue of the multi-shard transactions that involve it, and parks for them
// one at a time, in queue order.
//   1. The coordinator locks the queues of every shard involved (its own included), in
//      shard order, takes an id from one global counter while it holds them, appends the
//      transaction to each queue, and unlocks. So every queue is in id order, and two
//      transactions that share shards are in the same order in all of them.
//   2. It tells each shard to look at its queue. A shard parks for the transaction at
//      the head of its queue (the coordinator's own shard only acknowledges it); when
//      every shard has, the body runs on the coordinator's thread.
//   3. The coordinator releases the latch; each shard drops the transaction from its
//      queue and goes on with the next.
// No deadlock: the lowest id queued anywhere is at the head of every queue it is in, and
// every step it needs (a shard parking, the body on its home, which never parks for
// others while its own transaction heads its queue) can run, so it finishes, then the next.
//
// This differs from DESIGN.md's VLL in two ways, both simplifications measured to be safe:
//   - Scheduling is one short critical section over the queues' mutexes instead of
//     messages that a shard may refuse (and a coordinator retry): a parked shard cannot
//     answer messages, and an unanswered schedule at the head of another queue made a
//     cycle (seen as a hang under concurrent MSET/MGET with 4 shards).
//   - No per-key intent locks: a parked shard runs nothing else, so they would add cost
//     and no safety. Commands whose keys all live on one shard do not use this at all:
//     they run on that shard's thread, one at a time, atomic by construction.
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

// One shard's queue of multi-shard transactions, in id order. Coordinators append under
// `mu_` from any thread; everything else runs on the shard's own thread.
class TxQueue {
 public:
  explicit TxQueue(unsigned shard) : shard_(shard) {}
  // Owner thread: parks for (or, for its own transaction, acknowledges) the head, and then
  // for each following head, until the queue is empty or its own transaction is waiting.
  void RunHead();
  size_t size() const;

 private:
  friend class Transaction;
  unsigned shard_;
  mutable std::mutex mu_;
  std::deque<Transaction*> queue_;   // guarded by mu_
  Transaction* acknowledged_ = nullptr;  // owner thread: our own head, already acknowledged
  bool running_ = false;                 // owner thread: guards against re-entering RunHead
};

class Transaction : public std::enable_shared_from_this<Transaction> {
 public:
  // `shards` (sorted, no duplicates) must include `home`, the coordinator's shard, whose
  // thread calls Start.
  Transaction(Engine* engine, unsigned home, std::vector<unsigned> shards);

  // Runs `body` on the home thread with every other shard parked, then `done` on the home
  // thread after the shards are released.
  void Start(absl::AnyInvocable<void()> body, absl::AnyInvocable<void()> done);

  uint64_t id() const { return id_; }
  const std::vector<unsigned>& shards() const { return shards_; }
  unsigned home() const { return home_; }

 private:
  friend class TxQueue;
  void OnShardReady();  // a shard parked or (home) acknowledged
  void RunBody();
  // On the parked shard's thread. While a script is busy it lets that thread's clients
  // hear BUSY (Shard::PollWhileBusy), so a script holding every shard can still be killed.
  void WaitReleased(unsigned shard);

  Engine* engine_;
  unsigned home_;
  std::vector<unsigned> shards_;
  uint64_t id_ = 0;
  std::atomic<int> pending_{0};
  absl::AnyInvocable<void()> body_;
  absl::AnyInvocable<void()> done_;
  std::shared_ptr<Transaction> self_;  // keeps the transaction alive until it concludes

  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
};

}  // namespace shoal::engine
