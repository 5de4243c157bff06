// Sorted sets: ZADD, ZRANGE (and its BYSCORE / BYLEX / REV / STORE variants), ZPOPMIN,
// ZMPOP, ZUNION / ZINTER / ZDIFF, ZSCAN, ... with Redis 7's replies and errors, plus
// Shoal's native ZPOPBYSCORE (DESIGN.md). The value is a ZSetObject
// (engine/zset_object.h): a sorted vector ("listpack") while it has at most
// zset-max-listpack-entries members and none longer than zset-max-listpack-value bytes,
// then, for good, a skiplist plus a member -> score map. Each write reads both limits once
// from the config (a mutex) and passes them to the object.
//
// Keys: a write on a missing key creates the set only when it adds a member; a write that
// removes the last member deletes the key. Writes change the object in place (the key
// keeps its TTL) and call Db::NotifyWrite; the STORE commands replace the destination, as
// Redis's setKey (any type, TTL dropped), or delete it when the result is empty. Reads on
// a missing key reply as on an empty set.
//
// Scores: parsed as Redis's string2d (ZADD, ZINCRBY, WEIGHTS) or, for range bounds, as
// its zslParseRange (strtod over the text after an optional '('). Replies use
// ReplyWriter::Double: a RESP3 double, or a bulk string in RESP2. Lists of (member, score)
// are flat in RESP2 and nested pairs in RESP3, as Redis 7 replies them.
//
// Multi-key commands (ZUNION..., ZINTERCARD, ZMPOP, ZRANGESTORE) name their keys through
// the table (a keys_fn for the numkeys forms); when they span shards they run with every
// involved shard parked, so handlers reach each key through ctx.db(key). A keys_fn and its
// handler agree on which arguments are keys: the handler validates numkeys before it
// touches any key.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/random/random.h"
#include "engine/args.h"
#include "engine/command_context.h"
#include "engine/config.h"
#include "engine/errors.h"
#include "engine/families.h"
#include "engine/scan_args.h"
#include "engine/set_object.h"
#include "engine/shard.h"
#include "engine/zset_object.h"
#include "protocol/strings.h"

namespace shoal::engine {
namespace {

using Entry = ZSetObject::Entry;
// A (member, score) copied out of a set, to outlive changes to it.
using OwnedEntry = std::pair<std::string, double>;

ZSetObject::Limits ReadLimits(CommandContext& ctx) {
  return ctx.engine().config().GetListpackLimits("zset");
}

ZSetObject* ZSetOf(KeyNode* node) { return static_cast<ZSetObject*>(Db::ObjectOf(node)); }

// The set at `key` for a read, or null when missing (counted in keyspace hits/misses).
// False after replying WRONGTYPE.
bool FindZSet(CommandContext& ctx, std::string_view key, ZSetObject** zset) {
  return FindObject(ctx, key, ObjType::kZSet, zset);
}

// The set at `key` for a write, or null when missing (no create). False after replying
// WRONGTYPE.
bool FindZSetForWrite(CommandContext& ctx, std::string_view key, ZSetObject** zset) {
  return FindObjectForWrite(ctx, key, ObjType::kZSet, zset);
}

// After a write that changed `removed` members (added, updated or removed): publishes
// `event` ("zadd", "zrem", "zpopmin", ...) when something changed, deletes the key when the
// set is empty ("del"), else notifies the write.
void FinishRemoval(CommandContext& ctx, std::string_view key, const ZSetObject* zset,
                   size_t removed, std::string_view event) {
  if (removed > 0) ctx.Notify(kNotifyZset, event, key);
  if (zset->size() == 0) {
    ctx.db(key).Delete(key);
    ctx.Notify(kNotifyGeneric, "del", key);
  } else if (removed > 0) {
    ctx.db(key).NotifyWrite(key);
  }
}

// Redis's zslParseRangeItem: "(x" excludes x; x is read by strtod over the whole rest of
// the text (so "" reads as 0, as in Redis); NaN is refused.
bool ParseScoreBound(std::string_view arg, double* value, bool* exclusive) {
  std::string text(arg);
  const char* p = text.c_str();
  *exclusive = *p == '(';
  if (*exclusive) ++p;
  char* end;
  *value = std::strtod(p, &end);
  return *end == '\0' && !std::isnan(*value);
}

bool ParseScoreRange(std::string_view min, std::string_view max, ds::ScoreRange* range) {
  return ParseScoreBound(min, &range->min, &range->minex) &&
         ParseScoreBound(max, &range->max, &range->maxex);
}

// Redis's start/end normalisation for rank ranges (negative counts from the end). False
// when the range is empty.
bool NormalizeRanks(int64_t start, int64_t end, size_t size, ZSetObject::RankSpan* span) {
  const int64_t len = static_cast<int64_t>(size);
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return false;
  if (end >= len) end = len - 1;
  span->first = static_cast<size_t>(start);
  span->count = static_cast<size_t>(end - start + 1);
  return true;
}

// A member/score list: flat in RESP2 (scores as bulk strings), pairs in RESP3; members
// only without scores.
template <typename E>
void ReplyEntries(CommandContext& ctx, const std::vector<E>& entries, bool with_scores) {
  const bool resp3 = ctx.reply.resp() >= 3;
  ctx.reply.Array(with_scores && !resp3 ? 2 * entries.size() : entries.size());
  for (const E& e : entries) {
    if (with_scores && resp3) ctx.reply.Array(2);
    ctx.reply.Bulk(e.first);
    if (with_scores) ctx.reply.Double(e.second);
  }
}

std::vector<std::pair<std::string_view, double>> AsPairs(const std::vector<Entry>& entries) {
  std::vector<std::pair<std::string_view, double>> out;
  out.reserve(entries.size());
  for (const Entry& e : entries) out.emplace_back(e.member, e.score);
  return out;
}

// A new set holding `entries` (distinct members), encoded as the limits say.
template <typename E>
std::unique_ptr<ZSetObject> BuildSet(const std::vector<E>& entries,
                                     const ZSetObject::Limits& limits) {
  auto zset = std::make_unique<ZSetObject>();
  size_t max_len = 0;
  for (const E& e : entries) max_len = std::max(max_len, std::string_view(e.first).size());
  zset->PrepareFor(entries.size(), max_len, limits);
  for (const E& e : entries) zset->Insert(e.first, e.second, limits);
  return zset;
}

// Redis's STORE ending: `result` replaces `dst` whatever it held (its TTL dropped), or
// `dst` is deleted when the result is empty; replies the result's size.
void StoreResult(CommandContext& ctx, std::string_view dst, std::unique_ptr<ZSetObject> result) {
  Db& db = ctx.db(dst);
  const size_t n = result->size();
  if (!ctx.MayDelete(dst, n == 0)) return;
  KeyNode* old = db.Find(dst);
  if (old != nullptr) db.Delete(old);
  if (n > 0) db.AddObject(dst, std::move(result));
  ctx.NotifyStore(kNotifyZset, dst, n > 0, old != nullptr);
  ctx.reply.Integer(static_cast<int64_t>(n));
}

// Removes `count` members from the low (or, with `max`, the high) end of `zset` and
// returns copies in pop order.
std::vector<OwnedEntry> PopEnd(ZSetObject* zset, bool max, size_t count) {
  count = std::min(count, zset->size());
  std::vector<OwnedEntry> out;
  out.reserve(count);
  const size_t first = max ? zset->size() - count : 0;
  zset->Walk(max ? zset->size() - 1 : 0, count, max,
             [&](const Entry& e) { out.emplace_back(std::string(e.member), e.score); });
  zset->EraseRanks(first, count);
  return out;
}

// --- ZADD / ZINCRBY ------------------------------------------------------------------------

struct AddFlags {
  bool nx = false, xx = false, gt = false, lt = false, ch = false, incr = false;
};

enum class AddOutcome { kAdded, kUpdated, kUnchanged, kSkipped, kNan };

// Redis's zsetAdd for one (score, member). *new_score is the member's score afterwards
// when the outcome is not kSkipped / kNan.
AddOutcome AddOne(ZSetObject* zset, std::string_view member, double score, const AddFlags& f,
                  const ZSetObject::Limits& limits, double* new_score) {
  if (std::optional<double> cur = zset->Score(member)) {
    if (f.nx) return AddOutcome::kSkipped;
    if (f.incr) {
      score += *cur;
      if (std::isnan(score)) return AddOutcome::kNan;
    }
    if ((f.lt && score >= *cur) || (f.gt && score <= *cur)) return AddOutcome::kSkipped;
    *new_score = score;
    if (score == *cur) return AddOutcome::kUnchanged;
    zset->Update(member, *cur, score);
    return AddOutcome::kUpdated;
  }
  if (f.xx) return AddOutcome::kSkipped;
  zset->Insert(member, score, limits);
  *new_score = score;
  return AddOutcome::kAdded;
}

// Redis's zaddGenericCommand: options, then pairs; every score is parsed before the key
// is looked at, so a bad score changes nothing.
void AddMembers(CommandContext& ctx, bool zincrby) {
  AddFlags f;
  f.incr = zincrby;
  size_t idx = 2;
  for (; idx < ctx.argc(); ++idx) {
    std::string_view a = ctx.arg(idx);
    if (IsOption(a, "nx")) {
      f.nx = true;
    } else if (IsOption(a, "xx")) {
      f.xx = true;
    } else if (IsOption(a, "ch")) {
      f.ch = true;
    } else if (IsOption(a, "incr")) {
      f.incr = true;
    } else if (IsOption(a, "gt")) {
      f.gt = true;
    } else if (IsOption(a, "lt")) {
      f.lt = true;
    } else {
      break;
    }
  }
  size_t elements = ctx.argc() - idx;
  if (elements % 2 != 0 || elements == 0) return ctx.Error(errors::kSyntax);
  elements /= 2;
  if (f.nx && f.xx) return ctx.Error(errors::kZAddXxNx);
  if ((f.gt && f.nx) || (f.lt && f.nx) || (f.gt && f.lt)) return ctx.Error(errors::kZAddGtLtNx);
  if (f.incr && elements > 1) return ctx.Error(errors::kZAddIncrPair);
  std::vector<double> scores(elements);
  size_t max_len = 0;
  for (size_t j = 0; j < elements; ++j) {
    if (!ParseDouble(ctx.arg(idx + 2 * j), &scores[j])) return ctx.Error(errors::kNotFloat);
    max_len = std::max(max_len, ctx.arg(idx + 2 * j + 1).size());
  }
  const ZSetObject::Limits limits = ReadLimits(ctx);
  std::string_view key = ctx.arg(1);
  ZSetObject* zset;
  if (!FindZSetForWrite(ctx, key, &zset)) return;
  if (zset == nullptr) {
    if (f.xx) return f.incr ? ctx.reply.Null() : ctx.reply.Integer(0);
    auto created = std::make_unique<ZSetObject>();
    zset = created.get();
    ctx.db(key).AddObject(key, std::move(created));
  }
  zset->PrepareFor(elements, max_len, limits);
  int64_t added = 0, updated = 0, processed = 0;
  double score = 0;
  bool nan = false;
  for (size_t j = 0; j < elements && !nan; ++j) {
    switch (AddOne(zset, ctx.arg(idx + 2 * j + 1), scores[j], f, limits, &score)) {
      case AddOutcome::kAdded: ++added; ++processed; break;
      case AddOutcome::kUpdated: ++updated; ++processed; break;
      case AddOutcome::kUnchanged: ++processed; break;
      case AddOutcome::kSkipped: break;
      case AddOutcome::kNan: nan = true; break;
    }
  }
  FinishRemoval(ctx, key, zset, static_cast<size_t>(added + updated),
                zincrby ? "zincr" : "zadd");
  if (nan) return ctx.Error(errors::kZScoreNan);
  if (f.incr) return processed ? ctx.reply.Double(score) : ctx.reply.Null();
  ctx.reply.Integer(f.ch ? added + updated : added);
}

// --- Ranges --------------------------------------------------------------------------------

enum class RangeType { kAuto, kRank, kScore, kLex };
enum class Direction { kAuto, kForward, kReverse };

// Redis's zrangeGenericCommand, for ZRANGE, ZREVRANGE, Z[REV]RANGEBY{SCORE,LEX} and
// ZRANGESTORE (store: args are dst src ...). Options are parsed, then the range, then the
// key is looked up.
void RangeGeneric(CommandContext& ctx, bool store, RangeType type, Direction dir) {
  const size_t key_idx = store ? 2 : 1;
  size_t min_idx = key_idx + 1, max_idx = key_idx + 2;
  bool with_scores = false;
  int64_t offset = 0, limit = -1;
  for (size_t j = key_idx + 3; j < ctx.argc(); ++j) {
    const size_t left = ctx.argc() - j - 1;
    std::string_view a = ctx.arg(j);
    if (!store && IsOption(a, "withscores")) {
      with_scores = true;
    } else if (IsOption(a, "limit") && left >= 2) {
      if (!ParseInt64(ctx.arg(j + 1), &offset) || !ParseInt64(ctx.arg(j + 2), &limit)) {
        return ctx.Error(errors::kNotInteger);
      }
      j += 2;
    } else if (dir == Direction::kAuto && IsOption(a, "rev")) {
      dir = Direction::kReverse;
    } else if (type == RangeType::kAuto && IsOption(a, "bylex")) {
      type = RangeType::kLex;
    } else if (type == RangeType::kAuto && IsOption(a, "byscore")) {
      type = RangeType::kScore;
    } else {
      return ctx.Error(errors::kSyntax);
    }
  }
  if (type == RangeType::kAuto) type = RangeType::kRank;
  const bool reverse = dir == Direction::kReverse;
  if (limit != -1 && type == RangeType::kRank) return ctx.Error(errors::kZLimitNeedsBy);
  if (with_scores && type == RangeType::kLex) return ctx.Error(errors::kZWithScoresByLex);
  if (reverse && type != RangeType::kRank) std::swap(min_idx, max_idx);

  int64_t start = 0, end = 0;
  ds::ScoreRange score_range{};
  std::optional<ds::LexRange> lex_range;
  switch (type) {
    case RangeType::kAuto:
    case RangeType::kRank:
      if (!ParseInt64(ctx.arg(min_idx), &start) || !ParseInt64(ctx.arg(max_idx), &end)) {
        return ctx.Error(errors::kNotInteger);
      }
      break;
    case RangeType::kScore:
      if (!ParseScoreRange(ctx.arg(min_idx), ctx.arg(max_idx), &score_range)) {
        return ctx.Error(errors::kZMinMaxNotFloat);
      }
      break;
    case RangeType::kLex:
      lex_range = ds::LexRange::Parse(ctx.arg(min_idx), ctx.arg(max_idx));
      if (!lex_range) return ctx.Error(errors::kZMinMaxNotString);
      break;
  }

  ZSetObject* zset;
  if (!FindZSet(ctx, ctx.arg(key_idx), &zset)) return;
  std::vector<Entry> out;
  if (zset != nullptr) {
    auto collect = [&](const Entry& e) { out.push_back(e); };
    ZSetObject::RankSpan span;
    if (type == RangeType::kRank) {
      if (NormalizeRanks(start, end, zset->size(), &span)) {
        out.reserve(span.count);
        zset->Walk(reverse ? zset->size() - 1 - span.first : span.first, span.count, reverse,
                   collect);
      }
    } else {
      span = type == RangeType::kScore ? zset->ScoreSpan(score_range) : zset->LexSpan(*lex_range);
      // A negative offset skips everything, a negative limit takes everything (Redis).
      if (offset >= 0 && static_cast<uint64_t>(offset) < span.count) {
        size_t take = span.count - static_cast<size_t>(offset);
        if (limit >= 0) take = std::min<size_t>(take, static_cast<uint64_t>(limit));
        const size_t from = reverse ? span.first + span.count - 1 - static_cast<size_t>(offset)
                                    : span.first + static_cast<size_t>(offset);
        zset->Walk(from, take, reverse, collect);
      }
    }
  }
  if (store) return StoreResult(ctx, ctx.arg(1), BuildSet(AsPairs(out), ReadLimits(ctx)));
  ReplyEntries(ctx, AsPairs(out), with_scores);
}

// Redis's zremrangeGenericCommand: the range is parsed before the key is looked up.
void RemoveRange(CommandContext& ctx, RangeType type) {
  int64_t start = 0, end = 0;
  ds::ScoreRange score_range{};
  std::optional<ds::LexRange> lex_range;
  if (type == RangeType::kRank) {
    if (!ParseInt64(ctx.arg(2), &start) || !ParseInt64(ctx.arg(3), &end)) {
      return ctx.Error(errors::kNotInteger);
    }
  } else if (type == RangeType::kScore) {
    if (!ParseScoreRange(ctx.arg(2), ctx.arg(3), &score_range)) {
      return ctx.Error(errors::kZMinMaxNotFloat);
    }
  } else {
    lex_range = ds::LexRange::Parse(ctx.arg(2), ctx.arg(3));
    if (!lex_range) return ctx.Error(errors::kZMinMaxNotString);
  }
  std::string_view key = ctx.arg(1);
  ZSetObject* zset;
  if (!FindZSetForWrite(ctx, key, &zset)) return;
  if (zset == nullptr) return ctx.reply.Integer(0);
  ZSetObject::RankSpan span;
  if (type == RangeType::kRank) {
    if (!NormalizeRanks(start, end, zset->size(), &span)) span = {};
  } else {
    span = type == RangeType::kScore ? zset->ScoreSpan(score_range) : zset->LexSpan(*lex_range);
  }
  if (!ctx.MayDelete(key, span.count == zset->size())) return;
  zset->EraseRanks(span.first, span.count);
  FinishRemoval(ctx, key, zset, span.count, ctx.spec.name);  // "zremrangebyscore", ...
  ctx.reply.Integer(static_cast<int64_t>(span.count));
}

// --- Pops ----------------------------------------------------------------------------------

// ZPOPMIN / ZPOPMAX key [count], Redis's zpopMinMaxCommand: without a count a flat
// [member, score]; with one, pairs (flat in RESP2, nested in RESP3). A missing key or a
// count of 0 replies an empty array.
void PopMinMax(CommandContext& ctx, bool max) {
  if (ctx.argc() > 3) return ctx.Error(errors::kSyntax);
  int64_t count = -1;
  if (ctx.argc() == 3) {
    if (!ParseInt64(ctx.arg(2), &count)) return ctx.Error(errors::kNotInteger);
    if (count < 0) return ctx.Error(errors::kCountOutOfRange);
  }
  std::string_view key = ctx.arg(1);
  ZSetObject* zset;
  if (!FindZSetForWrite(ctx, key, &zset)) return;
  if (zset == nullptr || count == 0) return ctx.reply.Array(0);
  if (!ctx.MayDelete(key, static_cast<uint64_t>(count == -1 ? 1 : count) >= zset->size())) return;
  std::vector<OwnedEntry> popped =
      PopEnd(zset, max, count == -1 ? 1 : static_cast<size_t>(count));
  FinishRemoval(ctx, key, zset, popped.size(), max ? "zpopmax" : "zpopmin");
  if (count == -1 && ctx.reply.resp() >= 3) {  // one element: flat even in RESP3
    ctx.reply.Array(2);
    ctx.reply.Bulk(popped[0].first);
    return ctx.reply.Double(popped[0].second);
  }
  ReplyEntries(ctx, popped, true);
}

// The keys of a command whose args[index] is numkeys, followed by that many keys: false
// when numkeys is no integer >= 1 or there are fewer arguments (the handler then replies
// an error without touching a key).
bool NumKeysSpan(ArgList args, size_t index, size_t* first, size_t* count) {
  int64_t n;
  if (index >= args.size() || !ParseInt64(args[index], &n) || n < 1) return false;
  if (static_cast<uint64_t>(n) > args.size() - index - 1) return false;
  *first = index + 1;
  *count = static_cast<size_t>(n);
  return true;
}

// --- Set operations ------------------------------------------------------------------------

enum class SetOp { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

// Redis's zunionInterAggregate: a sum that is NaN (inf + -inf) becomes 0.
void AggregateInto(double* target, double value, Aggregate aggregate) {
  switch (aggregate) {
    case Aggregate::kSum:
      *target += value;
      if (std::isnan(*target)) *target = 0;
      break;
    case Aggregate::kMin:
      *target = value < *target ? value : *target;
      break;
    case Aggregate::kMax:
      *target = value > *target ? value : *target;
      break;
  }
}

bool ByScoreThenMember(const OwnedEntry& a, const OwnedEntry& b) {
  return a.second < b.second || (a.second == b.second && a.first < b.first);
}

// A source of ZUNION / ZINTER / ZDIFF (Redis's zsetopsrc): a sorted set, or a plain set
// whose members all score 1; both null for a missing key.
struct OpSource {
  const ZSetObject* zset = nullptr;
  const SetObject* set = nullptr;
  double weight = 1;

  bool missing() const { return zset == nullptr && set == nullptr; }
  size_t size() const { return zset ? zset->size() : set ? set->size() : 0; }
  std::optional<double> Score(std::string_view member) const {
    if (zset) return zset->Score(member);
    if (set && set->Contains(member)) return 1.0;
    return std::nullopt;
  }
  // Calls fn(member, score) for every member.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (zset) {
      zset->Walk(0, zset->size(), false, [&](const Entry& e) { fn(e.member, e.score); });
    } else if (set) {
      set->ForEach([&](std::string_view m) { fn(m, 1.0); });
    }
  }
};

// The sorted set or set at `key` (counted in keyspace hits/misses). False after replying
// WRONGTYPE for any other type.
bool FindOpSource(CommandContext& ctx, std::string_view key, OpSource* src) {
  KeyNode* node = ctx.db(key).FindRead(key);
  if (node == nullptr) return true;
  if (Db::TypeOf(node) == ObjType::kZSet) {
    src->zset = ZSetOf(node);
  } else if (Db::TypeOf(node) == ObjType::kSet) {
    src->set = static_cast<const SetObject*>(Db::ObjectOf(node));
  } else {
    ctx.Error(errors::kWrongType);
    return false;
  }
  return true;
}

// Redis's zunionInterDiffGenericCommand for ZUNION, ZINTER, ZDIFF (store: their STORE
// forms, args dst numkeys ...) and ZINTERCARD (card). Checks: numkeys, the sources'
// types, then the options. Sources may be sorted sets or plain sets (every member of a set
// scores 1, times its weight), as in Redis.
void SetOpGeneric(CommandContext& ctx, bool store, SetOp op, bool card) {
  const size_t numkeys_idx = store ? 2 : 1;
  int64_t setnum;
  if (!ParseInt64(ctx.arg(numkeys_idx), &setnum)) return ctx.Error(errors::kNotInteger);
  if (setnum < 1) return ctx.Error(errors::AtLeastOneInputKey(ctx.spec.name));
  if (static_cast<uint64_t>(setnum) > ctx.argc() - (numkeys_idx + 1)) {
    return ctx.Error(errors::kSyntax);
  }
  const size_t n = static_cast<size_t>(setnum);
  std::vector<OpSource> src(n);
  for (size_t i = 0; i < n; ++i) {
    if (!FindOpSource(ctx, ctx.arg(numkeys_idx + 1 + i), &src[i])) return;
  }
  Aggregate aggregate = Aggregate::kSum;
  bool with_scores = false;
  int64_t limit = 0;
  for (size_t j = numkeys_idx + 1 + n; j < ctx.argc();) {
    const size_t remaining = ctx.argc() - j;
    std::string_view a = ctx.arg(j);
    if (op != SetOp::kDiff && !card && remaining >= n + 1 && IsOption(a, "weights")) {
      ++j;
      for (size_t i = 0; i < n; ++i, ++j) {
        if (!ParseDouble(ctx.arg(j), &src[i].weight)) return ctx.Error(errors::kZWeightNotFloat);
      }
    } else if (op != SetOp::kDiff && !card && remaining >= 2 && IsOption(a, "aggregate")) {
      std::string_view how = ctx.arg(j + 1);
      if (IsOption(how, "sum")) {
        aggregate = Aggregate::kSum;
      } else if (IsOption(how, "min")) {
        aggregate = Aggregate::kMin;
      } else if (IsOption(how, "max")) {
        aggregate = Aggregate::kMax;
      } else {
        return ctx.Error(errors::kSyntax);
      }
      j += 2;
    } else if (!store && !card && IsOption(a, "withscores")) {
      with_scores = true;
      ++j;
    } else if (card && remaining >= 2 && IsOption(a, "limit")) {
      if (!ParseInt64(ctx.arg(j + 1), &limit) || limit < 0) {
        return ctx.Error(errors::kZLimitNegative);
      }
      j += 2;
    } else {
      return ctx.Error(errors::kSyntax);
    }
  }

  auto weighted = [](double weight, double score) {
    double v = weight * score;
    return std::isnan(v) ? 0.0 : v;
  };
  std::vector<OwnedEntry> result;
  int64_t cardinality = 0;
  if (op == SetOp::kUnion) {
    absl::flat_hash_map<std::string, double> acc;
    for (const OpSource& s : src) {
      s.ForEach([&](std::string_view member, double score) {
        const double v = weighted(s.weight, score);
        auto [it, added] = acc.try_emplace(AsAbsl(member), v);
        if (!added) AggregateInto(&it->second, v, aggregate);
      });
    }
    result.reserve(acc.size());
    for (auto& [member, score] : acc) result.emplace_back(member, score);
  } else if (op == SetOp::kInter) {
    const bool any_missing =
        std::any_of(src.begin(), src.end(), [](const OpSource& s) { return s.missing(); });
    if (!any_missing) {
      // Walk the smallest set and probe the others, as Redis does.
      std::stable_sort(src.begin(), src.end(), [](const OpSource& a, const OpSource& b) {
        return a.size() < b.size();
      });
      bool done = false;
      src[0].ForEach([&](std::string_view member, double first_score) {
        if (done) return;
        double score = weighted(src[0].weight, first_score);
        for (size_t i = 1; i < n; ++i) {
          std::optional<double> other = src[i].Score(member);
          if (!other) return;
          AggregateInto(&score, src[i].weight * *other, aggregate);
        }
        ++cardinality;
        if (card) {
          done = limit > 0 && cardinality >= limit;
        } else {
          result.emplace_back(std::string(member), score);
        }
      });
    }
  } else {  // kDiff
    src[0].ForEach([&](std::string_view member, double score) {
      for (size_t i = 1; i < n; ++i) {
        if (src[i].Score(member)) return;
      }
      result.emplace_back(std::string(member), score);
    });
  }
  if (card) return ctx.reply.Integer(cardinality);
  std::sort(result.begin(), result.end(), ByScoreThenMember);
  if (store) return StoreResult(ctx, ctx.arg(1), BuildSet(result, ReadLimits(ctx)));
  ReplyEntries(ctx, result, with_scores);
}

absl::BitGen& Random() {
  thread_local absl::BitGen gen;
  return gen;
}

}  // namespace

// --- Key specs -----------------------------------------------------------------------------

void ZNumKeysKeys(ArgList args, KeyList* keys) {
  size_t first, count;
  if (!NumKeysSpan(args, 1, &first, &count)) return;
  for (size_t i = 0; i < count; ++i) keys->push_back(args[first + i]);
}

void ZStoreNumKeysKeys(ArgList args, KeyList* keys) {
  if (args.size() < 2) return;
  keys->push_back(args[1]);
  size_t first, count;
  if (!NumKeysSpan(args, 2, &first, &count)) return;
  for (size_t i = 0; i < count; ++i) keys->push_back(args[first + i]);
}

// --- Handlers ------------------------------------------------------------------------------

void CmdZAdd(CommandContext& ctx) { AddMembers(ctx, false); }
// ZINCRBY key increment member: ZADD INCR, as Redis runs it.
void CmdZIncrBy(CommandContext& ctx) { AddMembers(ctx, true); }

// ZREM key member [member ...]: how many were removed; deletes the key when none remain.
void CmdZRem(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  ZSetObject* zset;
  if (!FindZSetForWrite(ctx, key, &zset)) return;
  if (zset == nullptr) return ctx.reply.Integer(0);
  auto contains = [&](std::string_view m) { return zset->Score(m).has_value(); };
  if (!ctx.MayDelete(key, RemovesAll(ctx, 2, zset->size(), contains))) return;
  size_t removed = 0;
  for (size_t i = 2; i < ctx.argc() && zset->size() > 0; ++i) removed += zset->Erase(ctx.arg(i));
  FinishRemoval(ctx, key, zset, removed, "zrem");
  ctx.reply.Integer(static_cast<int64_t>(removed));
}

void CmdZCard(CommandContext& ctx) {
  ZSetObject* zset;
  if (!FindZSet(ctx, ctx.arg(1), &zset)) return;
  ctx.reply.Integer(zset ? static_cast<int64_t>(zset->size()) : 0);
}

void CmdZScore(CommandContext& ctx) {
  ZSetObject* zset;
  if (!FindZSet(ctx, ctx.arg(1), &zset)) return;
  std::optional<double> score = zset ? zset->Score(ctx.arg(2)) : std::nullopt;
  score ? ctx.reply.Double(*score) : ctx.reply.Null();
}

// ZMSCORE key member [member ...]: a score or nil per member (all nil on a missing key).
void CmdZMScore(CommandContext& ctx) {
  ZSetObject* zset;
  if (!FindZSet(ctx, ctx.arg(1), &zset)) return;
  ctx.reply.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    std::optional<double> score = zset ? zset->Score(ctx.arg(i)) : std::nullopt;
    score ? ctx.reply.Double(*score) : ctx.reply.Null();
  }
}

namespace {
// ZRANK / ZREVRANK key member [WITHSCORE], Redis's zrankGenericCommand: nil (a null array
// with WITHSCORE) when the key or member is missing.
void RankOf(CommandContext& ctx, bool reverse) {
  if (ctx.argc() > 4) return ctx.Error(errors::WrongArgs(ctx.spec.name));
  const bool with_score = ctx.argc() == 4;
  if (with_score && !IsOption(ctx.arg(3), "withscore")) return ctx.Error(errors::kSyntax);
  ZSetObject* zset;
  if (!FindZSet(ctx, ctx.arg(1), &zset)) return;
  std::optional<double> score = zset ? zset->Score(ctx.arg(2)) : std::nullopt;
  if (!score) return with_score ? ctx.reply.NullArray() : ctx.reply.Null();
  size_t rank = zset->RankOf(ctx.arg(2), *score);
  if (reverse) rank = zset->size() - 1 - rank;
  if (with_score) ctx.reply.Array(2);
  ctx.reply.Integer(static_cast<int64_t>(rank));
  if (with_score) ctx.reply.Double(*score);
}
}  // namespace

void CmdZRank(CommandContext& ctx) { RankOf(ctx, false); }
void CmdZRevRank(CommandContext& ctx) { RankOf(ctx, true); }

// ZCOUNT key min max: the range is parsed before the key is looked up, as in Redis.
void CmdZCount(CommandContext& ctx) {
  ds::ScoreRange range{};
  if (!ParseScoreRange(ctx.arg(2), ctx.arg(3), &range)) return ctx.Error(errors::kZMinMaxNotFloat);
  ZSetObject* zset;
  if (!FindZSet(ctx, ctx.arg(1), &zset)) return;
  ctx.reply.Integer(zset ? static_cast<int64_t>(zset->ScoreSpan(range).count) : 0);
}

void CmdZLexCount(CommandContext& ctx) {
  std::optional<ds::LexRange> range = ds::LexRange::Parse(ctx.arg(2), ctx.arg(3));
  if (!range) return ctx.Error(errors::kZMinMaxNotString);
  ZSetObject* zset;
  if (!FindZSet(ctx, ctx.arg(1), &zset)) return;
  ctx.reply.Integer(zset ? static_cast<int64_t>(zset->LexSpan(*range).count) : 0);
}

void CmdZRange(CommandContext& ctx) {
  RangeGeneric(ctx, false, RangeType::kAuto, Direction::kAuto);
}
void CmdZRangeStore(CommandContext& ctx) {
  RangeGeneric(ctx, true, RangeType::kAuto, Direction::kAuto);
}
void CmdZRevRange(CommandContext& ctx) {
  RangeGeneric(ctx, false, RangeType::kRank, Direction::kReverse);
}
void CmdZRangeByScore(CommandContext& ctx) {
  RangeGeneric(ctx, false, RangeType::kScore, Direction::kForward);
}
void CmdZRevRangeByScore(CommandContext& ctx) {
  RangeGeneric(ctx, false, RangeType::kScore, Direction::kReverse);
}
void CmdZRangeByLex(CommandContext& ctx) {
  RangeGeneric(ctx, false, RangeType::kLex, Direction::kForward);
}
void CmdZRevRangeByLex(CommandContext& ctx) {
  RangeGeneric(ctx, false, RangeType::kLex, Direction::kReverse);
}

void CmdZRemRangeByScore(CommandContext& ctx) { RemoveRange(ctx, RangeType::kScore); }
void CmdZRemRangeByRank(CommandContext& ctx) { RemoveRange(ctx, RangeType::kRank); }
void CmdZRemRangeByLex(CommandContext& ctx) { RemoveRange(ctx, RangeType::kLex); }

namespace {
// The sorted set a pop (ZMPOP, and the blocking pops when they try or are woken) works
// on. Returns the pop's result when there is nothing to pop: false for a missing key;
// for another type, WRONGTYPE and true on a first try (`wrong_type_is_error`), or false
// when a blocked client is woken, which Redis passes over. nullopt: *zset is the set.
std::optional<bool> FindZSetToPop(CommandContext& ctx, std::string_view key,
                                  bool wrong_type_is_error, ZSetObject** zset) {
  bool wrong_type;
  KeyNode* node = ctx.db(key).FindOfType(key, ObjType::kZSet, &wrong_type);
  if (wrong_type) {
    if (wrong_type_is_error) ctx.Error(errors::kWrongType);
    return wrong_type_is_error;
  }
  if (node == nullptr) return false;
  *zset = ZSetOf(node);
  return std::nullopt;
}

// Pops one member from `key` for BZPOPMIN / BZPOPMAX and replies [key, member, score]
// (the score a double in RESP3); false when the key holds no sorted set. A key of another
// type answers WRONGTYPE on the first try (`wrong_type_is_error`), and is passed over when
// a blocked client is woken, as Redis does.
bool TryBlockingPop(CommandContext& ctx, std::string_view key, bool max, bool wrong_type_is_error) {
  ZSetObject* zset;
  if (std::optional<bool> done = FindZSetToPop(ctx, key, wrong_type_is_error, &zset)) return *done;
  if (!ctx.MayDelete(key, zset->size() == 1, wrong_type_is_error)) return wrong_type_is_error;
  std::vector<OwnedEntry> popped = PopEnd(zset, max, 1);
  FinishRemoval(ctx, key, zset, popped.size(), max ? "zpopmax" : "zpopmin");
  // Journaled as ZPOPMIN / ZPOPMAX key, as Redis does.
  if (ctx.journaling()) ctx.Propagate({max ? "ZPOPMAX" : "ZPOPMIN", key});
  ctx.reply.Array(3);
  ctx.reply.Bulk(key);
  ctx.reply.Bulk(popped[0].first);
  ctx.reply.Double(popped[0].second);
  return true;
}

bool ServeBZPopMin(CommandContext& ctx, std::string_view key) {
  return TryBlockingPop(ctx, key, false, false);
}
bool ServeBZPopMax(CommandContext& ctx, std::string_view key) {
  return TryBlockingPop(ctx, key, true, false);
}

// BZPOPMIN|BZPOPMAX key [key ...] timeout: the first non-empty key in order, else block.
void BlockingPopMinMax(CommandContext& ctx, bool max) {
  int64_t deadline = 0;
  std::string_view error = ParseBlockTimeout(ctx.arg(ctx.argc() - 1), ctx.now_ms(), &deadline);
  if (!error.empty()) return ctx.Error(error);
  std::vector<std::string_view> keys(ctx.args.begin() + 1, ctx.args.end() - 1);
  for (std::string_view key : keys) {
    if (TryBlockingPop(ctx, key, max, true)) return;
  }
  ctx.Block(keys, deadline, max ? ServeBZPopMax : ServeBZPopMin);
}
}  // namespace

void CmdBZPopMin(CommandContext& ctx) { BlockingPopMinMax(ctx, false); }
void CmdBZPopMax(CommandContext& ctx) { BlockingPopMinMax(ctx, true); }

void CmdZPopMin(CommandContext& ctx) { PopMinMax(ctx, false); }
void CmdZPopMax(CommandContext& ctx) { PopMinMax(ctx, true); }

namespace {
// [B]ZMPOP's arguments from numkeys on (args.h).
std::string_view ParseMPop(ArgList args, size_t numkeys_idx, MPopArgs* a) {
  return ParseMPopArgs(args.data(), args.size(), numkeys_idx, "min", "max", a);
}

// Pops from `key` and replies [key, [[member, score], ...]] (nested in both protocols);
// false when the key holds no sorted set (WRONGTYPE replied when wrong_type_is_error).
bool TryMPop(CommandContext& ctx, std::string_view key, const MPopArgs& a,
             bool wrong_type_is_error) {
  ZSetObject* zset;
  if (std::optional<bool> done = FindZSetToPop(ctx, key, wrong_type_is_error, &zset)) return *done;
  if (!ctx.MayDelete(key, a.count >= zset->size(), wrong_type_is_error)) return wrong_type_is_error;
  std::vector<OwnedEntry> popped = PopEnd(zset, a.second_end, a.count);
  FinishRemoval(ctx, key, zset, popped.size(), a.second_end ? "zpopmax" : "zpopmin");
  // Journaled as ZPOPMIN / ZPOPMAX key count, as Redis 7 propagates [B]ZMPOP.
  if (ctx.journaling()) {
    ctx.Propagate({a.second_end ? "ZPOPMAX" : "ZPOPMIN", key, StrCat(a.count)});
  }
  ctx.reply.Array(2);
  ctx.reply.Bulk(key);
  ctx.reply.Array(popped.size());
  for (const auto& [member, score] : popped) {
    ctx.reply.Array(2);
    ctx.reply.Bulk(member);
    ctx.reply.Double(score);
  }
  return true;
}

bool ServeBZMPop(CommandContext& ctx, std::string_view key) {
  MPopArgs a;
  return ParseMPop(ctx.args, 2, &a).empty() && TryMPop(ctx, key, a, false);
}
}  // namespace

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count], Redis's zmpopGenericCommand: pops
// from the first non-empty key; replies [key, [[member, score], ...]] (nested in both
// protocols), or a null array when every key is missing.
void CmdZMPop(CommandContext& ctx) {
  MPopArgs a;
  std::string_view error = ParseMPop(ctx.args, 1, &a);
  if (!error.empty()) return ctx.Error(error);
  for (size_t i = 0; i < a.key_count; ++i) {
    if (TryMPop(ctx, ctx.arg(a.first_key + i), a, true)) return;
  }
  ctx.reply.NullArray();
}

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]: ZMPOP that blocks.
void CmdBZMPop(CommandContext& ctx) {
  MPopArgs a;
  std::string_view error = ParseMPop(ctx.args, 2, &a);
  if (!error.empty()) return ctx.Error(error);
  int64_t deadline = 0;
  error = ParseBlockTimeout(ctx.arg(1), ctx.now_ms(), &deadline);
  if (!error.empty()) return ctx.Error(error);
  std::vector<std::string_view> keys(ctx.args.begin() + a.first_key,
                                     ctx.args.begin() + a.first_key + a.key_count);
  for (std::string_view key : keys) {
    if (TryMPop(ctx, key, a, true)) return;
  }
  ctx.Block(keys, deadline, ServeBZMPop);
}

// ZPOPBYSCORE key max [MIN min] [COUNT n] [WITHSCORES] (Shoal, DESIGN.md): removes and
// returns the lowest-scored members whose score lies in [min, max] (min defaults to
// -inf; both take Redis's range syntax). Without COUNT: the member (with WITHSCORES,
// [member, score]) or nil; with COUNT: an array of up to n, as ZPOPMIN with a count.
void CmdZPopByScore(CommandContext& ctx) {
  std::string_view min_arg = "-inf";
  int64_t count = -1;
  bool with_scores = false;
  for (size_t j = 3; j < ctx.argc(); ++j) {
    std::string_view a = ctx.arg(j);
    if (IsOption(a, "min") && j + 1 < ctx.argc()) {
      min_arg = ctx.arg(++j);
    } else if (IsOption(a, "count") && j + 1 < ctx.argc()) {
      if (!ParseInt64(ctx.arg(++j), &count)) return ctx.Error(errors::kNotInteger);
      if (count < 0) return ctx.Error(errors::kCountOutOfRange);
    } else if (IsOption(a, "withscores")) {
      with_scores = true;
    } else {
      return ctx.Error(errors::kSyntax);
    }
  }
  ds::ScoreRange range{};
  if (!ParseScoreRange(min_arg, ctx.arg(2), &range)) return ctx.Error(errors::kZMinMaxNotFloat);
  std::string_view key = ctx.arg(1);
  ZSetObject* zset;
  if (!FindZSetForWrite(ctx, key, &zset)) return;
  std::vector<OwnedEntry> popped;
  if (zset != nullptr) {
    ZSetObject::RankSpan span = zset->ScoreSpan(range);
    const size_t n = std::min<size_t>(span.count, count == -1 ? 1 : static_cast<size_t>(count));
    if (!ctx.MayDelete(key, n == zset->size())) return;
    zset->Walk(span.first, n, false,
               [&](const Entry& e) { popped.emplace_back(std::string(e.member), e.score); });
    zset->EraseRanks(span.first, n);
    FinishRemoval(ctx, key, zset, n, "zpopmin");
  }
  if (count != -1) return ReplyEntries(ctx, popped, with_scores);
  if (popped.empty()) return with_scores ? ctx.reply.NullArray() : ctx.reply.Null();
  if (with_scores) ctx.reply.Array(2);
  ctx.reply.Bulk(popped[0].first);
  if (with_scores) ctx.reply.Double(popped[0].second);
}

namespace {

// BZPOPBYSCORE key [key ...] max timeout [COUNT n] [WITHSCORES], read from the end: the
// options, then timeout and max; the rest are the keys.
struct PopByScoreArgs {
  size_t first_key = 1, key_count = 0;
  std::string_view max, timeout;
  bool max_is_now = false;
  int64_t count = -1;  // -1: no COUNT
};

// "" or the error to reply. Used by the keys_fn too, which ignores the error.
std::string_view ParsePopByScore(ArgList args, PopByScoreArgs* a) {
  size_t end = args.size();
  for (int pass = 0; pass < 2 && end > 3; ++pass) {
    if (IsOption(args[end - 1], "withscores")) {
      --end;  // accepted: BZPOPBYSCORE always replies with scores, as BZPOPMIN does
    } else if (end > 4 && IsOption(args[end - 2], "count")) {
      if (!ParseInt64(args[end - 1], &a->count)) return errors::kNotInteger;
      if (a->count < 1) return errors::kCountOutOfRange;
      end -= 2;
    }
  }
  if (end < 4) return errors::kSyntax;
  a->max = args[end - 2];
  a->timeout = args[end - 1];
  a->max_is_now = IsOption(a->max, "now");
  a->key_count = end - 3;
  return "";
}

// Pops the due members of `key` (score <= max, max re-read from the clock for NOW) and
// replies [key, member, score], or [key, [[member, score], ...]] with COUNT. False when
// none is due; with NOW it then arms a wake-up for when the earliest member falls due, so
// a blocked client is woken by the clock exactly then, not by polling.
bool TryPopByScore(CommandContext& ctx, std::string_view key, bool wrong_type_is_error) {
  PopByScoreArgs a;
  if (!ParsePopByScore(ctx.args, &a).empty()) return false;
  ZSetObject* zset;
  if (std::optional<bool> done = FindZSetToPop(ctx, key, wrong_type_is_error, &zset)) return *done;
  ds::ScoreRange range{};
  if (a.max_is_now) {
    range = ds::ScoreRange{-INFINITY, static_cast<double>(ctx.now_ms()), false, false};
  } else if (!ParseScoreRange("-inf", a.max, &range)) {
    return false;  // checked by the handler before it blocked
  }
  ZSetObject::RankSpan span = zset->ScoreSpan(range);
  if (span.count == 0) {
    if (a.max_is_now) {
      double earliest = 0;
      zset->Walk(0, 1, false, [&](const Entry& e) { earliest = e.score; });
      if (earliest < 9e15) {  // a unix time in ms; larger scores never fall due
        ctx.engine().shard(ctx.engine().ShardOf(key)).blocking().WakeAt(
            ctx.session.db(), key, static_cast<int64_t>(std::ceil(earliest)));
      }
    }
    return false;
  }
  const size_t n = std::min<size_t>(span.count, a.count == -1 ? 1 : static_cast<size_t>(a.count));
  if (!ctx.MayDelete(key, n == zset->size(), wrong_type_is_error)) return wrong_type_is_error;
  std::vector<OwnedEntry> popped;
  zset->Walk(span.first, n, false,
             [&](const Entry& e) { popped.emplace_back(std::string(e.member), e.score); });
  zset->EraseRanks(span.first, n);
  FinishRemoval(ctx, key, zset, n, "zpopmin");
  // Journaled as ZREM of the members popped: NOW is the time of this run, not a replay's.
  if (ctx.journaling()) {
    std::vector<std::string> zrem = {"ZREM", std::string(key)};
    for (const OwnedEntry& e : popped) zrem.push_back(e.first);
    ctx.Propagate(std::move(zrem));
  }
  if (a.count == -1) {
    ctx.reply.Array(3);
    ctx.reply.Bulk(key);
    ctx.reply.Bulk(popped[0].first);
    ctx.reply.Double(popped[0].second);
    return true;
  }
  ctx.reply.Array(2);
  ctx.reply.Bulk(key);
  ctx.reply.Array(popped.size());
  for (const OwnedEntry& e : popped) {
    ctx.reply.Array(2);
    ctx.reply.Bulk(e.first);
    ctx.reply.Double(e.second);
  }
  return true;
}

bool ServePopByScore(CommandContext& ctx, std::string_view key) {
  return TryPopByScore(ctx, key, false);
}

}  // namespace

void PopByScoreKeys(ArgList args, KeyList* keys) {
  PopByScoreArgs a;
  if (!ParsePopByScore(args, &a).empty()) return;
  for (size_t i = 0; i < a.key_count; ++i) keys->push_back(args[a.first_key + i]);
}

// BZPOPBYSCORE key [key ...] max timeout [COUNT n] [WITHSCORES] (Shoal, DESIGN.md): as
// ZPOPBYSCORE over several keys (the first with a due member wins), blocking until a
// member is due. `max` may be NOW: the server's unix time in ms, re-read as time passes.
void CmdBZPopByScore(CommandContext& ctx) {
  PopByScoreArgs a;
  std::string_view error = ParsePopByScore(ctx.args, &a);
  if (!error.empty()) return ctx.Error(error);
  ds::ScoreRange range{};
  if (!a.max_is_now && !ParseScoreRange("-inf", a.max, &range)) {
    return ctx.Error(errors::kZMinMaxNotFloat);
  }
  int64_t deadline = 0;
  error = ParseBlockTimeout(a.timeout, ctx.now_ms(), &deadline);
  if (!error.empty()) return ctx.Error(error);
  std::vector<std::string_view> keys(ctx.args.begin() + 1, ctx.args.begin() + 1 + a.key_count);
  for (std::string_view key : keys) {
    if (TryPopByScore(ctx, key, true)) return;
  }
  ctx.Block(keys, deadline, ServePopByScore);
}

// ZRANDMEMBER key [count [WITHSCORES]], Redis's zrandmemberCommand: the count and options
// are checked before the key. A negative count may repeat members and returns exactly
// -count; a positive one returns min(count, size) distinct members. O(size + count).
void CmdZRandMember(CommandContext& ctx) {
  if (ctx.argc() >= 3) {
    int64_t l;
    bool with_scores;
    std::string_view error = ParseRandomCount(ctx.args.data(), ctx.argc(), "withscores", &l, &with_scores);
    if (!error.empty()) return ctx.Error(error);
    ZSetObject* zset;
    if (!FindZSet(ctx, ctx.arg(1), &zset)) return;
    if (zset == nullptr || l == 0) return ctx.reply.Array(0);
    std::vector<std::pair<std::string_view, double>> all;
    all.reserve(zset->size());
    zset->Walk(0, zset->size(), false,
               [&](const Entry& e) { all.emplace_back(e.member, e.score); });
    // Emitted as drawn, never gathered: a count of -2^62 must not allocate up front.
    const bool resp3 = ctx.reply.resp() >= 3;
    auto open = [&](uint64_t n) { ctx.reply.Array(with_scores && !resp3 ? 2 * n : n); };
    auto emit = [&](const std::pair<std::string_view, double>& e) {
      if (with_scores && resp3) ctx.reply.Array(2);
      ctx.reply.Bulk(e.first);
      if (with_scores) ctx.reply.Double(e.second);
    };
    if (l < 0) {  // repeats allowed
      const uint64_t count = static_cast<uint64_t>(-l);
      open(count);
      for (uint64_t i = 0; i < count; ++i) emit(all[absl::Uniform<size_t>(Random(), 0, all.size())]);
      return;
    }
    const size_t count = std::min<uint64_t>(static_cast<uint64_t>(l), all.size());
    // A partial Fisher-Yates shuffle: the first `count` entries are a uniform sample. The
    // whole set comes back in its own order, as Redis's does.
    if (count < all.size()) {
      for (size_t i = 0; i < count; ++i) {
        std::swap(all[i], all[absl::Uniform<size_t>(Random(), i, all.size())]);
      }
    }
    open(count);
    for (size_t i = 0; i < count; ++i) emit(all[i]);
    return;
  }
  ZSetObject* zset;
  if (!FindZSet(ctx, ctx.arg(1), &zset)) return;
  if (zset == nullptr) return ctx.reply.Null();
  ctx.reply.Bulk(zset->At(absl::Uniform<size_t>(Random(), 0, zset->size())).member);
}

// ZSCAN key cursor [MATCH pattern] [COUNT count]: as HSCAN (see ZSetObject::Scan); the
// reply is [cursor, [member, score, ...]] with scores as bulk strings in both protocols.
void CmdZScan(CommandContext& ctx) {
  uint64_t cursor;
  ZSetObject* zset;
  ScanOptions options;
  if (!BeginObjectScan(ctx, ObjType::kZSet, &cursor, &zset, &options)) return;
  std::vector<Entry> page;
  const uint64_t next = zset->Scan(cursor, static_cast<size_t>(options.count), &page);
  std::vector<std::string> items;
  items.reserve(page.size() * 2);
  for (const Entry& e : page) {
    if (!options.Matches(e.member)) continue;
    items.emplace_back(e.member);
    items.push_back(protocol::FormatDouble(e.score));
  }
  ctx.reply.Array(2);
  ctx.reply.Bulk(StrCat(next));
  ctx.reply.Array(items.size());
  for (const std::string& item : items) ctx.reply.Bulk(item);
}

void CmdZUnion(CommandContext& ctx) { SetOpGeneric(ctx, false, SetOp::kUnion, false); }
void CmdZUnionStore(CommandContext& ctx) { SetOpGeneric(ctx, true, SetOp::kUnion, false); }
void CmdZInter(CommandContext& ctx) { SetOpGeneric(ctx, false, SetOp::kInter, false); }
void CmdZInterStore(CommandContext& ctx) { SetOpGeneric(ctx, true, SetOp::kInter, false); }
void CmdZDiff(CommandContext& ctx) { SetOpGeneric(ctx, false, SetOp::kDiff, false); }
void CmdZDiffStore(CommandContext& ctx) { SetOpGeneric(ctx, true, SetOp::kDiff, false); }
// ZINTERCARD numkeys key [key ...] [LIMIT limit]: the intersection's size, counting stops
// at a non-zero limit.
void CmdZInterCard(CommandContext& ctx) { SetOpGeneric(ctx, false, SetOp::kInter, true); }

}  // namespace shoal::engine
