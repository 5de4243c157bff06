// Eviction: maxmemory, the eviction policies, and the access clock they read.
//
// The limit is one number for the whole process, read lock-free: used memory is the sum of
// per-thread allocation counters (ds/alloc_counter.h), exact at any moment. Eviction is
// per shard: a shard only ever removes its own keys, on its own thread (or on a thread
// that holds it parked), so no shard waits for another and no lock is taken.
//   - Before a write that may grow memory (a `denyoom` command), the shard that runs it
//     evicts from its own keys while the process is over the limit (Redis's
//     performEvictions before each command).
//   - Each shard's tick does the same, so that a lowered maxmemory, or a write that ran on
//     another shard, is brought back under the limit by every shard evicting its part.
// The budget is split by where memory grows rather than by a fixed share per shard: with
// hash tags one shard can hold most of the data, and a fixed maxmemory/N share would evict
// there while the process is far below its limit.
//
// Candidates are chosen as Redis 7 chooses them: maxmemory-samples random keys per
// database go into a pool of the 16 best (oldest access for LRU, lowest decayed counter
// for LFU, nearest expiry for volatile-ttl), and the best in the pool goes first. The
// volatile-* policies only look at keys with a TTL. A retained or held key (key_meta.h)
// is never evicted.
//
// The access clock is 24 bits in every key's node (ds/key_table.h), as Redis's robj.lru:
//   - LRU: unix seconds modulo 2^24 of the last access (idle time wraps after 194 days);
//   - LFU: 16 bits of unix minutes of the last decrement, then an 8-bit logarithmic
//     counter (lfu-log-factor) that loses one per lfu-decay-time minutes unused.
// Every lookup (Db::Find) updates it for the current policy; OBJECT reads without touching.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"

namespace shoal::engine {

class Shard;

enum class EvictionPolicy : uint8_t {
  kNoEviction,
  kAllKeysLru,
  kAllKeysLfu,
  kAllKeysRandom,
  kVolatileLru,
  kVolatileLfu,
  kVolatileRandom,
  kVolatileTtl,
};

// maxmemory-policy's value; false when unknown.
bool ParseEvictionPolicy(std::string_view name, EvictionPolicy* policy);

struct EvictionSettings {
  int64_t maxmemory = 0;  // bytes; 0 means no limit
  EvictionPolicy policy = EvictionPolicy::kNoEviction;
  int samples = 5;
  int lfu_log_factor = 10;
  int lfu_decay_time = 1;  // minutes; 0 never decays

  bool lfu() const {
    return policy == EvictionPolicy::kAllKeysLfu || policy == EvictionPolicy::kVolatileLfu;
  }
  bool volatile_only() const { return policy >= EvictionPolicy::kVolatileLru; }
};

// --- The access clock ------------------------------------------------------------------
// Now, as an LRU clock.
uint32_t LruAccessClock(int64_t now_ms);
// A new key's clock: now for LRU, the initial counter (5) for LFU.
uint32_t NewAccessClock(const EvictionSettings& s, int64_t now_ms);
// The clock after an access: now for LRU; for LFU, the decayed counter incremented with
// probability 1 / ((counter - 5) * lfu-log-factor + 1). `random` is uniform in [0, 1).
uint32_t TouchedAccessClock(uint32_t clock, const EvictionSettings& s, int64_t now_ms,
                            double random);
// OBJECT IDLETIME: seconds since the last access, read as an LRU clock.
int64_t LruIdleSeconds(uint32_t clock, int64_t now_ms);
// OBJECT FREQ: the LFU counter with its decay applied.
int LfuFrequency(uint32_t clock, int lfu_decay_time, int64_t now_ms);

// --- Per shard -------------------------------------------------------------------------
class Evictor {
 public:
  explicit Evictor(uint64_t seed) : random_(seed | 1) {}

  // Evicts this shard's keys, best candidates first, while over() holds, at most
  // `max_keys`. Returns how many keys went; stops early (returning fewer) when nothing
  // more can be evicted under the policy.
  size_t Evict(Shard& shard, const EvictionSettings& s, size_t max_keys,
               absl::FunctionRef<bool()> over);
  // Uniform in [0, 1), for the LFU increment.
  double Random01() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  struct Candidate {
    uint64_t score;  // higher goes first
    int db;
    std::string key;
  };
  static constexpr size_t kPoolSize = 16;
  static constexpr size_t kMaxSample = 64;  // keys looked at per database and fill

  uint64_t Next();
  // Samples each database into the pool.
  void Fill(Shard& shard, const EvictionSettings& s);
  // Puts a candidate in the pool when it beats the worst (or the pool has room).
  void Offer(uint64_t score, int db, std::string_view key);
  // Evicts one key: from the pool, or a random one for the random policies. False when
  // nothing is evictable.
  bool EvictOne(Shard& shard, const EvictionSettings& s);

  uint64_t random_;
  std::vector<Candidate> pool_;  // ascending score: the best is last
  EvictionPolicy policy_ = EvictionPolicy::kNoEviction;  // the pool's scores are for it
  int next_db_ = 0;  // the random policies go round the databases
};

}  // namespace shoal::engine
