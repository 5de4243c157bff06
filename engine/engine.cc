#include "engine/engine.h"

#include <future>

#include "engine/cycle_clock.h"
#include "engine/ds/alloc_counter.h"
#include "engine/session.h"
#include "xxhash.h"

namespace shoal::engine {

Engine::Engine(EngineOptions options)
    : databases_(options.databases),
      clock_(options.clock ? options.clock : SystemClock::Get()),
      tick_ms_(options.tick_ms) {
  unsigned n = options.shards ? options.shards : std::max(1u, std::thread::hardware_concurrency());
  if (options.config) {
    config_ = options.config;
  } else {
    own_config_ = std::make_unique<Config>();
    config_ = own_config_.get();
  }
  executors_ = std::move(options.executors);
  while (executors_.size() < n) executors_.push_back(std::make_unique<QueueExecutor>());
  for (unsigned i = 0; i < n; ++i) {
    shards_.push_back(std::make_unique<Shard>(this, i, executors_[i].get(), databases_));
  }
  scripts_ = std::make_unique<ScriptRegistry>(n);
  pubsub_ = std::make_unique<PubSub>(config_);
  cycle_clock::Calibrate();
  start_ms_ = clock_->NowMs();
}

Engine::~Engine() {
  Stop();
  // Pending tasks (and, in the server, the connections they keep alive) go while the
  // engine they refer to is still whole.
  executors_.clear();
}

void Engine::Start() {
  if (started_) return;
  started_ = true;
  for (auto& shard : shards_) {
    Shard* s = shard.get();
    threads_.emplace_back([s, tick = tick_ms_] {
      s->BindToCurrentThread();
      s->executor().Run([s] { s->Tick(); }, tick);
    });
  }
}

void Engine::Stop() {
  if (!started_) return;
  started_ = false;
  for (auto& e : executors_) e->Stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

bool Engine::OutOfMemory() const {
  const int64_t limit = config_->GetMaxMemory();
  if (limit <= 0 || ds::AllocatedBytes() <= limit) return false;
  return config_->GetEviction().policy == EvictionPolicy::kNoEviction ||
         stuck_shards.load(std::memory_order_relaxed) >= shard_count();
}

unsigned Engine::ShardOf(std::string_view key) const {
  if (shards_.size() == 1) return 0;
  size_t open = key.find('{');
  if (open != std::string_view::npos) {
    size_t close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) {
      key = key.substr(open + 1, close - open - 1);
    }
  }
  return static_cast<unsigned>(XXH3_64bits(key.data(), key.size()) % shards_.size());
}

std::unique_ptr<Session> Engine::NewSession(int home) {
  unsigned h = home >= 0 ? static_cast<unsigned>(home)
                         : next_home_.fetch_add(1, std::memory_order_relaxed) % shard_count();
  return std::make_unique<Session>(this, h);
}

void Engine::RunOnEachShard(const std::function<void(Shard&)>& fn) {
  std::vector<std::promise<void>> done(shards_.size());
  for (size_t i = 0; i < shards_.size(); ++i) {
    shards_[i]->executor().Post([&, i] {
      fn(*shards_[i]);
      done[i].set_value();
    });
  }
  for (auto& d : done) d.get_future().wait();
}

void Engine::RunExpiry() {
  RunOnEachShard([](Shard& s) { s.Tick(); });
}

void Engine::Register(Session* s) {
  std::lock_guard<std::mutex> lock(sessions_mu_);
  sessions_[s->id()] = s;
}

void Engine::Unregister(Session* s) {
  std::lock_guard<std::mutex> lock(sessions_mu_);
  sessions_.erase(s->id());
}

}  // namespace shoal::engine
