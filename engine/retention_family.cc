// Retention locks and legal holds: RETAIN and LEGALHOLD, and the guard every write command
// passes (Session::ExecuteHere calls WriteAllowed before the handler).
//
// - A retained key (RETAIN, until a time) can be neither modified nor deleted: every
//   command flagged write that names it in a position it writes is refused with -LOCKED,
//   and expiry leaves it alone until the retention ends. A retention can be extended, never
//   shortened, except by RETAIN key CLEAR, which needs admin rights: a connection that ran
//   AUTH admin <admin-password>, or any connection while admin-password is unset (as
//   Redis's default user may run every command).
// - A held key (LEGALHOLD ON) may be modified but not deleted: DEL, UNLINK, GETDEL, MOVE and
//   the source of RENAME are refused, expiry waits for the release, and TAG.DELKEYS skips
//   it.
// - FLUSHDB and FLUSHALL refuse while the database holds a retained or held key.
//
// Written positions come from the command table (kReadsSources, kReadsFirstKey,
// kDeletesKeys, kDeletesFirstKey, as Redis's key specs): a write command writes every key it
// names, except the sources of the *STORE commands, of HMERGE and of COPY, which it only
// reads.
//
// A delete that is a side effect (a pop or removal that empties a collection, an empty
// *STORE result, an expiry already past) is refused the same way, by the command itself
// before it changes anything (CommandContext::MayDelete). A blocked client whose key is
// retained, or whose pop would empty a held key, is not served from it while so: it
// stays blocked (BlockingRegistry::ServeReady).
//
// The guard costs one relaxed atomic load per write while no key anywhere is locked.
#include <algorithm>
#include <cstdint>
#include <string_view>

#include "engine/args.h"
#include "engine/command_context.h"
#include "engine/config.h"
#include "engine/errors.h"
#include "engine/families.h"
#include "protocol/strings.h"

namespace shoal::engine {
namespace {

// The keys the command writes, and which of them it deletes: its row's key-use flags.
void WrittenKeys(const CommandContext& ctx, KeyList* written, KeyList* deleted) {
  KeyList keys;
  CollectKeys(ctx.spec, ctx.args, &keys);
  const uint32_t flags = ctx.spec.flags;
  if (flags & kReadsSources) {
    keys.resize(std::min<size_t>(keys.size(), 1));
  } else if ((flags & kReadsFirstKey) && !keys.empty()) {
    keys.erase(keys.begin());
  }
  *written = keys;
  if (flags & kDeletesKeys) {
    *deleted = keys;
  } else if ((flags & kDeletesFirstKey) && !keys.empty()) {
    deleted->push_back(keys[0]);
  }
}

bool IsAdmin(CommandContext& ctx) {
  return ctx.engine().config().GetString("admin-password").empty() || ctx.session.admin();
}

}  // namespace

bool WriteAllowed(CommandContext& ctx, bool reply_error) {
  if (ctx.engine().locked_keys.load(std::memory_order_relaxed) == 0) return true;
  KeyList written, deleted;
  WrittenKeys(ctx, &written, &deleted);
  for (std::string_view key : written) {
    Db& db = ctx.db(key);
    KeyNode* node = db.table().Find(key);
    if (node == nullptr) continue;
    const bool deletes = std::find(deleted.begin(), deleted.end(), key) != deleted.end();
    if (db.Retained(node) || (deletes && db.Undeletable(node))) {
      if (reply_error) ctx.Error(errors::Locked(key, db.LockName(node)));
      return false;
    }
  }
  return true;
}

bool AnyKeyLocked(CommandContext& ctx, bool all_dbs) {
  for (unsigned s = 0; s < ctx.engine().shard_count(); ++s) {
    Shard& shard = ctx.engine().shard(s);
    for (int d = 0; d < shard.db_count(); ++d) {
      if (!all_dbs && d != ctx.session.db()) continue;
      Db& db = shard.db(d);
      if (db.meta().AnyLocked(db.now_ms())) return true;
    }
  }
  return false;
}

// RETAIN key: the retention's end in unix ms (0: none). RETAIN key seconds | UNTIL unix-ms:
// sets or extends it. RETAIN key CLEAR: removes it (admin only).
void CmdRetain(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Db& db = ctx.db(key);
  KeyNode* node = db.Find(key);
  if (node == nullptr) return ctx.Error(errors::kNoSuchKey);
  const KeyMeta* meta = db.MetaOf(node);
  const int64_t now = ctx.now_ms();
  const int64_t current = meta != nullptr && meta->retained(now) ? meta->retain_until_ms : 0;
  if (ctx.argc() == 2) return ctx.reply.Integer(current);
  int64_t until;
  if (ctx.argc() == 3 && EqualsIgnoreCase(ctx.arg(2), "clear")) {
    if (!IsAdmin(ctx)) return ctx.Error(errors::kRetentionClearNeedsAdmin);
    if (meta == nullptr) return ctx.reply.Ok();
    db.meta().SetRetention(key, 0);
    if (node->has_expiry()) node = db.SetExpire(node, node->expire_at());  // re-arm expiry
    db.TrimMeta(node);
    db.NotifyWrite(key);
    return ctx.reply.Ok();
  }
  if (ctx.argc() == 3) {
    int64_t seconds;
    if (!ParseInt64(ctx.arg(2), &seconds) || seconds <= 0 || seconds > INT64_MAX / 1000 - now) {
      return ctx.Error(errors::kInvalidRetention);
    }
    until = now + seconds * 1000;
  } else if (ctx.argc() == 4 && EqualsIgnoreCase(ctx.arg(2), "until")) {
    if (!ParseInt64(ctx.arg(3), &until) || until <= now) {
      return ctx.Error(errors::kInvalidRetention);
    }
  } else {
    return ctx.Error(errors::kSyntax);
  }
  if (until < current) return ctx.Error(errors::kRetentionShortened);
  db.EditMeta(node);
  db.meta().SetRetention(key, until);
  db.NotifyWrite(key);
  // Journaled with the absolute time, as Redis journals EXPIRE as PEXPIREAT.
  if (ctx.journaling()) ctx.Propagate({"RETAIN", key, "UNTIL", StrCat(until)});
  ctx.reply.Ok();
}

// LEGALHOLD key ON|OFF|STATUS.
void CmdLegalHold(CommandContext& ctx) {
  std::string_view key = ctx.arg(1), mode = ctx.arg(2);
  Db& db = ctx.db(key);
  KeyNode* node = db.Find(key);
  if (node == nullptr) return ctx.Error(errors::kNoSuchKey);
  const KeyMeta* meta = db.MetaOf(node);
  if (EqualsIgnoreCase(mode, "status")) {
    return ctx.reply.SimpleString(meta != nullptr && meta->legal_hold ? "ON" : "OFF");
  }
  const bool on = EqualsIgnoreCase(mode, "on");
  if (!on && !EqualsIgnoreCase(mode, "off")) return ctx.Error(errors::kSyntax);
  if (!on && meta == nullptr) return ctx.reply.Ok();
  db.EditMeta(node);
  db.meta().SetLegalHold(key, on);
  db.NotifyWrite(key);
  if (!on) {
    if (node->has_expiry()) node = db.SetExpire(node, node->expire_at());  // re-arm expiry
    db.TrimMeta(node);
  }
  ctx.reply.Ok();
}

}  // namespace shoal::engine
