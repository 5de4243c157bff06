// Session: one client's state and the path every command takes through the engine.
//
// A session has a home shard, the thread its connection lives on. Run() takes the
// commands a read produced and executes them in order, appending their replies to one
// output buffer:
//   - a command with no keys, or whose keys all live on the home shard, runs inline;
//   - consecutive commands whose keys all live on one other shard go there as one task
//     (one hop for the batch), and the session resumes at home when they are done;
//   - a command whose keys span shards runs as a Transaction (transaction.h).
// A handler therefore always runs on a thread that may touch every key it names, and
// replies come back in order, so a client always reads its own writes.
//
// Lifetime: whoever calls Run keeps the session, the command list and the output buffer
// alive and untouched until `done` runs. Session state is touched by one thread at a time:
// the home thread, or the shard a batch was sent to while home waits for it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/types/span.h"
#include "engine/blocking.h"
#include "engine/command_table.h"
#include "engine/journal.h"
#include "engine/pubsub.h"
#include "engine/tracking.h"
#include "engine/watch.h"
#include "protocol/reply_value.h"

namespace shoal::engine {

class CommandContext;
class Engine;
using CmdArgs = std::vector<std::string_view>;

class Session {
 public:
  Session(Engine* engine, unsigned home);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // --- Embedded API -------------------------------------------------------------------
  // Runs one command and returns its reply. Blocks the caller until the reply is ready:
  // call it from a thread that is not one of the engine's shard threads.
  protocol::Value Execute(std::initializer_list<std::string_view> args);
  protocol::Value Execute(const std::vector<std::string>& args);
  // The same, returning the reply's RESP bytes.
  std::string ExecuteRaw(const std::vector<std::string>& args);

  // --- Server API ---------------------------------------------------------------------
  // Runs `cmds` in order on the home thread (the caller's). Returns true when all of them
  // finished inline; otherwise returns false and calls `done` on the home thread later.
  bool Run(absl::Span<const CmdArgs> cmds, std::string* out, absl::AnyInvocable<void()> done);

  // AOF replay only (src/persistence/aof_load.cc): the time snapshot (unix ms) each command
  // of the following Runs runs at, aligned with the `cmds` given to Run; 0 for the clock.
  // The span must outlive those Runs; an empty one goes back to the clock for all.
  void set_command_times(absl::Span<const int64_t> times) { command_times_ = times; }

  // --- Blocking (blocking.h) ---------------------------------------------------------
  // Set by CommandContext::Block on the thread that ran the command.
  void SetBlocked(std::shared_ptr<Waiter> w) { blocked_ = std::move(w); }
  bool blocked() const { return blocked_ != nullptr; }
  // Home thread: the waiter was finished (served or timed out); append its reply and go
  // on with the pipeline.
  void ResumeBlocked(Waiter* w);
  // Home thread, while parked(): the client went away while blocked: stop waiting, close
  // after the round. (Before the round parks, the blocked command's thread may still be
  // finishing it: cancelling then would end the round twice.)
  void CancelBlock();
  // Home thread: true while the round waits for a blocked command to be served or to time
  // out (from WaitBlocked to ResumeBlocked). Meanwhile no thread writes to the output
  // buffer, so its owner may append pushes to it and write it out (a RESP3 push reaches a
  // blocked client at once, as in Redis); the blocked command's reply is appended later.
  bool parked() const { return parked_; }
  // Called on the home thread when the round parks (the connection then writes out the
  // replies so far and any pushes, as Redis does for a client that blocks).
  void set_park_hook(std::function<void()> hook) { park_hook_ = std::move(hook); }
  // While a command runs again after its serve asked for it (Waiter::rerun): the deadline
  // (0: none) of its first wait, which a new wait keeps; -1 otherwise.
  int64_t rerun_deadline_ms() const { return rerun_ ? rerun_->deadline_ms : -1; }

  // --- MULTI / EXEC / WATCH -----------------------------------------------------------
  // Between MULTI and EXEC, Run queues every command but those flagged kTxControl (MULTI,
  // EXEC, DISCARD, WATCH, UNWATCH, RESET, QUIT) and replies +QUEUED; a command refused
  // while queueing (unknown, wrong arity, kNoMulti) makes EXEC fail with EXECABORT. EXEC
  // runs on a thread that may touch the keys of every queued command and every watched
  // key (one transaction over all their shards), so it checks the watches and runs the
  // queue with no other client in between.
  bool in_multi() const { return in_multi_; }
  // True while EXEC runs its queue: a blocking command then answers as on timeout.
  bool in_exec() const { return in_exec_; }
  // True while this thread holds every shard for the running command (always, with one
  // shard): what a script may reach (script_family.cc).
  bool holds_every_shard() const;
  void BeginMulti();
  void DiscardMulti();  // leaves MULTI (if in it) and unwatches every key
  void Exec(CommandContext& ctx);
  // WATCH on the thread that runs it, which may touch the key.
  void Watch(CommandContext& ctx, std::string_view key);
  void Unwatch();

  // --- Scripts (script_family.cc) ------------------------------------------------------
  bool in_script() const { return in_script_; }
  void set_in_script(bool v) { in_script_ = v; }
  // redis.call: runs one command on the calling thread, which holds its keys' shards,
  // appending its reply in protocol `resp` to *out.
  void CallFromScript(const CommandSpec& spec, const CmdArgs& args, int resp, std::string* out);
  // The running command wrote no reply and must run again, routed afresh (a script that
  // learned it needs every shard).
  void RestartCommand() { restart_ = true; }
  // While true, blocking commands answer at once as on timeout.
  bool cannot_block() const { return in_exec_ || in_script_; }

  // --- Journal (journal.h) -----------------------------------------------------------
  // After a command (or a blocked command's serve) that changed something ran on this
  // thread, which still holds its keys: appends what it propagates, in database `db`.
  // Inside EXEC or a script it gathers the commands instead, and the EXEC or script
  // appends them as one group when it ends.
  void JournalCommand(CommandContext& ctx, int db);
  // The highest log sequence number this session's writes got since the last call (0:
  // none), for a connection that holds its replies until they are durable. Home thread.
  uint64_t TakeJournalLsn() { return journal_lsn_.exchange(0, std::memory_order_acquire); }
  // --- Pub/Sub (pubsub.h, pubsub_family.cc) ----------------------------------------------
  // Home thread. In RESP2 a session with any subscription is in subscriber mode: Run
  // refuses every command but (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PING, QUIT and RESET.
  Subscriptions& subscriptions() { return subs_; }
  bool subscribed() const { return subs_.any(); }
  // Where pushes for this client wait (messages, invalidations); shared with the registry.
  const std::shared_ptr<PushInbox>& inbox() const { return inbox_; }
  // Drops every channel, pattern and shard channel subscription, without replies (RESET).
  void UnsubscribeAll();
  // The pushes delivered and not yet taken, as RESP bytes (an embedded session reads its
  // messages here; the server's connection drains the inbox itself).
  std::string TakePushes();

  // --- Client-side caching (tracking.h, tracking_family.cc) ---------------------------
  TrackingState& tracking() { return tracking_; }
  // CLIENT TRACKING ON with these settings (home thread); replaces earlier ones.
  void EnableTracking(uint64_t redirect, bool bcast, bool optin, bool optout, bool noloop,
                      std::vector<std::string> prefixes);
  void DisableTracking();

  // --- Client state -------------------------------------------------------------------
  uint64_t id() const { return id_; }
  unsigned home() const { return home_; }
  Engine& engine() { return *engine_; }
  // db and resp are atomics only so that CLIENT LIST on another thread may read them;
  // the home thread is their only writer.
  int db() const { return db_.load(std::memory_order_relaxed); }
  void set_db(int db) { db_.store(db, std::memory_order_relaxed); }
  int resp() const { return resp_.load(std::memory_order_relaxed); }
  void set_resp(int resp) {
    resp_.store(resp, std::memory_order_relaxed);
    inbox_->resp.store(resp, std::memory_order_relaxed);
  }
  bool authenticated() const { return authenticated_; }
  void set_authenticated(bool v) { authenticated_ = v; }
  // Authenticated as "admin" with admin-password (RETAIN CLEAR).
  bool admin() const { return admin_; }
  void set_admin(bool v) { admin_ = v; }

  enum class ReplyMode { kOn, kOff, kSkip };
  ReplyMode reply_mode() const { return reply_mode_; }
  void set_reply_mode(ReplyMode m) { reply_mode_ = m; }
  // CLIENT NO-EVICT: the `e` flag of CLIENT LIST.
  bool no_evict() const { return no_evict_.load(std::memory_order_relaxed); }
  void set_no_evict(bool v) { no_evict_.store(v, std::memory_order_relaxed); }

  // QUIT, or CLIENT KILL of this session: the connection closes after writing replies.
  bool close_requested() const { return close_requested_.load(std::memory_order_acquire); }
  void RequestClose();
  // QUIT and the like from this session itself: the connection closes once the replies
  // of this round are written (the close hook is not called, so no reply is lost).
  void CloseAfterReply() { close_requested_.store(true, std::memory_order_release); }
  // The connection's way to be told about RequestClose from another thread.
  void set_close_hook(std::function<void()> hook) { close_hook_ = std::move(hook); }
  // Set by a connection whose output buffer starts each round empty: once the round's
  // replies reach client-output-buffer-limit's hard limit for the client's class, no
  // further command of the round runs and the session closes (Redis stops processing a
  // client flagged CLOSE_ASAP); the connection then drops the output unsent.
  void set_output_limited(bool v) { output_limited_ = v; }

  // What the connection tells CLIENT LIST about itself.
  struct ConnectionInfo {
    std::string addr = "embedded";  // "127.0.0.1:51234"
    std::string laddr;
    int fd = -1;
    std::atomic<size_t> query_buffer{0};
    std::atomic<size_t> output_buffer{0};
  };
  ConnectionInfo& connection() { return conn_; }

  // CLIENT SETNAME / SETINFO values ("" when unset). The home thread writes them; CLIENT
  // LIST reads them from any thread, so they sit behind a mutex and are returned by copy.
  std::string name() const;
  void set_name(std::string_view v);
  std::string lib_name() const;
  void set_lib_name(std::string_view v);
  std::string lib_ver() const;
  void set_lib_ver(std::string_view v);

  int64_t created_ms() const { return created_ms_; }
  int64_t last_active_ms() const { return last_active_ms_.load(std::memory_order_relaxed); }
  // The full name of the command running or last run ("client|list"), "NULL" before any.
  std::string last_command() const;
  // One line of CLIENT LIST / CLIENT INFO (without the newline).
  std::string Describe() const;

 private:
  struct Resolved {
    const CommandSpec* spec = nullptr;
    std::string error;  // set when the command is refused before it runs
  };
  // Looks the command up and checks arity and authentication; no side effects.
  Resolved Resolve(const CmdArgs& args) const;
  enum class RouteKind { kHere, kOne, kMany };
  struct Route {
    RouteKind kind = RouteKind::kHere;
    unsigned shard = 0;
    std::vector<unsigned> shards;  // kMany: sorted, home included
  };
  Route RouteOf(const CommandSpec& spec, const CmdArgs& args) const;

  void Continue();
  // Inside MULTI: queues the command (or refuses it and marks the transaction aborted).
  void Queue(const Resolved& r, const CmdArgs& args);
  // EXEC's route: the shards of every queued command and every watched key.
  Route ExecRoute() const;
  void RunBatchOn(unsigned shard);
  void WaitBlocked();  // home thread: the command just run blocked; arm its timeout
  // The re-run of rerun_ has run (or will not: the client is closing): marks its keys ready
  // again, so the waiters the serve left behind it get their turn.
  void FinishRerun();
  void RunTransaction(const CommandSpec& spec, std::vector<unsigned> shards);
  // Runs one command on the calling thread, which may touch all its keys.
  void ExecuteHere(const CommandSpec& spec, const CmdArgs& args, int resp = 0);
  // The time snapshot a command of the running Run gets: set_command_times's, else the clock.
  int64_t CommandTime(const CmdArgs& args) const;
  void ReplyError(std::string_view error);
  // Redis's OOM rule before a command runs: "" or the error for a `denyoom` command (or an
  // EXEC with one queued) while the process is over maxmemory and eviction cannot help.
  std::string_view MemoryError(const CommandSpec& spec) const;
  // With set_output_limited: true (and closes after the round) when the output so far has
  // reached the hard limit. The thread running the round.
  bool OutputFull();
  // After a read-only command of a tracking client: remembers its keys on their shards.
  void TrackRead(const CommandSpec& spec, const CmdArgs& args);
  void Finish();

  Engine* engine_;
  uint64_t id_;
  unsigned home_;
  std::atomic<int> db_{0};
  std::atomic<int> resp_{2};
  std::atomic<bool> no_evict_{false};
  bool authenticated_ = false;
  bool admin_ = false;
  ReplyMode reply_mode_ = ReplyMode::kOn;
  std::atomic<bool> close_requested_{false};
  std::function<void()> close_hook_;
  bool output_limited_ = false;
  ConnectionInfo conn_;
  std::shared_ptr<PushInbox> inbox_ = std::make_shared<PushInbox>();
  Subscriptions subs_;
  TrackingState tracking_;
  int64_t created_ms_;
  std::atomic<int64_t> last_active_ms_;
  mutable std::mutex names_mu_;
  std::string name_, lib_name_, lib_ver_;  // guarded by names_mu_
  static constexpr uint16_t kNoCommand = UINT16_MAX;
  std::atomic<uint16_t> last_command_id_{kNoCommand};

  // MULTI state (home thread).
  struct QueuedCommand {
    const CommandSpec* spec;
    std::vector<std::string> args;
  };
  bool in_multi_ = false;
  bool in_exec_ = false;
  bool in_script_ = false;
  bool restart_ = false;       // RestartCommand was called
  bool holding_all_ = false;   // a transaction over every shard is running our command
  bool multi_aborted_ = false;  // a command was refused while queueing: EXECABORT
  // The running script's start: over maxmemory then, and the thread's write count. Its
  // `denyoom` commands get -OOM until it has written (Redis 7's script OOM rule).
  bool script_oom_ = false;
  uint64_t script_writes_ = 0;
  std::vector<QueuedCommand> queued_;
  bool queued_all_shards_ = false;
  std::vector<unsigned> queued_shards_;  // sorted, unique
  std::atomic<int> multi_len_{-1};       // CLIENT LIST's multi=: -1 outside MULTI
  // WATCH state: the watched (database, key) pairs and the round's flag.
  std::vector<std::pair<int, std::string>> watched_;
  std::shared_ptr<WatchState> watch_;

  // The Run in progress.
  absl::Span<const CmdArgs> cmds_;
  absl::Span<const int64_t> command_times_;  // set_command_times
  size_t next_ = 0;
  std::string* out_ = nullptr;
  bool async_ = false;
  absl::AnyInvocable<void()> done_;
  std::vector<const CommandSpec*> batch_;  // specs of the batch sent to another shard
  std::shared_ptr<Waiter> blocked_;        // the waiter of a blocked command, until resumed
  bool parked_ = false;                    // see parked()
  std::function<void()> park_hook_;
  // The finished waiter whose command is to run again (Waiter::rerun), until it has.
  std::shared_ptr<Waiter> rerun_;

  // The writes of the running EXEC or script, journaled as one group when it ends.
  std::vector<JournalRecord> journal_group_;
  // Set by whichever thread runs our command or serves our blocked command (one at a
  // time), read by the home thread after the round: see TakeJournalLsn.
  std::atomic<uint64_t> journal_lsn_{0};
};

}  // namespace shoal::engine
