// Counters that one shard thread writes and any thread may read (INFO). A counter is a
// relaxed atomic bumped with load+store, which costs what a plain increment costs on
// x86 because only the owner writes it.
#pragma once

#include <atomic>
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

struct ShardStats {
  explicit ShardStats(size_t commands) : per_command(new CommandStats[commands]), ncommands(commands) {}
  Counter commands_processed;
  Counter expired_keys;
  Counter keyspace_hits;
  Counter keyspace_misses;
  Counter dirty;  // writes since start (INFO rdb_changes_since_last_save later)
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
