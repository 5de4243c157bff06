// Sets: SADD, SREM, SMEMBERS, SPOP, SRANDMEMBER, SMOVE, SINTER / SUNION / SDIFF (and their
// STORE forms), SINTERCARD, SSCAN, ... with Redis 7's replies and errors. The value is a
// SetObject (engine/set_object.h) in one of Redis 7.2's three encodings: "intset" (sorted
// integers, while every member is an integer and there are at most set-max-intset-entries),
// "listpack" (a flat vector, while at most set-max-listpack-entries members of at most
// set-max-listpack-value bytes), then, for good, "hashtable". Each write reads the three
// limits once from the config (lock-free) and passes them to the object.
//
// Keys: a write on a missing key creates the set only when it adds a member; a write that
// removes the last member deletes the key. Writes change the object in place (the key
// keeps its TTL) and call Db::NotifyWrite; the STORE commands replace the destination
// whatever it held (its TTL dropped, as Redis's setKey), or delete it when the result is
// empty. Reads on a missing key reply as on an empty set.
//
// Replies: SMEMBERS, SINTER, SUNION, SDIFF and SPOP with a count are RESP3 sets (`~`);
// SRANDMEMBER with a count and SMISMEMBER are arrays, as Redis 7 replies them. The order
// of members is the encoding's (increasing integers for an intset, insertion order for a
// listpack); clients must not rely on it, and neither do the tests.
//
// Multi-key commands (SMOVE, SINTER..., SINTERCARD) name their keys through the table (a
// keys_fn for SINTERCARD's numkeys); when they span shards they run with every involved
// shard parked, so handlers reach each key through ctx.db(key). Results are copied out of
// the sources before a STORE touches the destination, which may be one of them.
//
// Costs: one random member is O(1) in every encoding (an intset or listpack pays O(size)
// to remove it), so SPOP with a count and SRANDMEMBER with a negative count, or a positive
// one under a third of the size, are O(count) on a hashtable; a larger positive
// SRANDMEMBER count is O(size).
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/random/random.h"
#include "engine/args.h"
#include "engine/command_context.h"
#include "engine/config.h"
#include "engine/errors.h"
#include "engine/families.h"
#include "engine/scan_args.h"
#include "engine/set_object.h"
#include "engine/shard.h"
#include "protocol/strings.h"

namespace shoal::engine {
namespace {

SetObject::Limits ReadLimits(CommandContext& ctx) { return ctx.engine().config().GetSetLimits(); }

SetObject* SetOf(KeyNode* node) { return static_cast<SetObject*>(Db::ObjectOf(node)); }

absl::BitGen& Random() {
  thread_local absl::BitGen gen;
  return gen;
}

// The set at `key` for a read, or null when missing (counted in keyspace hits/misses).
// False after replying WRONGTYPE.
bool FindSet(CommandContext& ctx, std::string_view key, SetObject** set) {
  return FindObject(ctx, key, ObjType::kSet, set);
}

// The node of the set at `key` for a write, or null when missing (no create). False after
// replying WRONGTYPE.
bool FindSetForWrite(CommandContext& ctx, std::string_view key, KeyNode** node) {
  return FindNodeForWrite(ctx, ctx.db(key), key, ObjType::kSet, node);
}

// After a write that removed `removed` members: publishes `event` ("srem", "spop") when
// something went, deletes the key when the set is empty ("del"), else notifies the write.
void FinishRemoval(CommandContext& ctx, std::string_view key, KeyNode* node, size_t removed,
                   std::string_view event) {
  Db& db = ctx.db(key);
  if (removed > 0) ctx.Notify(kNotifySet, event, key);
  if (SetOf(node)->size() == 0) {
    db.Delete(node);
    ctx.Notify(kNotifyGeneric, "del", key);
  } else if (removed > 0) {
    db.NotifyWrite(key);
  }
}

// Every member, as a RESP3 set (an array in RESP2).
void ReplyMembers(CommandContext& ctx, const std::vector<std::string>& members) {
  ctx.reply.Set(members.size());
  for (const std::string& m : members) ctx.reply.Bulk(m);
}

// Moves a uniform random sample of `count` < views->size() views to its front (a partial
// Fisher-Yates shuffle).
void SampleToFront(std::vector<std::string_view>* views, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    std::swap((*views)[i], (*views)[absl::Uniform<size_t>(Random(), i, views->size())]);
  }
}

// Redis's STORE ending: `result` replaces whatever `dst` held (its TTL dropped), or `dst`
// is deleted when the result is empty; replies the result's size.
void StoreResult(CommandContext& ctx, std::string_view dst, std::unique_ptr<SetObject> result) {
  Db& db = ctx.db(dst);
  const size_t n = result->size();
  if (!ctx.MayDelete(dst, n == 0)) return;
  KeyNode* old = db.Find(dst);
  if (old != nullptr) db.Delete(old);
  if (n > 0) db.AddObject(dst, std::move(result));
  ctx.NotifyStore(kNotifySet, dst, n > 0, old != nullptr);
  ctx.reply.Integer(static_cast<int64_t>(n));
}

// The sources args[first .. first + n) of a set operation, in order; null for a missing
// key. False after replying WRONGTYPE (every key is checked, as Redis does, even after a
// missing one).
bool LoadSources(CommandContext& ctx, size_t first, size_t n, std::vector<SetObject*>* sets) {
  sets->resize(n);
  for (size_t i = 0; i < n; ++i) {
    if (!FindSet(ctx, ctx.arg(first + i), &(*sets)[i])) return false;
  }
  return true;
}

// Redis's sinterGenericCommand: walks the smallest set and probes the others. With
// `limit` > 0, stops after that many members (SINTERCARD). Empty when a source is missing.
std::vector<std::string> Intersect(std::vector<SetObject*> sets, size_t limit) {
  std::vector<std::string> out;
  if (std::any_of(sets.begin(), sets.end(), [](const SetObject* s) { return s == nullptr; })) {
    return out;
  }
  std::stable_sort(sets.begin(), sets.end(),
                   [](const SetObject* a, const SetObject* b) { return a->size() < b->size(); });
  bool done = false;
  sets[0]->ForEach([&](std::string_view m) {
    if (done) return;
    for (size_t i = 1; i < sets.size(); ++i) {
      if (sets[i] != sets[0] && !sets[i]->Contains(m)) return;
    }
    out.emplace_back(m);
    done = limit > 0 && out.size() >= limit;
  });
  return out;
}

std::vector<std::string> Union(const std::vector<SetObject*>& sets) {
  std::vector<std::string> out;
  absl::flat_hash_set<std::string> seen;
  for (const SetObject* s : sets) {
    if (s == nullptr) continue;
    s->ForEach([&](std::string_view m) {
      if (seen.emplace(AsAbsl(m)).second) out.emplace_back(m);
    });
  }
  return out;
}

// The members of the first set that are in none of the others.
std::vector<std::string> Difference(const std::vector<SetObject*>& sets) {
  std::vector<std::string> out;
  if (sets[0] == nullptr) return out;
  sets[0]->ForEach([&](std::string_view m) {
    for (size_t i = 1; i < sets.size(); ++i) {
      if (sets[i] != nullptr && sets[i]->Contains(m)) return;
    }
    out.emplace_back(m);
  });
  return out;
}

enum class SetOp { kInter, kUnion, kDiff };

// Redis's choice of SDIFF algorithm (sunionDiffGenericCommand): true for its "algorithm
// 2", which adds the whole first set to the result and then removes the others' members.
// Only the encoding of an SDIFFSTORE result shows which one ran.
bool DiffAddsWholeFirstSet(const std::vector<SetObject*>& sets) {
  if (sets[0] == nullptr) return false;
  uint64_t one = 0, two = 0;
  for (size_t i = 0; i < sets.size(); ++i) {
    if (sets[i] == nullptr) continue;
    if (i > 0 && sets[i] == sets[0]) return false;  // the result is empty either way
    one += sets[0]->size();
    two += sets[i]->size();
  }
  return one / 2 > two;
}

// The object an *STORE command stores, built as t_set.c builds it so that its encoding
// matches Redis's: SUNIONSTORE / SDIFFSTORE start from an empty intset and add the result
// (SDIFFSTORE's algorithm 2: the whole first set, then removals); SINTERSTORE starts as an
// intset when the smallest source is one, else as a listpack, and ends as an intset when
// every member is an integer and few enough (maybeConvertToIntset).
std::unique_ptr<SetObject> BuildStored(SetOp op, const std::vector<SetObject*>& sets,
                                       const std::vector<std::string>& result,
                                       const SetObject::Limits& limits) {
  std::unique_ptr<SetObject> out;
  if (op == SetOp::kInter && !result.empty()) {
    const SetObject* smallest = *std::min_element(
        sets.begin(), sets.end(),
        [](const SetObject* a, const SetObject* b) { return a->size() < b->size(); });
    out = smallest->enc() == SetObject::Encoding::kIntSet ? std::make_unique<SetObject>()
                                                          : SetObject::EmptyListpack();
    for (const std::string& m : result) out->Add(m, limits);
    out->MaybeConvertToIntSet(limits);
    return out;
  }
  out = std::make_unique<SetObject>();
  if (op == SetOp::kDiff && DiffAddsWholeFirstSet(sets)) {
    sets[0]->ForEach([&](std::string_view m) { out->Add(m, limits); });
    for (size_t i = 1; i < sets.size() && out->size() > 0; ++i) {
      if (sets[i] == nullptr) continue;
      std::vector<std::string> storage;
      for (std::string_view m : sets[i]->Views(&storage)) out->Remove(m);
    }
    return out;
  }
  for (const std::string& m : result) out->Add(m, limits);
  return out;
}

// SINTER / SUNION / SDIFF key [key ...] and, with `store`, their STORE forms (dst key
// [key ...]).
void SetOpGeneric(CommandContext& ctx, SetOp op, bool store) {
  const size_t first = store ? 2 : 1;
  std::vector<SetObject*> sets;
  if (!LoadSources(ctx, first, ctx.argc() - first, &sets)) return;
  std::vector<std::string> result;
  switch (op) {
    case SetOp::kInter:
      result = Intersect(sets, 0);
      break;
    case SetOp::kUnion:
      result = Union(sets);
      break;
    case SetOp::kDiff:
      result = Difference(sets);
      break;
  }
  if (store) return StoreResult(ctx, ctx.arg(1), BuildStored(op, sets, result, ReadLimits(ctx)));
  ReplyMembers(ctx, result);
}

// SRANDMEMBER key count, Redis's srandmemberWithCountCommand: a negative count may repeat
// members and returns exactly -count of them; a positive one returns min(count, size)
// distinct members (the whole set, in its own order, when count >= size). An array in
// both protocols.
void ReplyRandomMembers(CommandContext& ctx, int64_t l) {
  SetObject* set;
  if (!FindSet(ctx, ctx.arg(1), &set)) return;
  if (set == nullptr || l == 0) return ctx.reply.Array(0);
  const size_t size = set->size();
  if (l < 0) {  // O(1) per pick
    const uint64_t count = static_cast<uint64_t>(-l);
    ctx.reply.Array(count);
    for (uint64_t i = 0; i < count; ++i) {
      ctx.reply.Bulk(set->MemberAt(absl::Uniform<size_t>(Random(), 0, size)));
    }
    return;
  }
  const size_t count = std::min(static_cast<uint64_t>(l), static_cast<uint64_t>(size));
  if (count * 3 < size) {
    // Few of many (Redis's case 4): distinct random positions, O(count) expected.
    absl::flat_hash_set<size_t> picked;
    ctx.reply.Array(count);
    while (picked.size() < count) {
      const size_t pos = absl::Uniform<size_t>(Random(), 0, size);
      if (picked.insert(pos).second) ctx.reply.Bulk(set->MemberAt(pos));
    }
    return;
  }
  // Many of the set, or all of it (in the set's own order): O(size).
  std::vector<std::string> storage;
  std::vector<std::string_view> views = set->Views(&storage);
  if (count < size) SampleToFront(&views, count);
  ctx.reply.BulkArray(views.data(), count);
}

// SPOP key count, Redis's spopWithCountCommand: the count is checked before the key (its
// getPositiveLongFromObjectOrReply answers "must be positive" for a non-integer too); a
// missing key or a count of 0 replies an empty set; a count >= size pops the whole set
// (in the set's own order) and deletes the key. Otherwise pops one uniform random member
// at a time: O(count) for a hashtable, O(count * size) for the small encodings. When at
// most a fifth of count remains, Redis rebuilds the set from the members left (its "case
// 3"), which turns a hashtable back into a listpack when they fit; so does this.
void PopWithCount(CommandContext& ctx) {
  int64_t l;
  if (!ParseInt64(ctx.arg(2), &l) || l < 0) return ctx.Error(errors::kCountOutOfRange);
  std::string_view key = ctx.arg(1);
  KeyNode* node;
  if (!FindSetForWrite(ctx, key, &node)) return;
  if (node == nullptr || l == 0) return ctx.reply.Set(0);
  SetObject* set = SetOf(node);
  if (!ctx.MayDelete(key, static_cast<uint64_t>(l) >= set->size())) return;
  // Journaled as Redis does: DEL when the whole set goes, else SREM of what was popped.
  const bool journaling = ctx.journaling();
  if (static_cast<uint64_t>(l) >= set->size()) {
    ctx.reply.Set(set->size());
    set->ForEach([&](std::string_view m) { ctx.reply.Bulk(m); });
    ctx.db(key).Delete(node);
    if (journaling) ctx.Propagate({"DEL", key});
    ctx.Notify(kNotifySet, "spop", key);
    ctx.Notify(kNotifyGeneric, "del", key);
    return;
  }
  const size_t count = static_cast<size_t>(l);
  const size_t remaining = set->size() - count;
  std::vector<std::string> srem;
  if (journaling) srem = {"SREM", std::string(key)};
  ctx.reply.Set(count);
  for (size_t i = 0; i < count; ++i) {
    const std::string m = set->MemberAt(absl::Uniform<size_t>(Random(), 0, set->size()));
    set->Remove(m);
    ctx.reply.Bulk(m);
    if (journaling) srem.push_back(m);
  }
  if (journaling) ctx.Propagate(std::move(srem));
  if (remaining * 5 <= count) set->RebuildHashtableAsListpack(ReadLimits(ctx));
  ctx.db(key).NotifyWrite(key);
  ctx.Notify(kNotifySet, "spop", key);
}

}  // namespace

// --- Handlers ------------------------------------------------------------------------------

// SADD key member [member ...], Redis's saddCommand: a new key's encoding comes from the
// first member and the number of members given (setTypeCreate); an existing intset or
// listpack that could not hold that many converts first (setTypeMaybeConvert).
void CmdSAdd(CommandContext& ctx) {
  const SetObject::Limits limits = ReadLimits(ctx);
  std::string_view key = ctx.arg(1);
  Db& db = ctx.db(key);
  KeyNode* node;
  if (!FindSetForWrite(ctx, key, &node)) return;
  const size_t n = ctx.argc() - 2;
  SetObject* set;
  if (node == nullptr) {
    set = SetOf(db.AddObject(key, SetObject::Create(ctx.arg(2), n, limits)));
  } else {
    set = SetOf(node);
    set->PrepareFor(n, limits);
  }
  int64_t added = 0;
  for (size_t i = 2; i < ctx.argc(); ++i) added += set->Add(ctx.arg(i), limits);
  if (added > 0) {
    db.NotifyWrite(key);
    ctx.Notify(kNotifySet, "sadd", key);
  }
  ctx.reply.Integer(added);
}

// SREM key member [member ...]: how many were removed; deletes the key when none remain.
void CmdSRem(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  KeyNode* node;
  if (!FindSetForWrite(ctx, key, &node)) return;
  if (node == nullptr) return ctx.reply.Integer(0);
  SetObject* set = SetOf(node);
  auto contains = [&](std::string_view m) { return set->Contains(m); };
  if (!ctx.MayDelete(key, RemovesAll(ctx, 2, set->size(), contains))) return;
  int64_t removed = 0;
  for (size_t i = 2; i < ctx.argc() && set->size() > 0; ++i) removed += set->Remove(ctx.arg(i));
  FinishRemoval(ctx, key, node, static_cast<size_t>(removed), "srem");
  ctx.reply.Integer(removed);
}

void CmdSMembers(CommandContext& ctx) {
  SetObject* set;
  if (!FindSet(ctx, ctx.arg(1), &set)) return;
  if (set == nullptr) return ctx.reply.Set(0);
  ctx.reply.Set(set->size());
  set->ForEach([&](std::string_view m) { ctx.reply.Bulk(m); });
}

void CmdSIsMember(CommandContext& ctx) {
  SetObject* set;
  if (!FindSet(ctx, ctx.arg(1), &set)) return;
  ctx.reply.Integer(set != nullptr && set->Contains(ctx.arg(2)));
}

// SMISMEMBER key member [member ...]: 1 or 0 per member (all 0 on a missing key).
void CmdSMIsMember(CommandContext& ctx) {
  SetObject* set;
  if (!FindSet(ctx, ctx.arg(1), &set)) return;
  ctx.reply.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    ctx.reply.Integer(set != nullptr && set->Contains(ctx.arg(i)));
  }
}

void CmdSCard(CommandContext& ctx) {
  SetObject* set;
  if (!FindSet(ctx, ctx.arg(1), &set)) return;
  ctx.reply.Integer(set ? static_cast<int64_t>(set->size()) : 0);
}

// SPOP key [count]: without a count, one random member removed (nil on a missing key).
void CmdSPop(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.Error(errors::kSyntax);
  if (ctx.argc() == 3) return PopWithCount(ctx);
  std::string_view key = ctx.arg(1);
  KeyNode* node;
  if (!FindSetForWrite(ctx, key, &node)) return;
  if (node == nullptr) return ctx.reply.Null();
  SetObject* set = SetOf(node);
  if (!ctx.MayDelete(key, set->size() == 1)) return;
  const std::string member = set->MemberAt(absl::Uniform<size_t>(Random(), 0, set->size()));
  set->Remove(member);
  FinishRemoval(ctx, key, node, 1, "spop");
  if (ctx.journaling()) ctx.Propagate({"SREM", key, member});  // as Redis: SPOP is random
  ctx.reply.Bulk(member);
}

// SRANDMEMBER key [count], Redis's srandmemberCommand: more than one extra argument is a
// syntax error; the count is checked before the key (ParseRandomCount, shared with
// HRANDFIELD and ZRANDMEMBER). Without a count: one member, or nil on a missing key.
void CmdSRandMember(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.Error(errors::kSyntax);
  if (ctx.argc() == 3) {
    int64_t l;
    bool unused;
    std::string_view error = ParseRandomCount(ctx.args.data(), ctx.argc(), "", &l, &unused);
    if (!error.empty()) return ctx.Error(error);
    return ReplyRandomMembers(ctx, l);
  }
  SetObject* set;
  if (!FindSet(ctx, ctx.arg(1), &set)) return;
  if (set == nullptr) return ctx.reply.Null();
  ctx.reply.Bulk(set->MemberAt(absl::Uniform<size_t>(Random(), 0, set->size())));
}

// SMOVE source destination member, Redis's smoveCommand: 0 when the source is missing
// (whatever the destination holds), WRONGTYPE when either key holds another type, a
// membership test when source and destination are the same key, else 1 when the member
// moved (the source deleted when it empties; the destination created when missing).
void CmdSMove(CommandContext& ctx) {
  std::string_view src = ctx.arg(1), dst = ctx.arg(2), member = ctx.arg(3);
  KeyNode* src_node;
  if (!FindSetForWrite(ctx, src, &src_node)) return;
  if (src_node == nullptr) return ctx.reply.Integer(0);
  KeyNode* dst_node;
  if (!FindSetForWrite(ctx, dst, &dst_node)) return;
  SetObject* src_set = SetOf(src_node);
  if (src == dst) return ctx.reply.Integer(src_set->Contains(member));
  if (!ctx.MayDelete(src, src_set->size() == 1 && src_set->Contains(member))) return;
  if (!src_set->Remove(member)) return ctx.reply.Integer(0);
  FinishRemoval(ctx, src, src_node, 1, "srem");
  const SetObject::Limits limits = ReadLimits(ctx);
  Db& db = ctx.db(dst);
  // Found again: deleting the source may have changed the table the old node was in.
  bool wrong_type;
  dst_node = db.FindOfType(dst, ObjType::kSet, &wrong_type);
  if (dst_node == nullptr) dst_node = db.AddObject(dst, SetObject::Create(member, 1, limits));
  // The destination counts as written only when the member is new there, as in Redis.
  if (SetOf(dst_node)->Add(member, limits)) {
    db.NotifyWrite(dst);
    ctx.Notify(kNotifySet, "sadd", dst);
  }
  ctx.reply.Integer(1);
}

void CmdSInter(CommandContext& ctx) { SetOpGeneric(ctx, SetOp::kInter, false); }
void CmdSUnion(CommandContext& ctx) { SetOpGeneric(ctx, SetOp::kUnion, false); }
void CmdSDiff(CommandContext& ctx) { SetOpGeneric(ctx, SetOp::kDiff, false); }
void CmdSInterStore(CommandContext& ctx) { SetOpGeneric(ctx, SetOp::kInter, true); }
void CmdSUnionStore(CommandContext& ctx) { SetOpGeneric(ctx, SetOp::kUnion, true); }
void CmdSDiffStore(CommandContext& ctx) { SetOpGeneric(ctx, SetOp::kDiff, true); }

// SINTERCARD numkeys key [key ...] [LIMIT limit], Redis's sinterCardCommand: numkeys and
// the options are checked before any key; LIMIT 0 means no limit.
void CmdSInterCard(CommandContext& ctx) {
  int64_t numkeys;
  if (!ParseInt64(ctx.arg(1), &numkeys) || numkeys < 1) {
    return ctx.Error(errors::kZNumKeysNotPositive);
  }
  if (static_cast<uint64_t>(numkeys) > ctx.argc() - 2) return ctx.Error(errors::kNumKeysTooMany);
  const size_t n = static_cast<size_t>(numkeys);
  int64_t limit = 0;
  for (size_t j = 2 + n; j < ctx.argc(); ++j) {
    if (IsOption(ctx.arg(j), "limit") && j + 1 < ctx.argc()) {
      ++j;
      if (!ParseInt64(ctx.arg(j), &limit) || limit < 0) return ctx.Error(errors::kZLimitNegative);
    } else {
      return ctx.Error(errors::kSyntax);
    }
  }
  std::vector<SetObject*> sets;
  if (!LoadSources(ctx, 2, n, &sets)) return;
  ctx.reply.Integer(static_cast<int64_t>(Intersect(sets, static_cast<size_t>(limit)).size()));
}

// SSCAN key cursor [MATCH pattern] [COUNT count]: Redis's order of checks (cursor, then
// the key, then the options: a missing key replies an empty scan whatever follows). See
// SetObject::Scan for what the cursor means. MATCH filters members after COUNT picked
// them, as in Redis. The reply is [cursor, [member, ...]] in both protocols.
void CmdSScan(CommandContext& ctx) {
  uint64_t cursor;
  SetObject* set;
  ScanOptions options;
  if (!BeginObjectScan(ctx, ObjType::kSet, &cursor, &set, &options)) return;
  std::vector<std::string> page;
  const uint64_t next = set->Scan(cursor, static_cast<size_t>(options.count), &page);
  std::vector<std::string_view> items;
  items.reserve(page.size());
  for (const std::string& m : page) {
    if (options.Matches(m)) items.push_back(m);
  }
  ctx.reply.Array(2);
  ctx.reply.Bulk(StrCat(next));
  ctx.reply.BulkArray(items.data(), items.size());
}

}  // namespace shoal::engine
