// Hashes: HSET, HGET, HDEL, HINCRBY, HRANDFIELD, HSCAN, ... with Redis 7's replies and
// errors. The value is a HashObject (engine/hash_object.h): a flat vector of pairs
// ("listpack") while it has at most hash-max-listpack-entries fields and no field or
// value longer than hash-max-listpack-value bytes, then, for good, an absl::flat_hash_map
// ("hashtable"). Each write command reads both limits once from the config (a mutex)
// and passes them to the object.
//
// Keys: a write on a missing key creates the hash (as Redis's hashTypeLookupWriteOrCreate;
// every such write then adds a field, so no empty hash is ever left behind); a write that
// removes the last field deletes the key. Writes change the object in place, so the key
// keeps its TTL, and call Db::NotifyWrite themselves. Reads on a missing key reply as on
// an empty hash (0, nil, empty array or map).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/random/random.h"
#include "engine/args.h"
#include "engine/command_context.h"
#include "engine/config.h"
#include "engine/errors.h"
#include "engine/families.h"
#include "engine/hash_object.h"
#include "engine/scan_args.h"
#include "engine/shard.h"
#include "protocol/strings.h"

namespace shoal::engine {
namespace {

HashObject::Limits ReadLimits(CommandContext& ctx) {
  return ctx.engine().config().GetListpackLimits("hash");
}

HashObject* HashOf(KeyNode* node) { return static_cast<HashObject*>(Db::ObjectOf(node)); }

// The hash at `key` for a read, or null when missing (counted in keyspace hits/misses).
// False after replying WRONGTYPE.
bool FindHash(CommandContext& ctx, std::string_view key, HashObject** hash) {
  return FindObject(ctx, key, ObjType::kHash, hash);
}

// The hash at `key` for a write, or null when missing (no create). False after replying
// WRONGTYPE.
bool FindHashForWrite(CommandContext& ctx, Db& db, std::string_view key, KeyNode** node) {
  return FindNodeForWrite(ctx, db, key, ObjType::kHash, node);
}

// Redis's hashTypeLookupWriteOrCreate: the hash at `key`, created empty when missing (the
// caller then adds a field). Null after replying WRONGTYPE.
HashObject* FindOrCreateHash(CommandContext& ctx, Db& db, std::string_view key) {
  KeyNode* node;
  if (!FindHashForWrite(ctx, db, key, &node)) return nullptr;
  if (node == nullptr) node = db.AddObject(key, std::make_unique<HashObject>());
  return HashOf(node);
}

// HSET and HMSET: key field value [field value ...].
void SetFields(CommandContext& ctx, bool hmset) {
  if (ctx.argc() % 2 != 0) return ctx.Error(errors::WrongArgs(ctx.spec.name));
  const HashObject::Limits limits = ReadLimits(ctx);
  std::string_view key = ctx.arg(1);
  Db& db = ctx.db(key);
  HashObject* hash = FindOrCreateHash(ctx, db, key);
  if (hash == nullptr) return;
  hash->PrepareFor(ctx.args.subspan(2), limits);
  int64_t added = 0;
  for (size_t i = 2; i < ctx.argc(); i += 2) added += hash->Set(ctx.arg(i), ctx.arg(i + 1), limits);
  db.NotifyWrite(key);
  ctx.Notify(kNotifyHash, "hset", key);
  hmset ? ctx.reply.Ok() : ctx.reply.Integer(added);
}

// A (field, value) reply: a 2-element array in RESP3, two flat elements in RESP2 (the
// caller sized the outer array accordingly).
void ReplyPair(CommandContext& ctx, std::string_view field, std::string_view value) {
  if (ctx.reply.resp() >= 3) ctx.reply.Array(2);
  ctx.reply.Bulk(field);
  ctx.reply.Bulk(value);
}

// What HKEYS, HVALS and HGETALL reply.
enum class Parts { kFields, kValues, kBoth };

void ReplyAll(CommandContext& ctx, Parts parts) {
  HashObject* hash;
  if (!FindHash(ctx, ctx.arg(1), &hash)) return;
  const size_t n = hash ? hash->size() : 0;
  if (parts == Parts::kBoth) {
    ctx.reply.Map(n);
  } else {
    ctx.reply.Array(n);
  }
  if (hash == nullptr) return;
  hash->ForEach([&](std::string_view f, std::string_view v) {
    if (parts != Parts::kValues) ctx.reply.Bulk(f);
    if (parts != Parts::kFields) ctx.reply.Bulk(v);
  });
}

absl::BitGen& Random() {
  thread_local absl::BitGen gen;
  return gen;
}

// HRANDFIELD key count [WITHVALUES], Redis's hrandfieldWithCountCommand: a negative count
// may repeat fields and returns exactly -count of them; a positive one returns
// min(count, size) distinct fields. O(size) to gather the fields, then O(count).
void ReplyRandomFields(CommandContext& ctx, int64_t l, bool with_values) {
  HashObject* hash;
  if (!FindHash(ctx, ctx.arg(1), &hash)) return;
  if (hash == nullptr || l == 0) return ctx.reply.Array(0);
  std::vector<HashObject::Entry> all;
  all.reserve(hash->size());
  hash->ForEach([&](std::string_view f, std::string_view v) { all.emplace_back(f, v); });
  const bool resp3 = ctx.reply.resp() >= 3;
  auto open = [&](size_t n) { ctx.reply.Array(with_values && !resp3 ? 2 * n : n); };
  auto emit = [&](const HashObject::Entry& e) {
    with_values ? ReplyPair(ctx, e.first, e.second) : ctx.reply.Bulk(e.first);
  };
  if (l < 0) {  // repeats allowed
    const uint64_t count = static_cast<uint64_t>(-l);
    open(count);
    for (uint64_t i = 0; i < count; ++i) emit(all[absl::Uniform<size_t>(Random(), 0, all.size())]);
    return;
  }
  const size_t count = std::min(static_cast<uint64_t>(l), static_cast<uint64_t>(all.size()));
  // A partial Fisher-Yates shuffle: the first `count` entries become a uniform sample.
  // When the whole hash is asked for, Redis returns it in its own order; so do we.
  if (count < all.size()) {
    for (size_t i = 0; i < count; ++i) {
      std::swap(all[i], all[absl::Uniform<size_t>(Random(), i, all.size())]);
    }
  }
  open(count);
  for (size_t i = 0; i < count; ++i) emit(all[i]);
}

}  // namespace

void CmdHSet(CommandContext& ctx) { SetFields(ctx, false); }
void CmdHMSet(CommandContext& ctx) { SetFields(ctx, true); }

// HSETNX key field value: 1 when set, 0 when the field exists. Like Redis, converts to a
// hashtable by argument length before looking at the field.
void CmdHSetNx(CommandContext& ctx) {
  const HashObject::Limits limits = ReadLimits(ctx);
  std::string_view key = ctx.arg(1);
  Db& db = ctx.db(key);
  HashObject* hash = FindOrCreateHash(ctx, db, key);
  if (hash == nullptr) return;
  hash->PrepareFor(ctx.args.subspan(2), limits);
  if (hash->Find(ctx.arg(2)) != nullptr) return ctx.reply.Integer(0);
  hash->Set(ctx.arg(2), ctx.arg(3), limits);
  db.NotifyWrite(key);
  ctx.Notify(kNotifyHash, "hset", key);
  ctx.reply.Integer(1);
}

void CmdHGet(CommandContext& ctx) {
  HashObject* hash;
  if (!FindHash(ctx, ctx.arg(1), &hash)) return;
  const std::string* value = hash ? hash->Find(ctx.arg(2)) : nullptr;
  value ? ctx.reply.Bulk(*value) : ctx.reply.Null();
}

// HMGET key field [field ...]: nil for each missing field (all of them on a missing key).
void CmdHMGet(CommandContext& ctx) {
  HashObject* hash;
  if (!FindHash(ctx, ctx.arg(1), &hash)) return;
  ctx.reply.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const std::string* value = hash ? hash->Find(ctx.arg(i)) : nullptr;
    value ? ctx.reply.Bulk(*value) : ctx.reply.Null();
  }
}

// HGETALL: a map in RESP3, a flat field/value array in RESP2.
void CmdHGetAll(CommandContext& ctx) { ReplyAll(ctx, Parts::kBoth); }
void CmdHKeys(CommandContext& ctx) { ReplyAll(ctx, Parts::kFields); }
void CmdHVals(CommandContext& ctx) { ReplyAll(ctx, Parts::kValues); }

// HDEL key field [field ...]: how many were removed; deletes the key when none remain.
void CmdHDel(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Db& db = ctx.db(key);
  KeyNode* node;
  if (!FindHashForWrite(ctx, db, key, &node)) return;
  if (node == nullptr) return ctx.reply.Integer(0);
  HashObject* hash = HashOf(node);
  auto contains = [&](std::string_view f) { return hash->Find(f) != nullptr; };
  if (!ctx.MayDelete(key, RemovesAll(ctx, 2, hash->size(), contains))) return;
  int64_t deleted = 0;
  for (size_t i = 2; i < ctx.argc() && hash->size() > 0; ++i) deleted += hash->Erase(ctx.arg(i));
  const bool emptied = hash->size() == 0;
  if (emptied) {
    db.Delete(node);
  } else if (deleted > 0) {
    db.NotifyWrite(key);
  }
  if (deleted > 0) ctx.Notify(kNotifyHash, "hdel", key);
  if (emptied) ctx.Notify(kNotifyGeneric, "del", key);
  ctx.reply.Integer(deleted);
}

void CmdHLen(CommandContext& ctx) {
  HashObject* hash;
  if (!FindHash(ctx, ctx.arg(1), &hash)) return;
  ctx.reply.Integer(hash ? static_cast<int64_t>(hash->size()) : 0);
}

void CmdHExists(CommandContext& ctx) {
  HashObject* hash;
  if (!FindHash(ctx, ctx.arg(1), &hash)) return;
  ctx.reply.Integer(hash && hash->Find(ctx.arg(2)) != nullptr);
}

// HSTRLEN key field: the value's length, 0 when the field or key is missing.
void CmdHStrLen(CommandContext& ctx) {
  HashObject* hash;
  if (!FindHash(ctx, ctx.arg(1), &hash)) return;
  const std::string* value = hash ? hash->Find(ctx.arg(2)) : nullptr;
  ctx.reply.Integer(value ? static_cast<int64_t>(value->size()) : 0);
}

// HINCRBY key field increment: Redis's hincrbyCommand (the increment is checked before
// the key's type; a missing field counts as 0).
void CmdHIncrBy(CommandContext& ctx) {
  int64_t incr;
  if (!ParseInt64(ctx.arg(3), &incr)) return ctx.Error(errors::kNotInteger);
  const HashObject::Limits limits = ReadLimits(ctx);
  std::string_view key = ctx.arg(1);
  Db& db = ctx.db(key);
  HashObject* hash = FindOrCreateHash(ctx, db, key);
  if (hash == nullptr) return;
  int64_t value = 0;
  if (const std::string* current = hash->Find(ctx.arg(2))) {
    if (!ParseInt64(*current, &value)) return ctx.Error(errors::kHashValueNotInteger);
  }
  if ((incr < 0 && value < 0 && incr < INT64_MIN - value) ||
      (incr > 0 && value > 0 && incr > INT64_MAX - value)) {
    return ctx.Error(errors::kOverflow);
  }
  value += incr;
  hash->Set(ctx.arg(2), StrCat(value), limits);
  db.NotifyWrite(key);
  ctx.Notify(kNotifyHash, "hincrby", key);
  ctx.reply.Integer(value);
}

// HINCRBYFLOAT key field increment: Redis's hincrbyfloatCommand, in long double, the
// result stored and replied as Redis prints it ("%.17Lf" without trailing zeros).
void CmdHIncrByFloat(CommandContext& ctx) {
  long double incr;
  if (!ParseLongDouble(ctx.arg(3), &incr)) return ctx.Error(errors::kNotFloat);
  if (std::isnan(incr) || std::isinf(incr)) return ctx.Error(errors::kValueNanOrInfinity);
  const HashObject::Limits limits = ReadLimits(ctx);
  std::string_view key = ctx.arg(1);
  Db& db = ctx.db(key);
  HashObject* hash = FindOrCreateHash(ctx, db, key);
  if (hash == nullptr) return;
  long double value = 0;
  if (const std::string* current = hash->Find(ctx.arg(2))) {
    if (!ParseLongDouble(*current, &value)) return ctx.Error(errors::kHashValueNotFloat);
  }
  value += incr;
  if (std::isnan(value) || std::isinf(value)) return ctx.Error(errors::kNanOrInfinity);
  std::string text = FormatLongDouble(value);
  hash->Set(ctx.arg(2), text, limits);
  db.NotifyWrite(key);
  // Journaled as HSET, as Redis does, so that replay needs no float arithmetic.
  if (ctx.journaling()) ctx.Propagate({"HSET", key, ctx.arg(2), text});
  ctx.Notify(kNotifyHash, "hincrbyfloat", key);
  ctx.reply.Bulk(text);
}

// HRANDFIELD key [count [WITHVALUES]], Redis's hrandfieldCommand: the count and options
// are checked before the key. Without a count: one field, or nil on a missing key.
void CmdHRandField(CommandContext& ctx) {
  if (ctx.argc() >= 3) {
    int64_t l;
    bool with_values;
    std::string_view error = ParseRandomCount(ctx.args.data(), ctx.argc(), "withvalues", &l, &with_values);
    if (!error.empty()) return ctx.Error(error);
    return ReplyRandomFields(ctx, l, with_values);
  }
  HashObject* hash;
  if (!FindHash(ctx, ctx.arg(1), &hash)) return;
  if (hash == nullptr) return ctx.reply.Null();
  // Walks to a uniformly chosen position: O(size) for a hashtable, which has no index.
  size_t pick = absl::Uniform<size_t>(Random(), 0, hash->size());
  std::string_view field;
  hash->ForEach([&](std::string_view f, std::string_view) {
    if (pick-- == 0) field = f;
  });
  ctx.reply.Bulk(field);
}

// HSCAN key cursor [MATCH pattern] [COUNT count]: Redis's order of checks (cursor, then
// the key, then the options: a missing key replies an empty scan whatever follows). See
// HashObject::Scan for what the cursor means. MATCH filters fields after COUNT picked
// them, as in Redis. The reply is [cursor, [field, value, ...]] in both protocols.
void CmdHScan(CommandContext& ctx) {
  uint64_t cursor;
  HashObject* hash;
  ScanOptions options;
  if (!BeginObjectScan(ctx, ObjType::kHash, &cursor, &hash, &options)) return;
  std::vector<HashObject::Entry> page;
  const uint64_t next = hash->Scan(cursor, static_cast<size_t>(options.count), &page);
  std::vector<std::string_view> items;
  items.reserve(page.size() * 2);
  for (const auto& [f, v] : page) {
    if (!options.Matches(f)) continue;
    items.push_back(f);
    items.push_back(v);
  }
  ctx.reply.Array(2);
  ctx.reply.Bulk(StrCat(next));
  ctx.reply.BulkArray(items.data(), items.size());
}

// HMERGE dest src [src ...] (Shoal): sets every field of the source hashes into dest, a
// later source winning over an earlier one; a missing source counts as empty. Replies how
// many fields dest gained. Sources on other shards are parked with dest's shard for the
// command (one transaction), so no client sees half a merge.
void CmdHMerge(CommandContext& ctx) {
  std::vector<std::string> flat;  // field, value, ...: copies, since dest may be a source
  for (size_t i = 2; i < ctx.argc(); ++i) {
    HashObject* src;
    if (!FindHash(ctx, ctx.arg(i), &src)) return;
    if (src == nullptr) continue;
    src->ForEach([&](std::string_view f, std::string_view v) {
      flat.emplace_back(f);
      flat.emplace_back(v);
    });
  }
  std::string_view key = ctx.arg(1);
  Db& db = ctx.db(key);
  KeyNode* node;
  if (!FindHashForWrite(ctx, db, key, &node)) return;
  if (flat.empty()) return ctx.reply.Integer(0);
  const HashObject::Limits limits = ReadLimits(ctx);
  HashObject* hash = FindOrCreateHash(ctx, db, key);
  const std::vector<std::string_view> pairs(flat.begin(), flat.end());
  hash->PrepareFor(ArgList(pairs.data(), pairs.size()), limits);
  int64_t added = 0;
  for (size_t i = 0; i < pairs.size(); i += 2) added += hash->Set(pairs[i], pairs[i + 1], limits);
  db.NotifyWrite(key);
  ctx.reply.Integer(added);
}

}  // namespace shoal::engine
