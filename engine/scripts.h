// Scripts: the server-wide state behind EVAL, EVALSHA and SCRIPT (script_family.cc).
//
// - Bodies by SHA (lua::ScriptCache): a script loaded once is known to every shard and
//   connection. Each shard compiles it into its own Lua VM the first time it runs there;
//   SCRIPT FLUSH bumps `epoch`, and a shard whose VM is older flushes it before its next run.
// - Where a script runs. A script is one transaction over the shards of its declared
//   KEYS. A script that reaches a key on a shard it does not hold ("undeclared") must run
//   over every shard instead. Whether it does is learned per SHA: a script's first run
//   (mode kUnknown) holds every shard and records whether it reached beyond its KEYS'
//   shards; after that, kDeclared scripts hold their KEYS' shards and kUndeclared ones
//   every shard ("escalated"; INFO counts these runs). A kDeclared script that later
//   reaches an undeclared shard before writing anything is stopped, marked kUndeclared and
//   run again over every shard, transparently; after a write it cannot be undone, so that
//   call fails with an error (the script's earlier writes stay, as with any script error
//   in Redis) and its next run holds every shard. With one shard none of this applies.
// - Busy scripts: a script running longer than busy-reply-threshold makes other clients
//   get BUSY until it ends or SCRIPT KILL stops it (only if it has not written).
//
// Thread-safe: any shard thread may run scripts at the same time.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "lua/script_cache.h"

namespace shoal::lua {
class Interpreter;
}

namespace shoal::engine {

// One shard's side of scripting: its Lua VM and what it knows of the scripts compiled
// into it. Shard thread only (Shard::scripts()).
struct ShardScripts {
  ShardScripts();
  ~ShardScripts();
  // Compiles `body` under `sha` unless the VM has it; false with Redis's error text.
  bool Load(const std::string& sha, std::string_view body, std::string* error);
  bool NoWrites(const std::string& sha) const { return no_writes.contains(sha); }
  void Flush();

  std::unique_ptr<lua::Interpreter> vm;
  absl::flat_hash_set<std::string> no_writes;  // loaded scripts flagged #!lua flags=no-writes
  uint64_t epoch = 0;                          // the registry's epoch at the last flush
};

class ScriptRegistry {
 public:
  explicit ScriptRegistry(unsigned shards) : running_(new Running[shards]), shards_(shards) {}
  enum class Mode : uint8_t { kUnknown, kDeclared, kUndeclared };

  lua::ScriptCache& bodies() { return bodies_; }
  uint64_t epoch() const { return epoch_.load(std::memory_order_acquire); }
  // SCRIPT FLUSH: forgets every body and what was learned about it.
  void Flush();

  Mode ModeOf(std::string_view sha) const;
  void SetMode(std::string_view sha, Mode mode);

  // INFO: runs that held every shard because the script reaches undeclared keys.
  std::atomic<uint64_t> escalations{0};

  // --- Busy scripts (one per shard at most) ----------------------------------------------
  // A shard's running script, as seen by other threads.
  struct Running {
    std::atomic<bool> busy{false};    // past busy-reply-threshold
    std::atomic<bool> wrote{false};   // has run a write command
    std::atomic<bool> kill{false};    // SCRIPT KILL asked it to stop
  };
  Running& running(unsigned shard) { return running_[shard]; }
  // True while some shard's script is busy: other clients then get BUSY.
  bool any_busy() const { return busy_count_.load(std::memory_order_acquire) != 0; }
  void SetBusy(Running& r, bool busy);
  // SCRIPT KILL: flags every busy script and returns "", or returns the error to reply
  // (NOTBUSY when none is busy, UNKILLABLE when a busy one has written).
  std::string_view Kill();

 private:
  lua::ScriptCache bodies_;
  std::atomic<uint64_t> epoch_{0};
  mutable std::shared_mutex mu_;
  absl::flat_hash_map<std::string, Mode> modes_;  // guarded by mu_
  std::unique_ptr<Running[]> running_;
  unsigned shards_;
  std::atomic<int> busy_count_{0};
};

}  // namespace shoal::engine
