// Point-in-time snapshots without fork: a consistent per-shard scan (for BGSAVE, and for
// an AOF rewrite later).
//
// A snapshot starts on every shard at one instant: the command that starts it holds every
// shard (kAllShards), so it runs between the same two commands on each. From then on each
// shard hands every key as it was at that instant to its SnapshotSink exactly once, on its
// own thread, and then calls Done:
//   - the shard's tick scans a slice of each database's key table (Shard::StepSnapshot),
//     walking hash prefixes upwards (ds::KeyTable::Scan), so "already saved" is simply
//     "position below the cursor" (ds::KeyTable::ScanPosition), across any resize;
//   - before a key the scan has not reached is read or written (every lookup goes through
//     Db::Find, every removal through Db::Delete / Detach / Clear), its current value,
//     which is still the value at the start, is handed over first and the key is
//     remembered as handled;
//   - a key created after the start is remembered as handled without being handed over,
//     so the scan skips it; a database emptied by FLUSHDB / FLUSHALL is scanned to its end
//     first. SWAPDB needs nothing: each Db carries its own state and its index at the
//     start.
// Extra memory is the set of handled keys past the cursor (the keys written during the
// snapshot) plus whatever the sink buffers; no value is copied in memory.
//
// Keys that had expired at the start instant are not handed over.
//
// Thread: a shard's snapshot state and sink calls belong to that shard's thread (or to a
// thread that holds the shard parked).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "engine/ds/key_table.h"

namespace shoal::engine {

struct KeyMeta;

class SnapshotSink {
 public:
  virtual ~SnapshotSink() = default;
  // `node` holds the key and value (and TTL) as they were when the snapshot started, in
  // database `db` (its index at the start). The node may change right after the call.
  // `meta` is the key's tags, retention and hold (null when it has none).
  virtual void Key(int db, const ds::KeyNode* node, const KeyMeta* meta) = 0;
  // Every key of the shard has been handed over; no more calls for this shard.
  virtual void Done() = 0;
};

// A set of key names looked up by std::string_view (abseil's own string_view differs
// from std's in this build, so its default hash is not transparent for it).
struct KeyNameHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
struct KeyNameEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

// One database's progress in a running snapshot (Db::snapshot_).
struct DbSnapshot {
  int db = 0;          // the database's index when the snapshot started
  int64_t start_ms = 0;
  uint64_t cursor = 0;  // positions below it have been scanned
  bool done = false;
  // Keys at or past the cursor that were handed over early or created after the start.
  absl::flat_hash_set<std::string, KeyNameHash, KeyNameEq> handled;
};

}  // namespace shoal::engine
