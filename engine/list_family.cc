// Lists: LPUSH / RPUSH (and the X forms), LPOP / RPOP (with a count), LRANGE, LINDEX,
// LSET, LINSERT, LREM, LTRIM, LPOS, LMOVE / RPOPLPUSH, LMPOP and the blocking BLPOP, BRPOP,
// BLMPOP, BLMOVE, BRPOPLPUSH, with Redis 7's replies and errors. The value is a ListObject
// (engine/list_object.h): a quicklist of packed nodes whose size limit is
// list-max-listpack-size (default -2: 8 KB a node), named "listpack" while Redis 7.2 would
// keep it as one listpack and "quicklist" after, converting where t_list.c converts. Each
// write reads the fill once from the config (lock-free) and passes it to the object.
//
// Keys: a push on a missing key creates the list (the X forms do not); a write that removes
// the last element deletes the key. Writes change the object in place (the key keeps its
// TTL) and call Db::NotifyWrite, which wakes clients blocked on the key. Reads on a missing
// key reply as on an empty list. Indexes are Redis's: negative ones count from the tail.
//
// Blocking (engine/blocking.h): BLPOP, BRPOP and BLMPOP try their keys in order and block
// on all of them when none has an element; a write to one of them later serves the oldest
// waiter on the key's shard, atomically with the wake-up. BLMOVE and BRPOPLPUSH block on
// their source; when their destination lives on the source's shard, the serve moves the
// element itself; when it lives on another shard the serve cannot touch it (that shard is
// not parked for us), so it pops nothing and asks for a re-run (CommandContext::RequestRerun):
// the session runs the command again as a normal multi-shard transaction, which moves the
// element if it is still there, or blocks again (keeping the first deadline, at the back of
// the queue) if a client that was not blocked took it in between. The key's other waiters
// wait for the re-run, so the oldest waiter still goes first (blocking.h, Waiter::rerun).
//
// Multi-key commands (LMOVE, RPOPLPUSH, LMPOP, BLMPOP, the blocking pops) name their keys
// through the table (a keys_fn for the numkeys forms); when they span shards they run with
// every involved shard parked, so handlers reach each key through ctx.db(key).
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/args.h"
#include "engine/command_context.h"
#include "engine/config.h"
#include "engine/errors.h"
#include "engine/families.h"
#include "engine/list_object.h"
#include "engine/shard.h"
#include "protocol/strings.h"

namespace shoal::engine {
namespace {

int Fill(CommandContext& ctx) { return ctx.engine().config().GetListFill(); }

ListObject* ListOf(KeyNode* node) { return static_cast<ListObject*>(Db::ObjectOf(node)); }

// The list at `key` for a read, or null when missing (counted in keyspace hits/misses).
// False after replying WRONGTYPE.
bool FindList(CommandContext& ctx, std::string_view key, ListObject** list) {
  return FindObject(ctx, key, ObjType::kList, list);
}

// The list at `key` for a write, or null when missing (no create). False after replying
// WRONGTYPE.
bool FindListForWrite(CommandContext& ctx, std::string_view key, ListObject** list) {
  return FindObjectForWrite(ctx, key, ObjType::kList, list);
}

// After a write that removed elements: publishes `event` ("lpop", "ltrim", ...), deletes
// the key when the list is empty ("del"), else lets the encoding shrink back (Redis's
// listElementsRemoved) and notifies the write.
void FinishRemoval(CommandContext& ctx, std::string_view key, ListObject* list,
                   std::string_view event) {
  ctx.Notify(kNotifyList, event, key);
  if (list->size() == 0) {
    ctx.db(key).Delete(key);
    ctx.Notify(kNotifyGeneric, "del", key);
    return;
  }
  list->AfterShrink(Fill(ctx));
  ctx.db(key).NotifyWrite(key);
}

// Pushes `value` at the head or the tail of the list at `key` (a list or missing), creating
// it when missing. Redis's lmoveHandlePush without the reply.
void PushOne(CommandContext& ctx, std::string_view key, ListObject* list, std::string_view value,
             bool head) {
  const int fill = Fill(ctx);
  std::unique_ptr<ListObject> fresh;
  if (list == nullptr) {
    fresh = std::make_unique<ListObject>();
    list = fresh.get();
  }
  list->PrepareGrow(value.size(), 1, fill);
  head ? list->items().PushFront(value, fill) : list->items().PushBack(value, fill);
  if (fresh) {
    ctx.db(key).AddObject(key, std::move(fresh));
  } else {
    ctx.db(key).NotifyWrite(key);
  }
  ctx.Notify(kNotifyList, head ? "lpush" : "rpush", key);
}

// Redis's addListRangeReply: the elements from start to end (inclusive, negative from the
// tail, clamped) of `list` (null: empty). An empty range is an empty array.
void ReplyRange(CommandContext& ctx, const ListObject* list, int64_t start, int64_t end) {
  const int64_t len = static_cast<int64_t>(list ? list->size() : 0);
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return ctx.reply.Array(0);
  if (end >= len) end = len - 1;
  const size_t n = static_cast<size_t>(end - start + 1);
  ctx.reply.Array(n);
  size_t left = n;
  list->items().Walk(static_cast<size_t>(start), false, [&](size_t, std::string_view v) {
    ctx.reply.Bulk(v);
    return --left > 0;
  });
}

// Whether every element of `list` is `value` (LREM would empty it).
bool AllEqual(const ListObject& list, std::string_view value) {
  bool all = true;
  list.items().Walk(0, false, [&](size_t, std::string_view v) { return all = v == value; });
  return all;
}

// Pops up to `count` elements from one end, replying them as an array in pop order.
void PopRangeReply(CommandContext& ctx, std::string_view key, ListObject* list, size_t count,
                   bool head) {
  ds::Quicklist& items = list->items();
  const size_t n = std::min(count, items.size());
  ctx.reply.Array(n);
  size_t left = n;
  if (n > 0) {
    items.Walk(head ? 0 : items.size() - 1, !head, [&](size_t, std::string_view v) {
      ctx.reply.Bulk(v);
      return --left > 0;
    });
  }
  items.Erase(head ? 0 : items.size() - n, n, Fill(ctx));
  FinishRemoval(ctx, key, list, head ? "lpop" : "rpop");
}

// "left" / "right" (LMOVE's wherefrom / whereto, LMPOP's where); false after a syntax error.
bool ParseEnd(CommandContext& ctx, std::string_view arg, bool* head) {
  if (IsOption(arg, "left")) {
    *head = true;
  } else if (IsOption(arg, "right")) {
    *head = false;
  } else {
    ctx.Error(errors::kSyntax);
    return false;
  }
  return true;
}

// Redis's getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX): false after the reply.
bool ParseSignedLong(CommandContext& ctx, std::string_view arg, int64_t* value) {
  if (!ParseInt64(arg, value)) {
    ctx.Error(errors::kNotInteger);
    return false;
  }
  if (*value == INT64_MIN) {
    ctx.Error(errors::kValueOutOfLongRange);
    return false;
  }
  return true;
}

bool ParseIndex(CommandContext& ctx, std::string_view arg, int64_t* value) {
  if (ParseInt64(arg, value)) return true;
  ctx.Error(errors::kNotInteger);
  return false;
}

// --- Push and pop --------------------------------------------------------------------------

// LPUSH / RPUSH / LPUSHX / RPUSHX key element [element ...]: the new length (0 for an X
// form on a missing key).
void Push(CommandContext& ctx, bool head, bool only_existing) {
  std::string_view key = ctx.arg(1);
  ListObject* list;
  if (!FindListForWrite(ctx, key, &list)) return;
  if (list == nullptr && only_existing) return ctx.reply.Integer(0);
  const int fill = Fill(ctx);
  std::unique_ptr<ListObject> fresh;
  if (list == nullptr) {
    fresh = std::make_unique<ListObject>();
    list = fresh.get();
  }
  size_t add_bytes = 0;
  for (size_t i = 2; i < ctx.argc(); ++i) add_bytes += ctx.arg(i).size();
  list->PrepareGrow(add_bytes, ctx.argc() - 2, fill);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    head ? list->items().PushFront(ctx.arg(i), fill) : list->items().PushBack(ctx.arg(i), fill);
  }
  const int64_t len = static_cast<int64_t>(list->size());
  if (fresh) {
    ctx.db(key).AddObject(key, std::move(fresh));
  } else {
    ctx.db(key).NotifyWrite(key);
  }
  ctx.Notify(kNotifyList, head ? "lpush" : "rpush", key);
  ctx.reply.Integer(len);
}

// LPOP / RPOP key [count], Redis's popGenericCommand: without a count the element or nil;
// with one an array (a null array when the key is missing, empty for a count of 0).
void Pop(CommandContext& ctx, bool head) {
  if (ctx.argc() > 3) return ctx.Error(errors::WrongArgs(ctx.spec.name));
  const bool has_count = ctx.argc() == 3;
  int64_t count = 0;
  if (has_count && (!ParseInt64(ctx.arg(2), &count) || count < 0)) {
    return ctx.Error(errors::kCountOutOfRange);
  }
  std::string_view key = ctx.arg(1);
  ListObject* list;
  if (!FindListForWrite(ctx, key, &list)) return;
  if (list == nullptr) return has_count ? ctx.reply.NullArray() : ctx.reply.Null();
  if (has_count && count == 0) return ctx.reply.Array(0);
  if (!ctx.MayDelete(key, static_cast<uint64_t>(has_count ? count : 1) >= list->size())) return;
  if (has_count) return PopRangeReply(ctx, key, list, static_cast<size_t>(count), head);
  std::string value = head ? list->items().PopFront() : list->items().PopBack();
  ctx.reply.Bulk(value);
  FinishRemoval(ctx, key, list, head ? "lpop" : "rpop");
}

// --- Moves ---------------------------------------------------------------------------------

// Redis's lmoveGenericCommand: pops from `src` and pushes to `dst` (which may be `src`),
// replying the element. Returns false when `src` holds no list (nothing replied), except
// that a `src` of another type replies WRONGTYPE and returns true when
// `src_wrong_type_is_error` (a first try; a woken client passes such a key over, as Redis
// does). A `dst` of another type always replies WRONGTYPE.
bool MoveElement(CommandContext& ctx, std::string_view src, std::string_view dst, bool from_head,
                 bool to_head, bool src_wrong_type_is_error) {
  bool wrong_type;
  KeyNode* src_node = ctx.db(src).FindOfType(src, ObjType::kList, &wrong_type);
  if (wrong_type) {
    if (src_wrong_type_is_error) ctx.Error(errors::kWrongType);
    return src_wrong_type_is_error;
  }
  if (src_node == nullptr) return false;
  ListObject* src_list = ListOf(src_node);
  ListObject* dst_list;
  if (!FindListForWrite(ctx, dst, &dst_list)) return true;
  if (!ctx.MayDelete(src, src_list->size() == 1 && src != dst, src_wrong_type_is_error)) {
    return src_wrong_type_is_error;
  }
  std::string value = from_head ? src_list->items().PopFront() : src_list->items().PopBack();
  // Push before the source may be deleted, so that LMOVE k k on one element keeps k.
  PushOne(ctx, dst, dst_list, value, to_head);
  FinishRemoval(ctx, src, src_list, from_head ? "lpop" : "rpop");
  ctx.reply.Bulk(value);
  // BLMOVE / BRPOPLPUSH are journaled as LMOVE, as Redis does.
  if ((ctx.spec.flags & kBlocking) && ctx.journaling()) {
    ctx.Propagate({"LMOVE", src, dst, from_head ? "LEFT" : "RIGHT", to_head ? "LEFT" : "RIGHT"});
  }
  return true;
}

// BLMOVE src dst wherefrom whereto timeout / BRPOPLPUSH src dst timeout: the ends.
bool MoveEnds(CommandContext& ctx, bool* from_head, bool* to_head) {
  if (ctx.spec.name == "brpoplpush") {
    *from_head = false;
    *to_head = true;
    return true;
  }
  return ParseEnd(ctx, ctx.arg(3), from_head) && ParseEnd(ctx, ctx.arg(4), to_head);
}

bool ServeMove(CommandContext& ctx, std::string_view key) {
  std::string_view dst = ctx.arg(2);
  Engine& engine = ctx.engine();
  if (engine.ShardOf(dst) != engine.ShardOf(key)) {
    // The destination's shard is not ours to touch: re-run as a transaction (see top).
    bool wrong_type;
    if (ctx.db(key).FindOfType(key, ObjType::kList, &wrong_type) == nullptr) return false;
    ctx.RequestRerun();
    return true;
  }
  bool from_head, to_head;
  if (!MoveEnds(ctx, &from_head, &to_head)) return false;  // checked before blocking
  return MoveElement(ctx, key, dst, from_head, to_head, false);
}

// --- Multi-key pops ------------------------------------------------------------------------

// [B]LMPOP's arguments from numkeys on (args.h).
std::string_view ParseMPop(ArgList args, size_t numkeys_idx, MPopArgs* a) {
  return ParseMPopArgs(args.data(), args.size(), numkeys_idx, "left", "right", a);
}

// Pops from `key` for BLPOP / BRPOP (count 0: replies [key, element]) or [B]LMPOP (replies
// [key, [elements]]). False when the key holds no list; another type replies WRONGTYPE and
// returns true on a first try (`wrong_type_is_error`), and is passed over when woken.
bool TryPop(CommandContext& ctx, std::string_view key, bool head, size_t count,
            bool wrong_type_is_error) {
  bool wrong_type;
  KeyNode* node = ctx.db(key).FindOfType(key, ObjType::kList, &wrong_type);
  if (wrong_type) {
    if (wrong_type_is_error) ctx.Error(errors::kWrongType);
    return wrong_type_is_error;
  }
  if (node == nullptr) return false;
  ListObject* list = ListOf(node);
  if (!ctx.MayDelete(key, std::max<size_t>(count, 1) >= list->size(), wrong_type_is_error)) {
    return wrong_type_is_error;
  }
  // Journaled as LPOP / RPOP key [count], as Redis 7 propagates [B]LPOP and [B]LMPOP.
  if (ctx.journaling()) {
    std::string_view pop = head ? "LPOP" : "RPOP";
    count > 0 ? ctx.Propagate({pop, key, StrCat(count)}) : ctx.Propagate({pop, key});
  }
  ctx.reply.Array(2);
  ctx.reply.Bulk(key);
  if (count > 0) {
    PopRangeReply(ctx, key, list, count, head);
    return true;
  }
  std::string value = head ? list->items().PopFront() : list->items().PopBack();
  ctx.reply.Bulk(value);
  FinishRemoval(ctx, key, list, head ? "lpop" : "rpop");
  return true;
}

bool ServeBlockingPop(CommandContext& ctx, std::string_view key) {
  return TryPop(ctx, key, ctx.spec.name == "blpop", 0, false);
}

bool ServeBlockingMPop(CommandContext& ctx, std::string_view key) {
  MPopArgs a;
  return ParseMPop(ctx.args, 2, &a).empty() && TryPop(ctx, key, !a.second_end, a.count, false);
}

// BLPOP / BRPOP key [key ...] timeout: the first non-empty key in order, else block.
void BlockingPop(CommandContext& ctx, bool head) {
  int64_t deadline = 0;
  std::string_view error = ParseBlockTimeout(ctx.arg(ctx.argc() - 1), ctx.now_ms(), &deadline);
  if (!error.empty()) return ctx.Error(error);
  std::vector<std::string_view> keys(ctx.args.begin() + 1, ctx.args.end() - 1);
  for (std::string_view key : keys) {
    if (TryPop(ctx, key, head, 0, true)) return;
  }
  ctx.Block(keys, deadline, ServeBlockingPop);
}

// BLMOVE / BRPOPLPUSH: the ends, then the timeout, then LMOVE or block on the source.
void BlockingMove(CommandContext& ctx, size_t timeout_idx) {
  bool from_head, to_head;
  if (!MoveEnds(ctx, &from_head, &to_head)) return;
  int64_t deadline = 0;
  std::string_view error = ParseBlockTimeout(ctx.arg(timeout_idx), ctx.now_ms(), &deadline);
  if (!error.empty()) return ctx.Error(error);
  if (MoveElement(ctx, ctx.arg(1), ctx.arg(2), from_head, to_head, true)) return;
  ctx.Block({ctx.arg(1)}, deadline, ServeMove);
}

}  // namespace

// --- Key specs -----------------------------------------------------------------------------

namespace {
// The keys after the numkeys at args[numkeys_idx]; nothing past an invalid numkeys.
void NumKeysKeys(ArgList args, size_t numkeys_idx, KeyList* keys) {
  int64_t n;
  if (numkeys_idx >= args.size() || !ParseInt64(args[numkeys_idx], &n) || n < 1) return;
  if (static_cast<uint64_t>(n) > args.size() - numkeys_idx - 1) return;
  for (size_t i = 0; i < static_cast<size_t>(n); ++i) keys->push_back(args[numkeys_idx + 1 + i]);
}
}  // namespace

void LMPopKeys(ArgList args, KeyList* keys) { NumKeysKeys(args, 1, keys); }
void BLMPopKeys(ArgList args, KeyList* keys) { NumKeysKeys(args, 2, keys); }

// --- Handlers ------------------------------------------------------------------------------

void CmdLPush(CommandContext& ctx) { Push(ctx, true, false); }
void CmdRPush(CommandContext& ctx) { Push(ctx, false, false); }
void CmdLPushX(CommandContext& ctx) { Push(ctx, true, true); }
void CmdRPushX(CommandContext& ctx) { Push(ctx, false, true); }
void CmdLPop(CommandContext& ctx) { Pop(ctx, true); }
void CmdRPop(CommandContext& ctx) { Pop(ctx, false); }

void CmdLLen(CommandContext& ctx) {
  ListObject* list;
  if (!FindList(ctx, ctx.arg(1), &list)) return;
  ctx.reply.Integer(list ? static_cast<int64_t>(list->size()) : 0);
}

// LRANGE key start stop: the indexes are parsed before the key is looked up, as in Redis.
void CmdLRange(CommandContext& ctx) {
  int64_t start, end;
  if (!ParseIndex(ctx, ctx.arg(2), &start) || !ParseIndex(ctx, ctx.arg(3), &end)) return;
  ListObject* list;
  if (!FindList(ctx, ctx.arg(1), &list)) return;
  ReplyRange(ctx, list, start, end);
}

// LINDEX key index: nil on a missing key (before the index is parsed, as in Redis) or out
// of range.
void CmdLIndex(CommandContext& ctx) {
  ListObject* list;
  if (!FindList(ctx, ctx.arg(1), &list)) return;
  if (list == nullptr) return ctx.reply.Null();
  int64_t index;
  if (!ParseIndex(ctx, ctx.arg(2), &index)) return;
  const int64_t len = static_cast<int64_t>(list->size());
  if (index < 0) index += len;
  if (index < 0 || index >= len) return ctx.reply.Null();
  ctx.reply.Bulk(list->items().At(static_cast<size_t>(index)));
}

// LSET key index element: "no such key" on a missing key, "index out of range" past the
// ends. As in Redis, the encoding may grow before the index is checked.
void CmdLSet(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  ListObject* list;
  if (!FindListForWrite(ctx, key, &list)) return;
  if (list == nullptr) return ctx.Error(errors::kNoSuchKey);
  int64_t index;
  if (!ParseIndex(ctx, ctx.arg(2), &index)) return;
  const int fill = Fill(ctx);
  list->PrepareGrow(ctx.arg(3).size(), 1, fill);
  const int64_t len = static_cast<int64_t>(list->size());
  if (index < 0) index += len;
  if (index < 0 || index >= len) return ctx.Error(errors::kIndexOutOfRange);
  list->items().Set(static_cast<size_t>(index), ctx.arg(3), fill);
  list->AfterShrink(fill);
  ctx.db(key).NotifyWrite(key);
  ctx.Notify(kNotifyList, "lset", key);
  ctx.reply.Ok();
}

// LINSERT key BEFORE|AFTER pivot element: the new length, 0 on a missing key, -1 when the
// pivot is absent. As in Redis, the encoding may grow even when nothing is inserted.
void CmdLInsert(CommandContext& ctx) {
  bool after;
  if (IsOption(ctx.arg(2), "after")) {
    after = true;
  } else if (IsOption(ctx.arg(2), "before")) {
    after = false;
  } else {
    return ctx.Error(errors::kSyntax);
  }
  std::string_view key = ctx.arg(1);
  ListObject* list;
  if (!FindListForWrite(ctx, key, &list)) return;
  if (list == nullptr) return ctx.reply.Integer(0);
  const int fill = Fill(ctx);
  list->PrepareGrow(ctx.arg(4).size(), 1, fill);
  std::optional<size_t> pivot;
  std::string_view wanted = ctx.arg(3);
  list->items().Walk(0, false, [&](size_t i, std::string_view v) {
    if (v != wanted) return true;
    pivot = i;
    return false;
  });
  if (!pivot) return ctx.reply.Integer(-1);
  list->items().Insert(*pivot + (after ? 1 : 0), ctx.arg(4), fill);
  ctx.db(key).NotifyWrite(key);
  ctx.Notify(kNotifyList, "linsert", key);
  ctx.reply.Integer(static_cast<int64_t>(list->size()));
}

// LREM key count element: removes the first |count| matches from the head (count > 0) or
// the tail (count < 0), all of them for 0; how many went.
void CmdLRem(CommandContext& ctx) {
  int64_t count;
  if (!ParseSignedLong(ctx, ctx.arg(2), &count)) return;
  std::string_view key = ctx.arg(1);
  ListObject* list;
  if (!FindListForWrite(ctx, key, &list)) return;
  if (list == nullptr) return ctx.reply.Integer(0);
  std::string_view wanted = ctx.arg(3);
  const size_t limit = static_cast<size_t>(count < 0 ? -count : count);
  const bool may_empty = (limit == 0 || limit >= list->size()) && ctx.any_key_locked();
  if (may_empty && !ctx.MayDelete(key, AllEqual(*list, wanted))) return;
  size_t removed = list->items().RemoveIf([&](std::string_view v) { return v == wanted; }, limit,
                                          count < 0, Fill(ctx));
  if (removed > 0) FinishRemoval(ctx, key, list, "lrem");
  ctx.reply.Integer(static_cast<int64_t>(removed));
}

// LTRIM key start stop: keeps the range (Redis's rules); deletes the key when it is empty.
void CmdLTrim(CommandContext& ctx) {
  int64_t start, end;
  if (!ParseIndex(ctx, ctx.arg(2), &start) || !ParseIndex(ctx, ctx.arg(3), &end)) return;
  std::string_view key = ctx.arg(1);
  ListObject* list;
  if (!FindListForWrite(ctx, key, &list)) return;
  if (list == nullptr) return ctx.reply.Ok();
  const int64_t len = static_cast<int64_t>(list->size());
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  int64_t ltrim, rtrim;
  if (start > end || start >= len) {
    ltrim = len;
    rtrim = 0;
  } else {
    if (end >= len) end = len - 1;
    ltrim = start;
    rtrim = len - end - 1;
  }
  if (!ctx.MayDelete(key, ltrim == len)) return;
  const int fill = Fill(ctx);
  list->items().Erase(0, static_cast<size_t>(ltrim), fill);
  list->items().Erase(list->size() - static_cast<size_t>(rtrim), static_cast<size_t>(rtrim), fill);
  FinishRemoval(ctx, key, list, "ltrim");
  ctx.reply.Ok();
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len], Redis's lposCommand: the
// index of the rank-th match (negative rank: from the tail), or with COUNT an array of up
// to num-matches indexes (0: all); MAXLEN caps the elements compared.
void CmdLPos(CommandContext& ctx) {
  int64_t rank = 1, count = -1, maxlen = 0;
  for (size_t j = 3; j < ctx.argc(); ++j) {
    const bool more = j + 1 < ctx.argc();
    if (IsOption(ctx.arg(j), "rank") && more) {
      if (!ParseSignedLong(ctx, ctx.arg(++j), &rank)) return;
      if (rank == 0) return ctx.Error(errors::kLPosRankZero);
    } else if (IsOption(ctx.arg(j), "count") && more) {
      if (!ParseInt64(ctx.arg(++j), &count) || count < 0) {
        return ctx.Error(errors::kLPosCountNegative);
      }
    } else if (IsOption(ctx.arg(j), "maxlen") && more) {
      if (!ParseInt64(ctx.arg(++j), &maxlen) || maxlen < 0) {
        return ctx.Error(errors::kLPosMaxLenNegative);
      }
    } else {
      return ctx.Error(errors::kSyntax);
    }
  }
  const bool reverse = rank < 0;
  if (reverse) rank = -rank;
  ListObject* list;
  if (!FindList(ctx, ctx.arg(1), &list)) return;
  if (list == nullptr) return count != -1 ? ctx.reply.Array(0) : ctx.reply.Null();
  std::string_view wanted = ctx.arg(2);
  std::vector<int64_t> found;
  int64_t scanned = 0, matches = 0;
  list->items().Walk(reverse ? list->size() - 1 : 0, reverse, [&](size_t i, std::string_view v) {
    if (maxlen != 0 && scanned >= maxlen) return false;
    ++scanned;
    if (v != wanted || ++matches < rank) return true;
    found.push_back(static_cast<int64_t>(i));
    if (count == -1) return false;
    return count == 0 || matches - rank + 1 < count;
  });
  if (count == -1) return found.empty() ? ctx.reply.Null() : ctx.reply.Integer(found[0]);
  ctx.reply.Array(found.size());
  for (int64_t i : found) ctx.reply.Integer(i);
}

// LMOVE source destination LEFT|RIGHT LEFT|RIGHT: the element moved, or nil.
void CmdLMove(CommandContext& ctx) {
  bool from_head, to_head;
  if (!ParseEnd(ctx, ctx.arg(3), &from_head) || !ParseEnd(ctx, ctx.arg(4), &to_head)) return;
  if (!MoveElement(ctx, ctx.arg(1), ctx.arg(2), from_head, to_head, true)) ctx.reply.Null();
}

// RPOPLPUSH source destination: LMOVE source destination RIGHT LEFT.
void CmdRPopLPush(CommandContext& ctx) {
  if (!MoveElement(ctx, ctx.arg(1), ctx.arg(2), false, true, true)) ctx.reply.Null();
}

// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]: [key, [elements]] from the first
// non-empty key, or a null array.
void CmdLMPop(CommandContext& ctx) {
  MPopArgs a;
  std::string_view error = ParseMPop(ctx.args, 1, &a);
  if (!error.empty()) return ctx.Error(error);
  for (size_t i = 0; i < a.key_count; ++i) {
    if (TryPop(ctx, ctx.arg(a.first_key + i), !a.second_end, a.count, true)) return;
  }
  ctx.reply.NullArray();
}

void CmdBLPop(CommandContext& ctx) { BlockingPop(ctx, true); }
void CmdBRPop(CommandContext& ctx) { BlockingPop(ctx, false); }

// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]: LMPOP that blocks. The
// timeout is checked after the other arguments, as in Redis.
void CmdBLMPop(CommandContext& ctx) {
  MPopArgs a;
  std::string_view error = ParseMPop(ctx.args, 2, &a);
  if (!error.empty()) return ctx.Error(error);
  int64_t deadline = 0;
  error = ParseBlockTimeout(ctx.arg(1), ctx.now_ms(), &deadline);
  if (!error.empty()) return ctx.Error(error);
  std::vector<std::string_view> keys(ctx.args.begin() + a.first_key,
                                     ctx.args.begin() + a.first_key + a.key_count);
  for (std::string_view key : keys) {
    if (TryPop(ctx, key, !a.second_end, a.count, true)) return;
  }
  ctx.Block(keys, deadline, ServeBlockingMPop);
}

void CmdBLMove(CommandContext& ctx) { BlockingMove(ctx, 5); }
void CmdBRPopLPush(CommandContext& ctx) { BlockingMove(ctx, 3); }

}  // namespace shoal::engine
