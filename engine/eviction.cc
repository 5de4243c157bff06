#include "engine/eviction.h"

#include <algorithm>
#include <limits>

#include "engine/db.h"
#include "engine/shard.h"

namespace shoal::engine {
namespace {

constexpr uint32_t kLruClockMax = (1u << 24) - 1;
constexpr int kLfuInitValue = 5;  // Redis's LFU_INIT_VAL: a new key is not evicted at once

uint32_t Minutes(int64_t now_ms) { return static_cast<uint32_t>(now_ms / 60000) & 0xffff; }

int64_t LruIdleMs(uint32_t clock, int64_t now_ms) {
  const uint32_t now = LruAccessClock(now_ms);
  const uint32_t last = clock & kLruClockMax;
  return (now >= last ? now - last : now + (kLruClockMax - last)) * int64_t{1000};
}

uint32_t LfuClock(int counter, int64_t now_ms) {
  return (Minutes(now_ms) << 8) | static_cast<uint32_t>(counter);
}

// Tries for a key with a TTL, for volatile-random.
constexpr int kVolatileProbes = 16;

}  // namespace

uint32_t LruAccessClock(int64_t now_ms) {
  return static_cast<uint32_t>(now_ms / 1000) & kLruClockMax;
}

bool ParseEvictionPolicy(std::string_view name, EvictionPolicy* policy) {
  static constexpr std::pair<std::string_view, EvictionPolicy> kNames[] = {
      {"noeviction", EvictionPolicy::kNoEviction},
      {"allkeys-lru", EvictionPolicy::kAllKeysLru},
      {"allkeys-lfu", EvictionPolicy::kAllKeysLfu},
      {"allkeys-random", EvictionPolicy::kAllKeysRandom},
      {"volatile-lru", EvictionPolicy::kVolatileLru},
      {"volatile-lfu", EvictionPolicy::kVolatileLfu},
      {"volatile-random", EvictionPolicy::kVolatileRandom},
      {"volatile-ttl", EvictionPolicy::kVolatileTtl},
  };
  for (const auto& [n, p] : kNames) {
    if (n == name) {
      *policy = p;
      return true;
    }
  }
  return false;
}

uint32_t NewAccessClock(const EvictionSettings& s, int64_t now_ms) {
  return s.lfu() ? LfuClock(kLfuInitValue, now_ms) : LruAccessClock(now_ms);
}

int LfuFrequency(uint32_t clock, int lfu_decay_time, int64_t now_ms) {
  const uint32_t last = (clock >> 8) & 0xffff;
  const uint32_t now = Minutes(now_ms);
  const uint32_t elapsed = now >= last ? now - last : 65535 - last + now;
  const int counter = static_cast<int>(clock & 0xff);
  const uint32_t periods = lfu_decay_time > 0 ? elapsed / static_cast<uint32_t>(lfu_decay_time) : 0;
  return periods >= static_cast<uint32_t>(counter) ? 0 : counter - static_cast<int>(periods);
}

uint32_t TouchedAccessClock(uint32_t clock, const EvictionSettings& s, int64_t now_ms,
                            double random) {
  if (!s.lfu()) return LruAccessClock(now_ms);
  int counter = LfuFrequency(clock, s.lfu_decay_time, now_ms);
  if (counter < 255) {
    const double base = std::max(counter - kLfuInitValue, 0);
    if (random < 1.0 / (base * s.lfu_log_factor + 1)) ++counter;
  }
  return LfuClock(counter, now_ms);
}

int64_t LruIdleSeconds(uint32_t clock, int64_t now_ms) { return LruIdleMs(clock, now_ms) / 1000; }

uint64_t Evictor::Next() {
  // xorshift64*
  random_ ^= random_ >> 12;
  random_ ^= random_ << 25;
  random_ ^= random_ >> 27;
  return random_ * 0x2545F4914F6CDD1DULL;
}

size_t Evictor::Evict(Shard& shard, const EvictionSettings& s, size_t max_keys,
                      absl::FunctionRef<bool()> over) {
  if (s.policy == EvictionPolicy::kNoEviction) return 0;
  if (s.policy != policy_) {
    pool_.clear();  // scores of another policy mean something else
    policy_ = s.policy;
  }
  size_t evicted = 0;
  while (evicted < max_keys && over() && EvictOne(shard, s)) ++evicted;
  return evicted;
}

void Evictor::Fill(Shard& shard, const EvictionSettings& s) {
  const int64_t now = shard.now_ms();
  KeyNode* sample[kMaxSample];
  for (int i = 0; i < shard.db_count(); ++i) {
    Db& db = shard.db(i);
    if (db.size() == 0 || (s.volatile_only() && db.expires_count() == 0)) continue;
    // The volatile policies look at enough keys to meet about `samples` with a TTL.
    size_t want = static_cast<size_t>(s.samples);
    if (s.volatile_only()) want *= (db.size() + db.expires_count() - 1) / db.expires_count();
    const size_t n = db.table().Sample(Next(), std::min(want, kMaxSample), sample);
    for (size_t j = 0; j < n; ++j) {
      KeyNode* node = sample[j];
      if ((s.volatile_only() && !node->has_expiry()) || db.Undeletable(node)) continue;
      uint64_t score;
      if (s.policy == EvictionPolicy::kVolatileTtl) {
        score = std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(node->expire_at());
      } else if (s.lfu()) {
        score = 255 - static_cast<uint64_t>(LfuFrequency(node->access(), s.lfu_decay_time, now));
      } else {
        score = static_cast<uint64_t>(LruIdleMs(node->access(), now));
      }
      Offer(score, i, node->key());
    }
  }
}

void Evictor::Offer(uint64_t score, int db, std::string_view key) {
  if (pool_.size() == kPoolSize && score <= pool_.front().score) return;
  auto same = std::find_if(pool_.begin(), pool_.end(),
                           [&](const Candidate& c) { return c.db == db && c.key == key; });
  if (same != pool_.end()) pool_.erase(same);
  if (pool_.size() == kPoolSize) pool_.erase(pool_.begin());
  auto at = std::upper_bound(pool_.begin(), pool_.end(), score,
                             [](uint64_t v, const Candidate& e) { return v < e.score; });
  pool_.insert(at, Candidate{score, db, std::string(key)});
}

bool Evictor::EvictOne(Shard& shard, const EvictionSettings& s) {
  const bool random = s.policy == EvictionPolicy::kAllKeysRandom ||
                      s.policy == EvictionPolicy::kVolatileRandom;
  if (random) {
    for (int tries = 0; tries < shard.db_count(); ++tries) {
      Db& db = shard.db(next_db_);
      next_db_ = (next_db_ + 1) % shard.db_count();
      if (db.size() == 0 || (s.volatile_only() && db.expires_count() == 0)) continue;
      for (int probe = 0; probe < kVolatileProbes; ++probe) {
        KeyNode* node = db.table().RandomNode(Next());
        if ((s.volatile_only() && !node->has_expiry()) || db.Undeletable(node)) continue;
        db.Evict(node);
        return true;
      }
    }
    return false;
  }
  // Redis refills the pool before each eviction; so do we. Entries may be stale (the key
  // went, or lost its TTL): each is checked again before it is evicted.
  Fill(shard, s);
  while (!pool_.empty()) {
    Candidate c = std::move(pool_.back());
    pool_.pop_back();
    Db& db = shard.db(c.db);
    KeyNode* node = db.table().Find(c.key);
    if (node == nullptr || (s.volatile_only() && !node->has_expiry()) || db.Undeletable(node)) {
      continue;
    }
    db.Evict(node);
    return true;
  }
  return false;
}

}  // namespace shoal::engine
