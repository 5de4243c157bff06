// Config: the server's settings by Redis directive name, for the config file, the
// `--name value` flags, and CONFIG GET / SET / RESETSTAT.
//
// Each parameter has a kind that validates values the way Redis does (integers, memory
// sizes with k/kb/m/mb/g/gb units, yes/no booleans, enums) and says whether CONFIG SET
// may change it while running. Values are kept as their canonical text (memory sizes as
// plain bytes, as Redis's CONFIG GET shows them). Thread-safe; reads take a mutex, so
// hot paths should copy what they need.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/eviction.h"
#include "engine/object.h"
#include "engine/pubsub.h"

namespace shoal::engine {

class Config {
 public:
  enum class Kind { kString, kInt, kMemory, kBool, kEnum };
  struct Param {
    std::string name;
    Kind kind;
    std::string value;
    bool mutable_at_runtime;
    int64_t min = INT64_MIN, max = INT64_MAX;  // kInt, kMemory
    std::vector<std::string> choices;          // kEnum
    // kString with a syntax of its own: validates `value` given the current value, and
    // sets *canonical (what CONFIG GET shows); returns "" or the error.
    std::function<std::string(std::string_view current, std::string_view value,
                              std::string* canonical)>
        check;
  };

  Config();

  // Sets `name` (case-insensitive) to `value`. Returns "" on success, else Redis's error
  // text without the "ERR " ("Unknown option or number of arguments for CONFIG SET -
  // 'x'" style texts are built by the caller). `startup` allows immutable parameters.
  std::string Set(std::string_view name, std::string_view value, bool startup);
  std::optional<std::string> Get(std::string_view name) const;
  // Parameters whose name matches the glob, as (name, value), sorted by name.
  std::vector<std::pair<std::string, std::string>> Match(std::string_view pattern) const;
  bool Has(std::string_view name) const;
  bool IsMutable(std::string_view name) const;

  int64_t GetInt(std::string_view name) const;  // kInt, kMemory, kBool (1/0)
  std::string GetString(std::string_view name) const;
  // `<type>-max-listpack-entries` and `<type>-max-listpack-value`, for type "hash" or
  // "zset". Lock-free: every HSET and ZADD reads it, so Set keeps atomic copies.
  ListpackLimits GetListpackLimits(std::string_view type) const;
  // set-max-intset-entries, set-max-listpack-entries, set-max-listpack-value. Lock-free,
  // as GetListpackLimits.
  SetLimits GetSetLimits() const;
  // list-max-listpack-size (Redis's quicklist fill: negative for a byte limit per node,
  // positive for an entry count). Lock-free, read by every list write.
  int GetListFill() const { return list_fill_.load(std::memory_order_relaxed); }
  // busy-poll-us (Shoal's own, 0 turns it off): how long a shard's event loop keeps
  // polling after a turn that served something before it sleeps. Lock-free, read by
  // every loop turn.
  int GetBusyPollUs() const { return busy_poll_us_.load(std::memory_order_relaxed); }

  // notify-keyspace-events as NotifyClass flags (notify.h). Lock-free: every write that
  // could notify reads it.
  uint32_t GetNotifyFlags() const { return notify_flags_.load(std::memory_order_relaxed); }
  // client-output-buffer-limit's pubsub class (pubsub.h). Lock-free: read per PUBLISH.
  OutputLimit GetPubSubLimit() const { return LoadLimit(pubsub_limit_); }
  // Its normal class (every client without a subscription). Lock-free: read per round.
  OutputLimit GetNormalLimit() const { return LoadLimit(normal_limit_); }

  // maxmemory, maxmemory-policy, maxmemory-samples, lfu-log-factor, lfu-decay-time.
  // Lock-free: every write checks the limit and every lookup updates the access clock.
  EvictionSettings GetEviction() const {
    EvictionSettings s;
    s.maxmemory = eviction_[0].load(std::memory_order_relaxed);
    s.policy = static_cast<EvictionPolicy>(eviction_[1].load(std::memory_order_relaxed));
    s.samples = static_cast<int>(eviction_[2].load(std::memory_order_relaxed));
    s.lfu_log_factor = static_cast<int>(eviction_[3].load(std::memory_order_relaxed));
    s.lfu_decay_time = static_cast<int>(eviction_[4].load(std::memory_order_relaxed));
    return s;
  }
  int64_t GetMaxMemory() const { return eviction_[0].load(std::memory_order_relaxed); }
  // Only the policy: what Db::Find reads on every lookup.
  bool LfuPolicy() const {
    const auto p = static_cast<EvictionPolicy>(eviction_[1].load(std::memory_order_relaxed));
    return p == EvictionPolicy::kAllKeysLfu || p == EvictionPolicy::kVolatileLfu;
  }

  // Called after a successful Set (from any thread) with the name that changed.
  void OnChange(std::function<void(const std::string&)> fn);

  // Parses a memory size: "100", "1k" (1000), "1kb" (1024), "1mb", "2gb", ...
  static std::optional<int64_t> ParseMemory(std::string_view text);
  // Parses the `save` directive: pairs of <seconds> <changes> ("3600 1 300 100"; ""
  // disables). False when malformed, as Redis's "Invalid save parameters".
  static bool ParseSaveRules(std::string_view text,
                             std::vector<std::pair<int64_t, int64_t>>* rules);

 private:
  void Add(Param p);
  // Another name for a parameter (Redis's aliases: list-max-ziplist-size, ...). GET and SET
  // accept it; CONFIG GET with a pattern lists it beside the parameter, as Redis does.
  void AddAlias(std::string alias, std::string name);
  // The parameter's own name for `lower_name` (lower case), itself when not an alias.
  std::string Canonical(std::string lower_name) const;
  std::string Validate(const Param& p, std::string_view value, std::string* canonical) const;

  void RefreshCached(const std::string& name, const std::string& value);

  // Atomic copies of the hot settings: hash entries, hash value, zset entries, zset value.
  std::atomic<size_t> listpack_[4] = {128, 64, 128, 64};
  // Atomic copies of the set settings: intset entries, listpack entries, listpack value.
  std::atomic<size_t> set_limits_[3] = {512, 128, 64};
  std::atomic<int> list_fill_{-2};
  std::atomic<int> busy_poll_us_{50};
  std::atomic<uint32_t> notify_flags_{0};
  std::atomic<int64_t> eviction_[5] = {0, 0, 5, 10, 1};  // in GetEviction's order
  // Atomic copies of client-output-buffer-limit classes: hard bytes, soft bytes, seconds.
  std::atomic<int64_t> pubsub_limit_[3] = {32 << 20, 8 << 20, 60};
  std::atomic<int64_t> normal_limit_[3] = {0, 0, 0};
  static OutputLimit LoadLimit(const std::atomic<int64_t> (&a)[3]) {
    return OutputLimit{a[0].load(std::memory_order_relaxed), a[1].load(std::memory_order_relaxed),
                       a[2].load(std::memory_order_relaxed)};
  }
  static void StoreLimit(const OutputLimit& l, std::atomic<int64_t> (&a)[3]) {
    a[0].store(l.hard_bytes, std::memory_order_relaxed);
    a[1].store(l.soft_bytes, std::memory_order_relaxed);
    a[2].store(l.soft_seconds, std::memory_order_relaxed);
  }
  absl::flat_hash_map<std::string, std::string> aliases_;  // alias -> name; set in the constructor
  mutable std::mutex mu_;
  absl::flat_hash_map<std::string, Param> params_;
  std::vector<std::function<void(const std::string&)>> listeners_;
};

}  // namespace shoal::engine
