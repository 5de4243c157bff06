// Counters that one shard thread writes and any thread may read (INFO). A counter is a
// relaxed atomic bumped with load+store, which costs what a plain increment costs on
// x86 because only the owner writes it.
#pragma once

#include <atomic>
#include <bit>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "absl/container/flat_hash_map.h"

namespace shoal::engine {

class Counter {
 public:
  void Add(uint64_t n = 1) {
    v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  uint64_t Get() const { return v_.load(std::memory_order_relaxed); }
  void Reset() { v_.store(0, std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

struct CommandStats {
  Counter calls, usec, rejected_calls, failed_calls;
};

// Command latency in fixed power-of-two microsecond buckets: bucket i counts the commands
// that took at most 2^i µs and more than 2^(i-1) (bucket 0: at most 1 µs); the last bucket
// takes everything slower. The owner shard records; /metrics sums the shards and prints
// them cumulatively (Prometheus `_bucket{le=...}`).
struct LatencyHistogram {
  static constexpr size_t kBuckets = 25;  // up to 2^23 µs (about 8 s), then the rest
  static size_t BucketOf(uint64_t usec) {
    size_t i = static_cast<size_t>(std::bit_width(usec > 0 ? usec - 1 : 0));
    return i < kBuckets ? i : kBuckets - 1;
  }
  // The bucket's upper bound in µs (the last one has none: +Inf).
  static uint64_t UpperBoundUsec(size_t i) { return uint64_t{1} << i; }
  void Record(uint64_t usec) {
    buckets[BucketOf(usec)].Add();
    sum_usec.Add(usec);
  }
  void Reset() {
    for (Counter& b : buckets) b.Reset();
    sum_usec.Reset();
  }
  Counter buckets[kBuckets];
  Counter sum_usec;
};

struct ShardStats {
  explicit ShardStats(size_t commands) : per_command(new CommandStats[commands]), ncommands(commands) {}
  Counter commands_processed;
  Counter expired_keys;
  Counter evicted_keys;
  Counter keyspace_hits;
  Counter keyspace_misses;
  Counter dirty;  // writes since start (INFO rdb_changes_since_last_save later)
  LatencyHistogram latency;  // every command that is timed in commandstats
  std::unique_ptr<CommandStats[]> per_command;  // by CommandSpec::id
  size_t ncommands;

  // Error replies by their code ("ERR", "WRONGTYPE"): rare, so a mutex is fine.
  void CountError(std::string_view code);
  absl::flat_hash_map<std::string, uint64_t> ErrorCounts() const;
  void Reset();

 private:
  mutable std::mutex errors_mu_;
  absl::flat_hash_map<std::string, uint64_t> errors_;
};

}  // namespace shoal::engine
