// Strings: the value bytes live inside the key's node (engine/ds/key_table.h), so a short
// string costs one allocation together with its key. There is one encoding in memory;
// OBJECT ENCODING reports what Redis would ("int" for a canonical integer of up to 20
// characters, "embstr" up to 44 bytes, else "raw"). The INCR family parses and reprints
// the decimal text, which keeps every string binary-safe and costs a few nanoseconds.
//
// Commands that modify a string in place (APPEND, SETRANGE, INCR*) keep its TTL; commands
// that replace it (SET without KEEPTTL, GETSET, MSET) drop it, as in Redis.
#include <cmath>
#include <cstring>

#include "protocol/strings.h"
#include "absl/strings/numbers.h"
#include "engine/args.h"
#include "engine/command_context.h"
#include "engine/errors.h"
#include "engine/families.h"
#include "engine/shard.h"

namespace shoal::engine {
namespace {

constexpr int64_t kMaxStringLen = 512LL * 1024 * 1024;

int64_t MaxStringLen(CommandContext& ctx) {
  int64_t limit = ctx.engine().config().GetInt("proto-max-bulk-len");
  return limit > 0 ? limit : kMaxStringLen;
}

// The live string node of `key`; false (after replying WRONGTYPE) when it holds another type.
bool FindString(CommandContext& ctx, Db& db, std::string_view key, KeyNode** node) {
  bool wrong_type;
  *node = db.FindOfType(key, ObjType::kString, &wrong_type);
  if (wrong_type) ctx.Error(errors::kWrongType);
  return !wrong_type;
}

void CountLookup(Db& db, const KeyNode* node) {
  (node ? db.shard().stats().keyspace_hits : db.shard().stats().keyspace_misses).Add();
}

// Expiry options shared by SET and GETEX: EX PX EXAT PXAT, turned into an absolute time.
enum class ExpireUnit { kNone, kEx, kPx, kExAt, kPxAt };

bool ParseExpireUnit(std::string_view arg, ExpireUnit* unit) {
  if (IsOption(arg, "ex")) *unit = ExpireUnit::kEx;
  else if (IsOption(arg, "px")) *unit = ExpireUnit::kPx;
  else if (IsOption(arg, "exat")) *unit = ExpireUnit::kExAt;
  else if (IsOption(arg, "pxat")) *unit = ExpireUnit::kPxAt;
  else return false;
  return true;
}

// Redis's getExpireMillisecondsOrReply: false after replying an error.
bool ExpireAtFrom(CommandContext& ctx, ExpireUnit unit, std::string_view text, int64_t* at) {
  int64_t v;
  if (!ParseInt64(text, &v)) {
    ctx.Error(errors::kNotInteger);
    return false;
  }
  bool seconds = unit == ExpireUnit::kEx || unit == ExpireUnit::kExAt;
  if (v <= 0 || (seconds && v > INT64_MAX / 1000)) {
    ctx.Error(errors::InvalidExpire(ctx.spec.name));
    return false;
  }
  if (seconds) v *= 1000;
  if (unit == ExpireUnit::kEx || unit == ExpireUnit::kPx) {
    int64_t now = ctx.now_ms();
    if (v > INT64_MAX - now) {
      ctx.Error(errors::InvalidExpire(ctx.spec.name));
      return false;
    }
    v += now;
  }
  *at = v;
  return true;
}

// Whether a write with this expiry (0: none) deletes the key instead: it is already past.
bool ExpiresAtOnce(const Db& db, int64_t expire_at) {
  return expire_at > 0 && expire_at <= db.now_ms();
}

// Stores a string, or deletes the key when the expiry is already in the past (Redis
// replies as if it had set it).
void StoreString(CommandContext& ctx, Db& db, std::string_view key, KeyNode* node,
                 std::string_view value, int64_t expire_at) {
  if (ExpiresAtOnce(db, expire_at)) {
    if (node) {
      db.Delete(node);
      ctx.Notify(kNotifyGeneric, "del", key);
    }
    return;
  }
  db.SetString(key, node, value, expire_at);
  ctx.Notify(kNotifyString, "set", key);
  if (expire_at > 0) ctx.Notify(kNotifyGeneric, "expire", key);
}

// Redis 7 journals a string set with a TTL as SET key value PXAT <unix ms>.
void PropagateSetPxAt(CommandContext& ctx, std::string_view key, std::string_view value,
                      int64_t expire_at) {
  if (ctx.journaling()) ctx.Propagate({"SET", key, value, "PXAT", StrCat(expire_at)});
}

void ReplyIncr(CommandContext& ctx, std::string_view key, int64_t delta) {
  Db& db = ctx.db(key);
  KeyNode* node;
  if (!FindString(ctx, db, key, &node)) return;
  int64_t current = 0;
  if (node && !ParseInt64(Db::StringOf(node), &current)) return ctx.Error(errors::kNotInteger);
  if ((delta < 0 && current < 0 && delta < INT64_MIN - current) ||
      (delta > 0 && current > 0 && delta > INT64_MAX - current)) {
    return ctx.Error(errors::kOverflow);
  }
  int64_t result = current + delta;
  char buf[24];
  char* end = absl::numbers_internal::FastIntToBuffer(result, buf);
  db.UpdateString(key, node, std::string_view(buf, end - buf));
  ctx.Notify(kNotifyString, "incrby", key);
  ctx.reply.Integer(result);
}

bool ParseIncrement(CommandContext& ctx, int64_t* delta) {
  if (ParseInt64(ctx.arg(2), delta)) return true;
  ctx.Error(errors::kNotInteger);
  return false;
}

}  // namespace

void CmdGet(CommandContext& ctx) {
  Db& db = ctx.db(ctx.arg(1));
  KeyNode* node;
  if (!FindString(ctx, db, ctx.arg(1), &node)) return;
  CountLookup(db, node);
  node ? ctx.reply.Bulk(Db::StringOf(node)) : ctx.reply.Null();
}

// SET key value [NX | XX] [GET] [EX s | PX ms | EXAT s | PXAT ms | KEEPTTL]
void CmdSet(CommandContext& ctx) {
  bool nx = false, xx = false, get = false, keepttl = false;
  ExpireUnit unit = ExpireUnit::kNone;
  std::string_view expire_text;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    std::string_view a = ctx.arg(i);
    ExpireUnit u;
    if (IsOption(a, "nx") && !xx) {
      nx = true;
    } else if (IsOption(a, "xx") && !nx) {
      xx = true;
    } else if (IsOption(a, "get")) {
      get = true;
    } else if (IsOption(a, "keepttl") && unit == ExpireUnit::kNone) {
      keepttl = true;
    } else if (ParseExpireUnit(a, &u) && unit == ExpireUnit::kNone && !keepttl &&
               i + 1 < ctx.argc()) {
      unit = u;
      expire_text = ctx.arg(++i);
    } else {
      return ctx.Error(errors::kSyntax);
    }
  }
  int64_t expire_at = keepttl ? kKeepTtl : 0;
  if (unit != ExpireUnit::kNone && !ExpireAtFrom(ctx, unit, expire_text, &expire_at)) return;

  std::string_view key = ctx.arg(1);
  Db& db = ctx.db(key);
  KeyNode* node = db.Find(key);
  if (get && node && Db::TypeOf(node) != ObjType::kString) return ctx.Error(errors::kWrongType);
  bool apply = !((nx && node) || (xx && !node));
  if (apply && !ctx.MayDelete(key, ExpiresAtOnce(db, expire_at))) return;
  if (get) {
    node ? ctx.reply.Bulk(Db::StringOf(node)) : ctx.reply.Null();
  } else {
    apply ? ctx.reply.Ok() : ctx.reply.Null();
  }
  // The reply above may point into the node: it is already copied into the output.
  if (!apply) return;
  StoreString(ctx, db, key, node, ctx.arg(2), expire_at);
  if (unit != ExpireUnit::kNone) PropagateSetPxAt(ctx, key, ctx.arg(2), expire_at);
}

void CmdSetNx(CommandContext& ctx) {
  Db& db = ctx.db(ctx.arg(1));
  if (db.Find(ctx.arg(1))) return ctx.reply.Integer(0);
  db.SetString(ctx.arg(1), nullptr, ctx.arg(2), 0);
  ctx.Notify(kNotifyString, "set", ctx.arg(1));
  ctx.reply.Integer(1);
}

namespace {
void SetWithTtl(CommandContext& ctx, ExpireUnit unit) {
  int64_t at;
  if (!ExpireAtFrom(ctx, unit, ctx.arg(2), &at)) return;
  Db& db = ctx.db(ctx.arg(1));
  if (!ctx.MayDelete(ctx.arg(1), ExpiresAtOnce(db, at))) return;
  StoreString(ctx, db, ctx.arg(1), db.Find(ctx.arg(1)), ctx.arg(3), at);
  PropagateSetPxAt(ctx, ctx.arg(1), ctx.arg(3), at);
  ctx.reply.Ok();
}
}  // namespace

void CmdSetEx(CommandContext& ctx) { SetWithTtl(ctx, ExpireUnit::kEx); }
void CmdPSetEx(CommandContext& ctx) { SetWithTtl(ctx, ExpireUnit::kPx); }

void CmdGetSet(CommandContext& ctx) {
  Db& db = ctx.db(ctx.arg(1));
  KeyNode* node;
  if (!FindString(ctx, db, ctx.arg(1), &node)) return;
  node ? ctx.reply.Bulk(Db::StringOf(node)) : ctx.reply.Null();
  db.SetString(ctx.arg(1), node, ctx.arg(2), 0);
  ctx.Notify(kNotifyString, "set", ctx.arg(1));
}

void CmdGetDel(CommandContext& ctx) {
  Db& db = ctx.db(ctx.arg(1));
  KeyNode* node;
  if (!FindString(ctx, db, ctx.arg(1), &node)) return;
  CountLookup(db, node);
  if (!node) return ctx.reply.Null();
  ctx.reply.Bulk(Db::StringOf(node));
  db.Delete(node);
  ctx.Notify(kNotifyGeneric, "del", ctx.arg(1));
}

// GETEX key [EX s | PX ms | EXAT s | PXAT ms | PERSIST]
void CmdGetEx(CommandContext& ctx) {
  ExpireUnit unit = ExpireUnit::kNone;
  bool persist = false;
  std::string_view expire_text;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    ExpireUnit u;
    if (IsOption(ctx.arg(i), "persist") && unit == ExpireUnit::kNone && !persist) {
      persist = true;
    } else if (ParseExpireUnit(ctx.arg(i), &u) && unit == ExpireUnit::kNone && !persist &&
               i + 1 < ctx.argc()) {
      unit = u;
      expire_text = ctx.arg(++i);
    } else {
      return ctx.Error(errors::kSyntax);
    }
  }
  int64_t at = 0;
  if (unit != ExpireUnit::kNone && !ExpireAtFrom(ctx, unit, expire_text, &at)) return;
  Db& db = ctx.db(ctx.arg(1));
  KeyNode* node;
  if (!FindString(ctx, db, ctx.arg(1), &node)) return;
  CountLookup(db, node);
  if (!node) return ctx.reply.Null();
  if (!ctx.MayDelete(ctx.arg(1), ExpiresAtOnce(db, at))) return;
  ctx.reply.Bulk(Db::StringOf(node));
  // Journaled as Redis 7 propagates it: PEXPIREAT with the absolute time (or DEL), or
  // PERSIST.
  if (unit != ExpireUnit::kNone) {
    const bool past = at <= db.now_ms();
    past ? db.Delete(node) : (void)db.SetExpire(node, at);
    ctx.Notify(kNotifyGeneric, past ? "del" : "expire", ctx.arg(1));
    if (!ctx.journaling()) return;
    past ? ctx.Propagate({"DEL", ctx.arg(1)})
         : ctx.Propagate({"PEXPIREAT", ctx.arg(1), StrCat(at)});
  } else if (persist && node->has_expiry()) {
    db.SetExpire(node, 0);
    ctx.Notify(kNotifyGeneric, "persist", ctx.arg(1));
    if (ctx.journaling()) ctx.Propagate({"PERSIST", ctx.arg(1)});
  }
}

void CmdMGet(CommandContext& ctx) {
  ctx.reply.Array(ctx.argc() - 1);
  for (size_t i = 1; i < ctx.argc(); ++i) {
    Db& db = ctx.db(ctx.arg(i));
    KeyNode* node = db.Find(ctx.arg(i));
    CountLookup(db, node);
    if (node && Db::TypeOf(node) == ObjType::kString) {
      ctx.reply.Bulk(Db::StringOf(node));
    } else {
      ctx.reply.Null();
    }
  }
}

void CmdMSet(CommandContext& ctx) {
  if (ctx.argc() % 2 == 0) return ctx.Error(errors::WrongArgs(ctx.spec.name));
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    Db& db = ctx.db(ctx.arg(i));
    db.SetString(ctx.arg(i), db.Find(ctx.arg(i)), ctx.arg(i + 1), 0);
    ctx.Notify(kNotifyString, "set", ctx.arg(i));
  }
  ctx.reply.Ok();
}

void CmdMSetNx(CommandContext& ctx) {
  if (ctx.argc() % 2 == 0) return ctx.Error(errors::WrongArgs(ctx.spec.name));
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    if (ctx.db(ctx.arg(i)).Find(ctx.arg(i))) return ctx.reply.Integer(0);
  }
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    Db& db = ctx.db(ctx.arg(i));
    db.SetString(ctx.arg(i), db.Find(ctx.arg(i)), ctx.arg(i + 1), 0);
    ctx.Notify(kNotifyString, "set", ctx.arg(i));
  }
  ctx.reply.Integer(1);
}

void CmdIncr(CommandContext& ctx) { ReplyIncr(ctx, ctx.arg(1), 1); }
void CmdDecr(CommandContext& ctx) { ReplyIncr(ctx, ctx.arg(1), -1); }

void CmdIncrBy(CommandContext& ctx) {
  int64_t delta;
  if (ParseIncrement(ctx, &delta)) ReplyIncr(ctx, ctx.arg(1), delta);
}

void CmdDecrBy(CommandContext& ctx) {
  int64_t delta;
  if (!ParseIncrement(ctx, &delta)) return;
  if (delta == INT64_MIN) return ctx.Error("ERR decrement would overflow");
  ReplyIncr(ctx, ctx.arg(1), -delta);
}

void CmdIncrByFloat(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Db& db = ctx.db(key);
  KeyNode* node;
  if (!FindString(ctx, db, key, &node)) return;
  long double current = 0, incr;
  if (node && !ParseLongDouble(Db::StringOf(node), &current)) return ctx.Error(errors::kNotFloat);
  if (!ParseLongDouble(ctx.arg(2), &incr)) return ctx.Error(errors::kNotFloat);
  long double result = current + incr;
  if (std::isnan(result) || std::isinf(result)) return ctx.Error(errors::kNanOrInfinity);
  std::string text = FormatLongDouble(result);
  db.UpdateString(key, node, text);
  ctx.Notify(kNotifyString, "incrbyfloat", key);
  // Journaled as SET ... KEEPTTL, as Redis does, so that replay needs no float arithmetic.
  if (ctx.journaling()) ctx.Propagate({"SET", key, text, "KEEPTTL"});
  ctx.reply.Bulk(text);
}

void CmdAppend(CommandContext& ctx) {
  std::string_view key = ctx.arg(1), tail = ctx.arg(2);
  Db& db = ctx.db(key);
  KeyNode* node;
  if (!FindString(ctx, db, key, &node)) return;
  if (!node) {
    db.SetString(key, nullptr, tail, 0);
    ctx.Notify(kNotifyString, "append", key);
    return ctx.reply.Integer(static_cast<int64_t>(tail.size()));
  }
  size_t old_len = Db::StringOf(node).size();
  if (static_cast<int64_t>(old_len + tail.size()) > MaxStringLen(ctx)) {
    return ctx.Error(errors::kStringTooLong);
  }
  node = db.ResizeString(node, old_len + tail.size());
  memcpy(node->mutable_value() + old_len, tail.data(), tail.size());
  db.NotifyWrite(key);
  ctx.Notify(kNotifyString, "append", key);
  ctx.reply.Integer(static_cast<int64_t>(old_len + tail.size()));
}

void CmdStrLen(CommandContext& ctx) {
  Db& db = ctx.db(ctx.arg(1));
  KeyNode* node;
  if (!FindString(ctx, db, ctx.arg(1), &node)) return;
  ctx.reply.Integer(node ? static_cast<int64_t>(Db::StringOf(node).size()) : 0);
}

void CmdGetRange(CommandContext& ctx) {
  int64_t start, end;
  if (!ParseInt64(ctx.arg(2), &start) || !ParseInt64(ctx.arg(3), &end)) {
    return ctx.Error(errors::kNotInteger);
  }
  Db& db = ctx.db(ctx.arg(1));
  KeyNode* node;
  if (!FindString(ctx, db, ctx.arg(1), &node)) return;
  std::string_view s = node ? Db::StringOf(node) : std::string_view();
  int64_t len = static_cast<int64_t>(s.size());
  // Redis 7 getrangeCommand.
  if (start < 0 && end < 0 && start > end) return ctx.reply.Bulk("");
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) return ctx.reply.Bulk("");
  ctx.reply.Bulk(s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1)));
}

void CmdSetRange(CommandContext& ctx) {
  int64_t offset;
  if (!ParseInt64(ctx.arg(2), &offset)) return ctx.Error(errors::kNotInteger);
  if (offset < 0) return ctx.Error(errors::kOffsetOutOfRange);
  std::string_view key = ctx.arg(1), piece = ctx.arg(3);
  Db& db = ctx.db(key);
  KeyNode* node;
  if (!FindString(ctx, db, key, &node)) return;
  size_t old_len = node ? Db::StringOf(node).size() : 0;
  if (piece.empty()) return ctx.reply.Integer(static_cast<int64_t>(old_len));
  if (offset + static_cast<int64_t>(piece.size()) > MaxStringLen(ctx)) {
    return ctx.Error(errors::kStringTooLong);
  }
  size_t new_len = std::max(old_len, static_cast<size_t>(offset) + piece.size());
  if (!node) {
    node = db.SetString(key, nullptr, std::string_view(nullptr, new_len), 0);
    memset(node->mutable_value(), 0, new_len);
  } else if (new_len != old_len) {
    node = db.ResizeString(node, new_len);
    memset(node->mutable_value() + old_len, 0, new_len - old_len);
  }
  memcpy(node->mutable_value() + offset, piece.data(), piece.size());
  db.NotifyWrite(key);
  ctx.Notify(kNotifyString, "setrange", key);
  ctx.reply.Integer(static_cast<int64_t>(new_len));
}

}  // namespace shoal::engine
