#include "engine/stats.h"

namespace shoal::engine {

void ShardStats::CountError(std::string_view code) {
  std::lock_guard<std::mutex> lock(errors_mu_);
  ++errors_[std::string(code)];
}

absl::flat_hash_map<std::string, uint64_t> ShardStats::ErrorCounts() const {
  std::lock_guard<std::mutex> lock(errors_mu_);
  return errors_;
}

void ShardStats::Reset() {
  for (size_t i = 0; i < ncommands; ++i) {
    per_command[i].calls.Reset();
    per_command[i].usec.Reset();
    per_command[i].rejected_calls.Reset();
    per_command[i].failed_calls.Reset();
  }
  commands_processed.Reset();
  expired_keys.Reset();
  evicted_keys.Reset();
  keyspace_hits.Reset();
  keyspace_misses.Reset();
  latency.Reset();
  std::lock_guard<std::mutex> lock(errors_mu_);
  errors_.clear();
}

}  // namespace shoal::engine
