// WATCH: which clients watch which keys of one shard, so that a write can flag them.
//
// A session's WATCH round is one WatchState; every shard that owns one of its watched keys
// keeps a reference under (database, key). Db::NotifyWrite calls Touch, which sets the
// state's `dirty` flag; EXEC reads it on the session's home thread, so the flag is atomic.
// UNWATCH (and EXEC, DISCARD, RESET, disconnect) drops the session's reference and posts a
// Remove to each shard; until that runs, a write may still flag the old state, which no
// one reads any more. So a new WATCH round always gets a new WatchState.
//
// Thread: a registry belongs to its shard's thread, or to a thread its shard is parked for.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace shoal::engine {

struct WatchState {
  std::atomic<bool> dirty{false};
};

class WatchRegistry {
 public:
  bool empty() const { return keys_ == 0; }
  void Add(int db, std::string_view key, std::shared_ptr<WatchState> state);
  void Remove(int db, std::string_view key, const WatchState* state);
  // A write to `key`: flags everyone watching it.
  void Touch(int db, std::string_view key) {
    if (keys_ != 0) TouchSlow(db, key);
  }
  // FLUSHDB, FLUSHALL, SWAPDB: flags the watchers of every key of `db` for which
  // exists(key) holds (Redis flags only keys that the flush or swap really changes).
  template <typename Exists>
  void TouchDb(int db, Exists exists) {
    if (db >= static_cast<int>(by_db_.size())) return;
    for (auto& [key, states] : by_db_[db]) {
      if (!exists(std::string_view(key.data(), key.size()))) continue;
      for (auto& s : states) s->dirty.store(true, std::memory_order_release);
    }
  }

 private:
  void TouchSlow(int db, std::string_view key);
  using States = std::vector<std::shared_ptr<WatchState>>;
  std::vector<absl::flat_hash_map<std::string, States>> by_db_;
  size_t keys_ = 0;  // watched (db, key) pairs
};

}  // namespace shoal::engine
