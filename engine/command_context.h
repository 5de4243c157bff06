// CommandContext: what a handler gets. The dispatcher guarantees that the calling thread
// may touch every key the command names (see session.h), so handlers are synchronous.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "engine/blocking.h"
#include "engine/command_table.h"
#include "engine/db.h"
#include "engine/engine.h"
#include "engine/errors.h"
#include "engine/notify.h"
#include "engine/scan_args.h"
#include "engine/session.h"
#include "protocol/reply_writer.h"

namespace shoal::engine {

class CommandContext {
 public:
  CommandContext(Session& session, const CommandSpec& spec, ArgList args,
                 protocol::ReplyWriter& reply)
      : session(session), spec(spec), args(args), reply(reply) {}

  Session& session;
  const CommandSpec& spec;
  ArgList args;  // args[0] is the command name
  protocol::ReplyWriter& reply;

  Engine& engine() { return session.engine(); }
  // The session's current database on the shard that owns `key`.
  Db& db(std::string_view key) {
    return engine().shard(engine().ShardOf(key)).db(session.db());
  }
  Db& db_on(unsigned shard) { return engine().shard(shard).db(session.db()); }
  // The command's time snapshot (Shard::now_ms).
  int64_t now_ms() {
    Shard* shard = Shard::Current();
    return shard != nullptr ? shard->now_ms() : engine().clock().NowMs();
  }
  std::string_view arg(size_t i) const { return args[i]; }
  size_t argc() const { return args.size(); }

  // Keyspace notification (notify.h): publishes `event` on `key` of the session's database
  // when notify-keyspace-events enables `type` (kNotifyString, ...). One load and one
  // branch while notifications are off. Call it where Redis calls notifyKeyspaceEvent,
  // after the change.
  void Notify(uint32_t type, std::string_view event, std::string_view key) {
    if (engine().config().GetNotifyFlags() & type) {
      NotifyKeyspaceEvent(engine(), type, event, key, session.db());
    }
  }

  // The events of a *STORE command that replaced `dst`: its own name ("sunionstore", ...)
  // when it stored a value, "del" when it only removed what `dst` held.
  void NotifyStore(uint32_t type, std::string_view dst, bool stored, bool removed) {
    if (stored) {
      Notify(type, spec.name, dst);
    } else if (removed) {
      Notify(kNotifyGeneric, "del", dst);
    }
  }

  // Replies with an error and counts it (INFO errorstats, failed_calls).
  void Error(std::string_view message);
  // Redis's addReplyHelp: "<CMD> <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  // the lines, then HELP's own entry, as status replies.
  void ReplyHelp(std::initializer_list<std::string_view> lines);
  bool failed() const { return failed_; }

  // Legal holds and retentions (retention_family.cc) against deletes that are a side
  // effect: a pop or removal that empties a collection, an empty STORE result, an expiry
  // already past. The command checks before it changes anything: MayDelete(key, empties)
  // is false when `empties` and the key is held or retained, after replying -LOCKED
  // unless `reply_error` is false (a woken blocked client passes such a key over).
  bool MayDelete(std::string_view key, bool empties, bool reply_error = true);
  // Whether any key anywhere is held or retained; while not, MayDelete is always true, so a
  // costly `empties` (LREM's scan; RemovesAll checks itself) is worth computing only after
  // this.
  bool any_key_locked() { return engine().locked_keys.load(std::memory_order_relaxed) != 0; }

  // For blocking commands that found nothing: parks the session on `keys` until a write
  // lets `serve` answer from one of them, or until deadline_ms (0: forever), when the reply
  // is a null array. Call it last; write no reply. See blocking.h.
  // When the session re-runs a command after its serve asked for it (Waiter::rerun), the
  // deadline of the first wait is kept: Block ignores deadline_ms then. serve_each: see
  // Waiter::serve_each (readers that do not consume).
  void Block(const std::vector<std::string_view>& keys, int64_t deadline_ms, ServeFn serve,
             bool serve_each = false);
  // From a ServeFn only: finish the waiter without a reply and have the session run the
  // command again (blocking.h).
  void RequestRerun() { rerun_ = true; }
  bool rerun_requested() const { return rerun_; }

  // --- What the journal records (journal.h) -----------------------------------------
  // A command that changed something is journaled as its own args, unless its handler
  // says otherwise here, as Redis 7's rewriteClientCommandVector / alsoPropagate do: the
  // first Propagate replaces the args, each further one adds a command (all replay as one,
  // in MULTI ... EXEC); PropagateNothing journals nothing. Build rewrites only when
  // journaling() is true, so that nothing is spent without a journal.
  bool journaling() { return engine().journal() != nullptr; }
  void Propagate(std::vector<std::string> args) {
    propagate_replaced_ = true;
    propagated_.push_back(std::move(args));
  }
  void Propagate(std::initializer_list<std::string_view> args) {
    Propagate(std::vector<std::string>(args.begin(), args.end()));
  }
  void PropagateNothing() { propagate_replaced_ = true; }
  bool propagate_replaced() const { return propagate_replaced_; }
  const std::vector<std::vector<std::string>>& propagated() const { return propagated_; }

 private:
  bool failed_ = false;
  bool rerun_ = false;
  bool propagate_replaced_ = false;
  std::vector<std::vector<std::string>> propagated_;
};

// Whether removing the arguments from `first` on (HDEL, SREM, ZREM) removes every one of a
// collection's `size` members, `contains` telling which arguments are members: what such a
// command passes to MayDelete. False while no key is locked, when MayDelete has nothing to
// refuse, so the hot path never builds the set.
template <typename Contains>
bool RemovesAll(CommandContext& ctx, size_t first, size_t size, Contains contains) {
  if (!ctx.any_key_locked() || size > ctx.argc() - first) return false;
  absl::flat_hash_set<std::string_view> seen;
  for (size_t i = first; i < ctx.argc(); ++i) {
    if (contains(ctx.arg(i))) seen.insert(ctx.arg(i));
  }
  return seen.size() == size;
}

// Redis's lookupKeyRead for a typed value: the object at `key`, or null when the key is
// missing (counted in keyspace hits / misses). False after replying WRONGTYPE when the key
// holds another type.
template <typename T>
bool FindObject(CommandContext& ctx, std::string_view key, ObjType type, T** out) {
  KeyNode* node = ctx.db(key).FindRead(key);
  if (node != nullptr && Db::TypeOf(node) != type) {
    ctx.Error(errors::kWrongType);
    return false;
  }
  *out = node != nullptr ? static_cast<T*>(Db::ObjectOf(node)) : nullptr;
  return true;
}

// HSCAN, SSCAN and ZSCAN's opening, in Redis's order of checks: the cursor (args[2]), then
// the key (args[1]; a missing key replies an empty scan whatever follows), then the
// options. False when it has replied; else *cursor, *object and *options are set.
template <typename T>
bool BeginObjectScan(CommandContext& ctx, ObjType type, uint64_t* cursor, T** object,
                     ScanOptions* options) {
  if (!ParseScanCursor(ctx.arg(2), cursor)) return ctx.Error(errors::kInvalidCursor), false;
  if (!FindObject(ctx, ctx.arg(1), type, object)) return false;
  if (*object == nullptr) {
    ctx.reply.Array(2);
    ctx.reply.Bulk("0");
    ctx.reply.Array(0);
    return false;
  }
  std::string_view error = ParseScanOptions(ctx.args, 3, /*allow_type=*/false, options);
  if (!error.empty()) return ctx.Error(error), false;
  return true;
}

// Redis's lookupKeyWrite for a typed value: the node at `key` in `db`, or null when the
// key is missing (not counted as a hit or a miss). False after replying WRONGTYPE.
inline bool FindNodeForWrite(CommandContext& ctx, Db& db, std::string_view key, ObjType type,
                             KeyNode** node) {
  bool wrong_type;
  *node = db.FindOfType(key, type, &wrong_type);
  if (wrong_type) ctx.Error(errors::kWrongType);
  return !wrong_type;
}

// The same, giving the object.
template <typename T>
bool FindObjectForWrite(CommandContext& ctx, std::string_view key, ObjType type, T** out) {
  KeyNode* node;
  if (!FindNodeForWrite(ctx, ctx.db(key), key, type, &node)) return false;
  *out = node != nullptr ? static_cast<T*>(Db::ObjectOf(node)) : nullptr;
  return true;
}

}  // namespace shoal::engine
