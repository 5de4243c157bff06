// Keys and keyspaces: the commands that act on a key whatever it holds (DEL, EXPIRE, TTL,
// RENAME, COPY, MOVE, OBJECT, MEMORY USAGE, ...) and on a whole database (KEYS, SCAN,
// RANDOMKEY, DBSIZE, FLUSHDB, FLUSHALL, SWAPDB), with Redis 7's replies and errors.
//
// Routing: the dispatcher runs a handler on a thread that may touch every key it names, so
// a RENAME or COPY whose two keys live on two shards runs with both parked, and the
// keyspace commands (kAllShards in the table) run with every shard parked: each handler is
// a plain loop over keys or over shards.
//
// Moving values: RENAME hands the value over without copying an object (Db::MoveTo; a
// string's bytes live inside its node, so they are copied into the node of the new name).
// MOVE keeps the key's name, so the node itself changes databases (Detach, then Attach).
// COPY duplicates: strings by bytes, other types by Object::Clone. All three keep the TTL.
// Tags (key_meta.h) follow RENAME, MOVE and COPY; a retention or a hold follows RENAME and
// MOVE, not COPY.
//
// SCAN's cursor joins the shard being walked and that shard's KeyTable cursor (a position
// in a 40-bit hash-prefix space that stays meaningful across resizes):
//   cursor = table_cursor * shard_count + shard.
// A scan walks shard 0 to its end, then shard 1, and so on; each table's scan returns every
// key present for the whole scan at least once, so the whole SCAN does too. A cursor is
// only meaningful to a server with the same shard count, as Redis's depend on its tables.
//
// Expired keys are never returned: lookups drop them (Db::Find), and walks that must not
// change the table while they run (KEYS, SCAN) skip them and leave them to the shard's
// timing wheel.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/random/random.h"
#include "engine/args.h"
#include "engine/command_context.h"
#include "engine/errors.h"
#include "engine/families.h"
#include "engine/glob.h"
#include "engine/scan_args.h"
#include "engine/shard.h"
#include "protocol/strings.h"

namespace shoal::engine {
namespace {

// Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT: strings up to this length report "embstr".
constexpr size_t kEmbstrMaxLen = 44;
// KeyTable cursors live in a 40-bit space (ds/key_table.h).
constexpr uint64_t kTableCursorMask = (uint64_t{1} << 40) - 1;


// Redis's getIntFromObjectOrReply: false after replying an error.
bool ParseInt32(CommandContext& ctx, std::string_view text, int* value) {
  int64_t v;
  if (!ParseInt64(text, &v)) {
    ctx.Error(errors::kNotInteger);
    return false;
  }
  if (v < INT32_MIN || v > INT32_MAX) {
    ctx.Error(errors::kIntOutOfRange);
    return false;
  }
  *value = static_cast<int>(v);
  return true;
}

bool IsDbIndex(CommandContext& ctx, int index) {
  return index >= 0 && index < ctx.engine().databases();
}

// A database index argument (MOVE, COPY ... DB): false after replying an error.
bool ParseDbIndex(CommandContext& ctx, std::string_view text, int* index) {
  if (!ParseInt32(ctx, text, index)) return false;
  if (IsDbIndex(ctx, *index)) return true;
  ctx.Error(errors::kDbIndexOutOfRange);
  return false;
}

// --- Expiry ------------------------------------------------------------------------------

enum ExpireFlag : int { kNx = 1, kXx = 2, kGt = 4, kLt = 8 };

// Redis's parseExtendedExpireArgumentsOrReply: NX XX GT LT after the time. False after
// replying an error.
bool ParseExpireFlags(CommandContext& ctx, int* flags) {
  *flags = 0;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    std::string_view a = ctx.arg(i);
    if (IsOption(a, "nx")) {
      *flags |= kNx;
    } else if (IsOption(a, "xx")) {
      *flags |= kXx;
    } else if (IsOption(a, "gt")) {
      *flags |= kGt;
    } else if (IsOption(a, "lt")) {
      *flags |= kLt;
    } else {
      ctx.Error(errors::UnsupportedOption(a));
      return false;
    }
  }
  if ((*flags & kNx) && (*flags & (kXx | kGt | kLt))) {
    ctx.Error(errors::kExpireNxXxGtLt);
    return false;
  }
  if ((*flags & kGt) && (*flags & kLt)) {
    ctx.Error(errors::kExpireGtLt);
    return false;
  }
  return true;
}

// Redis's expireGenericCommand. The argument is in seconds or ms and is added to base_ms
// (now for EXPIRE/PEXPIRE, 0 for the *AT forms). GT and LT treat a key without a TTL as
// one with an infinite TTL. A time already past deletes the key and still replies 1.
void ExpireGeneric(CommandContext& ctx, int64_t base_ms, bool seconds) {
  int flags;
  if (!ParseExpireFlags(ctx, &flags)) return;
  int64_t when;
  if (!ParseInt64(ctx.arg(2), &when)) return ctx.Error(errors::kNotInteger);
  if (seconds) {
    if (when > INT64_MAX / 1000 || when < INT64_MIN / 1000) {
      return ctx.Error(errors::InvalidExpire(ctx.spec.name));
    }
    when *= 1000;
  }
  if (when > INT64_MAX - base_ms) return ctx.Error(errors::InvalidExpire(ctx.spec.name));
  when += base_ms;

  Db& db = ctx.db(ctx.arg(1));
  KeyNode* node = db.Find(ctx.arg(1));
  if (node == nullptr) return ctx.reply.Integer(0);
  const int64_t current = node->has_expiry() ? node->expire_at() : -1;
  if (((flags & kNx) && current != -1) || ((flags & kXx) && current == -1) ||
      ((flags & kGt) && (current == -1 || when <= current)) ||
      ((flags & kLt) && current != -1 && when >= current)) {
    return ctx.reply.Integer(0);
  }
  if (!ctx.MayDelete(ctx.arg(1), when <= db.now_ms())) return;
  // Journaled as Redis 7 propagates it: DEL, or PEXPIREAT with the absolute time.
  if (when <= db.now_ms()) {
    db.Delete(node);
    if (ctx.journaling()) ctx.Propagate({"DEL", ctx.arg(1)});
    ctx.Notify(kNotifyGeneric, "del", ctx.arg(1));
  } else {
    db.SetExpire(node, when);
    if (ctx.journaling()) ctx.Propagate({"PEXPIREAT", ctx.arg(1), StrCat(when)});
    ctx.Notify(kNotifyGeneric, "expire", ctx.arg(1));
  }
  ctx.reply.Integer(1);
}

// Redis's ttlGenericCommand: -2 when the key is missing, -1 when it has no TTL, else the
// time left (or, `absolute`, the expiry time), in ms or in seconds rounded to nearest.
void ReplyTtl(CommandContext& ctx, bool ms, bool absolute) {
  Db& db = ctx.db(ctx.arg(1));
  KeyNode* node = db.FindRead(ctx.arg(1), Db::Access::kNoTouch);
  if (node == nullptr) return ctx.reply.Integer(-2);
  if (!node->has_expiry()) return ctx.reply.Integer(-1);
  int64_t t = absolute ? node->expire_at() : std::max<int64_t>(0, node->expire_at() - db.now_ms());
  ctx.reply.Integer(ms ? t : (t + 500) / 1000);
}

// --- Renaming and copying ------------------------------------------------------------------

// Redis's renameGenericCommand. Renaming a key onto itself checks only that it exists.
void RenameGeneric(CommandContext& ctx, bool nx) {
  std::string_view from = ctx.arg(1), to = ctx.arg(2);
  Db& src = ctx.db(from);
  KeyNode* node = src.Find(from);
  if (node == nullptr) return ctx.Error(errors::kNoSuchKey);
  if (from == to) return nx ? ctx.reply.Integer(0) : ctx.reply.Ok();
  Db& dst = ctx.db(to);
  if (KeyNode* old = dst.Find(to)) {
    if (nx) return ctx.reply.Integer(0);
    dst.Delete(old);  // never moves `node`: erasing and shrinking keep other nodes in place
  }
  src.MoveTo(node, dst, to);
  ctx.Notify(kNotifyGeneric, "rename_from", from);
  ctx.Notify(kNotifyGeneric, "rename_to", to);
  nx ? ctx.reply.Integer(1) : ctx.reply.Ok();
}

// --- Keyspace walks -------------------------------------------------------------------------

// FLUSHDB / FLUSHALL [ASYNC | SYNC]: false after replying a syntax error. Both modes free
// synchronously: there is no background free thread (yet), and a shard's own memory is
// best freed on its own thread anyway.
bool ParseFlushMode(CommandContext& ctx) {
  if (ctx.argc() == 1) return true;
  if (ctx.argc() == 2 && (IsOption(ctx.arg(1), "sync") || IsOption(ctx.arg(1), "async"))) {
    return true;
  }
  ctx.Error(errors::kSyntax);
  return false;
}

// --- Introspection -------------------------------------------------------------------------

// The key of OBJECT <sub> key and MEMORY USAGE key (args[2]); replies nil and returns null
// when it is missing, as Redis's objectCommandLookupOrReply.
// OBJECT and MEMORY look without touching: the key's access clock stays as it was.
KeyNode* IntrospectedNode(CommandContext& ctx) {
  KeyNode* node = ctx.db(ctx.arg(2)).Peek(ctx.arg(2));
  if (node == nullptr) ctx.reply.Null();
  return node;
}

// What Redis's OBJECT ENCODING would say. Strings have one representation here (bytes in
// the node); Redis's "int" / "embstr" / "raw" are told apart by content and length.
std::string_view EncodingOf(const KeyNode* node) {
  if (Db::TypeOf(node) != ObjType::kString) return Db::ObjectOf(node)->encoding();
  std::string_view s = Db::StringOf(node);
  int64_t v;
  if (s.size() <= 20 && ParseInt64(s, &v)) return "int";
  return s.size() <= kEmbstrMaxLen ? "embstr" : "raw";
}

bool LfuPolicy(CommandContext& ctx) { return ctx.engine().config().LfuPolicy(); }

}  // namespace

// --- Keys ----------------------------------------------------------------------------------

// DEL and UNLINK: the number of keys removed (a key named twice counts once). UNLINK frees
// synchronously too: the shard that owns the memory frees it, and there is no lazy-free
// thread.
void CmdDel(CommandContext& ctx) {
  int64_t deleted = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    if (!ctx.db(ctx.arg(i)).Delete(ctx.arg(i))) continue;
    ++deleted;
    ctx.Notify(kNotifyGeneric, "del", ctx.arg(i));
  }
  ctx.reply.Integer(deleted);
}

// EXISTS key [key ...] and TOUCH key [key ...]: a key named twice counts twice, as in
// Redis. Only TOUCH moves the keys' access clocks (eviction.h).
void CountExisting(CommandContext& ctx, Db::Access access) {
  int64_t found = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    found += ctx.db(ctx.arg(i)).FindRead(ctx.arg(i), access) != nullptr;
  }
  ctx.reply.Integer(found);
}
void CmdExists(CommandContext& ctx) { CountExisting(ctx, Db::Access::kNoTouch); }
void CmdTouch(CommandContext& ctx) { CountExisting(ctx, Db::Access::kTouch); }

void CmdType(CommandContext& ctx) {
  KeyNode* node = ctx.db(ctx.arg(1)).FindRead(ctx.arg(1), Db::Access::kNoTouch);
  ctx.reply.SimpleString(node ? TypeName(Db::TypeOf(node)) : "none");
}

void CmdExpire(CommandContext& ctx) { ExpireGeneric(ctx, ctx.now_ms(), true); }
void CmdPExpire(CommandContext& ctx) { ExpireGeneric(ctx, ctx.now_ms(), false); }
void CmdExpireAt(CommandContext& ctx) { ExpireGeneric(ctx, 0, true); }
void CmdPExpireAt(CommandContext& ctx) { ExpireGeneric(ctx, 0, false); }

void CmdTtl(CommandContext& ctx) { ReplyTtl(ctx, false, false); }
void CmdPTtl(CommandContext& ctx) { ReplyTtl(ctx, true, false); }
void CmdExpireTime(CommandContext& ctx) { ReplyTtl(ctx, false, true); }
void CmdPExpireTime(CommandContext& ctx) { ReplyTtl(ctx, true, true); }

// PERSIST key: 1 when a TTL was removed, 0 when the key is missing or has none.
void CmdPersist(CommandContext& ctx) {
  Db& db = ctx.db(ctx.arg(1));
  KeyNode* node = db.Find(ctx.arg(1));
  if (node == nullptr || !node->has_expiry()) return ctx.reply.Integer(0);
  db.SetExpire(node, 0);
  ctx.Notify(kNotifyGeneric, "persist", ctx.arg(1));
  ctx.reply.Integer(1);
}

void CmdRename(CommandContext& ctx) { RenameGeneric(ctx, false); }
void CmdRenameNx(CommandContext& ctx) { RenameGeneric(ctx, true); }

// COPY source destination [DB index] [REPLACE]: 1 when copied, 0 when the source is
// missing or the destination exists (without REPLACE). Redis's copyCommand.
void CmdCopy(CommandContext& ctx) {
  int db_index = ctx.session.db();
  bool replace = false;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    if (IsOption(ctx.arg(i), "replace")) {
      replace = true;
    } else if (IsOption(ctx.arg(i), "db") && i + 1 < ctx.argc()) {
      if (!ParseDbIndex(ctx, ctx.arg(++i), &db_index)) return;
    } else {
      return ctx.Error(errors::kSyntax);
    }
  }
  std::string_view from = ctx.arg(1), to = ctx.arg(2);
  if (db_index == ctx.session.db() && from == to) return ctx.Error(errors::kSameObject);

  Db& src = ctx.db(from);
  KeyNode* node = src.FindRead(from);
  if (node == nullptr) return ctx.reply.Integer(0);
  Db& dst = ctx.engine().shard(ctx.engine().ShardOf(to)).db(db_index);
  if (KeyNode* old = dst.Find(to)) {
    if (!replace) return ctx.reply.Integer(0);
    if (dst.Retained(old)) return ctx.Error(errors::Locked(to, "retained"));
    dst.Delete(old);  // `old` is another key than `node`, or the same name in another db
  }
  const int64_t expire_at = Db::ExpireAt(node);
  KeyNode* copy = Db::TypeOf(node) == ObjType::kString
                      ? dst.SetString(to, nullptr, Db::StringOf(node), expire_at)
                      : dst.AddObject(to, Db::ObjectOf(node)->Clone(), expire_at);
  // Tags go with the copy; a retention or a hold stays with the original.
  if (const KeyMeta* meta = src.MetaOf(node); meta != nullptr && !meta->tags.empty()) {
    dst.SetMeta(copy, KeyMeta{.tags = meta->tags});  // copied first: src's entry may move
  }
  dst.Notify(kNotifyGeneric, "copy_to", to);
  ctx.reply.Integer(1);
}

// MOVE key db: 1 when moved; 0 when the key is missing here or exists there. Both
// databases are on the key's shard, so the node changes tables as it is.
void CmdMove(CommandContext& ctx) {
  int db_index;
  if (!ParseDbIndex(ctx, ctx.arg(2), &db_index)) return;
  if (db_index == ctx.session.db()) return ctx.Error(errors::kSameObject);
  std::string_view key = ctx.arg(1);
  Shard& shard = ctx.engine().shard(ctx.engine().ShardOf(key));
  Db& src = shard.db(ctx.session.db());
  Db& dst = shard.db(db_index);
  KeyNode* node = src.Find(key);
  if (node == nullptr || dst.Find(key) != nullptr) return ctx.reply.Integer(0);
  KeyMeta meta;
  node = src.Detach(node, &meta);
  dst.Attach(node, std::move(meta));
  src.Notify(kNotifyGeneric, "move_from", key);
  dst.Notify(kNotifyGeneric, "move_to", key);
  ctx.reply.Integer(1);
}

// --- Keyspaces (every shard parked) ------------------------------------------------------

// KEYS pattern: every live key that matches, shard after shard.
void CmdKeys(CommandContext& ctx) {
  std::string_view pattern = ctx.arg(1);
  const bool all = pattern == "*";
  std::vector<std::string_view> keys;  // views into nodes: nothing changes until replied
  for (unsigned i = 0; i < ctx.engine().shard_count(); ++i) {
    Db& db = ctx.db_on(i);
    db.table().ForEach([&](KeyNode* node) {
      if (db.IsExpired(node)) return;
      std::string_view key = node->key();
      if (all || GlobMatch(pattern, key)) keys.push_back(key);
    });
  }
  ctx.reply.BulkArray(keys.data(), keys.size());
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. Replies [next cursor, keys]. COUNT
// is how many keys to look at (at least), before MATCH and TYPE filter them, as in Redis.
// An unknown TYPE matches nothing (Redis 7.0 compares type names).
void CmdScan(CommandContext& ctx) {
  uint64_t cursor;
  if (!ParseScanCursor(ctx.arg(1), &cursor)) return ctx.Error(errors::kInvalidCursor);
  ScanOptions options;
  std::string_view error = ParseScanOptions(ctx.args, 2, /*allow_type=*/true, &options);
  if (!error.empty()) return ctx.Error(error);
  ObjType type = ObjType::kString;
  const bool by_type = options.by_type;
  const bool known_type = by_type && ParseTypeName(options.type, &type);
  const unsigned shards = ctx.engine().shard_count();
  unsigned shard = static_cast<unsigned>(cursor % shards);
  // A number no SCAN gave still scans from somewhere and ends, as in Redis.
  uint64_t table_cursor = (cursor / shards) & kTableCursorMask;

  std::vector<std::string_view> keys;  // views into nodes: nothing changes until replied
  const size_t want = static_cast<size_t>(options.count);
  size_t visited = 0;
  uint64_t next = 0;
  for (;;) {
    Db& db = ctx.db_on(shard);
    table_cursor = db.table().Scan(table_cursor, want - visited, [&](KeyNode* node) {
      ++visited;
      if (db.IsExpired(node)) return;
      if (by_type && (!known_type || Db::TypeOf(node) != type)) return;
      if (!options.Matches(node->key())) return;
      keys.push_back(node->key());
    });
    if (table_cursor == 0 && ++shard == shards) break;  // the last shard is done: cursor 0
    if (visited >= want) {
      next = table_cursor * shards + shard;
      break;
    }
  }
  ctx.reply.Array(2);
  ctx.reply.Bulk(StrCat(next));
  ctx.reply.BulkArray(keys.data(), keys.size());
}

// RANDOMKEY: a shard chosen with probability proportional to its key count, then a random
// key of it. An expired key found on the way is deleted and the draw starts again.
void CmdRandomKey(CommandContext& ctx) {
  thread_local absl::BitGen gen;
  const unsigned shards = ctx.engine().shard_count();
  for (;;) {
    size_t total = 0;
    for (unsigned i = 0; i < shards; ++i) total += ctx.db_on(i).size();
    if (total == 0) return ctx.reply.Null();
    size_t pick = absl::Uniform<size_t>(gen, 0, total);
    unsigned s = 0;
    while (pick >= ctx.db_on(s).size()) pick -= ctx.db_on(s++).size();
    Db& db = ctx.db_on(s);
    KeyNode* node = db.table().RandomNode(absl::Uniform<uint64_t>(gen));
    if (!db.IsExpired(node)) return ctx.reply.Bulk(node->key());
    db.Delete(node);
    db.shard().stats().expired_keys.Add();
  }
}

// DBSIZE: keys of the session's database on every shard (expired keys the wheel has not
// reached yet included, as Redis counts them until they are deleted).
void CmdDbSize(CommandContext& ctx) {
  size_t total = 0;
  for (unsigned i = 0; i < ctx.engine().shard_count(); ++i) total += ctx.db_on(i).size();
  ctx.reply.Integer(static_cast<int64_t>(total));
}

void CmdFlushDb(CommandContext& ctx) {
  if (!ParseFlushMode(ctx)) return;
  if (AnyKeyLocked(ctx, /*all_dbs=*/false)) return ctx.Error(errors::kFlushLocked);
  for (unsigned i = 0; i < ctx.engine().shard_count(); ++i) ctx.db_on(i).Clear();
  ctx.engine().tracking().OnFlush();  // a null invalidation to every tracking client
  ctx.reply.Ok();
}

void CmdFlushAll(CommandContext& ctx) {
  if (!ParseFlushMode(ctx)) return;
  if (AnyKeyLocked(ctx, /*all_dbs=*/true)) return ctx.Error(errors::kFlushLocked);
  for (unsigned i = 0; i < ctx.engine().shard_count(); ++i) {
    Shard& shard = ctx.engine().shard(i);
    for (int d = 0; d < shard.db_count(); ++d) shard.db(d).Clear();
  }
  ctx.engine().tracking().OnFlush();
  ctx.reply.Ok();
}

// SWAPDB index1 index2: swaps on every shard at once (all are parked), so no client sees
// one shard swapped and another not. Sessions keep their index and so see the new data.
void CmdSwapDb(CommandContext& ctx) {
  int a, b;
  int64_t v;
  if (!ParseInt64(ctx.arg(1), &v) || v < INT32_MIN || v > INT32_MAX) {
    return ctx.Error(errors::kInvalidFirstDbIndex);
  }
  a = static_cast<int>(v);
  if (!ParseInt64(ctx.arg(2), &v) || v < INT32_MIN || v > INT32_MAX) {
    return ctx.Error(errors::kInvalidSecondDbIndex);
  }
  b = static_cast<int>(v);
  if (!IsDbIndex(ctx, a) || !IsDbIndex(ctx, b)) return ctx.Error(errors::kDbIndexOutOfRange);
  if (a != b) {
    for (unsigned i = 0; i < ctx.engine().shard_count(); ++i) ctx.engine().shard(i).SwapDb(a, b);
  }
  ctx.reply.Ok();
}

// --- OBJECT and MEMORY ---------------------------------------------------------------------

void CmdObjectEncoding(CommandContext& ctx) {
  if (KeyNode* node = IntrospectedNode(ctx)) ctx.reply.Bulk(EncodingOf(node));
}

// Every value has exactly one owner (its node): nothing is shared as Redis shares small
// integers, so the count is always 1.
void CmdObjectRefCount(CommandContext& ctx) {
  if (IntrospectedNode(ctx) != nullptr) ctx.reply.Integer(1);
}

// The key's access clock (eviction.h) read as LRU: seconds since its last access. Under
// an LFU policy the clock holds a counter instead, and Redis refuses, as we do.
void CmdObjectIdleTime(CommandContext& ctx) {
  KeyNode* node = IntrospectedNode(ctx);
  if (node == nullptr) return;
  if (LfuPolicy(ctx)) return ctx.Error(errors::kLfuSelected);
  ctx.reply.Integer(LruIdleSeconds(node->access(), ctx.db(ctx.arg(2)).now_ms()));
}

// The access clock read as LFU: the logarithmic counter, decayed by the minutes since it
// last moved (lfu-decay-time). Refused unless an LFU policy is selected, as in Redis.
void CmdObjectFreq(CommandContext& ctx) {
  KeyNode* node = IntrospectedNode(ctx);
  if (node == nullptr) return;
  if (!LfuPolicy(ctx)) return ctx.Error(errors::kLfuNotSelected);
  const int decay = ctx.engine().config().GetEviction().lfu_decay_time;
  ctx.reply.Integer(LfuFrequency(node->access(), decay, ctx.db(ctx.arg(2)).now_ms()));
}

// OBJECT MTIME key (Shoal's, from the object-store KV): the unix ms of the key's last
// write. Every write through Db stamps it (Db::NotifyWrite); creation counts as a write. A
// key loaded from a file was last written when it was loaded.
void CmdObjectMTime(CommandContext& ctx) {
  if (KeyNode* node = IntrospectedNode(ctx)) ctx.reply.Integer(node->mtime());
}

void CmdObjectHelp(CommandContext& ctx) {
  ctx.ReplyHelp({"ENCODING <key>",
                 "    Return the kind of internal representation used in order to store the value",
                 "    associated with a <key>.",
                 "FREQ <key>",
                 "    Return the access frequency index of the <key>. The returned integer is",
                 "    proportional to the logarithm of the recent access frequency of the key.",
                 "IDLETIME <key>",
                 "    Return the idle time of the <key>, that is the approximated number of",
                 "    seconds elapsed since the last access to the key.",
                 "MTIME <key>",
                 "    Return the unix time in milliseconds of the last write to the <key>.",
                 "REFCOUNT <key>",
                 "    Return the number of references of the value associated with the specified",
                 "    <key>."});
}

// MEMORY USAGE key [SAMPLES count]: the bytes of the key's node (key, value or object
// pointer, TTL words) plus the object's own estimate. Object::MemoryUsage is exact, so
// SAMPLES is checked (as Redis does) and otherwise ignored.
void CmdMemoryUsage(CommandContext& ctx) {
  for (size_t i = 3; i < ctx.argc(); ++i) {
    if (!IsOption(ctx.arg(i), "samples") || i + 1 >= ctx.argc()) return ctx.Error(errors::kSyntax);
    int64_t samples;
    if (!ParseInt64(ctx.arg(++i), &samples)) return ctx.Error(errors::kNotInteger);
    if (samples < 0) return ctx.Error(errors::kSyntax);
  }
  KeyNode* node = IntrospectedNode(ctx);
  if (node == nullptr) return;
  size_t bytes = node->AllocatedSize();
  if (Db::TypeOf(node) != ObjType::kString) bytes += Db::ObjectOf(node)->MemoryUsage();
  ctx.reply.Integer(static_cast<int64_t>(bytes));
}

// Lists the MEMORY subcommands Shoal has (Redis also has DOCTOR, MALLOC-STATS, PURGE and
// STATS); a line is added here with each new subcommand row.
void CmdMemoryHelp(CommandContext& ctx) {
  ctx.ReplyHelp({"USAGE <key> [SAMPLES <count>]",
                 "    Return memory in bytes used by <key> and its value. Nested values are",
                 "    sampled up to <count> times (default: 5, 0 means sample all)."});
}

}  // namespace shoal::engine
