// Journal: where the engine hands the writes it wants persisted (the append-only file).
//
// The engine appends a write while it still holds the keys it wrote (Session::ExecuteHere:
// on the key's shard for a one-shard command, before the transaction releases its shards
// for a multi-shard one), so two commands that touch the same key are appended in the
// order they ran; the order of commands on disjoint keys does not matter. Only commands
// that changed something are appended (Redis's `dirty` rule), after the rewrites Redis 7
// applies (relative TTLs made absolute, blocking pops made plain, EXEC and scripts as
// MULTI ... EXEC around their writes; see CommandContext::Propagate). Keys that expire
// (lazily or actively) are appended as DEL by the shard that drops them.
//
// Each append carries the time snapshot of the command that made it (Shard::now_ms, one
// for a whole EXEC or script), so that replay runs it at that time: KV2 version times and
// OBJECT MTIME then come back as they were, not as the time of the load.
//
// The server installs one on the Engine (src/persistence/aof.h); with none installed
// nothing is recorded. Every method is thread-safe: shard threads call them concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "engine/command_table.h"

namespace shoal::engine {

// One command of an atomic group, owned.
struct JournalRecord {
  int db = 0;
  std::vector<std::string> args;
};

// What INFO persistence shows about the journal.
struct JournalInfo {
  bool rewrite_in_progress = false;
  bool rewrite_scheduled = false;
  bool last_write_ok = true;
  bool last_rewrite_ok = true;
  int64_t last_rewrite_time_sec = -1;
  uint64_t current_size = 0;
  uint64_t base_size = 0;
  uint64_t buffer_length = 0;
  uint64_t rewrites = 0;
  uint64_t delayed_fsync = 0;
};

class Journal {
 public:
  virtual ~Journal() = default;
  // Appends one command that ran in database `db` at `time_ms` (unix ms). Returns its log
  // sequence number: the write is durable once Durable(lsn) would say so.
  virtual uint64_t Append(int db, ArgList args, int64_t time_ms) = 0;
  // Appends commands that ran at `time_ms` and must replay as one: MULTI ... EXEC around
  // them when there are several (a single one is atomic as it is). Empty: appends nothing
  // and returns 0.
  virtual uint64_t AppendAtomic(absl::Span<const JournalRecord> records, int64_t time_ms) = 0;
  virtual JournalInfo Info() const = 0;
  // BGREWRITEAOF: starts compacting the journal in the background; false when a rewrite
  // is already running.
  virtual bool StartRewrite() = 0;
};

}  // namespace shoal::engine
