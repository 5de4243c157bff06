#include "engine/transaction.h"

#include <algorithm>
#include <cassert>
#include <chrono>

#include "engine/engine.h"
#include "engine/shard.h"

namespace shoal::engine {

// --- TxQueue (runs on its shard's thread) ------------------------------------------------

size_t TxQueue::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

void TxQueue::RunHead() {
  if (running_) return;  // the loop below will look at the new head
  running_ = true;
  while (true) {
    Transaction* tx;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (queue_.empty()) break;
      tx = queue_.front();
    }
    if (tx->home() == shard_) {
      // Our own transaction: acknowledge once and stay at the head until its body ran;
      // Transaction::RunBody pops it and calls RunHead again.
      if (acknowledged_ != tx) {
        acknowledged_ = tx;
        tx->OnShardReady();
      }
      break;
    }
    std::shared_ptr<Transaction> keep = tx->self_;  // read before the body can run
    tx->OnShardReady();
    tx->WaitReleased(shard_);  // this thread is parked: the coordinator may use our data
    {
      std::lock_guard<std::mutex> lock(mu_);
      assert(queue_.front() == tx);
      queue_.pop_front();
    }
    // The body may have written keys that blocked clients wait on.
    if (Shard* shard = Shard::Current()) shard->ServeBlocked();
  }
  running_ = false;
}

// --- Transaction --------------------------------------------------------------------------

Transaction::Transaction(Engine* engine, unsigned home, std::vector<unsigned> shards)
    : engine_(engine), home_(home), shards_(std::move(shards)) {
  assert(std::is_sorted(shards_.begin(), shards_.end()));
  assert(std::find(shards_.begin(), shards_.end(), home_) != shards_.end());
}

void Transaction::Start(absl::AnyInvocable<void()> body, absl::AnyInvocable<void()> done) {
  body_ = std::move(body);
  done_ = std::move(done);
  self_ = shared_from_this();
  pending_.store(static_cast<int>(shards_.size()), std::memory_order_relaxed);
  {
    // In shard order, so that coordinators never wait on each other in a cycle; the id is
    // taken under the locks, so each queue receives its transactions in id order.
    std::vector<std::unique_lock<std::mutex>> locks;
    locks.reserve(shards_.size());
    for (unsigned s : shards_) locks.emplace_back(engine_->shard(s).tx_queue().mu_);
    id_ = engine_->NextTxId();
    for (unsigned s : shards_) engine_->shard(s).tx_queue().queue_.push_back(this);
  }
  for (unsigned s : shards_) {
    if (s == home_) continue;
    // The transaction may be gone when this runs (the shard may reach it sooner by itself).
    engine_->shard(s).executor().Post([engine = engine_, s] { engine->shard(s).tx_queue().RunHead(); });
  }
  engine_->shard(home_).tx_queue().RunHead();  // we are on the home thread
}

void Transaction::OnShardReady() {
  if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    engine_->shard(home_).executor().Post([this] { RunBody(); });
  }
}

void Transaction::RunBody() {
  body_();
  {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
  }
  cv_.notify_all();
  TxQueue& home_queue = engine_->shard(home_).tx_queue();
  {
    std::lock_guard<std::mutex> lock(home_queue.mu_);
    assert(!home_queue.queue_.empty() && home_queue.queue_.front() == this);
    home_queue.queue_.pop_front();
  }
  home_queue.acknowledged_ = nullptr;
  auto done = std::move(done_);
  std::shared_ptr<Transaction> keep = std::move(self_);
  home_queue.RunHead();
  done();
}

void Transaction::WaitReleased(unsigned shard) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(10), [this] { return released_; })) {
    if (!engine_->scripts().any_busy()) continue;
    lock.unlock();
    engine_->shard(shard).PollWhileBusy();
    lock.lock();
  }
}

}  // namespace shoal::engine
