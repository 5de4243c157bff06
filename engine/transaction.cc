#include "engine/transaction.h"

#include <algorithm>
#include <cassert>

#include "engine/engine.h"
#include "engine/shard.h"

namespace shoal::engine {

// --- TxQueue (runs on its shard's thread) ------------------------------------------------

bool TxQueue::Schedule(Transaction* tx) {
  if (tx->id() <= max_scheduled_) return false;
  max_scheduled_ = tx->id();
  queue_.push_back(Entry{tx, false});
  return true;
}

void TxQueue::Arm(Transaction* tx) {
  for (Entry& e : queue_) {
    if (e.tx == tx) {
      e.armed = true;
      break;
    }
  }
  RunHead();
}

void TxQueue::Cancel(Transaction* tx) {
  auto it = std::find_if(queue_.begin(), queue_.end(), [&](const Entry& e) { return e.tx == tx; });
  if (it == queue_.end()) return;
  bool was_head = it == queue_.begin();
  queue_.erase(it);
  if (was_head) RunHead();
}

void TxQueue::RunHead() {
  if (running_) return;  // the loop below will look at the new head
  running_ = true;
  while (!queue_.empty() && queue_.front().armed) {
    Transaction* tx = queue_.front().tx;
    if (tx->home() == shard_) {
      // The coordinator's own shard: acknowledge and stay at the head until the body ran;
      // Transaction::RunBody pops it and calls RunHead again.
      queue_.front().armed = false;  // acknowledged once
      tx->OnShardReady();
      break;
    }
    std::shared_ptr<Transaction> keep = tx->self_;
    tx->OnShardReady();
    tx->WaitReleased();  // this thread is parked: the coordinator may use our data
    queue_.pop_front();
  }
  running_ = false;
}

// --- Transaction --------------------------------------------------------------------------

Transaction::Transaction(Engine* engine, unsigned home, std::vector<unsigned> shards)
    : engine_(engine), home_(home), shards_(std::move(shards)) {
  assert(std::find(shards_.begin(), shards_.end(), home_) != shards_.end());
}

void Transaction::Start(absl::AnyInvocable<void()> body, absl::AnyInvocable<void()> done) {
  body_ = std::move(body);
  done_ = std::move(done);
  self_ = shared_from_this();
  Schedule();
}

void Transaction::Schedule() {
  id_ = engine_->NextTxId();
  refused_.store(false, std::memory_order_relaxed);
  pending_.store(static_cast<int>(shards_.size()), std::memory_order_relaxed);
  for (unsigned s : shards_) {
    auto schedule = [this, s] {
      if (!engine_->shard(s).tx_queue().Schedule(this)) {
        refused_.store(true, std::memory_order_relaxed);
      }
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        engine_->shard(home_).executor().Post([this] { OnScheduled(); });
      }
    };
    if (s == home_) {
      schedule();  // we are on the home thread: take our place in the queue at once
    } else {
      engine_->shard(s).executor().Post(schedule);
    }
  }
}

void Transaction::OnScheduled() {
  if (refused_.load(std::memory_order_acquire)) {
    engine_->shard(home_).stats().tx_refused.Add();
    for (unsigned s : shards_) {
      engine_->shard(s).executor().Post([this, s] { engine_->shard(s).tx_queue().Cancel(this); });
    }
    // Posted after the cancels, so each shard sees the cancel before the new schedule.
    engine_->shard(home_).executor().Post([this] { Schedule(); });
    return;
  }
  pending_.store(static_cast<int>(shards_.size()), std::memory_order_relaxed);
  for (unsigned s : shards_) {
    engine_->shard(s).executor().Post([this, s] { engine_->shard(s).tx_queue().Arm(this); });
  }
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
  assert(!home_queue.queue_.empty() && home_queue.queue_.front().tx == this);
  home_queue.queue_.pop_front();
  auto done = std::move(done_);
  std::shared_ptr<Transaction> keep = std::move(self_);
  home_queue.RunHead();
  done();
}

void Transaction::WaitReleased() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return released_; });
}

}  // namespace shoal::engine

