#include "engine/command_context.h"

#include "engine/shard.h"
#include "protocol/strings.h"

namespace shoal::engine {

void CommandContext::Error(std::string_view message) {
  reply.Error(message);
  failed_ = true;
  Shard* shard = Shard::Current();
  if (shard != nullptr) shard->stats().CountError(message.substr(0, message.find(' ')));
}

bool CommandContext::MayDelete(std::string_view key, bool empties, bool reply_error) {
  if (!empties || !any_key_locked()) return true;
  Db& d = db(key);
  const KeyNode* node = d.table().Find(key);
  if (node == nullptr || !d.Undeletable(node)) return true;
  if (reply_error) Error(errors::Locked(key, d.LockName(node)));
  return false;
}

void CommandContext::Block(const std::vector<std::string_view>& keys, int64_t deadline_ms,
                           ServeFn serve, bool serve_each) {
  // Redis: inside MULTI or a script a blocking command answers as on timeout.
  if (session.cannot_block()) return reply.NullArray();
  auto w = std::make_shared<Waiter>();
  w->session = &session;
  w->home = session.home();
  w->db = session.db();
  w->resp = reply.resp();
  w->args.assign(args.begin(), args.end());
  w->keys.assign(keys.begin(), keys.end());
  w->serve = serve;
  w->deadline_ms = session.rerun_deadline_ms() >= 0 ? session.rerun_deadline_ms() : deadline_ms;
  w->spec = &spec;
  w->serve_each = serve_each;
  // Every key's shard is ours now (our own, or parked for this command).
  for (std::string_view key : keys) engine().shard(engine().ShardOf(key)).blocking().Add(w->db, key, w);
  session.SetBlocked(std::move(w));
}

void CommandContext::ReplyHelp(std::initializer_list<std::string_view> lines) {
  reply.Array(lines.size() + 3);
  reply.SimpleString(StrCat(ToUpper(args[0]), " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
  for (std::string_view line : lines) reply.SimpleString(line);
  reply.SimpleString("HELP");
  reply.SimpleString("    Print this help.");
}

}  // namespace shoal::engine
