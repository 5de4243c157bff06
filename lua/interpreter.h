// The Lua script VM: one Lua 5.1 state sandboxed as Redis 7.0 sandboxes EVAL scripts.
//
// Ownership and threads: an Interpreter owns one lua_State and the scripts compiled into it
// (as registry entries "f_<sha>", the way Redis 7.0 keeps EVAL scripts). It is not
// thread-safe; each shard thread keeps its own. While Run executes, the script reaches the
// outside world only through the Host it was given (redis.call, redis.log, SCRIPT KILL).
//
// What a script sees (Redis 7.0's environment, src/script_lua.c and src/eval.c):
// - the base library without print/dofile/loadfile, and table, string, math, cjson, bit,
//   cmsgpack, struct, coroutine; `loadstring`/`load` refuse precompiled (binary) chunks, as
//   Redis's patched Lua does;
// - `redis` with call, pcall, error_reply, status_reply, sha1hex, log, setresp, set_repl,
//   replicate_commands, acl_check_cmd, breakpoint, debug, the LOG_* / REPL_* constants and
//   REDIS_VERSION / REDIS_VERSION_NUM;
// - KEYS and ARGV, set afresh on every run;
// - math.random as Redis's (redisLrand48, same sequence on every platform). As in Redis
//   7.0 it is not reseeded per run: consecutive scripts draw consecutive numbers, and
//   math.randomseed(n) restarts the sequence.
// Globals are read-only: reading a missing one raises "Script attempted to access
// nonexistent global variable 'x'", and writing any global, or into a library table (redis,
// string, cjson, ...), raises "Attempt to modify a readonly table". Redis gets this from a
// patched Lua with read-only tables; Debian's stock Lua has none, so the globals and
// library tables a script sees are empty proxies whose metatables forward reads to the real
// tables (kept only in the registry) and refuse writes (sandbox.cc). Every run starts with
// those globals, whatever setfenv did in an earlier run.
//
// Errors reach the client as Redis 7.0 formats them: "<err> script: <sha>, on
// @user_script:<line>." where <err> is "ERR user_script:1: <lua message>" for a Lua error,
// or the command's own error for a failed redis.call.
#pragma once

#include <atomic>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/types/span.h"
#include "protocol/reply_writer.h"

struct lua_State;

namespace shoal::lua {

// What the engine gives a running script. Called on the interpreter's thread only.
class Host {
 public:
  virtual ~Host() = default;
  // redis.call / redis.pcall: runs one command and appends its reply as RESP bytes in
  // protocol `resp` (2 or 3, what redis.setresp chose; 2 by default) to *out. An error
  // reply becomes the Lua error of redis.call (the error table of redis.pcall), so the
  // checks Redis 7.0 makes before running a script's command (src/script.c) reply with its
  // texts: "-ERR Unknown Redis command called from script", "-ERR Wrong number of args
  // calling Redis command from script", "-ERR This Redis command is not allowed from
  // script" (noscript commands: EVAL, MULTI, blocking forms, ...), "-ERR Write commands are
  // not allowed from read-only scripts." (EVAL_RO, #!lua flags=no-writes), "-ERR ACL
  // failure in script: ...".
  virtual void Call(absl::Span<const std::string_view> args, int resp, std::string* out) = 0;
  // redis.log(level, msg...): level is 0 (LOG_DEBUG) .. 3 (LOG_WARNING); the message is
  // the arguments after the level joined by spaces. The host filters by its verbosity.
  virtual void Log(int level, std::string_view message) {}
  // Asked every 100,000 Lua instructions while a script runs (Redis's count hook); true
  // kills the script with "ERR Script killed by user with SCRIPT KILL...", which pcall
  // cannot catch. It is also the engine's chance to notice a long script (BUSY).
  virtual bool ShouldKill() { return false; }
  // redis.acl_check_cmd(cmd, args...): may the calling user run this command with these
  // arguments? kUnknownCommand raises "Invalid command passed to redis.acl_check_cmd()".
  enum class AclCheck { kAllowed, kDenied, kUnknownCommand };
  virtual AclCheck CheckAcl(absl::Span<const std::string_view> args) {
    return AclCheck::kAllowed;
  }
};

// SHA1 of `body` as 40 lowercase hex digits (redis.sha1hex, script ids).
std::string Sha1Hex(std::string_view body);

// The flags of an EVAL script's "#!lua flags=a,b" first line (Redis 7.0).
struct ScriptFlags {
  bool no_writes = false;
  bool allow_oom = false;
  bool allow_stale = false;
  bool no_cluster = false;
  bool allow_cross_slot_keys = false;
  bool has_shebang = false;  // without one, Redis runs the script in compatibility mode
};

// Parses the shebang of `body`, if it starts with "#!" (Redis 7.0's
// evalExtractShebangFlags). On a bad shebang returns false with Redis's error text in
// *error: "ERR Invalid script shebang" (no newline after it), "ERR Unexpected engine in
// script shebang: #!python", "ERR Unexpected flag in script shebang: x", "ERR Unknown lua
// shebang option: x".
// *code_offset is where the Lua code starts (the shebang's '\n', kept so that line numbers
// stay the user's), 0 without a shebang.
bool ParseShebang(std::string_view body, ScriptFlags* flags, size_t* code_offset,
                  std::string* error);

// Redis's redisLrand48/redisSrand48 (src/rand.c): a 48-bit linear congruential generator
// (drand48's) that gives the same sequence on every platform.
class Rand48 {
 public:
  void Seed(int32_t seed);
  int32_t Next();  // 0 .. 2^31-1
  static constexpr int32_t kMax = 2147483647;

 private:
  uint64_t x_ = 0x1234ABCD330EULL;
};

class Interpreter {
 public:
  Interpreter();
  ~Interpreter();
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  // Compiles `body` (the whole EVAL script, shebang included) under `sha` unless this VM
  // already has it. On failure returns false and sets *error to the client's error text:
  // "ERR Error compiling script (new function): user_script:1: ..." or a shebang error.
  bool Load(std::string_view sha, std::string_view body, std::string* error);
  bool Has(std::string_view sha) const;
  // SCRIPT FLUSH: drops every compiled script by starting a fresh VM, as Redis does.
  void Flush();
  size_t script_count() const { return script_count_; }
  // Lua's heap in bytes, this VM's, as its allocator counts it.
  size_t MemoryBytes() const { return heap_bytes_.load(std::memory_order_relaxed); }
  // Every live VM's heap in bytes, from any thread (INFO's used_memory_lua): the sum of
  // their counts, so INFO touches no VM.
  static size_t AllHeapBytes();
  // Values left on the VM's stack between runs: always 0 (tests check nothing leaks).
  int StackDepth() const;

  // Runs a loaded script with KEYS and ARGV and writes its converted result (or its error,
  // formatted as Redis 7.0 does) through `reply`, in reply's RESP version. A sha that was
  // never loaded gets Redis's NOSCRIPT error. The status tells the engine how it ended
  // (a script that returns an error table still ends kOk: only raised errors count).
  // Not reentrant: a Run from inside a running script's Host::Call is refused.
  enum class RunStatus { kOk, kError, kKilled, kNoScript };
  RunStatus Run(std::string_view sha, absl::Span<const std::string_view> keys,
                absl::Span<const std::string_view> argv, Host& host,
                protocol::ReplyWriter& reply);

  // State of the script being run, for the C functions the VM calls back (internal).
  struct RunState {
    Host* host = nullptr;
    int resp = 2;           // redis.setresp
    bool killed = false;    // ShouldKill said yes; every later hook raises again
    std::vector<std::string> call_args;  // redis.call's arguments, reused between calls
    std::vector<std::string_view> call_views;
    std::string call_reply;
  };
  RunState* running() { return run_.host ? &run_ : nullptr; }
  Rand48& rand() { return rand_; }

 private:
  void Open();
  void Close();
  // lua_Alloc over malloc; ud is the Interpreter, whose heap_bytes_ it keeps.
  static void* Alloc(void* ud, void* ptr, size_t osize, size_t nsize);

  // Written only by the thread running the VM (one at a time), read by AllHeapBytes from
  // any thread.
  std::atomic<size_t> heap_bytes_{0};
  lua_State* lua_ = nullptr;
  size_t script_count_ = 0;  // scripts loaded in this VM
  RunState run_;
  Rand48 rand_;  // math.random's generator: one sequence for the VM's life, as in Redis 7
  uint32_t runs_since_gc_ = 0;
};

}  // namespace shoal::lua
