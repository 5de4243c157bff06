#include "engine/session.h"

#include <algorithm>
#include <chrono>
#include <future>

#include "protocol/strings.h"
#include "engine/command_context.h"
#include "engine/engine.h"
#include "engine/errors.h"
#include "engine/shard.h"

namespace shoal::engine {

Session::Session(Engine* engine, unsigned home)
    : engine_(engine),
      id_(engine->NextClientId()),
      home_(home),
      created_ms_(engine->clock().NowMs()),
      last_active_ms_(created_ms_) {
  authenticated_ = engine->config().GetString("requirepass").empty();
  engine_->Register(this);
}

Session::~Session() { engine_->Unregister(this); }

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
  if (spec.flags & kAllShards) {
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

void Session::ReplyError(std::string_view error) {
  protocol::ReplyWriter w(out_, resp());
  w.Error(error);
  Shard& shard = engine_->shard(home_);
  shard.stats().CountError(error.substr(0, error.find(' ')));
}

void Session::Continue() {
  // After QUIT (or CLIENT KILL) nothing more of the pipeline runs, as in Redis.
  while (next_ < cmds_.size() && !close_requested()) {
    const CmdArgs& args = cmds_[next_];
    if (args.empty()) {
      ++next_;
      continue;
    }
    Resolved r = Resolve(args);
    if (r.spec == nullptr) {
      ReplyError(r.error);
      ++next_;
      continue;
    }
    Route route = RouteOf(*r.spec, args);
    if (route.kind == RouteKind::kHere) {
      ExecuteHere(*r.spec, args);
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
}

void Session::ResumeBlocked(Waiter* w) {
  if (blocked_.get() != w) return;  // not (or no longer) the waiter this session waits on
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
  if (!blocked_) return;
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
      ExecuteHere(*batch_[i - next_], cmds_[i]);
      if (blocked_) end = i + 1;  // the rest of the pipeline waits for the blocked one
    }
    engine_->shard(home_).executor().Post([this, end] {
      next_ = end;
      blocked_ ? WaitBlocked() : Continue();
    });
  });
}

void Session::RunTransaction(const CommandSpec& spec, std::vector<unsigned> shards) {
  auto tx = std::make_shared<Transaction>(engine_, home_, std::move(shards));
  tx->Start([this, &spec] { ExecuteHere(spec, cmds_[next_]); },
            [this] {
              ++next_;
              blocked_ ? WaitBlocked() : Continue();
            });
}

void Session::ExecuteHere(const CommandSpec& spec, const CmdArgs& args) {
  Shard* shard = Shard::Current();
  auto start = std::chrono::steady_clock::now();
  size_t mark = out_->size();
  protocol::ReplyWriter writer(out_, resp());
  CommandContext ctx(*this, spec, ArgList(args.data(), args.size()), writer);
  last_command_id_.store(spec.id, std::memory_order_relaxed);  // CLIENT LIST shows it running
  spec.handler(ctx);
  if (rerun_) FinishRerun();
  if (reply_mode_ != ReplyMode::kOn && !(spec.flags & kTxControl) && spec.name != "client|reply") {
    out_->resize(mark);  // CLIENT REPLY OFF / SKIP
    if (reply_mode_ == ReplyMode::kSkip) reply_mode_ = ReplyMode::kOn;
  }
  last_active_ms_.store(engine_->clock().NowMs(), std::memory_order_relaxed);
  if (shard != nullptr) {
    auto usec = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - start).count();
    CommandStats& cs = shard->stats().per_command[spec.id];
    cs.calls.Add();
    cs.usec.Add(static_cast<uint64_t>(usec));
    if (ctx.failed()) cs.failed_calls.Add();
    shard->stats().commands_processed.Add();
    shard->ServeBlocked();
  }
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
  if (close_requested()) flags += 'c';
  if (no_evict()) flags += 'e';
  if (flags.empty()) flags = "N";
  return StrCat(
      "id=", id_, " addr=", conn_.addr, " laddr=", conn_.laddr, " fd=", conn_.fd,
      " name=", name(), " age=", (now - created_ms_) / 1000,
      " idle=", (now - last_active_ms()) / 1000, " flags=", flags, " db=", db(),
      " sub=0 psub=0 ssub=0 multi=-1 qbuf=", conn_.query_buffer.load(),
      " qbuf-free=0 argv-mem=0 multi-mem=0 rbs=16384 rbp=16384 obl=0 oll=0 omem=",
      conn_.output_buffer.load(), " tot-mem=0 events=r cmd=", last_command(),
      " user=default redir=-1 resp=", resp(), " lib-name=", lib_name(), " lib-ver=", lib_ver());
}

}  // namespace shoal::engine
