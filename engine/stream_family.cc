// Streams: XADD, XLEN, XRANGE / XREVRANGE, XDEL, XTRIM, XSETID, XINFO STREAM and XREAD
// (with BLOCK), with Redis 7.2's replies and errors. Consumer groups (XGROUP,
// XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM, XINFO GROUPS / CONSUMERS) live in
// stream_group_family.cc; both share the helpers of stream_family.h.
//
// The value is a StreamObject (engine/stream_object.h): entries by ID in a B-tree, with
// Redis 7's last_id / first_id / max_deleted_entry_id / entries_added bookkeeping. Its only
// encoding is "stream".
//
// Keys: XADD creates the stream (unless NOMKSTREAM); nothing deletes an emptied stream
// (XDEL, XTRIM leave it, as Redis does). Writes change the object in place (the key keeps
// its TTL) and call Db::NotifyWrite, which wakes blocked readers.
//
// IDs: "ms-seq", with "ms" alone meaning seq 0 at a range's start and seq max at its end,
// "-" and "+" for the ends in ranges, "(" for an exclusive bound, "$" (XREAD: after the
// top ID at call time) and ">" (XREADGROUP: never-delivered entries). Argument errors are
// checked before the key, in Redis's order.
//
// Blocking: XREAD BLOCK ms parks the client through ctx.Block (engine/blocking.h) with its
// "$" IDs replaced by the top ID seen at call time, so that a wake-up reads exactly the
// entries added since. Reading does not consume, so one XADD serves every blocked reader
// of that key in turn: the waiters are marked serve_each, so one that finds nothing (its
// ID is past the new entries) does not stop the shard from serving those behind it.
#include "engine/stream_family.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/args.h"
#include "engine/command_context.h"
#include "engine/errors.h"
#include "engine/families.h"
#include "protocol/strings.h"

namespace shoal::engine {

StreamObject* StreamOf(KeyNode* node) { return static_cast<StreamObject*>(Db::ObjectOf(node)); }

StreamObject* FindStream(CommandContext& ctx, std::string_view key, bool* wrong_type) {
  KeyNode* node = ctx.db(key).FindOfType(key, ObjType::kStream, wrong_type);
  return node == nullptr ? nullptr : StreamOf(node);
}

void ReplyStreamId(CommandContext& ctx, StreamId id) { ctx.reply.Bulk(id.ToString()); }

void ReplyStreamEntry(CommandContext& ctx, StreamId id, std::string_view packed) {
  std::vector<std::string_view> fields = StreamObject::Unpack(packed);
  ctx.reply.Array(2);
  ReplyStreamId(ctx, id);
  ctx.reply.BulkArray(fields.data(), fields.size());
}

bool ParseStrictIdOrReply(CommandContext& ctx, std::string_view text, uint64_t missing_seq,
                          StreamId* id) {
  if (ParseStreamId(text, true, missing_seq, id)) return true;
  ctx.Error(errors::kStreamBadId);
  return false;
}

bool ParseCountOrReply(CommandContext& ctx, std::string_view text, int64_t* count) {
  if (ParseInt64(text, count)) return true;
  ctx.Error(errors::kNotInteger);
  return false;
}

namespace {

// --- XADD / XTRIM ---------------------------------------------------------------------------

struct AddTrimArgs {
  enum class Strategy { kNone, kMaxLen, kMinId } strategy = Strategy::kNone;
  bool approx = false;
  int64_t maxlen = 0;
  StreamId minid;
  int64_t limit = 0;  // 0: none
  bool nomkstream = false;
  bool id_given = false;
  bool seq_given = true;  // false for "ms-*"
  StreamId id;
};

// Redis's streamParseAddOrTrimArgsOrReply. Returns the index of XADD's ID argument (argc
// when the options run to the end), or 0 after replying an error.
size_t ParseAddTrimArgs(CommandContext& ctx, bool xadd, AddTrimArgs* a) {
  size_t argc = ctx.argc();
  size_t i = 2;
  bool limit_given = false;
  for (; i < argc; ++i) {
    size_t more = argc - 1 - i;
    std::string_view opt = ctx.arg(i);
    if (xadd && opt == "*") break;
    bool maxlen = IsOption(opt, "maxlen");
    if ((maxlen || IsOption(opt, "minid")) && more > 0) {
      if (a->strategy != AddTrimArgs::Strategy::kNone) {
        ctx.Error(errors::kStreamMaxLenMinId);
        return 0;
      }
      a->approx = false;
      std::string_view next = ctx.arg(i + 1);
      if (more >= 2 && next == "~") {
        a->approx = true;
        ++i;
      } else if (more >= 2 && next == "=") {
        ++i;
      }
      if (maxlen) {
        if (!ParseCountOrReply(ctx, ctx.arg(i + 1), &a->maxlen)) return 0;
        if (a->maxlen < 0) {
          ctx.Error(errors::kStreamMaxLenNegative);
          return 0;
        }
        a->strategy = AddTrimArgs::Strategy::kMaxLen;
      } else {
        if (!ParseStrictIdOrReply(ctx, ctx.arg(i + 1), 0, &a->minid)) return 0;
        a->strategy = AddTrimArgs::Strategy::kMinId;
      }
      ++i;
    } else if (IsOption(opt, "limit") && more > 0) {
      if (!ParseCountOrReply(ctx, ctx.arg(i + 1), &a->limit)) return 0;
      if (a->limit < 0) {
        ctx.Error(errors::kStreamLimitNegative);
        return 0;
      }
      limit_given = true;
      ++i;
    } else if (xadd && IsOption(opt, "nomkstream")) {
      a->nomkstream = true;
    } else if (xadd) {
      bool seq_star = false;
      if (!ParseStreamId(opt, true, 0, &a->id, &seq_star)) {
        ctx.Error(errors::kStreamBadId);
        return 0;
      }
      a->seq_given = !seq_star;
      a->id_given = true;
      break;
    } else {
      ctx.Error(errors::kSyntax);
      return 0;
    }
  }
  if (a->limit != 0 && a->strategy == AddTrimArgs::Strategy::kNone) {
    ctx.Error(errors::kStreamLimitNoStrategy);
    return 0;
  }
  if (!xadd && a->strategy == AddTrimArgs::Strategy::kNone) {
    ctx.Error(errors::kXTrimNoStrategy);
    return 0;
  }
  if (limit_given) {
    if (!a->approx) {
      ctx.Error(errors::kStreamLimitNoApprox);
      return 0;
    }
  } else {
    a->limit = a->approx ? 100 * static_cast<int64_t>(StreamObject::kApproxBlock) : 0;
  }
  return i;
}

size_t Trim(StreamObject* s, const AddTrimArgs& a) {
  auto limit = static_cast<uint64_t>(a.limit);
  switch (a.strategy) {
    case AddTrimArgs::Strategy::kMaxLen:
      return s->TrimMaxLen(static_cast<uint64_t>(a.maxlen), a.approx, limit);
    case AddTrimArgs::Strategy::kMinId:
      return s->TrimMinId(a.minid, a.approx, limit);
    case AddTrimArgs::Strategy::kNone:
      break;
  }
  return 0;
}

// Redis's streamAppendItem ID rules: the next ID for "*" (from the clock), "ms-*" or an
// explicit ID; false when it would not be above the stream's top.
bool NextId(const StreamObject* s, const AddTrimArgs& a, int64_t now_ms, StreamId* id) {
  StreamId last = s != nullptr ? s->last_id() : StreamId{};
  if (!a.id_given) {
    auto ms = static_cast<uint64_t>(now_ms);
    if (ms > last.ms) {
      *id = StreamId{ms, 0};
    } else {
      *id = last;
      if (!id->Incr()) return false;
    }
    return true;
  }
  *id = a.id;
  if (!a.seq_given) {
    if (id->ms == last.ms) {
      if (last.seq == StreamId::Max().seq) return false;
      id->seq = last.seq + 1;
    } else {
      id->seq = 0;
    }
  }
  return *id > last;
}

// Journals an XADD or XTRIM as what it did, as Redis 7 rewrites them: the ID generated
// for "*" or "ms-*", and a trim (approximate or by MINID) as MAXLEN = the length it left,
// which removes the same entries on replay. Call after the append and the trim.
void PropagateExact(CommandContext& ctx, const StreamObject* s, const AddTrimArgs& a,
                    const StreamId* added, size_t field_pos) {
  if (!ctx.journaling()) return;
  std::vector<std::string> args = {added ? "XADD" : "XTRIM", std::string(ctx.arg(1))};
  if (a.strategy != AddTrimArgs::Strategy::kNone) {
    args.insert(args.end(), {"MAXLEN", "=", StrCat(s->size())});
  }
  if (added != nullptr) {
    args.push_back(added->ToString());
    args.insert(args.end(), ctx.args.begin() + field_pos, ctx.args.end());
  }
  ctx.Propagate(std::move(args));
}

}  // namespace

void CmdXAdd(CommandContext& ctx) {
  AddTrimArgs a;
  size_t id_pos = ParseAddTrimArgs(ctx, true, &a);
  if (id_pos == 0) return;
  size_t field_pos = id_pos + 1;
  if (ctx.argc() < field_pos + 2 || (ctx.argc() - field_pos) % 2 == 1) {
    return ctx.Error(errors::WrongArgs("xadd"));
  }
  if (a.id_given && a.seq_given && a.id.IsZero()) return ctx.Error(errors::kXAddIdZero);
  std::string_view key = ctx.arg(1);
  bool wrong_type;
  StreamObject* s = FindStream(ctx, key, &wrong_type);
  if (wrong_type) return ctx.Error(errors::kWrongType);
  if (s == nullptr && a.nomkstream) return ctx.reply.Null();
  if (s != nullptr && s->last_id() == StreamId::Max()) return ctx.Error(errors::kStreamExhausted);
  StreamId id;
  if (!NextId(s, a, ctx.now_ms(), &id)) return ctx.Error(errors::kXAddIdTooSmall);
  if (s == nullptr) {
    auto created = std::make_unique<StreamObject>();
    s = created.get();
    ctx.db(key).AddObject(key, std::move(created));
  }
  std::vector<std::string_view> fields(ctx.args.begin() + field_pos, ctx.args.end());
  s->Append(id, fields);
  const bool trimmed = Trim(s, a) > 0;
  ctx.db(key).NotifyWrite(key);
  PropagateExact(ctx, s, a, &id, field_pos);
  ctx.Notify(kNotifyStream, "xadd", key);
  if (trimmed) ctx.Notify(kNotifyStream, "xtrim", key);
  ReplyStreamId(ctx, id);
}

void CmdXTrim(CommandContext& ctx) {
  AddTrimArgs a;
  size_t end = ParseAddTrimArgs(ctx, false, &a);
  if (end == 0) return;
  std::string_view key = ctx.arg(1);
  bool wrong_type;
  StreamObject* s = FindStream(ctx, key, &wrong_type);
  if (wrong_type) return ctx.Error(errors::kWrongType);
  if (s == nullptr) return ctx.reply.Integer(0);
  size_t removed = Trim(s, a);
  if (removed > 0) {
    ctx.db(key).NotifyWrite(key);
    PropagateExact(ctx, s, a, nullptr, 0);
    ctx.Notify(kNotifyStream, "xtrim", key);
  }
  ctx.reply.Integer(static_cast<int64_t>(removed));
}

void CmdXLen(CommandContext& ctx) {
  bool wrong_type;
  StreamObject* s = FindStream(ctx, ctx.arg(1), &wrong_type);
  if (wrong_type) return ctx.Error(errors::kWrongType);
  ctx.reply.Integer(s == nullptr ? 0 : static_cast<int64_t>(s->size()));
}

// XDEL key id...: as Redis, the key first (a missing key answers 0 whatever the IDs), then
// every ID, so that a bad one deletes nothing.
void CmdXDel(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  bool wrong_type;
  StreamObject* s = FindStream(ctx, key, &wrong_type);
  if (wrong_type) return ctx.Error(errors::kWrongType);
  if (s == nullptr) return ctx.reply.Integer(0);
  std::vector<StreamId> ids(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    if (!ParseStrictIdOrReply(ctx, ctx.arg(i), 0, &ids[i - 2])) return;
  }
  int64_t deleted = 0;
  for (StreamId id : ids) deleted += s->Delete(id) ? 1 : 0;
  if (deleted > 0) {
    ctx.db(key).NotifyWrite(key);
    ctx.Notify(kNotifyStream, "xdel", key);
  }
  ctx.reply.Integer(deleted);
}

// --- XRANGE / XREVRANGE ---------------------------------------------------------------------

// Redis's streamParseIntervalIDOrReply: "-", "+", "ms", "ms-seq", or "(" and a strict ID.
bool ParseIntervalIdOrReply(CommandContext& ctx, std::string_view text, uint64_t missing_seq,
                            StreamId* id, bool* exclusive) {
  *exclusive = text.size() > 1 && text[0] == '(';
  if (ParseStreamId(*exclusive ? text.substr(1) : text, *exclusive, missing_seq, id)) return true;
  ctx.Error(errors::kStreamBadId);
  return false;
}

namespace {
void RangeGeneric(CommandContext& ctx, bool reverse) {
  std::string_view start_arg = ctx.arg(reverse ? 3 : 2);
  std::string_view end_arg = ctx.arg(reverse ? 2 : 3);
  StreamId start, end;
  bool start_ex, end_ex;
  if (!ParseIntervalIdOrReply(ctx, start_arg, 0, &start, &start_ex)) return;
  if (!ParseIntervalIdOrReply(ctx, end_arg, StreamId::Max().seq, &end, &end_ex)) return;
  if (start_ex && !start.Incr()) return ctx.Error(errors::kStreamInvalidStart);
  if (end_ex && !end.Decr()) return ctx.Error(errors::kStreamInvalidEnd);
  int64_t count = -1;
  for (size_t j = 4; j < ctx.argc(); ++j) {
    if (IsOption(ctx.arg(j), "count") && j + 1 < ctx.argc()) {
      if (!ParseCountOrReply(ctx, ctx.arg(j + 1), &count)) return;
      if (count < 0) count = 0;
      ++j;
    } else {
      return ctx.Error(errors::kSyntax);
    }
  }
  bool wrong_type;
  StreamObject* s = FindStream(ctx, ctx.arg(1), &wrong_type);
  if (wrong_type) return ctx.Error(errors::kWrongType);
  if (s == nullptr) return ctx.reply.Array(0);
  if (count == 0) return ctx.reply.NullArray();
  uint64_t limit = count < 0 ? 0 : static_cast<uint64_t>(count);
  std::vector<std::pair<StreamId, std::string_view>> out;
  s->Range(start, end, reverse, limit,
           [&](StreamId id, const std::string& packed) { out.emplace_back(id, packed); });
  ctx.reply.Array(out.size());
  for (const auto& [id, packed] : out) ReplyStreamEntry(ctx, id, packed);
}
}  // namespace

void CmdXRange(CommandContext& ctx) { RangeGeneric(ctx, false); }
void CmdXRevRange(CommandContext& ctx) { RangeGeneric(ctx, true); }

// --- XSETID ---------------------------------------------------------------------------------

void CmdXSetId(CommandContext& ctx) {
  StreamId id, max_xdel;
  int64_t entries_added = -1;
  if (!ParseStrictIdOrReply(ctx, ctx.arg(2), 0, &id)) return;
  for (size_t i = 3; i < ctx.argc();) {
    bool more = i + 1 < ctx.argc();
    if (IsOption(ctx.arg(i), "entriesadded") && more) {
      if (!ParseCountOrReply(ctx, ctx.arg(i + 1), &entries_added)) return;
      if (entries_added < 0) return ctx.Error(errors::kXSetIdEntriesAdded);
      i += 2;
    } else if (IsOption(ctx.arg(i), "maxdeletedid") && more) {
      if (!ParseStrictIdOrReply(ctx, ctx.arg(i + 1), 0, &max_xdel)) return;
      if (id < max_xdel) return ctx.Error(errors::kXSetIdBelowGivenMaxDeleted);
      i += 2;
    } else {
      return ctx.Error(errors::kSyntax);
    }
  }
  std::string_view key = ctx.arg(1);
  bool wrong_type;
  StreamObject* s = FindStream(ctx, key, &wrong_type);
  if (wrong_type) return ctx.Error(errors::kWrongType);
  if (s == nullptr) return ctx.Error(errors::kNoSuchKey);
  if (id < s->max_deleted_entry_id()) return ctx.Error(errors::kXSetIdBelowMaxDeleted);
  if (s->size() > 0) {
    if (id < s->LastEntryId()) return ctx.Error(errors::kXSetIdBelowTop);
    if (entries_added != -1 && s->size() > static_cast<uint64_t>(entries_added)) {
      return ctx.Error(errors::kXSetIdEntriesBelowLength);
    }
  }
  s->set_last_id(id);
  if (entries_added != -1) s->set_entries_added(static_cast<uint64_t>(entries_added));
  if (!max_xdel.IsZero()) s->set_max_deleted_entry_id(max_xdel);
  ctx.db(key).NotifyWrite(key);
  ctx.Notify(kNotifyStream, "xsetid", key);
  ctx.reply.Ok();
}

// --- XINFO STREAM ---------------------------------------------------------------------------

namespace {
// Redis reports its radix tree's shape; Shoal reports the block count a listpack-per-100
// layout would have (keys) and as many nodes, so the fields exist with plausible values.
int64_t RadixKeys(const StreamObject* s) {
  return static_cast<int64_t>((s->size() + StreamObject::kApproxBlock - 1) /
                              StreamObject::kApproxBlock);
}
}  // namespace

// XINFO STREAM key [FULL [COUNT n]]: the key is checked first, then the options, as Redis's
// xinfoReplyWithStreamInfo does.
void CmdXInfoStream(CommandContext& ctx) {
  std::string_view key = ctx.arg(2);
  bool wrong_type;
  StreamObject* s = FindStream(ctx, key, &wrong_type);
  if (wrong_type) return ctx.Error(errors::kWrongType);
  if (s == nullptr) return ctx.Error(errors::kNoSuchKey);
  bool full = false;
  int64_t count = 10;
  size_t options = ctx.argc() - 3;
  if (options > 0) {
    if ((options != 1 && options != 3) || !IsOption(ctx.arg(3), "full") ||
        (options == 3 && !IsOption(ctx.arg(4), "count"))) {
      return ctx.Error(errors::SubcommandSyntax(ctx.arg(1), "xinfo"));
    }
    full = true;
    if (options == 3) {
      if (!ParseCountOrReply(ctx, ctx.arg(5), &count)) return;
      if (count < 0) count = 0;
    }
  }
  ctx.reply.Map(full ? 9 : 10);
  ctx.reply.Bulk("length");
  ctx.reply.Integer(static_cast<int64_t>(s->size()));
  ctx.reply.Bulk("radix-tree-keys");
  ctx.reply.Integer(RadixKeys(s));
  ctx.reply.Bulk("radix-tree-nodes");
  ctx.reply.Integer(RadixKeys(s) + 1);
  ctx.reply.Bulk("last-generated-id");
  ReplyStreamId(ctx, s->last_id());
  ctx.reply.Bulk("max-deleted-entry-id");
  ReplyStreamId(ctx, s->max_deleted_entry_id());
  ctx.reply.Bulk("entries-added");
  ctx.reply.Integer(static_cast<int64_t>(s->entries_added()));
  ctx.reply.Bulk("recorded-first-entry-id");
  ReplyStreamId(ctx, s->first_id());
  if (!full) {
    ctx.reply.Bulk("groups");
    ctx.reply.Integer(static_cast<int64_t>(s->groups().size()));
    ctx.reply.Bulk("first-entry");
    if (s->size() == 0) {
      ctx.reply.Null();
    } else {
      ReplyStreamEntry(ctx, s->entries().begin()->first, s->entries().begin()->second);
    }
    ctx.reply.Bulk("last-entry");
    if (s->size() == 0) {
      ctx.reply.Null();
    } else {
      ReplyStreamEntry(ctx, s->entries().rbegin()->first, s->entries().rbegin()->second);
    }
    return;
  }
  ctx.reply.Bulk("entries");
  uint64_t limit = static_cast<uint64_t>(count);
  size_t n = limit == 0 ? s->size() : std::min<size_t>(s->size(), limit);
  ctx.reply.Array(n);
  s->Range(StreamId{}, StreamId::Max(), false, n == 0 ? 1 : n,
           [&](StreamId id, const std::string& packed) {
             if (n > 0) ReplyStreamEntry(ctx, id, packed);
           });
  ctx.reply.Bulk("groups");
  ReplyGroupsFull(ctx, s, limit);
}

// --- XREAD ----------------------------------------------------------------------------------

bool ParseBlockMsOrReply(CommandContext& ctx, std::string_view text, int64_t* deadline_ms) {
  int64_t ms;
  if (!ParseInt64(text, &ms)) {
    ctx.Error(errors::kTimeoutNotInteger);
    return false;
  }
  if (ms < 0) {
    ctx.Error(errors::kTimeoutNegative);
    return false;
  }
  if (ms > INT64_MAX - ctx.now_ms()) {
    ctx.Error(errors::kTimeoutOutOfRange);
    return false;
  }
  *deadline_ms = ms == 0 ? 0 : ctx.now_ms() + ms;
  return true;
}

bool ParseReadArgs(CommandContext& ctx, bool group, ReadArgs* a) {
  size_t argc = ctx.argc();
  for (size_t i = 1; i < argc; ++i) {
    size_t more = argc - 1 - i;
    std::string_view o = ctx.arg(i);
    if (IsOption(o, "block") && more > 0) {
      ++i;
      if (!ParseBlockMsOrReply(ctx, ctx.arg(i), &a->deadline_ms)) return false;
      a->block = true;
    } else if (IsOption(o, "count") && more > 0) {
      ++i;
      if (!ParseCountOrReply(ctx, ctx.arg(i), &a->count)) return false;
      if (a->count < 0) a->count = 0;
    } else if (IsOption(o, "streams") && more > 0) {
      a->streams_arg = i + 1;
      size_t n = argc - a->streams_arg;
      if (n % 2 != 0) {
        ctx.Error(errors::StreamUnbalanced(group ? "xreadgroup" : "xread", group ? '>' : '$'));
        return false;
      }
      a->streams = n / 2;
      break;
    } else if (IsOption(o, "group") && more >= 2) {
      if (!group) {
        ctx.Error(errors::kXReadGroupOption);
        return false;
      }
      a->group = ctx.arg(i + 1);
      a->consumer = ctx.arg(i + 2);
      a->has_group = true;
      i += 2;
    } else if (IsOption(o, "noack")) {
      if (!group) {
        ctx.Error(errors::kXReadNoAckOption);
        return false;
      }
      a->noack = true;
    } else {
      ctx.Error(errors::kSyntax);
      return false;
    }
  }
  if (a->streams_arg == 0) {
    ctx.Error(errors::kSyntax);
    return false;
  }
  if (group && !a->has_group) {
    ctx.Error(errors::kXReadGroupMissingGroup);
    return false;
  }
  return true;
}

namespace {

// One XREAD stream: its key and the ID after which to read.
struct ReadTarget {
  std::string_view key;
  StreamId after;
};

// Replies the entries after each target's ID (a map key -> entries in RESP3, an array of
// [key, entries] in RESP2) and returns true, or returns false and writes nothing when no
// stream has any.
bool ServeRead(CommandContext& ctx, const std::vector<ReadTarget>& targets, int64_t count) {
  std::vector<std::pair<std::string_view, std::vector<std::pair<StreamId, std::string_view>>>> out;
  for (const ReadTarget& t : targets) {
    bool wrong_type;
    StreamObject* s = FindStream(ctx, t.key, &wrong_type);
    if (s == nullptr || s->size() == 0 || !(s->last_id() > t.after)) continue;
    StreamId start = t.after;
    if (!start.Incr()) continue;
    std::vector<std::pair<StreamId, std::string_view>> entries;
    s->Range(start, StreamId::Max(), false, static_cast<uint64_t>(count),
             [&](StreamId id, const std::string& packed) { entries.emplace_back(id, packed); });
    if (!entries.empty()) out.emplace_back(t.key, std::move(entries));
  }
  if (out.empty()) return false;
  if (ctx.reply.resp() == 3) {
    ctx.reply.Map(out.size());
  } else {
    ctx.reply.Array(out.size());
  }
  for (const auto& [key, entries] : out) {
    if (ctx.reply.resp() != 3) ctx.reply.Array(2);
    ctx.reply.Bulk(key);
    ctx.reply.Array(entries.size());
    for (const auto& [id, packed] : entries) ReplyStreamEntry(ctx, id, packed);
  }
  return true;
}

// Parses XREAD's streams; "$" reads after the stream's top ID now (0-0 when missing).
// Checks types. False after replying an error.
bool ReadTargets(CommandContext& ctx, const ReadArgs& a, std::vector<ReadTarget>* targets) {
  for (size_t i = 0; i < a.streams; ++i) {
    std::string_view key = ctx.arg(a.streams_arg + i);
    std::string_view id_arg = ctx.arg(a.streams_arg + a.streams + i);
    bool wrong_type;
    StreamObject* s = FindStream(ctx, key, &wrong_type);
    if (wrong_type) {
      ctx.Error(errors::kWrongType);
      return false;
    }
    ReadTarget t{key, {}};
    if (id_arg == "$") {
      if (s != nullptr) t.after = s->last_id();
    } else if (id_arg == ">") {
      ctx.Error(errors::kXReadGreaterId);
      return false;
    } else if (!ParseStrictIdOrReply(ctx, id_arg, 0, &t.after)) {
      return false;
    }
    targets->push_back(t);
  }
  return true;
}

// A woken XREAD: its "$" were replaced by concrete IDs when it blocked.
bool ServeXRead(CommandContext& ctx, std::string_view /*key*/) {
  ReadArgs a;
  std::string scratch;
  protocol::ReplyWriter quiet(&scratch, 2);
  CommandContext probe(ctx.session, ctx.spec, ctx.args, quiet);
  if (!ParseReadArgs(probe, false, &a)) return false;
  std::vector<ReadTarget> targets;
  for (size_t i = 0; i < a.streams; ++i) {
    ReadTarget t{ctx.arg(a.streams_arg + i), {}};
    if (!ParseStreamId(ctx.arg(a.streams_arg + a.streams + i), true, 0, &t.after)) return false;
    targets.push_back(t);
  }
  return ServeRead(ctx, targets, a.count);
}

}  // namespace

void BlockWithArgs(CommandContext& ctx, const std::vector<std::string>& args,
                   const std::vector<std::string_view>& keys, int64_t deadline_ms, ServeFn serve) {
  std::vector<std::string_view> views(args.begin(), args.end());
  ArgList own = ctx.args;
  ctx.args = ArgList(views.data(), views.size());  // Block copies them into the waiter
  ctx.Block(keys, deadline_ms, serve, /*serve_each=*/true);
  ctx.args = own;  // `views` dies here; the caller may still read the command's arguments
}

void CmdXRead(CommandContext& ctx) {
  ReadArgs a;
  if (!ParseReadArgs(ctx, false, &a)) return;
  std::vector<ReadTarget> targets;
  if (!ReadTargets(ctx, a, &targets)) return;
  if (ServeRead(ctx, targets, a.count)) return;
  if (!a.block) return ctx.reply.NullArray();
  // Block with the IDs fixed now, so that "$" means "after the top at call time".
  std::vector<std::string> args(ctx.args.begin(), ctx.args.end());
  std::vector<std::string_view> keys;
  for (size_t i = 0; i < a.streams; ++i) {
    args[a.streams_arg + a.streams + i] = targets[i].after.ToString();
    keys.push_back(targets[i].key);
  }
  BlockWithArgs(ctx, args, keys, a.deadline_ms, ServeXRead);
}

void XReadKeys(ArgList args, KeyList* keys) {
  for (size_t i = 1; i < args.size(); ++i) {
    std::string_view o = args[i];
    if (IsOption(o, "block") || IsOption(o, "count")) {
      ++i;
    } else if (IsOption(o, "group")) {
      i += 2;
    } else if (IsOption(o, "streams")) {
      size_t n = args.size() - i - 1;
      if (n % 2 != 0) return;
      for (size_t k = 0; k < n / 2; ++k) keys->push_back(args[i + 1 + k]);
      return;
    }
  }
}

}  // namespace shoal::engine
