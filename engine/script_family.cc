// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT: Lua scripts over lua::Interpreter.
//
// A script runs on a thread that holds (owns, or has parked) the shards it may touch:
// those of its declared KEYS, or every shard, as the SHA's learned mode says (scripts.h
// explains the learning and the escalation). Session::RouteOf makes that choice before the
// handler runs; the handler asks the session which it got. Each redis.call goes through
// ScriptHost::Call, which checks the command as Redis checks calls from scripts (unknown,
// arity, not allowed from scripts, writes from read-only scripts), checks that its keys
// live on a held shard, and runs it through the session like any command (stats, keyspace
// hooks), replying in the RESP version the script chose.
//
// A script runs as the calling client: SELECT inside it changes the database for the rest
// of the script only; blocking commands answer as on timeout; blocked clients are served
// after the script, never between its calls.
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "engine/args.h"
#include "engine/command_context.h"
#include "engine/errors.h"
#include "engine/families.h"
#include "engine/scripts.h"
#include "engine/shard.h"
#include "lua/interpreter.h"
#include "protocol/strings.h"

namespace shoal::engine {

namespace {

class ScriptHost : public lua::Host {
 public:
  // `held`: the shards this thread holds for the script (every shard when empty).
  ScriptHost(CommandContext& ctx, std::vector<bool> declared, std::vector<bool> held,
             bool read_only, bool can_restart)
      : ctx_(ctx),
        declared_(std::move(declared)),
        held_(std::move(held)),
        read_only_(read_only),
        can_restart_(can_restart),
        running_(ctx.engine().scripts().running(Shard::Current()->index())),
        start_ms_(ctx.engine().clock().NowMs()) {
    running_.wrote.store(false, std::memory_order_relaxed);
    running_.kill.store(false, std::memory_order_relaxed);
  }
  ~ScriptHost() override { ctx_.engine().scripts().SetBusy(running_, false); }

  void Call(absl::Span<const std::string_view> args, int resp, std::string* out) override {
    protocol::ReplyWriter reply(out, resp);
    if (restart_) return reply.Error(errors::kScriptNotAllowed);  // unwinding; never seen
    const CommandSpec* spec = Lookup(args);
    if (spec == nullptr) return reply.Error(errors::kScriptUnknownCommand);
    if (!ArityOk(*spec, args.size())) return reply.Error(errors::kScriptWrongArgs);
    if (spec->flags & kNoScript) return reply.Error(errors::kScriptNotAllowed);
    if (read_only_ && spec->is_write()) return reply.Error(errors::kScriptReadOnly);
    if (!CheckShards(*spec, args)) {
      if (restart_) return reply.Error(errors::kScriptNotAllowed);
      return reply.Error(errors::kScriptUndeclaredAfterWrite);
    }
    call_args_.assign(args.begin(), args.end());
    ctx_.session.CallFromScript(*spec, call_args_, resp, out);
    if (spec->is_write()) {
      wrote_ = true;
      running_.wrote.store(true, std::memory_order_release);
    }
  }

  // Every 100,000 Lua instructions: the clock is read here, not per call (the command
  // time snapshot stands still while the script runs).
  bool ShouldKill() override {
    if (restart_) return true;
    if (!running_.busy.load(std::memory_order_relaxed)) {
      if (threshold_ms_ < 0) threshold_ms_ = ctx_.engine().config().GetInt("busy-reply-threshold");
      if (ctx_.engine().clock().NowMs() - start_ms_ >= threshold_ms_) {
        ctx_.engine().scripts().SetBusy(running_, true);
      }
    }
    if (running_.busy.load(std::memory_order_relaxed)) {
      // Let this thread's other clients hear BUSY (and send SCRIPT KILL).
      Shard::Current()->PollWhileBusy();
    }
    return running_.kill.load(std::memory_order_acquire);
  }

  // redis.log: to the server's log (stderr) as Redis writes it, if `level` (0 debug ..
  // 3 warning) reaches the loglevel setting.
  void Log(int level, std::string_view message) override {
    static constexpr std::string_view kLevels[] = {"debug", "verbose", "notice", "warning"};
    std::string configured = ctx_.engine().config().GetString("loglevel");
    int threshold = 4;  // "nothing"
    for (int i = 0; i < 4; ++i) {
      if (configured == kLevels[i]) threshold = i;
    }
    if (level < threshold) return;
    const int64_t now = ctx_.engine().clock().NowMs();
    const time_t secs = static_cast<time_t>(now / 1000);
    struct tm tm;
    localtime_r(&secs, &tm);
    char stamp[64];
    strftime(stamp, sizeof(stamp), "%d %b %Y %H:%M:%S", &tm);
    std::fprintf(stderr, "%d:M %s.%03d %c %.*s\n", static_cast<int>(getpid()), stamp,
                 static_cast<int>(now % 1000), ".-*#"[level], static_cast<int>(message.size()),
                 message.data());
  }

  // Every client is the default user, who may run every command there is.
  AclCheck CheckAcl(absl::Span<const std::string_view> args) override {
    return Lookup(args) != nullptr ? AclCheck::kAllowed : AclCheck::kUnknownCommand;
  }

  bool reached_undeclared() const { return reached_undeclared_; }
  // The script reached a shard it does not hold before writing: run it again over all.
  bool restart() const { return restart_; }

 private:
  static const CommandSpec* Lookup(absl::Span<const std::string_view> args) {
    const CommandTable& table = CommandTable::Get();
    const CommandSpec* spec = table.Find(args[0]);
    if (spec != nullptr && spec->is_container() && args.size() >= 2) {
      spec = table.FindSub(*spec, args[1]);
    }
    return spec;
  }

  // False when the command needs a shard this thread does not hold.
  bool CheckShards(const CommandSpec& spec, absl::Span<const std::string_view> args) {
    Engine& engine = ctx_.engine();
    if (engine.shard_count() == 1) return true;
    KeyList keys;
    if (spec.flags & kAllShards) {
      for (unsigned s = 0; s < engine.shard_count(); ++s) Need(s);
    } else {
      CollectKeys(spec, ArgList(args.data(), args.size()), &keys);
      for (std::string_view key : keys) Need(engine.ShardOf(key));
    }
    if (!missing_) return true;
    missing_ = false;
    if (!wrote_ && can_restart_) restart_ = true;
    return false;
  }
  void Need(unsigned shard) {
    if (!declared_[shard]) reached_undeclared_ = true;
    if (!held_.empty() && !held_[shard]) missing_ = true;
  }

  CommandContext& ctx_;
  std::vector<bool> declared_;
  std::vector<bool> held_;
  bool read_only_;
  bool can_restart_;
  ScriptRegistry::Running& running_;
  int64_t start_ms_;
  int64_t threshold_ms_ = -1;  // read at the first hook
  bool wrote_ = false;
  bool missing_ = false;
  bool reached_undeclared_ = false;
  bool restart_ = false;
  CmdArgs call_args_;
};

// EVAL's numkeys: replies the error and returns false when it is bad.
bool ParseNumKeys(CommandContext& ctx, size_t* numkeys) {
  int64_t n;
  if (!ParseInt64(ctx.arg(2), &n)) return ctx.Error(errors::kNotInteger), false;
  if (n < 0) return ctx.Error(errors::kNumKeysNegative), false;
  if (static_cast<uint64_t>(n) > ctx.argc() - 3) return ctx.Error(errors::kNumKeysTooBig), false;
  *numkeys = static_cast<size_t>(n);
  return true;
}

// Makes sure this shard's VM has the script; replies the error and returns false if not.
bool LoadScript(CommandContext& ctx, ShardScripts& local, const std::string& sha, bool by_sha) {
  if (local.vm->Has(sha)) return true;
  ScriptRegistry& scripts = ctx.engine().scripts();
  std::optional<std::string> body;
  if (by_sha) {
    body = scripts.bodies().Get(sha);
    if (!body) return ctx.Error(errors::kNoScript), false;
  }
  std::string error;
  std::string_view text = by_sha ? std::string_view(*body) : ctx.arg(1);
  if (!local.Load(sha, text, &error)) return ctx.Error(error), false;
  if (!by_sha) scripts.bodies().Put(sha, text);
  return true;
}

void RunScript(CommandContext& ctx, bool by_sha, bool read_only) {
  size_t numkeys;
  if (!ParseNumKeys(ctx, &numkeys)) return;
  std::string sha = ScriptSha(ctx.args, by_sha);
  Engine& engine = ctx.engine();
  Shard& shard = *Shard::Current();
  ShardScripts& local = shard.scripts();
  if (!LoadScript(ctx, local, sha, by_sha)) return;
  read_only = read_only || local.NoWrites(sha);

  // Which shards the KEYS name, and which this thread holds (with one shard: all of it,
  // and nothing to check).
  const unsigned n = engine.shard_count();
  std::vector<bool> declared, held;
  ArgList keys = ctx.args.subspan(3, numkeys);
  const bool holds_all = ctx.session.holds_every_shard();
  if (n > 1) {
    declared.assign(n, false);
    for (std::string_view key : keys) declared[engine.ShardOf(key)] = true;
    if (!holds_all) {
      held = declared;
      held[shard.index()] = true;
    }
  }
  ScriptRegistry::Mode mode = n == 1 ? ScriptRegistry::Mode::kDeclared
                                     : engine.scripts().ModeOf(sha);
  if (holds_all && mode == ScriptRegistry::Mode::kUndeclared) engine.scripts().escalations++;

  ScriptHost host(ctx, std::move(declared), std::move(held), read_only,
                  /*can_restart=*/!ctx.session.in_exec());
  std::string* out = ctx.reply.out();
  const size_t mark = out->size();
  const int db = ctx.session.db();
  ctx.session.set_in_script(true);
  local.vm->Run(sha, keys, ctx.args.subspan(3 + numkeys), host, ctx.reply);
  ctx.session.set_in_script(false);
  ctx.session.set_db(db);  // SELECT inside the script does not outlive it

  if (host.restart()) {
    engine.scripts().SetMode(sha, ScriptRegistry::Mode::kUndeclared);
    out->resize(mark);
    ctx.session.RestartCommand();
    return;
  }
  if (n > 1 && holds_all && mode == ScriptRegistry::Mode::kUnknown) {
    engine.scripts().SetMode(sha, host.reached_undeclared() ? ScriptRegistry::Mode::kUndeclared
                                                            : ScriptRegistry::Mode::kDeclared);
  } else if (host.reached_undeclared() && mode != ScriptRegistry::Mode::kUndeclared && n > 1) {
    engine.scripts().SetMode(sha, ScriptRegistry::Mode::kUndeclared);
  }
}

}  // namespace

std::string ScriptSha(ArgList args, bool by_sha) {
  return by_sha ? ToLower(args[1]) : lua::Sha1Hex(args[1]);
}

void EvalKeys(ArgList args, KeyList* keys) {
  int64_t n;
  if (args.size() < 3 || !ParseInt64(args[2], &n) || n < 0 ||
      static_cast<uint64_t>(n) > args.size() - 3) {
    return;
  }
  for (size_t i = 0; i < static_cast<size_t>(n); ++i) keys->push_back(args[3 + i]);
}

void CmdEval(CommandContext& ctx) { RunScript(ctx, false, false); }
void CmdEvalSha(CommandContext& ctx) { RunScript(ctx, true, false); }
void CmdEvalRo(CommandContext& ctx) { RunScript(ctx, false, true); }
void CmdEvalShaRo(CommandContext& ctx) { RunScript(ctx, true, true); }

// SCRIPT LOAD script: compiles it here (so a bad script is refused now) and stores it.
void CmdScriptLoad(CommandContext& ctx) {
  std::string sha = lua::Sha1Hex(ctx.arg(2));
  std::string error;
  if (!Shard::Current()->scripts().Load(sha, ctx.arg(2), &error)) return ctx.Error(error);
  ctx.engine().scripts().bodies().Put(sha, ctx.arg(2));
  ctx.reply.Bulk(sha);
}

void CmdScriptExists(CommandContext& ctx) {
  ctx.reply.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    ctx.reply.Integer(ctx.engine().scripts().bodies().Exists(ToLower(ctx.arg(i))) ? 1 : 0);
  }
}

// SCRIPT FLUSH [ASYNC|SYNC]: both flush at once (the bodies are small).
void CmdScriptFlush(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.Error(errors::kScriptFlushArgs);
  if (ctx.argc() == 3 && !EqualsIgnoreCase(ctx.arg(2), "async") &&
      !EqualsIgnoreCase(ctx.arg(2), "sync")) {
    return ctx.Error(errors::kScriptFlushArgs);
  }
  ctx.engine().scripts().Flush();
  ctx.reply.Ok();
}

void CmdScriptKill(CommandContext& ctx) {
  std::string_view error = ctx.engine().scripts().Kill();
  if (!error.empty()) return ctx.Error(error);
  ctx.reply.Ok();
}

void CmdScriptHelp(CommandContext& ctx) {
  ctx.ReplyHelp({
      "DEBUG (YES|SYNC|NO)",
      "    Set the debug mode for subsequent scripts executed.",
      "EXISTS <sha1> [<sha1> ...]",
      "    Return information about the existence of the scripts in the script cache.",
      "FLUSH [ASYNC|SYNC]",
      "    Flush the Lua scripts cache. Very dangerous on replicas.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the scripts cache.",
      "    * SYNC: Synchronously flush the scripts cache.",
      "KILL",
      "    Kill the currently executing Lua script.",
      "LOAD <script>",
      "    Load a script into the scripts cache without executing it.",
  });
}

}  // namespace shoal::engine
