// The one command table: every command Shoal knows is one row in command_table.cc.
//
// A row holds what Redis's `struct redisCommand` holds: name, arity, flags, key positions
// (first, last, step), ACL categories and the handler. The dispatcher checks arity and
// routes by the key positions; COMMAND, COMMAND INFO/DOCS/GETKEYS, INFO commandstats and
// the test that every row has tests all read the table. Family files only define handlers.
//
// Container commands (CONFIG, CLIENT, OBJECT, ...) have a row of their own plus one row per
// subcommand named "container|sub", as Redis 7 names them; the subcommand's row decides
// arity, flags and keys.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/types/span.h"

namespace shoal::engine {

class CommandContext;
using ArgList = absl::Span<const std::string_view>;
using Handler = void (*)(CommandContext& ctx);
using KeyList = absl::InlinedVector<std::string_view, 4>;

// Redis's command flags, plus Shoal's routing flags at the top.
enum CommandFlag : uint32_t {
  kWrite = 1u << 0,
  kReadOnly = 1u << 1,
  kDenyOom = 1u << 2,
  kAdmin = 1u << 3,
  kPubSub = 1u << 4,
  kNoScript = 1u << 5,
  kBlocking = 1u << 6,
  kLoading = 1u << 7,
  kStale = 1u << 8,
  kFast = 1u << 9,
  kNoAuth = 1u << 10,
  kNoMulti = 1u << 11,
  kAllowBusy = 1u << 12,
  kSkipSlowlog = 1u << 13,
  kNoMandatoryKeys = 1u << 14,
  kMayReplicate = 1u << 15,
  // How a write command uses the keys it names, as Redis's key specs say (RW/OW, RO, RM with
  // DELETE); the retention guard reads them. Without any, it writes every key it names.
  // Only the first key is written; the others are sources it reads (*STORE, HMERGE).
  kReadsSources = 1u << 16,
  // The first key is a source it reads; the others are written (COPY).
  kReadsFirstKey = 1u << 17,
  // It deletes every key it names (DEL, UNLINK, GETDEL, MOVE).
  kDeletesKeys = 1u << 18,
  // It deletes its first key and writes the others (RENAME, RENAMENX).
  kDeletesFirstKey = 1u << 19,
  // A container (CONFIG, CLIENT, ...): with arguments, its subcommand rows run. A container
  // with a handler (COMMAND) also runs alone.
  kContainer = 1u << 23,
  // Shoal routing: the command needs every shard parked (FLUSHALL, DBSIZE, KEYS, ...).
  kAllShards = 1u << 24,
  // Shoal: the command manages the session's transaction state itself (MULTI, EXEC, ...):
  // it is not queued inside MULTI.
  kTxControl = 1u << 25,
  // Shoal routing: a script (EVAL, EVALSHA...): it holds its KEYS' shards or every shard,
  // as its SHA's learned mode says (scripts.h).
  kScript = 1u << 26,
  // Shoal: the command changes a key's metadata (tags, retention, hold), never its value:
  // a retained key does not refuse it.
  kMetaOnly = 1u << 27,
  // The key positions name shard channels, not keys (Redis's NOT_KEY key spec: SSUBSCRIBE,
  // SUNSUBSCRIBE, SPUBLISH). COMMAND INFO shows them; CollectKeys skips them, so nothing
  // routes, locks, tracks or checks by them and COMMAND GETKEYS finds no key.
  kChannelKeys = 1u << 28,
};

// Custom key extraction, for commands whose keys are not at fixed positions.
using KeysFn = void (*)(ArgList args, KeyList* keys);

struct CommandSpec {
  std::string_view name;     // lower case, as Redis names it ("get", "config|get")
  int arity;                 // N: exactly N arguments with the name; -N: at least N
  uint32_t flags;
  int first_key;             // 0: no keys
  int last_key;              // negative counts from the end (-1: the last argument)
  int step;
  Handler handler;           // null for most containers: their subcommand rows run
  std::string_view acl;      // "@write @string @slow"
  std::string_view group;    // COMMAND DOCS group: "string", "generic", "connection", ...
  std::string_view summary;  // COMMAND DOCS summary
  std::string_view since;    // Redis version that introduced it
  KeysFn keys_fn = nullptr;  // overrides first/last/step when set
  uint16_t id = 0;           // the row's index, set by the table

  bool is_container() const { return flags & kContainer; }
  bool is_write() const { return flags & kWrite; }
};

class CommandTable {
 public:
  static const CommandTable& Get();

  // Case-insensitive lookup of a top-level command or a "container|sub" row.
  const CommandSpec* Find(std::string_view name) const;
  // The subcommand row of a container (case-insensitive), or null.
  const CommandSpec* FindSub(const CommandSpec& container, std::string_view sub) const;
  // Subcommand rows of a container, in table order.
  std::vector<const CommandSpec*> Subcommands(const CommandSpec& container) const;
  absl::Span<const CommandSpec> all() const;
  size_t size() const { return all().size(); }
  const CommandSpec& at(uint16_t id) const { return all()[id]; }

 private:
  CommandTable();
};

// True when `args` (name included) fits the spec's arity.
bool ArityOk(const CommandSpec& spec, size_t argc);
// Appends the keys of `args` (name included) by the spec's key positions (none for a
// kChannelKeys row).
void CollectKeys(const CommandSpec& spec, ArgList args, KeyList* keys);

}  // namespace shoal::engine
