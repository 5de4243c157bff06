#include "engine/shard.h"

#include <utility>

#include "engine/command_table.h"
#include "engine/ds/alloc_counter.h"
#include "engine/session.h"
#include "protocol/reply_writer.h"
#include "engine/engine.h"

namespace shoal::engine {
namespace {
thread_local Shard* current_shard = nullptr;
}  // namespace

Shard::Shard(Engine* engine, unsigned index, Executor* executor, int databases)
    : engine_(engine),
      index_(index),
      executor_(executor),
      wheel_(engine->clock().NowMs()),
      tx_queue_(index),
      blocking_(engine->clock().NowMs()),
      block_timers_(engine->clock().NowMs()),
      stats_(CommandTable::Get().size()),
      evictor_(0x5eed0000u + index) {
  for (int i = 0; i < databases; ++i) dbs_.push_back(std::make_unique<Db>(this, i));
  published_ = std::make_unique<DbCounts[]>(static_cast<size_t>(databases));
}

Shard::~Shard() = default;

ShardScripts& Shard::scripts() {
  uint64_t epoch = engine_->scripts().epoch();
  if (scripts_ == nullptr) {
    scripts_ = std::make_unique<ShardScripts>();
  } else if (scripts_->epoch != epoch) {
    scripts_->Flush();
  }
  scripts_->epoch = epoch;
  return *scripts_;
}

int64_t Shard::ClockMs() const { return engine_->clock().NowMs(); }

void Shard::SwapDb(int a, int b) {
  // A watched key changes when it exists in either database.
  auto in_either = [&](std::string_view key) {
    return dbs_[a]->table().Find(key) != nullptr || dbs_[b]->table().Find(key) != nullptr;
  };
  watches_.TouchDb(a, in_either);
  watches_.TouchDb(b, in_either);
  std::swap(dbs_[a], dbs_[b]);
  dbs_[a]->set_index(a);
  dbs_[b]->set_index(b);
  Db::NoteWrite();
}

void Shard::PublishCounts() {
  for (size_t i = 0; i < dbs_.size(); ++i) {
    const Db& db = *dbs_[i];
    published_[i].keys.store(db.size(), std::memory_order_relaxed);
    published_[i].expires.store(db.expires_count(), std::memory_order_relaxed);
  }
}

void Shard::Tick() {
  int64_t now = now_ms();
  if (engine_->active_expire.load(std::memory_order_relaxed)) {
    wheel_.Advance(now, [](WheelEntry&& entry, int64_t deadline) {
      entry.db->OnWheelEntry(entry.key, deadline);
    });
  }
  block_timers_.Advance(now, [](std::weak_ptr<Waiter>&& weak, int64_t) {
    std::shared_ptr<Waiter> w = weak.lock();
    if (w && w->Claim()) {
      protocol::ReplyWriter(&w->reply, w->resp).NullArray();  // Redis: a null array on timeout
      w->session->ResumeBlocked(w.get());
    }
  });
  blocking_.AdvanceDue(now);
  ServeBlocked();
  if (snapshot_sink_ != nullptr) StepSnapshot(kSnapshotKeysPerTick);
  PurgeStaleExpiries();
  EvictIfNeeded(kEvictPerTick);
  PublishCounts();
}

void Shard::PurgeStaleExpiries() {
  size_t live = 0;
  for (const auto& db : dbs_) live += db->expires_count();
  if (wheel_.size() <= 2 * live + kStaleWheelSlack) return;
  wheel_.RemoveIf([](const WheelEntry& e, int64_t deadline) {
    return e.db->StaleWheelEntry(e.key, deadline);
  });
}

void Shard::EvictIfNeeded(size_t max_keys) {
  const int64_t limit = engine_->config().GetMaxMemory();
  if (limit <= 0) return SetStuck(false);
  auto over = [limit] { return ds::AllocatedBytes() > limit; };
  if (!over()) return SetStuck(false);
  PurgeStaleExpiries();  // memory that costs no key
  const size_t evicted = evictor_.Evict(*this, engine_->config().GetEviction(), max_keys, over);
  if (evicted > 0 || !over()) return SetStuck(false);
  SetStuck(true);
  // The others may hold what can go: have each evict on its own thread.
  for (unsigned i = 0; i < engine_->shard_count(); ++i) {
    Shard& other = engine_->shard(i);
    if (&other == this || other.nudged_.exchange(true)) continue;
    other.executor().Post([&other] {
      other.nudged_.store(false);
      other.EvictIfNeeded(kEvictPerTick);
    });
  }
}

void Shard::SetStuck(bool stuck) {
  if (stuck_ == stuck) return;
  stuck_ = stuck;
  engine_->stuck_shards.fetch_add(stuck ? 1 : -1, std::memory_order_relaxed);
}

void Shard::BeginSnapshot(SnapshotSink* sink, int64_t start_ms) {
  snapshot_sink_ = sink;
  for (auto& db : dbs_) db->BeginSnapshot(start_ms);
}

void Shard::StepSnapshot(size_t budget) {
  bool all_done = true;
  for (auto& db : dbs_) {
    if (!db->SnapshotStep(budget)) {
      all_done = false;
      break;  // one database at a time keeps the slice near the budget
    }
  }
  if (!all_done) return;
  for (auto& db : dbs_) db->EndSnapshot();
  SnapshotSink* sink = std::exchange(snapshot_sink_, nullptr);
  sink->Done();
}

Shard* Shard::Current() { return current_shard; }

namespace {
thread_local bool polling_while_busy = false;
}  // namespace

void Shard::PollWhileBusy() {
  if (polling_while_busy) return;  // a command run by the poll is itself polling
  polling_while_busy = true;
  executor_->PollWhileBusy();
  polling_while_busy = false;
}

bool Shard::PollingWhileBusy() { return polling_while_busy; }

void Shard::BindToCurrentThread() { current_shard = this; }

}  // namespace shoal::engine
