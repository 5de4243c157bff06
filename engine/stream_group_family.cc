// Stream consumer groups: XGROUP, XREADGROUP (with BLOCK), XACK, XPENDING, XCLAIM,
// XAUTOCLAIM, XINFO GROUPS and XINFO CONSUMERS, as Redis 7.2 replies them.
//
// A group (StreamObject::Group) keeps its last delivered ID, its entries_read counter
// (for XINFO's lag), the pending entries list (PEL) and its consumers. Invariants: every
// PEL entry names an existing consumer of its group, and that consumer's `pending` holds
// its ID; a consumer's `pending` holds nothing else. XREADGROUP ">" delivers entries after
// the group's last ID and adds them to the PEL (unless NOACK); an explicit ID re-reads the
// consumer's own PEL (entries deleted since come back as [id, nil]). Delivery times come
// from the command's clock snapshot (ctx.now_ms), so tests advance the fake clock.
//
// Blocking: XREADGROUP BLOCK parks like XREAD (stream_family.cc). A woken reader re-runs
// with ">" and takes the new entries; the next reader of the same group then finds none
// and keeps waiting, while readers of other groups queued behind it are still served
// (Waiter::serve_each).
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/args.h"
#include "engine/command_context.h"
#include "engine/errors.h"
#include "engine/families.h"
#include "engine/stream_family.h"
#include "protocol/strings.h"

namespace shoal::engine {

using Group = StreamObject::Group;
using Consumer = StreamObject::Consumer;
using PendingEntry = StreamObject::PendingEntry;

namespace {

Consumer& LookupOrCreateConsumer(Group& g, std::string_view name, int64_t now) {
  auto it = g.consumers.find(name);
  if (it == g.consumers.end()) {
    it = g.consumers.emplace(std::string(name), Consumer{}).first;
  }
  it->second.seen_time = now;
  return it->second;
}

void ReplyNullableInt(CommandContext& ctx, std::optional<int64_t> v) {
  if (v) {
    ctx.reply.Integer(*v);
  } else {
    ctx.reply.Null();
  }
}

// Removes a PEL entry from its group and owner.
void DropPending(Group& g, std::map<StreamId, PendingEntry>::iterator it) {
  auto owner = g.consumers.find(it->second.consumer);
  if (owner != g.consumers.end()) owner->second.pending.erase(it->first);
  g.pel.erase(it);
}

// Moves a PEL entry to `consumer` (Redis's NACK reassignment).
void GiveTo(Group& g, StreamId id, PendingEntry& pe, std::string_view consumer, Consumer& c) {
  if (pe.consumer != consumer) {
    auto owner = g.consumers.find(pe.consumer);
    if (owner != g.consumers.end()) owner->second.pending.erase(id);
    pe.consumer = std::string(consumer);
  }
  c.pending.insert(id);
}

}  // namespace

// --- XGROUP ---------------------------------------------------------------------------------

namespace {
// XGROUP CREATE|SETID options after the ID: [MKSTREAM] (CREATE) [ENTRIESREAD n].
bool ParseGroupOptions(CommandContext& ctx, bool create, bool* mkstream, int64_t* entries_read) {
  for (size_t i = 5; i < ctx.argc();) {
    if (create && IsOption(ctx.arg(i), "mkstream")) {
      *mkstream = true;
      ++i;
    } else if (IsOption(ctx.arg(i), "entriesread") && i + 1 < ctx.argc()) {
      if (!ParseCountOrReply(ctx, ctx.arg(i + 1), entries_read)) return false;
      if (*entries_read < 0 && *entries_read != -1) {
        ctx.Error(errors::kXGroupEntriesRead);
        return false;
      }
      i += 2;
    } else {
      ctx.Error(errors::SubcommandSyntax(ctx.arg(1), "xgroup"));
      return false;
    }
  }
  return true;
}

// The stream of an XGROUP subcommand; replies and returns false when the key is missing
// (unless mkstream) or of another type.
bool GroupStream(CommandContext& ctx, bool mkstream, StreamObject** s) {
  bool wrong_type;
  *s = FindStream(ctx, ctx.arg(2), &wrong_type);
  if (wrong_type) {
    ctx.Error(errors::kWrongType);
    return false;
  }
  if (*s == nullptr && !mkstream) {
    ctx.Error(errors::kXGroupMkStream);
    return false;
  }
  return true;
}
}  // namespace

void CmdXGroupCreate(CommandContext& ctx) {
  bool mkstream = false;
  int64_t entries_read = -1;
  if (ctx.argc() > 8) return ctx.Error(errors::SubcommandSyntax(ctx.arg(1), "xgroup"));
  if (!ParseGroupOptions(ctx, true, &mkstream, &entries_read)) return;
  StreamObject* s;
  if (!GroupStream(ctx, mkstream, &s)) return;
  StreamId id;
  if (ctx.arg(4) == "$") {
    if (s != nullptr) id = s->last_id();
  } else if (!ParseStrictIdOrReply(ctx, ctx.arg(4), 0, &id)) {
    return;
  }
  std::string_view key = ctx.arg(2);
  if (s == nullptr) {
    auto created = std::make_unique<StreamObject>();
    s = created.get();
    ctx.db(key).AddObject(key, std::move(created));
  }
  if (s->FindGroup(ctx.arg(3)) != nullptr) return ctx.Error(errors::kXGroupExists);
  Group& g = s->groups()[std::string(ctx.arg(3))];
  g.last_id = id;
  g.entries_read = entries_read;
  ctx.db(key).NotifyWrite(key);
  ctx.Notify(kNotifyStream, "xgroup-create", key);
  ctx.reply.Ok();
}

void CmdXGroupSetId(CommandContext& ctx) {
  bool mkstream = false;
  int64_t entries_read = -1;
  if (ctx.argc() != 5 && ctx.argc() != 7) {
    return ctx.Error(errors::SubcommandSyntax(ctx.arg(1), "xgroup"));
  }
  if (!ParseGroupOptions(ctx, false, &mkstream, &entries_read)) return;
  StreamObject* s;
  if (!GroupStream(ctx, false, &s)) return;
  Group* g = s->FindGroup(ctx.arg(3));
  if (g == nullptr) return ctx.Error(errors::NoGroup(ctx.arg(2), ctx.arg(3)));
  StreamId id;
  if (ctx.arg(4) == "$") {
    id = s->last_id();
  } else if (!ParseStreamId(ctx.arg(4), false, 0, &id)) {
    return ctx.Error(errors::kStreamBadId);
  }
  g->last_id = id;
  g->entries_read = entries_read;
  ctx.reply.Ok();
}

void CmdXGroupDestroy(CommandContext& ctx) {
  StreamObject* s;
  if (!GroupStream(ctx, false, &s)) return;
  auto it = s->groups().find(ctx.arg(3));
  if (it == s->groups().end()) return ctx.reply.Integer(0);
  s->groups().erase(it);
  ctx.db(ctx.arg(2)).NotifyWrite(ctx.arg(2));
  ctx.Notify(kNotifyStream, "xgroup-destroy", ctx.arg(2));
  ctx.reply.Integer(1);
}

void CmdXGroupCreateConsumer(CommandContext& ctx) {
  StreamObject* s;
  if (!GroupStream(ctx, false, &s)) return;
  Group* g = s->FindGroup(ctx.arg(3));
  if (g == nullptr) return ctx.Error(errors::NoGroup(ctx.arg(2), ctx.arg(3)));
  if (g->consumers.contains(ctx.arg(4))) return ctx.reply.Integer(0);
  Consumer& c = g->consumers[std::string(ctx.arg(4))];
  c.seen_time = ctx.now_ms();
  ctx.reply.Integer(1);
}

void CmdXGroupDelConsumer(CommandContext& ctx) {
  StreamObject* s;
  if (!GroupStream(ctx, false, &s)) return;
  Group* g = s->FindGroup(ctx.arg(3));
  if (g == nullptr) return ctx.Error(errors::NoGroup(ctx.arg(2), ctx.arg(3)));
  auto it = g->consumers.find(ctx.arg(4));
  if (it == g->consumers.end()) return ctx.reply.Integer(0);
  auto pending = static_cast<int64_t>(it->second.pending.size());
  for (StreamId id : it->second.pending) g->pel.erase(id);
  g->consumers.erase(it);
  ctx.reply.Integer(pending);
}

void CmdXGroupHelp(CommandContext& ctx) {
  ctx.ReplyHelp({
      "CREATE <key> <groupname> <id|$> [option]",
      "    Create a new consumer group. Options are:",
      "    * MKSTREAM",
      "      Create the empty stream if it does not exist.",
      "    * ENTRIESREAD entries_read",
      "      Set the group's entries_read counter (internal use).",
      "CREATECONSUMER <key> <groupname> <consumer>",
      "    Create a new consumer in the specified group.",
      "DELCONSUMER <key> <groupname> <consumer>",
      "    Remove the specified consumer.",
      "DESTROY <key> <groupname>",
      "    Remove the specified group.",
      "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
      "    Set the current group ID and entries_read counter.",
  });
}

// --- Journal (journal.h) -------------------------------------------------------------------

namespace {

// A delivery or claim is journaled as Redis's streamPropagateXCLAIM writes it: the pending
// entry as it now is (owner, delivery time, count) and the group's last ID, so that replay
// does not depend on the clock it runs at.
void PropagateXClaim(CommandContext& ctx, std::string_view key, std::string_view group,
                     StreamId id, const PendingEntry& pe, const Group& g) {
  ctx.Propagate({"XCLAIM", key, group, pe.consumer, "0", id.ToString(), "TIME",
                 StrCat(pe.delivery_time), "RETRYCOUNT", StrCat(pe.delivery_count), "FORCE",
                 "JUSTID", "LASTID", g.last_id.ToString()});
}

// An entry no longer in the stream leaves the PEL: an XCLAIM of it does that on replay.
void PropagateXClaimGone(CommandContext& ctx, std::string_view key, std::string_view group,
                         std::string_view consumer, StreamId id) {
  ctx.Propagate({"XCLAIM", key, group, consumer, "0", id.ToString(), "JUSTID"});
}

// Redis's streamPropagateGroupID.
void PropagateGroupId(CommandContext& ctx, std::string_view key, std::string_view group,
                      const Group& g) {
  ctx.Propagate({"XGROUP", "SETID", key, group, g.last_id.ToString(), "ENTRIESREAD",
                 StrCat(g.entries_read)});
}

}  // namespace

// --- XREADGROUP -----------------------------------------------------------------------------

namespace {

struct GroupTarget {
  std::string_view key;
  bool new_entries;  // ">"
  StreamId after;    // history: re-read the consumer's PEL after this ID
};

// One stream's part of an XREADGROUP reply, built before any reply is written.
struct GroupRead {
  std::string_view key;
  std::vector<std::pair<StreamId, const std::string*>> entries;  // null: deleted since
};

// Delivers to `consumer` what `t` asks for; false when ">" finds nothing new (history
// always answers, possibly empty).
bool ReadForGroup(CommandContext& ctx, StreamObject* s, Group& g, const GroupTarget& t,
                  const ReadArgs& a, GroupRead* out) {
  int64_t now = ctx.now_ms();
  Consumer& c = LookupOrCreateConsumer(g, a.consumer, now);
  auto limit = static_cast<uint64_t>(a.count);
  if (!t.new_entries) {
    StreamId start = t.after;
    if (!start.Incr()) return true;
    for (auto it = c.pending.lower_bound(start); it != c.pending.end(); ++it) {
      const std::string* packed = s->Find(*it);
      out->entries.emplace_back(*it, packed);
      if (packed != nullptr) {
        PendingEntry& pe = g.pel[*it];
        pe.delivery_time = now;
        ++pe.delivery_count;
      }
      if (limit != 0 && out->entries.size() == limit) break;
    }
    if (ctx.journaling()) {
      for (const auto& [id, packed] : out->entries) {
        if (packed != nullptr) PropagateXClaim(ctx, t.key, a.group, id, g.pel[id], g);
      }
    }
    return true;
  }
  if (s->size() == 0 || !(s->LastEntryId() > g.last_id)) return false;
  StreamId start = g.last_id;
  if (!start.Incr()) return false;
  s->Range(start, StreamId::Max(), false, limit, [&](StreamId id, const std::string& packed) {
    out->entries.emplace_back(id, &packed);
  });
  for (const auto& [id, packed] : out->entries) {
    if (g.entries_read != -1 && !s->HasTombstonesFrom(id)) {
      ++g.entries_read;
    } else if (s->entries_added() != 0) {
      g.entries_read = s->EstimateEntriesRead(id);
    }
    g.last_id = id;
    if (a.noack) continue;
    auto [it, inserted] = g.pel.try_emplace(id);
    PendingEntry& pe = it->second;
    if (!inserted) {
      auto owner = g.consumers.find(pe.consumer);
      if (owner != g.consumers.end()) owner->second.pending.erase(id);
    }
    pe.consumer = std::string(a.consumer);
    pe.delivery_time = now;
    pe.delivery_count = 1;
    c.pending.insert(id);
  }
  if (!out->entries.empty()) c.active_time = now;
  if (ctx.journaling() && !out->entries.empty()) {
    if (!a.noack) {
      for (const auto& [id, packed] : out->entries) {
        PropagateXClaim(ctx, t.key, a.group, id, g.pel[id], g);
      }
    }
    PropagateGroupId(ctx, t.key, a.group, g);
  }
  return !out->entries.empty();
}

void ReplyGroupReads(CommandContext& ctx, const std::vector<GroupRead>& reads) {
  if (ctx.reply.resp() == 3) {
    ctx.reply.Map(reads.size());
  } else {
    ctx.reply.Array(reads.size());
  }
  for (const GroupRead& r : reads) {
    if (ctx.reply.resp() != 3) ctx.reply.Array(2);
    ctx.reply.Bulk(r.key);
    ctx.reply.Array(r.entries.size());
    for (const auto& [id, packed] : r.entries) {
      if (packed != nullptr) {
        ReplyStreamEntry(ctx, id, *packed);
      } else {
        ctx.reply.Array(2);
        ReplyStreamId(ctx, id);
        ctx.reply.NullArray();
      }
    }
  }
}

// Parses the streams and their IDs and checks every key and group. False after an error.
bool GroupTargets(CommandContext& ctx, const ReadArgs& a, std::vector<GroupTarget>* targets) {
  for (size_t i = 0; i < a.streams; ++i) {
    std::string_view key = ctx.arg(a.streams_arg + i);
    std::string_view id_arg = ctx.arg(a.streams_arg + a.streams + i);
    bool wrong_type;
    StreamObject* s = FindStream(ctx, key, &wrong_type);
    if (wrong_type) {
      ctx.Error(errors::kWrongType);
      return false;
    }
    if (s == nullptr || s->FindGroup(a.group) == nullptr) {
      ctx.Error(errors::NoGroupForRead(key, a.group));
      return false;
    }
    GroupTarget t{key, false, {}};
    if (id_arg == "$") {
      ctx.Error(errors::kXReadGroupDollar);
      return false;
    } else if (id_arg == ">") {
      t.new_entries = true;
    } else if (!ParseStrictIdOrReply(ctx, id_arg, 0, &t.after)) {
      return false;
    }
    targets->push_back(t);
  }
  return true;
}

// Serves every target; returns false (nothing written) when nothing was served.
bool ServeGroupTargets(CommandContext& ctx, const ReadArgs& a,
                       const std::vector<GroupTarget>& targets) {
  std::vector<GroupRead> reads;
  for (const GroupTarget& t : targets) {
    bool wrong_type;
    StreamObject* s = FindStream(ctx, t.key, &wrong_type);
    if (s == nullptr) continue;
    Group* g = s->FindGroup(a.group);
    if (g == nullptr) continue;
    GroupRead r{t.key, {}};
    if (ReadForGroup(ctx, s, *g, t, a, &r)) reads.push_back(std::move(r));
  }
  if (reads.empty()) return false;
  ReplyGroupReads(ctx, reads);
  for (const GroupRead& r : reads) ctx.db(r.key).NotifyWrite(r.key);
  return true;
}

// A woken XREADGROUP. As Redis 7 does, a reader whose stream went away (deleted, or now
// another type) or whose group was destroyed is unblocked with an error.
bool ServeXReadGroup(CommandContext& ctx, std::string_view key) {
  ReadArgs a;
  std::string scratch;
  protocol::ReplyWriter quiet(&scratch, 2);
  CommandContext probe(ctx.session, ctx.spec, ctx.args, quiet);
  if (!ParseReadArgs(probe, true, &a)) return false;
  bool wrong_type;
  StreamObject* s = FindStream(ctx, key, &wrong_type);
  if (s == nullptr) {
    ctx.Error(errors::kXReadGroupKeyGone);
    return true;
  }
  if (s->FindGroup(a.group) == nullptr) {
    ctx.Error(errors::kXReadGroupGroupGone);
    return true;
  }
  std::vector<GroupTarget> targets;
  for (size_t i = 0; i < a.streams; ++i) {
    targets.push_back(GroupTarget{ctx.arg(a.streams_arg + i), true, {}});
  }
  return ServeGroupTargets(ctx, a, targets);
}

}  // namespace

void CmdXReadGroup(CommandContext& ctx) {
  ReadArgs a;
  if (!ParseReadArgs(ctx, true, &a)) return;
  std::vector<GroupTarget> targets;
  if (!GroupTargets(ctx, a, &targets)) return;
  if (ServeGroupTargets(ctx, a, targets)) return;
  if (!a.block) return ctx.reply.NullArray();
  std::vector<std::string> args(ctx.args.begin(), ctx.args.end());
  std::vector<std::string_view> keys;
  for (const GroupTarget& t : targets) keys.push_back(t.key);
  BlockWithArgs(ctx, args, keys, a.deadline_ms, ServeXReadGroup);
}

// --- XACK / XPENDING ------------------------------------------------------------------------

// XACK key group id...: as Redis, the key and group first (missing: 0), then every ID.
void CmdXAck(CommandContext& ctx) {
  bool wrong_type;
  StreamObject* s = FindStream(ctx, ctx.arg(1), &wrong_type);
  if (wrong_type) return ctx.Error(errors::kWrongType);
  Group* g = s == nullptr ? nullptr : s->FindGroup(ctx.arg(2));
  if (g == nullptr) return ctx.reply.Integer(0);
  std::vector<StreamId> ids(ctx.argc() - 3);
  for (size_t j = 3; j < ctx.argc(); ++j) {
    if (!ParseStrictIdOrReply(ctx, ctx.arg(j), 0, &ids[j - 3])) return;
  }
  int64_t acked = 0;
  for (StreamId id : ids) {
    auto it = g->pel.find(id);
    if (it == g->pel.end()) continue;
    DropPending(*g, it);
    ++acked;
  }
  if (acked > 0) ctx.db(ctx.arg(1)).NotifyWrite(ctx.arg(1));
  ctx.reply.Integer(acked);
}

void CmdXPending(CommandContext& ctx) {
  size_t argc = ctx.argc();
  int64_t min_idle = 0, count = -1;
  StreamId start, end;
  std::string_view consumer;
  bool has_consumer = false;
  if (argc != 3 && (argc < 6 || argc > 9)) return ctx.Error(errors::kSyntax);
  if (argc >= 6) {
    size_t at = 3;
    if (IsOption(ctx.arg(3), "idle")) {
      if (!ParseCountOrReply(ctx, ctx.arg(4), &min_idle)) return;
      if (argc < 8) return ctx.Error(errors::kSyntax);
      at += 2;
    }
    if (!ParseCountOrReply(ctx, ctx.arg(at + 2), &count)) return;
    if (count < 0) count = 0;
    bool start_ex, end_ex;
    if (!ParseIntervalIdOrReply(ctx, ctx.arg(at), 0, &start, &start_ex)) return;
    if (start_ex && !start.Incr()) return ctx.Error(errors::kStreamInvalidStart);
    if (!ParseIntervalIdOrReply(ctx, ctx.arg(at + 1), StreamId::Max().seq, &end, &end_ex)) return;
    if (end_ex && !end.Decr()) return ctx.Error(errors::kStreamInvalidEnd);
    if (at + 3 < argc) {
      consumer = ctx.arg(at + 3);
      has_consumer = true;
    }
    // Redis ignores anything after the consumer.
  }
  bool wrong_type;
  StreamObject* s = FindStream(ctx, ctx.arg(1), &wrong_type);
  if (wrong_type) return ctx.Error(errors::kWrongType);
  Group* g = s == nullptr ? nullptr : s->FindGroup(ctx.arg(2));
  if (g == nullptr) return ctx.Error(errors::NoKeyOrGroup(ctx.arg(1), ctx.arg(2)));

  if (argc == 3) {  // summary
    ctx.reply.Array(4);
    ctx.reply.Integer(static_cast<int64_t>(g->pel.size()));
    if (g->pel.empty()) {
      ctx.reply.Null();
      ctx.reply.Null();
      ctx.reply.NullArray();
      return;
    }
    ReplyStreamId(ctx, g->pel.begin()->first);
    ReplyStreamId(ctx, g->pel.rbegin()->first);
    size_t with_pending = 0;
    for (const auto& [name, c] : g->consumers) with_pending += c.pending.empty() ? 0 : 1;
    ctx.reply.Array(with_pending);
    for (const auto& [name, c] : g->consumers) {
      if (c.pending.empty()) continue;
      ctx.reply.Array(2);
      ctx.reply.Bulk(name);
      ctx.reply.Bulk(StrCat(c.pending.size()));
    }
    return;
  }

  int64_t now = ctx.now_ms();
  std::vector<std::pair<StreamId, const PendingEntry*>> out;
  auto visit = [&](StreamId id, const PendingEntry& pe) {
    if (min_idle != 0 && now - pe.delivery_time < min_idle) return;
    out.emplace_back(id, &pe);
  };
  if (count > 0 && start <= end) {
    if (has_consumer) {
      auto cit = g->consumers.find(consumer);
      if (cit != g->consumers.end()) {
        const std::set<StreamId>& pending = cit->second.pending;
        for (auto it = pending.lower_bound(start);
             it != pending.end() && *it <= end && out.size() < static_cast<size_t>(count); ++it) {
          visit(*it, g->pel.at(*it));
        }
      }
    } else {
      for (auto it = g->pel.lower_bound(start);
           it != g->pel.end() && it->first <= end && out.size() < static_cast<size_t>(count);
           ++it) {
        visit(it->first, it->second);
      }
    }
  }
  ctx.reply.Array(out.size());
  for (const auto& [id, pe] : out) {
    ctx.reply.Array(4);
    ReplyStreamId(ctx, id);
    ctx.reply.Bulk(pe->consumer);
    ctx.reply.Integer(std::max<int64_t>(0, now - pe->delivery_time));
    ctx.reply.Integer(static_cast<int64_t>(pe->delivery_count));
  }
}

// --- XCLAIM / XAUTOCLAIM --------------------------------------------------------------------

namespace {
// The stream and group of XCLAIM / XAUTOCLAIM / XPENDING, or an error reply.
bool ClaimGroup(CommandContext& ctx, StreamObject** s, Group** g) {
  bool wrong_type;
  *s = FindStream(ctx, ctx.arg(1), &wrong_type);
  if (wrong_type) {
    ctx.Error(errors::kWrongType);
    return false;
  }
  *g = *s == nullptr ? nullptr : (*s)->FindGroup(ctx.arg(2));
  if (*g == nullptr) {
    ctx.Error(errors::NoKeyOrGroup(ctx.arg(1), ctx.arg(2)));
    return false;
  }
  return true;
}

bool ParseIntOrReply(CommandContext& ctx, std::string_view text, std::string_view error,
                     int64_t* v) {
  if (ParseInt64(text, v)) return true;
  ctx.Error(error);
  return false;
}
}  // namespace

void CmdXClaim(CommandContext& ctx) {
  StreamObject* s;
  Group* g;
  if (!ClaimGroup(ctx, &s, &g)) return;
  int64_t min_idle;
  if (!ParseIntOrReply(ctx, ctx.arg(4), errors::kXClaimBadMinIdle, &min_idle)) return;
  if (min_idle < 0) min_idle = 0;
  std::vector<StreamId> ids;
  size_t j = 5;
  for (; j < ctx.argc(); ++j) {
    StreamId id;
    if (!ParseStreamId(ctx.arg(j), true, 0, &id)) break;
    ids.push_back(id);
  }
  int64_t now = ctx.now_ms();
  int64_t delivery_time = -1, retry_count = -1;
  bool force = false, justid = false;
  StreamId last_id;
  for (; j < ctx.argc(); ++j) {
    bool more = j + 1 < ctx.argc();
    std::string_view opt = ctx.arg(j);
    if (IsOption(opt, "force")) {
      force = true;
    } else if (IsOption(opt, "justid")) {
      justid = true;
    } else if (IsOption(opt, "idle") && more) {
      if (!ParseIntOrReply(ctx, ctx.arg(++j), errors::kXClaimBadIdle, &delivery_time)) return;
      delivery_time = now - delivery_time;
    } else if (IsOption(opt, "time") && more) {
      if (!ParseIntOrReply(ctx, ctx.arg(++j), errors::kXClaimBadTime, &delivery_time)) return;
    } else if (IsOption(opt, "retrycount") && more) {
      if (!ParseIntOrReply(ctx, ctx.arg(++j), errors::kXClaimBadRetryCount, &retry_count)) return;
    } else if (IsOption(opt, "lastid") && more) {
      if (!ParseStrictIdOrReply(ctx, ctx.arg(++j), 0, &last_id)) return;
    } else {
      return ctx.Error(errors::XClaimUnknownOption(opt));
    }
  }
  if (delivery_time < 0 || delivery_time > now) delivery_time = now;
  const bool raised_last_id = last_id > g->last_id;
  if (raised_last_id) g->last_id = last_id;
  std::string_view name = ctx.arg(3);
  const bool journaling = ctx.journaling();
  if (journaling) ctx.PropagateNothing();  // then what each claim did
  Consumer* c = nullptr;  // looked up (or created) on the first claim, as Redis does
  std::vector<std::pair<StreamId, const std::string*>> claimed;
  for (StreamId id : ids) {
    auto it = g->pel.find(id);
    const std::string* packed = s->Find(id);
    if (packed == nullptr) {
      if (it != g->pel.end()) {
        DropPending(*g, it);
        if (journaling) PropagateXClaimGone(ctx, ctx.arg(1), ctx.arg(2), name, id);
      }
      continue;
    }
    bool created = false;
    if (it == g->pel.end()) {
      if (!force) continue;
      it = g->pel.emplace(id, PendingEntry{}).first;
      created = true;
    }
    PendingEntry& pe = it->second;
    if (!created && min_idle != 0 && now - pe.delivery_time < min_idle) continue;
    if (created) pe.consumer = std::string(name);
    if (c == nullptr) c = &LookupOrCreateConsumer(*g, name, now);
    GiveTo(*g, id, pe, name, *c);
    pe.delivery_time = delivery_time;
    if (retry_count >= 0) {
      pe.delivery_count = static_cast<uint64_t>(retry_count);
    } else if (!justid) {
      ++pe.delivery_count;
    }
    claimed.emplace_back(id, packed);
    c->active_time = now;
    if (journaling) PropagateXClaim(ctx, ctx.arg(1), ctx.arg(2), id, pe, *g);
  }
  if (journaling && raised_last_id && claimed.empty()) {
    PropagateGroupId(ctx, ctx.arg(1), ctx.arg(2), *g);
  }
  ctx.db(ctx.arg(1)).NotifyWrite(ctx.arg(1));
  ctx.reply.Array(claimed.size());
  for (const auto& [id, packed] : claimed) {
    if (justid) {
      ReplyStreamId(ctx, id);
    } else {
      ReplyStreamEntry(ctx, id, *packed);
    }
  }
}

// Redis parses XAUTOCLAIM's arguments before it looks at the key (XCLAIM: after).
void CmdXAutoClaim(CommandContext& ctx) {
  int64_t min_idle;
  if (!ParseIntOrReply(ctx, ctx.arg(4), errors::kXAutoClaimBadMinIdle, &min_idle)) return;
  if (min_idle < 0) min_idle = 0;
  StreamId start;
  bool start_ex;
  if (!ParseIntervalIdOrReply(ctx, ctx.arg(5), 0, &start, &start_ex)) return;
  if (start_ex && !start.Incr()) return ctx.Error(errors::kStreamInvalidStart);
  int64_t count = 100;
  bool justid = false;
  constexpr int64_t kAttemptsFactor = 10;
  for (size_t j = 6; j < ctx.argc(); ++j) {
    if (IsOption(ctx.arg(j), "count") && j + 1 < ctx.argc()) {
      if (!ParseInt64(ctx.arg(j + 1), &count) || count < 1 || count > INT64_MAX / 16) {
        return ctx.Error(errors::kXAutoClaimCount);
      }
      ++j;
    } else if (IsOption(ctx.arg(j), "justid")) {
      justid = true;
    } else {
      return ctx.Error(errors::kSyntax);
    }
  }
  StreamObject* s;
  Group* g;
  if (!ClaimGroup(ctx, &s, &g)) return;
  int64_t now = ctx.now_ms();
  std::string_view name = ctx.arg(3);
  Consumer* c = nullptr;  // looked up (or created) on the first claim, as Redis does
  int64_t attempts = count * kAttemptsFactor;
  std::vector<std::pair<StreamId, const std::string*>> claimed;
  std::vector<StreamId> deleted;
  const bool journaling = ctx.journaling();
  if (journaling) ctx.PropagateNothing();  // then what each claim did
  auto it = g->pel.lower_bound(start);
  while (attempts-- > 0 && count > 0 && it != g->pel.end()) {
    StreamId id = it->first;
    const std::string* packed = s->Find(id);
    if (packed == nullptr) {
      auto next = std::next(it);
      DropPending(*g, it);
      if (journaling) PropagateXClaimGone(ctx, ctx.arg(1), ctx.arg(2), name, id);
      it = next;
      deleted.push_back(id);
      --count;
      continue;
    }
    PendingEntry& pe = it->second;
    if (min_idle != 0 && now - pe.delivery_time < min_idle) {
      ++it;
      continue;
    }
    if (c == nullptr) c = &LookupOrCreateConsumer(*g, name, now);
    GiveTo(*g, id, pe, name, *c);
    pe.delivery_time = now;
    if (!justid) ++pe.delivery_count;
    claimed.emplace_back(id, packed);
    --count;
    c->active_time = now;
    if (journaling) PropagateXClaim(ctx, ctx.arg(1), ctx.arg(2), id, pe, *g);
    ++it;
  }
  StreamId next_cursor = it == g->pel.end() ? StreamId{} : it->first;
  ctx.db(ctx.arg(1)).NotifyWrite(ctx.arg(1));
  ctx.reply.Array(3);
  ReplyStreamId(ctx, next_cursor);
  ctx.reply.Array(claimed.size());
  for (const auto& [id, packed] : claimed) {
    if (justid) {
      ReplyStreamId(ctx, id);
    } else {
      ReplyStreamEntry(ctx, id, *packed);
    }
  }
  ctx.reply.Array(deleted.size());
  for (StreamId id : deleted) ReplyStreamId(ctx, id);
}

// --- XINFO GROUPS / CONSUMERS ---------------------------------------------------------------

void CmdXInfoGroups(CommandContext& ctx) {
  bool wrong_type;
  StreamObject* s = FindStream(ctx, ctx.arg(2), &wrong_type);
  if (wrong_type) return ctx.Error(errors::kWrongType);
  if (s == nullptr) return ctx.Error(errors::kNoSuchKey);
  ctx.reply.Array(s->groups().size());
  for (const auto& [name, g] : s->groups()) {
    ctx.reply.Map(6);
    ctx.reply.Bulk("name");
    ctx.reply.Bulk(name);
    ctx.reply.Bulk("consumers");
    ctx.reply.Integer(static_cast<int64_t>(g.consumers.size()));
    ctx.reply.Bulk("pending");
    ctx.reply.Integer(static_cast<int64_t>(g.pel.size()));
    ctx.reply.Bulk("last-delivered-id");
    ReplyStreamId(ctx, g.last_id);
    ctx.reply.Bulk("entries-read");
    ReplyNullableInt(ctx, g.entries_read == -1 ? std::nullopt : std::optional(g.entries_read));
    ctx.reply.Bulk("lag");
    ReplyNullableInt(ctx, s->Lag(g));
  }
}

void CmdXInfoConsumers(CommandContext& ctx) {
  bool wrong_type;
  StreamObject* s = FindStream(ctx, ctx.arg(2), &wrong_type);
  if (wrong_type) return ctx.Error(errors::kWrongType);
  if (s == nullptr) return ctx.Error(errors::kNoSuchKey);
  Group* g = s->FindGroup(ctx.arg(3));
  if (g == nullptr) return ctx.Error(errors::NoGroup(ctx.arg(2), ctx.arg(3)));
  int64_t now = ctx.now_ms();
  ctx.reply.Array(g->consumers.size());
  for (const auto& [name, c] : g->consumers) {
    ctx.reply.Map(4);
    ctx.reply.Bulk("name");
    ctx.reply.Bulk(name);
    ctx.reply.Bulk("pending");
    ctx.reply.Integer(static_cast<int64_t>(c.pending.size()));
    ctx.reply.Bulk("idle");
    ctx.reply.Integer(std::max<int64_t>(0, now - c.seen_time));
    ctx.reply.Bulk("inactive");
    ctx.reply.Integer(c.active_time == -1 ? -1 : std::max<int64_t>(0, now - c.active_time));
  }
}

void ReplyGroupsFull(CommandContext& ctx, StreamObject* s, uint64_t count) {
  ctx.reply.Array(s->groups().size());
  for (const auto& [name, g] : s->groups()) {
    ctx.reply.Map(7);
    ctx.reply.Bulk("name");
    ctx.reply.Bulk(name);
    ctx.reply.Bulk("last-delivered-id");
    ReplyStreamId(ctx, g.last_id);
    ctx.reply.Bulk("entries-read");
    ReplyNullableInt(ctx, g.entries_read == -1 ? std::nullopt : std::optional(g.entries_read));
    ctx.reply.Bulk("lag");
    ReplyNullableInt(ctx, s->Lag(g));
    ctx.reply.Bulk("pel-count");
    ctx.reply.Integer(static_cast<int64_t>(g.pel.size()));
    ctx.reply.Bulk("pending");
    size_t n = count == 0 ? g.pel.size() : std::min<size_t>(g.pel.size(), count);
    ctx.reply.Array(n);
    auto it = g.pel.begin();
    for (size_t i = 0; i < n; ++i, ++it) {
      ctx.reply.Array(4);
      ReplyStreamId(ctx, it->first);
      ctx.reply.Bulk(it->second.consumer);
      ctx.reply.Integer(it->second.delivery_time);
      ctx.reply.Integer(static_cast<int64_t>(it->second.delivery_count));
    }
    ctx.reply.Bulk("consumers");
    ctx.reply.Array(g.consumers.size());
    for (const auto& [cname, c] : g.consumers) {
      ctx.reply.Map(5);
      ctx.reply.Bulk("name");
      ctx.reply.Bulk(cname);
      ctx.reply.Bulk("seen-time");
      ctx.reply.Integer(c.seen_time);
      ctx.reply.Bulk("active-time");
      ctx.reply.Integer(c.active_time);
      ctx.reply.Bulk("pel-count");
      ctx.reply.Integer(static_cast<int64_t>(c.pending.size()));
      ctx.reply.Bulk("pending");
      size_t m = count == 0 ? c.pending.size() : std::min<size_t>(c.pending.size(), count);
      ctx.reply.Array(m);
      auto pit = c.pending.begin();
      for (size_t i = 0; i < m; ++i, ++pit) {
        const PendingEntry& pe = g.pel.at(*pit);
        ctx.reply.Array(3);
        ReplyStreamId(ctx, *pit);
        ctx.reply.Integer(pe.delivery_time);
        ctx.reply.Integer(static_cast<int64_t>(pe.delivery_count));
      }
    }
  }
}

void CmdXInfoHelp(CommandContext& ctx) {
  ctx.ReplyHelp({
      "CONSUMERS <key> <groupname>",
      "    Show consumers of <groupname>.",
      "GROUPS <key>",
      "    Show the stream consumer groups.",
      "STREAM <key> [FULL [COUNT <count>]",
      "    Show information about the stream.",
  });
}

}  // namespace shoal::engine
