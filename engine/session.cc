#include "engine/session.h"

#include <algorithm>
#include <future>

#include "protocol/strings.h"
#include "engine/command_context.h"
#include "engine/cycle_clock.h"
#include "engine/engine.h"
#include "engine/errors.h"
#include "engine/families.h"
#include "engine/log.h"
#include "engine/shard.h"

namespace shoal::engine {
namespace {

// Redis 7's processCommand: what a RESP2 client in subscriber mode may run.
bool AllowedWhileSubscribed(const CommandSpec& spec) {
  static constexpr std::string_view kAllowed[] = {
      "ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe",
      "psubscribe", "punsubscribe", "quit", "reset"};
  for (std::string_view name : kAllowed) {
    if (spec.name == name) return true;
  }
  return false;
}

}  // namespace

Session::Session(Engine* engine, unsigned home)
    : engine_(engine),
      id_(engine->NextClientId()),
      home_(home),
      created_ms_(engine->clock().NowMs()),
      last_active_ms_(created_ms_) {
  authenticated_ = engine->config().GetString("requirepass").empty();
  inbox_->SetKill([this] {
    LogWarning(StrCat("Client ", Describe(),
                      " scheduled to be closed ASAP for overcoming of output buffer limits."));
    RequestClose();
  });
  engine_->Register(this);
}

Session::~Session() {
  inbox_->Detach();
  DisableTracking();
  UnsubscribeAll();
  Unwatch();
  engine_->Unregister(this);
}

// --- Embedded API ------------------------------------------------------------------------

std::string Session::ExecuteRaw(const std::vector<std::string>& args) {
  std::vector<CmdArgs> cmds(1);
  for (const std::string& a : args) cmds[0].push_back(a);
  std::string out;
  std::promise<void> finished;
  engine_->shard(home_).executor().Post([&] {
    if (Run(cmds, &out, [&] { finished.set_value(); })) finished.set_value();
  });
  finished.get_future().wait();
  return out;
}

protocol::Value Session::Execute(const std::vector<std::string>& args) {
  std::string out = ExecuteRaw(args);
  if (out.empty()) return protocol::Value{};  // CLIENT REPLY OFF
  return protocol::ParseReply(out);
}

protocol::Value Session::Execute(std::initializer_list<std::string_view> args) {
  return Execute(std::vector<std::string>(args.begin(), args.end()));
}

// --- Dispatch ----------------------------------------------------------------------------

bool Session::Run(absl::Span<const CmdArgs> cmds, std::string* out,
                  absl::AnyInvocable<void()> done) {
  cmds_ = cmds;
  next_ = 0;
  out_ = out;
  async_ = false;
  done_ = std::move(done);
  Continue();
  if (async_) return false;
  done_ = nullptr;  // never called: drop what it holds (the connection keeps itself in it)
  return true;
}

Session::Resolved Session::Resolve(const CmdArgs& args) const {
  Resolved r;
  const CommandTable& table = CommandTable::Get();
  const CommandSpec* spec = table.Find(args[0]);
  if (spec == nullptr) {
    r.error = errors::UnknownCommand(args[0], args.data() + 1, args.size() - 1);
    return r;
  }
  if (spec->is_container() && (args.size() >= 2 || spec->handler == nullptr)) {
    if (args.size() < 2) {
      r.error = errors::WrongArgs(spec->name);
      return r;
    }
    const CommandSpec* sub = table.FindSub(*spec, args[1]);
    if (sub == nullptr) {
      r.error = errors::UnknownSubcommand(args[1], spec->name);
      return r;
    }
    spec = sub;
  }
  if (!ArityOk(*spec, args.size())) {
    r.error = errors::WrongArgs(spec->name);
    return r;
  }
  if (!authenticated_ && !(spec->flags & kNoAuth)) {
    r.error = std::string(errors::kNoAuth);
    return r;
  }
  r.spec = spec;
  return r;
}

Session::Route Session::RouteOf(const CommandSpec& spec, const CmdArgs& args) const {
  Route route;
  unsigned n = engine_->shard_count();
  if (n == 1) return route;
  if ((spec.flags & kAllShards) ||
      ((spec.flags & kScript) && args.size() > 1 &&
       engine_->scripts().ModeOf(ScriptSha(ArgList(args.data(), args.size()),
                                           spec.name.starts_with("evalsha"))) !=
           ScriptRegistry::Mode::kDeclared)) {
    route.kind = RouteKind::kMany;
    for (unsigned i = 0; i < n; ++i) route.shards.push_back(i);
    return route;
  }
  KeyList keys;
  CollectKeys(spec, ArgList(args.data(), args.size()), &keys);
  if (keys.empty()) return route;
  unsigned first = engine_->ShardOf(keys[0]);
  bool single = true;
  for (size_t i = 1; i < keys.size() && single; ++i) single = engine_->ShardOf(keys[i]) == first;
  if (single) {
    if (first != home_) {
      route.kind = RouteKind::kOne;
      route.shard = first;
    }
    return route;
  }
  route.kind = RouteKind::kMany;
  route.shards.push_back(home_);
  for (std::string_view key : keys) route.shards.push_back(engine_->ShardOf(key));
  std::sort(route.shards.begin(), route.shards.end());
  route.shards.erase(std::unique(route.shards.begin(), route.shards.end()), route.shards.end());
  return route;
}

std::string_view Session::MemoryError(const CommandSpec& spec) const {
  if (engine_->config().GetMaxMemory() <= 0) return {};
  const bool exec = in_multi_ && spec.name == "exec";
  const bool denyoom =
      (spec.flags & kDenyOom) ||
      (exec && std::any_of(queued_.begin(), queued_.end(),
                           [](const QueuedCommand& q) { return q.spec->flags & kDenyOom; }));
  if (!denyoom || !engine_->OutOfMemory()) return {};
  return exec ? errors::kExecAbortOom : errors::kOom;
}

void Session::ReplyError(std::string_view error) {
  protocol::ReplyWriter w(out_, resp());
  w.Error(error);
  Shard& shard = engine_->shard(home_);
  shard.stats().CountError(error.substr(0, error.find(' ')));
}

bool Session::OutputFull() {
  if (!output_limited_) return false;
  const Config& config = engine_->config();
  const OutputLimit limit = subscribed() ? config.GetPubSubLimit() : config.GetNormalLimit();
  if (limit.hard_bytes <= 0 || static_cast<int64_t>(out_->size()) < limit.hard_bytes) {
    return false;
  }
  CloseAfterReply();
  return true;
}

void Session::Continue() {
  // After QUIT (or CLIENT KILL) nothing more of the pipeline runs, as in Redis.
  while (next_ < cmds_.size() && !close_requested() && !OutputFull()) {
    const CmdArgs& args = cmds_[next_];
    if (args.empty()) {
      ++next_;
      continue;
    }
    Resolved r = Resolve(args);
    if (r.spec != nullptr && resp() == 2 && subscribed() && !AllowedWhileSubscribed(*r.spec)) {
      ReplyError(errors::SubscriberMode(r.spec->name));
      ++next_;
      continue;
    }
    if (in_multi_ && (r.spec == nullptr || !(r.spec->flags & kTxControl))) {
      Queue(r, args);
      ++next_;
      continue;
    }
    if (r.spec == nullptr) {
      ReplyError(r.error);
      ++next_;
      continue;
    }
    if ((engine_->scripts().any_busy() || Shard::PollingWhileBusy()) &&
        !(r.spec->flags & kAllowBusy)) {
      ReplyError(errors::kBusy);
      ++next_;
      continue;
    }
    if (std::string_view oom = MemoryError(*r.spec); !oom.empty()) {
      if (in_multi_) DiscardMulti();  // EXEC: the transaction is gone, as in Redis
      ReplyError(oom);
      ++next_;
      continue;
    }
    Route route = in_multi_ && r.spec->name == "exec" ? ExecRoute() : RouteOf(*r.spec, args);
    if (route.kind == RouteKind::kHere) {
      ExecuteHere(*r.spec, args);
      if (restart_) {
        restart_ = false;
        continue;  // the same command again, routed afresh
      }
      ++next_;
      if (blocked_) {
        async_ = true;
        return WaitBlocked();
      }
      continue;
    }
    async_ = true;
    if (route.kind == RouteKind::kOne) {
      batch_.assign(1, r.spec);
      RunBatchOn(route.shard);
    } else {
      RunTransaction(*r.spec, std::move(route.shards));
    }
    return;
  }
  if (rerun_) FinishRerun();  // closing before the re-run ran
  Finish();
}

// --- Blocking ------------------------------------------------------------------------------

void Session::FinishRerun() {
  std::shared_ptr<Waiter> w = std::move(rerun_);
  for (const std::string& key : w->keys) {
    unsigned s = engine_->ShardOf(key);
    engine_->shard(s).executor().Post([engine = engine_, s, db = w->db, key] {
      Shard& shard = engine->shard(s);
      shard.blocking().OnWrite(db, key);
      shard.ServeBlocked();
    });
  }
}

void Session::WaitBlocked() {
  // The waiter may already be served (its resume task is then queued behind us).
  if (blocked_->deadline_ms > 0) {
    engine_->shard(home_).block_timers().Add(blocked_->deadline_ms, blocked_);
  }
  parked_ = true;
  if (park_hook_) park_hook_();
}

void Session::ResumeBlocked(Waiter* w) {
  if (blocked_.get() != w) return;  // not (or no longer) the waiter this session waits on
  parked_ = false;
  std::shared_ptr<Waiter> done = std::move(blocked_);
  if (done->rerun) {
    // The serve could not finish here (BLMOVE to another shard's key): run the command
    // again, keeping the first wait's deadline. next_ is just past it.
    rerun_ = done;
    --next_;
  } else if (reply_mode_ == ReplyMode::kOn) {
    out_->append(done->reply);
  }
  // A timeout or cancel leaves the waiter in its keys' queues: have them dropped.
  for (const std::string& key : done->keys) {
    unsigned s = engine_->ShardOf(key);
    engine_->shard(s).executor().Post([engine = engine_, s, db = done->db, key] {
      engine->shard(s).blocking().RemoveFinished(db, key);
    });
  }
  Continue();
}

void Session::CancelBlock() {
  if (!parked_ || !blocked_) return;
  CloseAfterReply();
  if (blocked_->Claim()) ResumeBlocked(blocked_.get());
  // Otherwise a shard or the timeout has finished it: its resume is on its way.
}

void Session::Finish() {
  if (!async_) return;
  auto done = std::move(done_);
  done();  // may destroy this session: touch nothing after
}

void Session::RunBatchOn(unsigned shard) {
  // Extend the batch with the following commands bound for the same shard.
  size_t end = next_ + 1;
  while (end < cmds_.size() && !cmds_[end].empty()) {
    Resolved r = Resolve(cmds_[end]);
    if (r.spec == nullptr) break;
    Route route = RouteOf(*r.spec, cmds_[end]);
    if (route.kind != RouteKind::kOne || route.shard != shard) break;
    batch_.push_back(r.spec);
    ++end;
  }
  engine_->shard(shard).executor().Post([this, end]() mutable {
    for (size_t i = next_; i < end; ++i) {
      if (OutputFull()) {
        end = i;  // home sees it too and ends the round
        break;
      }
      ExecuteHere(*batch_[i - next_], cmds_[i]);
      if (blocked_) end = i + 1;  // the rest of the pipeline waits for the blocked one
      if (restart_) end = i;      // run it again from home, routed afresh
    }
    engine_->shard(home_).executor().Post([this, end] {
      next_ = end;
      restart_ = false;
      blocked_ ? WaitBlocked() : Continue();
    });
  });
}

void Session::RunTransaction(const CommandSpec& spec, std::vector<unsigned> shards) {
  auto tx = std::make_shared<Transaction>(engine_, home_, std::move(shards));
  holding_all_ = tx->shards().size() == engine_->shard_count();
  tx->Start([this, &spec] { ExecuteHere(spec, cmds_[next_]); },
            [this] {
              holding_all_ = false;
              if (!restart_) ++next_;
              restart_ = false;
              blocked_ ? WaitBlocked() : Continue();
            });
}

int64_t Session::CommandTime(const CmdArgs& args) const {
  if (!command_times_.empty()) {
    // Only a command of the Run itself has a time of its own (not one EXEC or a script
    // runs: those share their outer command's).
    std::less<const CmdArgs*> before;
    const CmdArgs* first = cmds_.data();
    if (!before(&args, first) && before(&args, first + cmds_.size())) {
      const size_t i = static_cast<size_t>(&args - first);
      if (i < command_times_.size() && command_times_[i] != 0) return command_times_[i];
    }
  }
  return engine_->clock().NowMs();
}

bool Session::holds_every_shard() const {
  return holding_all_ || engine_->shard_count() == 1;
}

void Session::CallFromScript(const CommandSpec& spec, const CmdArgs& args, int resp,
                             std::string* out) {
  std::string* saved = out_;
  out_ = out;
  ExecuteHere(spec, args, resp);
  out_ = saved;
}

void Session::ExecuteHere(const CommandSpec& spec, const CmdArgs& args, int resp) {
  Shard* shard = Shard::Current();
  // A command inside EXEC or a script is "nested": it shares the outer command's time
  // snapshot and is counted, not timed, in commandstats (a clock read costs as much as a
  // small command here).
  const bool nested = in_exec_ || in_script_;
  const uint64_t start = nested ? 0 : cycle_clock::Now();
  const bool owns_time = shard != nullptr && !shard->has_command_time();
  if (owns_time) shard->set_command_time(CommandTime(args));
  // maxmemory (eviction.h): before a write that may grow memory, this shard evicts.
  if (!nested && shard != nullptr && (spec.flags & (kDenyOom | kScript | kTxControl))) {
    shard->EvictIfNeeded(Shard::kEvictPerCommand);
  }
  if (!nested && (spec.flags & kScript)) {
    script_oom_ = engine_->OutOfMemory();
    script_writes_ = Db::ThreadWrites();
  }
  size_t mark = out_->size();
  protocol::ReplyWriter writer(out_, resp != 0 ? resp : this->resp());
  CommandContext ctx(*this, spec, ArgList(args.data(), args.size()), writer);
  last_command_id_.store(spec.id, std::memory_order_relaxed);  // CLIENT LIST shows it running
  const uint64_t writes = Db::ThreadWrites();
  const int db = this->db();  // SELECT is not journaled: the journal writes its own
  Tracking::set_current_client(id_);
  if (in_script_ && script_oom_ && (spec.flags & kDenyOom) &&
      Db::ThreadWrites() == script_writes_) {
    ctx.Error(errors::kOom);
  } else if (!spec.is_write() || (spec.flags & kMetaOnly) || WriteAllowed(ctx)) {
    spec.handler(ctx);
  }
  Tracking::set_current_client(0);
  // An EXEC or a script appends the writes its commands gathered (JournalCommand).
  if (Db::ThreadWrites() != writes ||
      (!journal_group_.empty() && !nested && (spec.flags & (kScript | kTxControl)))) {
    JournalCommand(ctx, db);
  }
  if (tracking_.on.load(std::memory_order_relaxed)) {
    TrackRead(spec, args);
    // CLIENT CACHING applies to the one command after it.
    if (!nested && spec.name != "client|caching") tracking_.caching = 0;
  }
  if (rerun_) FinishRerun();
  if (reply_mode_ != ReplyMode::kOn && !nested && spec.name != "client|reply") {
    out_->resize(mark);  // CLIENT REPLY OFF / SKIP
    if (reply_mode_ == ReplyMode::kSkip) reply_mode_ = ReplyMode::kOn;
  }
  if (shard == nullptr) return;
  if (owns_time) {
    last_active_ms_.store(shard->now_ms(), std::memory_order_relaxed);
    shard->set_command_time(0);
  }
  CommandStats& cs = shard->stats().per_command[spec.id];
  cs.calls.Add();
  if (!nested) {
    uint64_t usec = cycle_clock::ToMicros(cycle_clock::Now() - start);
    cs.usec.Add(usec);
    shard->stats().latency.Record(usec);
  }
  if (ctx.failed()) cs.failed_calls.Add();
  shard->stats().commands_processed.Add();
  // After EXEC or a script, not between their commands.
  if (!nested && !Shard::PollingWhileBusy()) shard->ServeBlocked();
}

// --- Journal --------------------------------------------------------------------------------

void Session::JournalCommand(CommandContext& ctx, int db) {
  Journal* journal = engine_->journal();
  if (journal == nullptr) {  // none, or switched off during an EXEC or a script
    journal_group_.clear();
    return;
  }
  uint64_t lsn = 0;
  // The command's time snapshot (an EXEC's or a script's for their group): replay runs
  // the commands at it (journal.h).
  const Shard* shard = Shard::Current();
  const int64_t time_ms = shard != nullptr ? shard->now_ms() : engine_->clock().NowMs();
  if (in_exec_ || in_script_) {
    if (!ctx.propagate_replaced()) {
      journal_group_.push_back({db, std::vector<std::string>(ctx.args.begin(), ctx.args.end())});
    }
    for (const auto& args : ctx.propagated()) journal_group_.push_back({db, args});
    return;
  }
  if (ctx.spec.flags & (kScript | kTxControl)) {  // EXEC or a script: its writes, as one
    lsn = journal->AppendAtomic(journal_group_, time_ms);
    journal_group_.clear();
  } else if (!ctx.propagate_replaced()) {
    lsn = journal->Append(db, ctx.args, time_ms);
  } else if (ctx.propagated().size() == 1) {
    const std::vector<std::string>& args = ctx.propagated()[0];
    std::vector<std::string_view> views(args.begin(), args.end());
    lsn = journal->Append(db, ArgList(views.data(), views.size()), time_ms);
  } else if (!ctx.propagated().empty()) {
    std::vector<JournalRecord> records;
    for (const auto& args : ctx.propagated()) records.push_back({db, args});
    lsn = journal->AppendAtomic(records, time_ms);
  }
  if (lsn > journal_lsn_.load(std::memory_order_relaxed)) {
    journal_lsn_.store(lsn, std::memory_order_release);
  }
}

// --- MULTI / EXEC / WATCH ---------------------------------------------------------------

void Session::BeginMulti() {
  in_multi_ = true;
  multi_len_.store(0, std::memory_order_relaxed);
}

void Session::Queue(const Resolved& r, const CmdArgs& args) {
  if (r.spec == nullptr || (r.spec->flags & kNoMulti)) {
    multi_aborted_ = true;
    return ReplyError(r.spec == nullptr ? std::string_view(r.error) : errors::kNotAllowedInMulti);
  }
  if (std::string_view oom = MemoryError(*r.spec); !oom.empty()) {
    multi_aborted_ = true;
    return ReplyError(oom);
  }
  Route route = RouteOf(*r.spec, args);
  if (route.kind == RouteKind::kOne) route.shards.push_back(route.shard);
  if (r.spec->flags & kAllShards) queued_all_shards_ = true;
  for (unsigned s : route.shards) {
    auto it = std::lower_bound(queued_shards_.begin(), queued_shards_.end(), s);
    if (it == queued_shards_.end() || *it != s) queued_shards_.insert(it, s);
  }
  queued_.push_back({r.spec, std::vector<std::string>(args.begin(), args.end())});
  multi_len_.store(static_cast<int>(queued_.size()), std::memory_order_relaxed);
  if (reply_mode_ == ReplyMode::kOn) protocol::ReplyWriter(out_, resp()).SimpleString("QUEUED");
  if (reply_mode_ == ReplyMode::kSkip) reply_mode_ = ReplyMode::kOn;
}

Session::Route Session::ExecRoute() const {
  Route route;
  unsigned n = engine_->shard_count();
  if (n == 1) return route;
  std::vector<unsigned> shards = queued_shards_;
  if (queued_all_shards_) {
    shards.clear();
    for (unsigned i = 0; i < n; ++i) shards.push_back(i);
  }
  for (const auto& [db, key] : watched_) shards.push_back(engine_->ShardOf(key));
  shards.push_back(home_);
  std::sort(shards.begin(), shards.end());
  shards.erase(std::unique(shards.begin(), shards.end()), shards.end());
  if (shards.size() == 1) return route;  // home only
  route.kind = RouteKind::kMany;
  route.shards = std::move(shards);
  return route;
}

void Session::DiscardMulti() {
  in_multi_ = false;
  multi_aborted_ = false;
  queued_.clear();
  queued_all_shards_ = false;
  queued_shards_.clear();
  multi_len_.store(-1, std::memory_order_relaxed);
  Unwatch();
}

void Session::Exec(CommandContext& ctx) {
  std::vector<QueuedCommand> queued = std::move(queued_);
  bool aborted = multi_aborted_;
  // A watched key changed if a write flagged it, or if it has expired since: looking it
  // up drops it, which flags it (Redis 7 fails EXEC on a watched key that expired).
  bool changed = false;
  for (const auto& [db, key] : watched_) {
    engine_->shard(engine_->ShardOf(key)).db(db).Find(key);
  }
  if (watch_ != nullptr) changed = watch_->dirty.load(std::memory_order_acquire);
  DiscardMulti();
  if (aborted) return ctx.Error(errors::kExecAbort);
  if (changed) return ctx.reply.NullArray();
  ctx.reply.Array(queued.size());
  in_exec_ = true;
  CmdArgs args;
  for (const QueuedCommand& q : queued) {
    args.assign(q.args.begin(), q.args.end());
    ExecuteHere(*q.spec, args);
  }
  in_exec_ = false;
}

void Session::Watch(CommandContext& ctx, std::string_view key) {
  int db = this->db();
  for (const auto& [d, k] : watched_) {
    if (d == db && k == key) return;
  }
  if (watch_ == nullptr) watch_ = std::make_shared<WatchState>();
  Db& owner = ctx.db(key);
  owner.Find(key);  // an expired key is dropped now, so only a later change flags us
  owner.shard().watches().Add(db, key, watch_);
  watched_.emplace_back(db, std::string(key));
}

void Session::Unwatch() {
  if (watched_.empty()) {
    watch_ = nullptr;
    return;
  }
  // The shards drop their references on their own threads; until then a write may still
  // flag the old state, which no one reads any more.
  for (auto& [db, key] : watched_) {
    unsigned s = engine_->ShardOf(key);
    engine_->shard(s).executor().Post(
        [engine = engine_, s, db = db, key = std::move(key), state = watch_] {
          engine->shard(s).watches().Remove(db, key, state.get());
        });
  }
  watched_.clear();
  watch_ = nullptr;
}

// --- Pub/Sub ------------------------------------------------------------------------------

void Session::UnsubscribeAll() {
  PubSub& registry = engine_->pubsub();
  for (const std::string& c : subs_.channels) registry.Unsubscribe(ChannelKind::kGlobal, c, inbox_.get());
  for (const std::string& c : subs_.shard_channels) {
    registry.Unsubscribe(ChannelKind::kShard, c, inbox_.get());
  }
  for (const std::string& p : subs_.patterns) registry.PUnsubscribe(p, inbox_.get());
  subs_.channels.clear();
  subs_.shard_channels.clear();
  subs_.patterns.clear();
  subs_.UpdateCounts();
}

// --- Client-side caching ---------------------------------------------------------------------

void Session::EnableTracking(uint64_t redirect, bool bcast, bool optin, bool optout,
                             bool noloop, std::vector<std::string> prefixes) {
  if (tracking_.on.load(std::memory_order_relaxed)) {
    // Turning it on again adds prefixes and changes the redirect, as Redis's enableTracking.
    engine_->tracking().Disable(id_, tracking_.bcast, tracking_.prefixes);
    for (std::string& p : tracking_.prefixes) {
      if (std::find(prefixes.begin(), prefixes.end(), p) == prefixes.end()) {
        prefixes.push_back(std::move(p));
      }
    }
  }
  tracking_.redirect.store(redirect, std::memory_order_relaxed);
  tracking_.redirect_broken.store(false, std::memory_order_relaxed);
  tracking_.bcast.store(bcast, std::memory_order_relaxed);
  tracking_.noloop.store(noloop, std::memory_order_relaxed);
  tracking_.optin = optin;
  tracking_.optout = optout;
  tracking_.caching = 0;
  tracking_.prefixes = std::move(prefixes);
  engine_->tracking().Enable(id_, bcast, tracking_.prefixes);
  tracking_.on.store(true, std::memory_order_relaxed);
}

void Session::DisableTracking() {
  if (!tracking_.on.load(std::memory_order_relaxed)) return;
  tracking_.on.store(false, std::memory_order_relaxed);
  engine_->tracking().Disable(id_, tracking_.bcast, tracking_.prefixes);
  tracking_.prefixes.clear();
  tracking_.bcast.store(false, std::memory_order_relaxed);
  tracking_.noloop.store(false, std::memory_order_relaxed);
  tracking_.redirect.store(0, std::memory_order_relaxed);
  tracking_.optin = tracking_.optout = false;
  tracking_.caching = 0;
}

void Session::TrackRead(const CommandSpec& spec, const CmdArgs& args) {
  if (!(spec.flags & kReadOnly) || tracking_.bcast.load(std::memory_order_relaxed)) return;
  if (tracking_.optin && tracking_.caching != 1) return;
  if (tracking_.optout && tracking_.caching == -1) return;
  KeyList keys;
  CollectKeys(spec, ArgList(args.data(), args.size()), &keys);
  for (std::string_view key : keys) {
    engine_->shard(engine_->ShardOf(key)).tracking().Remember(key, id_);
  }
}

std::string Session::TakePushes() {
  std::string out;
  inbox_->TakeInto(&out);
  return out;
}

// --- Client state ------------------------------------------------------------------------

void Session::RequestClose() {
  close_requested_.store(true, std::memory_order_release);
  if (close_hook_) close_hook_();
}

std::string Session::last_command() const {
  uint16_t id = last_command_id_.load(std::memory_order_relaxed);
  if (id == kNoCommand) return "NULL";
  return std::string(CommandTable::Get().at(id).name);
}

std::string Session::name() const {
  std::lock_guard<std::mutex> lock(names_mu_);
  return name_;
}
void Session::set_name(std::string_view v) {
  std::lock_guard<std::mutex> lock(names_mu_);
  name_ = v;
}
std::string Session::lib_name() const {
  std::lock_guard<std::mutex> lock(names_mu_);
  return lib_name_;
}
void Session::set_lib_name(std::string_view v) {
  std::lock_guard<std::mutex> lock(names_mu_);
  lib_name_ = v;
}
std::string Session::lib_ver() const {
  std::lock_guard<std::mutex> lock(names_mu_);
  return lib_ver_;
}
void Session::set_lib_ver(std::string_view v) {
  std::lock_guard<std::mutex> lock(names_mu_);
  lib_ver_ = v;
}

// The line of Redis's catClientInfoString. Safe from any thread: it reads only atomics,
// the mutex-guarded names, and connection fields set before the session runs commands.
std::string Session::Describe() const {
  int64_t now = engine_->clock().NowMs();
  std::string flags;
  if (subscribed()) flags += 'P';
  const bool tracking = tracking_.on.load(std::memory_order_relaxed);
  if (tracking) flags += 't';
  if (tracking && tracking_.redirect_broken.load(std::memory_order_relaxed)) flags += 'R';
  if (tracking && tracking_.bcast.load(std::memory_order_relaxed)) flags += 'B';
  if (close_requested()) flags += 'c';
  if (no_evict()) flags += 'e';
  if (multi_len_.load(std::memory_order_relaxed) >= 0) flags += 'x';
  if (flags.empty()) flags = "N";
  return StrCat(
      "id=", id_, " addr=", conn_.addr, " laddr=", conn_.laddr, " fd=", conn_.fd,
      " name=", name(), " age=", (now - created_ms_) / 1000,
      " idle=", (now - last_active_ms()) / 1000, " flags=", flags, " db=", db(),
      " sub=", subs_.channel_count.load(std::memory_order_relaxed),
      " psub=", subs_.pattern_count.load(std::memory_order_relaxed),
      " ssub=", subs_.shard_count.load(std::memory_order_relaxed),
      " multi=", multi_len_.load(std::memory_order_relaxed), " qbuf=", conn_.query_buffer.load(),
      " qbuf-free=0 argv-mem=0 multi-mem=0 rbs=16384 rbp=16384 obl=0 oll=0 omem=",
      conn_.output_buffer.load(), " tot-mem=0 events=r cmd=", last_command(),
      " user=default redir=",
      tracking ? static_cast<int64_t>(tracking_.redirect.load(std::memory_order_relaxed)) : -1,
      " resp=", resp(), " lib-name=", lib_name(), " lib-ver=", lib_ver());
}

}  // namespace shoal::engine
