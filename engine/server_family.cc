// Server commands: COMMAND (the command table as Redis 7 describes it), INFO, CONFIG,
// TIME, SAVE, BGSAVE, LASTSAVE, DEBUG and SHUTDOWN, with Redis 7.2's replies and error
// texts (server.c commandCommand / infoCommand, config.c, debug.c, rdb.c). The snapshot
// commands only call the Persistence the server installed (engine/persistence.h); the
// engine itself writes no files.
//
// Threads: none of these commands names a key, so each runs on the session's home thread
// while the other shards keep running, except SAVE, BGSAVE and DEBUG, which hold every
// shard (kAllShards). INFO therefore never touches another shard's Db:
// it reads only what is safe from any thread, namely every shard's counters (stats.h),
// the key counts and table bytes each shard publishes on every tick
// (Shard::PublishCounts; INFO publishes its home shard first, so a client sees its own
// writes there), the config, the server info and the session registry. Other shards'
// key counts may lag by one tick (1 ms by default).
//
// COMMAND reads the one command table: a row's flags become Redis's flag names, its ACL
// string the categories, its first/last/step one "range" key spec (an "unknown" spec for
// rows with a custom key function, which Redis calls movablekeys). Shoal's routing flags
// (kContainer, kAllShards, kTxControl) are not shown.
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "engine/args.h"
#include "engine/command_context.h"
#include "engine/ds/alloc_counter.h"
#include "engine/errors.h"
#include "engine/families.h"
#include "engine/glob.h"
#include "engine/persistence.h"
#include "engine/shard.h"
#include "lua/interpreter.h"
#include "protocol/strings.h"
#include "xxhash.h"

namespace shoal::engine {
namespace {

constexpr std::string_view kRedisVersion = "7.2.4";

// printf into a std::string, for the few numbers INFO prints with a fixed precision.
template <typename... Args>
std::string Format(const char* format, Args... args) {
  char buf[64];
  int n = snprintf(buf, sizeof(buf), format, args...);
  return std::string(buf, static_cast<size_t>(std::max(0, std::min<int>(n, sizeof(buf) - 1))));
}

// --- COMMAND -------------------------------------------------------------------------------

bool IsTopLevel(const CommandSpec& spec) { return spec.name.find('|') == std::string_view::npos; }

std::vector<const CommandSpec*> TopLevelCommands() {
  std::vector<const CommandSpec*> out;
  for (const CommandSpec& spec : CommandTable::Get().all()) {
    if (IsTopLevel(spec)) out.push_back(&spec);
  }
  return out;
}

// Key positions in the row (COMMAND INFO shows them), channels included.
bool HasKeySpec(const CommandSpec& spec) {
  return spec.keys_fn != nullptr || spec.first_key > 0;
}
// Keys COMMAND GETKEYS can find: Redis's doesCommandHaveKeys, where a NOT_KEY spec (shard
// channels) does not count.
bool HasKeys(const CommandSpec& spec) { return HasKeySpec(spec) && !(spec.flags & kChannelKeys); }

// Redis's flag names in its order (addReplyFlagsForCommand), may_replicate hidden as there.
std::vector<std::string_view> FlagNames(const CommandSpec& spec) {
  static constexpr std::pair<uint32_t, std::string_view> kNames[] = {
      {kWrite, "write"},         {kReadOnly, "readonly"},   {kDenyOom, "denyoom"},
      {kAdmin, "admin"},         {kPubSub, "pubsub"},       {kNoScript, "noscript"},
      {kBlocking, "blocking"},   {kLoading, "loading"},     {kStale, "stale"},
      {kSkipSlowlog, "skip_slowlog"}, {kFast, "fast"},      {kNoAuth, "no_auth"},
      {kNoMandatoryKeys, "no_mandatory_keys"},              {kNoMulti, "no_multi"},
  };
  std::vector<std::string_view> names;
  for (const auto& [flag, name] : kNames) {
    if (spec.flags & flag) names.push_back(name);
  }
  if (spec.keys_fn != nullptr) names.push_back("movablekeys");
  if (spec.flags & kAllowBusy) names.push_back("allow_busy");
  return names;
}

// The row's ACL categories ("@read @string @fast" -> "@read", "@string", "@fast").
std::vector<std::string_view> Categories(const CommandSpec& spec) {
  std::vector<std::string_view> out;
  std::string_view acl = spec.acl;
  while (!acl.empty()) {
    size_t end = acl.find(' ');
    std::string_view word = acl.substr(0, end);
    if (!word.empty()) out.push_back(word);
    if (end == std::string_view::npos) break;
    acl.remove_prefix(end + 1);
  }
  return out;
}

// One key spec for the row's key positions (Redis's addReplyCommandKeySpecs layout).
void ReplyKeySpecs(CommandContext& ctx, const CommandSpec& spec) {
  if (!HasKeySpec(spec)) return ctx.reply.Array(0);
  auto& r = ctx.reply;
  r.Array(1);
  r.Map(3);
  r.Bulk("flags");
  if (spec.flags & kChannelKeys) {
    r.Set(1);
    r.SimpleString("not_key");
  } else {
    r.Set(2);
    r.SimpleString(spec.is_write() ? "RW" : "RO");
    r.SimpleString(spec.is_write() ? "update" : "access");
  }
  r.Bulk("begin_search");
  r.Map(2);
  r.Bulk("type");
  if (spec.keys_fn != nullptr) {
    r.Bulk("unknown");
    r.Bulk("spec");
    r.Map(0);
    r.Bulk("find_keys");
    r.Map(2);
    r.Bulk("type");
    r.Bulk("unknown");
    r.Bulk("spec");
    r.Map(0);
    return;
  }
  r.Bulk("index");
  r.Bulk("spec");
  r.Map(1);
  r.Bulk("index");
  r.Integer(spec.first_key);
  r.Bulk("find_keys");
  r.Map(2);
  r.Bulk("type");
  r.Bulk("range");
  r.Bulk("spec");
  r.Map(3);
  r.Bulk("lastkey");
  r.Integer(spec.last_key < 0 ? spec.last_key : spec.last_key - spec.first_key);
  r.Bulk("keystep");
  r.Integer(spec.step);
  r.Bulk("limit");
  r.Integer(0);
}

// Redis's addReplyCommandInfo: [name, arity, flags, first, last, step, categories, tips,
// key specs, subcommands].
void ReplyCommandInfo(CommandContext& ctx, const CommandSpec& spec) {
  auto& r = ctx.reply;
  r.Array(10);
  r.Bulk(spec.name);
  r.Integer(spec.arity);
  std::vector<std::string_view> flags = FlagNames(spec);
  r.Set(flags.size());
  for (std::string_view f : flags) r.SimpleString(f);
  r.Integer(spec.first_key);
  r.Integer(spec.last_key);
  r.Integer(spec.step);
  std::vector<std::string_view> categories = Categories(spec);
  r.Set(categories.size());
  for (std::string_view c : categories) r.SimpleString(c);
  r.Array(0);  // tips
  ReplyKeySpecs(ctx, spec);
  std::vector<const CommandSpec*> subs;
  if (spec.is_container()) subs = CommandTable::Get().Subcommands(spec);
  r.Array(subs.size());
  for (const CommandSpec* sub : subs) ReplyCommandInfo(ctx, *sub);
}

// Redis's addReplyCommandDocs, with the fields the table holds.
void ReplyCommandDocs(CommandContext& ctx, const CommandSpec& spec) {
  auto& r = ctx.reply;
  std::vector<const CommandSpec*> subs;
  if (spec.is_container()) subs = CommandTable::Get().Subcommands(spec);
  r.Map(3 + (subs.empty() ? 0 : 1));
  r.Bulk("summary");
  r.Bulk(spec.summary);
  r.Bulk("since");
  r.Bulk(spec.since);
  r.Bulk("group");
  r.Bulk(spec.group);
  if (subs.empty()) return;
  r.Bulk("subcommands");
  r.Map(subs.size());
  for (const CommandSpec* sub : subs) {
    r.Bulk(sub->name);
    ReplyCommandDocs(ctx, *sub);
  }
}

bool InCategory(const CommandSpec& spec, std::string_view category) {
  for (std::string_view c : Categories(spec)) {
    if (c.size() == category.size() + 1 && EqualsIgnoreCase(c.substr(1), category)) return true;
  }
  return false;
}

}  // namespace

void CmdCommand(CommandContext& ctx) {
  std::vector<const CommandSpec*> all = TopLevelCommands();
  ctx.reply.Array(all.size());
  for (const CommandSpec* spec : all) ReplyCommandInfo(ctx, *spec);
}

// COMMAND COUNT: top-level commands, as Redis counts them (subcommands are not counted).
void CmdCommandCount(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(TopLevelCommands().size()));
}

// COMMAND INFO [name ...]: nil for an unknown name; "container|sub" names a subcommand.
void CmdCommandInfo(CommandContext& ctx) {
  if (ctx.argc() == 2) return CmdCommand(ctx);
  ctx.reply.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const CommandSpec* spec = CommandTable::Get().Find(ctx.arg(i));
    spec ? ReplyCommandInfo(ctx, *spec) : ctx.reply.Null();
  }
}

// COMMAND DOCS [name ...]: a map from name to docs; unknown names are left out.
void CmdCommandDocs(CommandContext& ctx) {
  std::vector<const CommandSpec*> specs;
  if (ctx.argc() == 2) {
    specs = TopLevelCommands();
  } else {
    for (size_t i = 2; i < ctx.argc(); ++i) {
      if (const CommandSpec* spec = CommandTable::Get().Find(ctx.arg(i))) specs.push_back(spec);
    }
  }
  ctx.reply.Map(specs.size());
  for (const CommandSpec* spec : specs) {
    ctx.reply.Bulk(spec->name);
    ReplyCommandDocs(ctx, *spec);
  }
}

// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]: every command
// and subcommand name. Shoal has no modules, so a module filter matches nothing.
void CmdCommandList(CommandContext& ctx) {
  enum class Filter { kNone, kModule, kAclCat, kPattern } filter = Filter::kNone;
  std::string_view value;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    size_t more = ctx.argc() - 1 - i;
    if (!IsOption(ctx.arg(i), "filterby") || more != 2) return ctx.Error(errors::kSyntax);
    std::string_view type = ctx.arg(i + 1);
    if (IsOption(type, "module")) {
      filter = Filter::kModule;
    } else if (IsOption(type, "aclcat")) {
      filter = Filter::kAclCat;
    } else if (IsOption(type, "pattern")) {
      filter = Filter::kPattern;
    } else {
      return ctx.Error(errors::kSyntax);
    }
    value = ctx.arg(i + 2);
    i += 2;
  }
  std::vector<std::string_view> names;
  for (const CommandSpec& spec : CommandTable::Get().all()) {
    bool match = filter == Filter::kNone ||
                 (filter == Filter::kAclCat && InCategory(spec, value)) ||
                 (filter == Filter::kPattern && GlobMatch(value, spec.name, /*nocase=*/true));
    if (match) names.push_back(spec.name);
  }
  ctx.reply.BulkArray(names.data(), names.size());
}

// COMMAND GETKEYS command [arg ...]: the keys the table's key positions pick out.
void CmdCommandGetKeys(CommandContext& ctx) {
  ArgList cmd = ctx.args.subspan(2);
  const CommandTable& table = CommandTable::Get();
  const CommandSpec* spec = table.Find(cmd[0]);
  if (spec != nullptr && spec->is_container() && cmd.size() >= 2) {
    spec = table.FindSub(*spec, cmd[1]);
  }
  if (spec == nullptr) return ctx.Error(errors::kInvalidCommandSpecified);
  if (!HasKeys(*spec)) return ctx.Error(errors::kNoKeyArguments);
  if (!ArityOk(*spec, cmd.size())) return ctx.Error(errors::kInvalidArgumentCount);
  KeyList keys;
  CollectKeys(*spec, cmd, &keys);
  if (keys.empty() && !(spec->flags & kNoMandatoryKeys)) {
    return ctx.Error(errors::kInvalidArguments);
  }
  ctx.reply.BulkArray(keys.data(), keys.size());
}

void CmdCommandHelp(CommandContext& ctx) {
  ctx.ReplyHelp({"(no subcommand)",
                 "    Return details about all Redis commands.",
                 "COUNT",
                 "    Return the total number of commands in this Redis server.",
                 "LIST",
                 "    Return a list of all commands in this Redis server.",
                 "INFO [<command-name> ...]",
                 "    Return details about multiple Redis commands.",
                 "    If no command names are given, documentation details for all",
                 "    commands are returned.",
                 "DOCS [<command-name> ...]",
                 "    Return documentation details about multiple Redis commands.",
                 "    If no command names are given, documentation details for all",
                 "    commands are returned.",
                 "GETKEYS <full-command>",
                 "    Return the keys from a full Redis command."});
}

// --- INFO ----------------------------------------------------------------------------------

namespace {

// Redis's bytesToHuman: "512B", "1.50K", "2.00M", ...
std::string BytesToHuman(uint64_t n) {
  static constexpr const char* kUnits[] = {"K", "M", "G", "T", "P"};
  if (n < 1024) return StrCat(n, "B");
  double d = static_cast<double>(n) / 1024;
  size_t unit = 0;
  while (d >= 1024 && unit + 1 < std::size(kUnits)) {
    d /= 1024;
    ++unit;
  }
  return Format("%.2f%s", d, kUnits[unit]);
}

// A 40-hex-digit id, fixed for the life of the engine (run_id, master_replid).
std::string EngineHexId(CommandContext& ctx, uint64_t salt) {
  struct {
    int64_t start_ms;
    int64_t pid;
    uintptr_t engine;
  } seed{ctx.engine().start_ms(), static_cast<int64_t>(getpid()),
         reinterpret_cast<uintptr_t>(&ctx.engine())};
  std::string hex;
  for (uint64_t i = 0; hex.size() < 40; ++i) {
    uint64_t h = XXH3_64bits_withSeed(&seed, sizeof(seed), salt * 16 + i);
    hex += Format("%016llx", static_cast<unsigned long long>(h));
  }
  hex.resize(40);
  return hex;
}

uint64_t ResidentBytes(CommandContext& ctx) {
  if (ctx.engine().server_info().rss) return ctx.engine().server_info().rss();
  std::ifstream statm("/proc/self/statm");
  uint64_t pages = 0, resident = 0;
  if (!(statm >> pages >> resident)) return 0;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

// Redis's used_memory: every block allocated and not freed (ds/alloc_counter.h).
uint64_t UsedMemory() { return static_cast<uint64_t>(ds::AllocatedBytes()); }

template <typename Fn>
uint64_t SumShards(CommandContext& ctx, Fn&& fn) {
  uint64_t total = 0;
  for (unsigned i = 0; i < ctx.engine().shard_count(); ++i) total += fn(ctx.engine().shard(i));
  return total;
}

std::map<std::string, uint64_t> ErrorCounts(CommandContext& ctx) {
  std::map<std::string, uint64_t> counts;
  for (unsigned i = 0; i < ctx.engine().shard_count(); ++i) {
    for (const auto& [code, n] : ctx.engine().shard(i).stats().ErrorCounts()) counts[code] += n;
  }
  return counts;
}

void Line(std::string* out, std::string_view field, std::string_view value) {
  StrAppend(out, field, ":", value, "\r\n");
}

void InfoServer(CommandContext& ctx, std::string* out) {
  Engine& engine = ctx.engine();
  utsname name{};
  uname(&name);
  int64_t now_us = engine.clock().NowUs();
  int64_t uptime = (now_us / 1000 - engine.start_ms()) / 1000;
  int64_t hz = engine.config().GetInt("hz");
  Line(out, "redis_version", kRedisVersion);
  Line(out, "redis_git_sha1", "00000000");
  Line(out, "redis_git_dirty", "0");
  Line(out, "redis_mode", "standalone");
  Line(out, "os", StrCat(name.sysname, " ", name.release, " ", name.machine));
  Line(out, "arch_bits", StrCat(static_cast<int>(sizeof(void*) * 8)));
  Line(out, "gcc_version", StrCat(__GNUC__, ".", __GNUC_MINOR__, ".", __GNUC_PATCHLEVEL__));
  Line(out, "process_id", StrCat(static_cast<int64_t>(getpid())));
  Line(out, "process_supervised", "no");
  Line(out, "run_id", EngineHexId(ctx, 1));
  Line(out, "tcp_port", StrCat(engine.server_info().tcp_port));
  Line(out, "server_time_usec", StrCat(now_us));
  Line(out, "uptime_in_seconds", StrCat(uptime));
  Line(out, "uptime_in_days", StrCat(uptime / 86400));
  Line(out, "hz", StrCat(hz));
  Line(out, "configured_hz", StrCat(hz));
  Line(out, "executable", engine.server_info().executable);
  Line(out, "config_file", engine.server_info().config_file);
  Line(out, "io_threads_active", "0");
  if (engine.server_info().tcp_port > 0) {
    Line(out, "listener0", StrCat("name=tcp,bind=", engine.config().GetString("bind"),
                                  ",port=", engine.server_info().tcp_port));
  }
}

void InfoClients(CommandContext& ctx, std::string* out) {
  size_t clients = 0, max_in = 0, max_out = 0;
  ctx.engine().ForEachSession([&](Session* s) {
    ++clients;
    max_in = std::max(max_in, s->connection().query_buffer.load(std::memory_order_relaxed));
    max_out = std::max(max_out, s->connection().output_buffer.load(std::memory_order_relaxed));
  });
  Line(out, "connected_clients", StrCat(clients));
  Line(out, "cluster_connections", "0");
  Line(out, "maxclients", StrCat(ctx.engine().config().GetInt("maxclients")));
  Line(out, "client_recent_max_input_buffer", StrCat(max_in));
  Line(out, "client_recent_max_output_buffer", StrCat(max_out));
}

void InfoMemory(CommandContext& ctx, std::string* out) {
  uint64_t used = UsedMemory();
  uint64_t rss = ResidentBytes(ctx);
  uint64_t system = static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) *
                    static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  int64_t maxmemory = ctx.engine().config().GetInt("maxmemory");
  Line(out, "used_memory", StrCat(used));
  Line(out, "used_memory_human", BytesToHuman(used));
  Line(out, "used_memory_rss", StrCat(rss));
  Line(out, "used_memory_rss_human", BytesToHuman(rss));
  Line(out, "total_system_memory", StrCat(system));
  Line(out, "total_system_memory_human", BytesToHuman(system));
  Line(out, "maxmemory", StrCat(maxmemory));
  Line(out, "maxmemory_human", BytesToHuman(static_cast<uint64_t>(maxmemory)));
  Line(out, "maxmemory_policy", ctx.engine().config().GetString("maxmemory-policy"));
  Line(out, "mem_fragmentation_ratio",
       Format("%.2f", used ? static_cast<double>(rss) / static_cast<double>(used) : 0.0));
  Line(out, "lazyfree_pending_objects", "0");
  // As Redis 7.0: the EVAL VMs' heap, not part of used_memory (used_memory_lua is the old
  // name of used_memory_vm_eval).
  const size_t lua = lua::Interpreter::AllHeapBytes();
  Line(out, "used_memory_lua", StrCat(lua));
  Line(out, "used_memory_lua_human", BytesToHuman(lua));
  Line(out, "used_memory_vm_eval", StrCat(lua));
  Line(out, "number_of_cached_scripts", StrCat(ctx.engine().scripts().bodies().size()));
  Line(out, "used_memory_scripts_eval", StrCat(ctx.engine().scripts().bodies().memory_bytes()));
}

// INFO persistence's aof_* fields, from the journal (journal.h) when one is installed.
void InfoAof(CommandContext& ctx, std::string* out) {
  Journal* journal = ctx.engine().journal();
  const JournalInfo info = journal != nullptr ? journal->Info() : JournalInfo{};
  Line(out, "aof_enabled", journal != nullptr ? "1" : "0");
  Line(out, "aof_rewrite_in_progress", info.rewrite_in_progress ? "1" : "0");
  Line(out, "aof_rewrite_scheduled", "0");
  Line(out, "aof_last_rewrite_time_sec", StrCat(info.last_rewrite_time_sec));
  Line(out, "aof_current_rewrite_time_sec", "-1");
  Line(out, "aof_last_bgrewrite_status", info.last_rewrite_ok ? "ok" : "err");
  Line(out, "aof_rewrites", StrCat(info.rewrites));
  Line(out, "aof_last_write_status", info.last_write_ok ? "ok" : "err");
  if (journal == nullptr) return;
  Line(out, "aof_current_size", StrCat(info.current_size));
  Line(out, "aof_base_size", StrCat(info.base_size));
  Line(out, "aof_pending_rewrite", "0");
  Line(out, "aof_buffer_length", StrCat(info.buffer_length));
  Line(out, "aof_pending_bio_fsync", "0");
  Line(out, "aof_delayed_fsync", StrCat(info.delayed_fsync));
}

void InfoPersistence(CommandContext& ctx, std::string* out) {
  Line(out, "loading", "0");
  Line(out, "async_loading", "0");
  if (Persistence* p = ctx.engine().persistence()) {
    p->InfoRdb(ctx.engine(), out);
  } else {
    uint64_t dirty = SumShards(ctx, [](Shard& s) { return s.stats().dirty.Get(); });
    Line(out, "rdb_changes_since_last_save", StrCat(dirty));
    Line(out, "rdb_bgsave_in_progress", "0");
    Line(out, "rdb_last_save_time", StrCat(ctx.engine().start_ms() / 1000));
  }
  InfoAof(ctx, out);
}

void InfoStats(CommandContext& ctx, std::string* out) {
  Engine& engine = ctx.engine();
  uint64_t errors = 0;
  for (const auto& [code, n] : ErrorCounts(ctx)) errors += n;
  Line(out, "total_connections_received", StrCat(engine.total_connections.load()));
  Line(out, "total_commands_processed",
       StrCat(SumShards(ctx, [](Shard& s) { return s.stats().commands_processed.Get(); })));
  Line(out, "rejected_connections", StrCat(engine.rejected_connections.load()));
  Line(out, "expired_keys",
       StrCat(SumShards(ctx, [](Shard& s) { return s.stats().expired_keys.Get(); })));
  Line(out, "evicted_keys",
       StrCat(SumShards(ctx, [](Shard& s) { return s.stats().evicted_keys.Get(); })));
  Line(out, "keyspace_hits",
       StrCat(SumShards(ctx, [](Shard& s) { return s.stats().keyspace_hits.Get(); })));
  Line(out, "keyspace_misses",
       StrCat(SumShards(ctx, [](Shard& s) { return s.stats().keyspace_misses.Get(); })));
  Line(out, "pubsub_channels", StrCat(engine.pubsub().ChannelCount(ChannelKind::kGlobal)));
  Line(out, "pubsub_patterns", StrCat(engine.pubsub().NumPat()));
  Line(out, "pubsub_shardchannels", StrCat(engine.pubsub().ChannelCount(ChannelKind::kShard)));
  Line(out, "total_error_replies", StrCat(errors));
  // Shoal: script runs that held every shard because the script reaches keys beyond the
  // shards of its KEYS (scripts.h).
  Line(out, "script_escalations", StrCat(engine.scripts().escalations.load()));
}

void InfoReplication(CommandContext& ctx, std::string* out) {
  Line(out, "role", "master");
  Line(out, "connected_slaves", "0");
  Line(out, "master_failover_state", "no-failover");
  Line(out, "master_replid", EngineHexId(ctx, 2));
  Line(out, "master_replid2", std::string(40, '0'));
  Line(out, "master_repl_offset", "0");
  Line(out, "second_repl_offset", "-1");
  Line(out, "repl_backlog_active", "0");
}

void InfoCpu(CommandContext&, std::string* out) {
  auto seconds = [](const timeval& tv) {
    return Format("%ld.%06ld", static_cast<long>(tv.tv_sec), static_cast<long>(tv.tv_usec));
  };
  rusage self{}, children{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  Line(out, "used_cpu_sys", seconds(self.ru_stime));
  Line(out, "used_cpu_user", seconds(self.ru_utime));
  Line(out, "used_cpu_sys_children", seconds(children.ru_stime));
  Line(out, "used_cpu_user_children", seconds(children.ru_utime));
}

void InfoModules(CommandContext&, std::string*) {}

// cmdstat_<name>:calls=..,usec=..,usec_per_call=..,rejected_calls=..,failed_calls=.. for
// every command (subcommands as "config|get") that has run or failed.
void InfoCommandStats(CommandContext& ctx, std::string* out) {
  for (const CommandSpec& spec : CommandTable::Get().all()) {
    uint64_t calls = 0, usec = 0, rejected = 0, failed = 0;
    for (unsigned i = 0; i < ctx.engine().shard_count(); ++i) {
      const CommandStats& cs = ctx.engine().shard(i).stats().per_command[spec.id];
      calls += cs.calls.Get();
      usec += cs.usec.Get();
      rejected += cs.rejected_calls.Get();
      failed += cs.failed_calls.Get();
    }
    if (calls == 0 && rejected == 0 && failed == 0) continue;
    double per_call = calls ? static_cast<double>(usec) / static_cast<double>(calls) : 0;
    Line(out, StrCat("cmdstat_", spec.name),
         StrCat("calls=", calls, ",usec=", usec, ",usec_per_call=", Format("%.2f", per_call),
                ",rejected_calls=", rejected, ",failed_calls=", failed));
  }
}

void InfoErrorStats(CommandContext& ctx, std::string* out) {
  for (const auto& [code, n] : ErrorCounts(ctx)) {
    Line(out, StrCat("errorstat_", code), StrCat("count=", n));
  }
}

void InfoCluster(CommandContext&, std::string* out) { Line(out, "cluster_enabled", "0"); }

void InfoKeyspace(CommandContext& ctx, std::string* out) {
  Engine& engine = ctx.engine();
  if (Shard* home = Shard::Current()) home->PublishCounts();
  for (int db = 0; db < engine.databases(); ++db) {
    uint64_t keys = SumShards(ctx, [db](Shard& s) { return s.published_keys(db); });
    uint64_t expires = SumShards(ctx, [db](Shard& s) { return s.published_expires(db); });
    if (keys == 0) continue;
    Line(out, StrCat("db", db), StrCat("keys=", keys, ",expires=", expires, ",avg_ttl=0"));
  }
}

struct InfoSection {
  std::string_view name;    // as INFO takes it
  std::string_view header;  // as "# Header" shows it
  bool in_default;
  void (*write)(CommandContext& ctx, std::string* out);
};

// In Redis's order.
constexpr InfoSection kSections[] = {
    {"server", "Server", true, InfoServer},
    {"clients", "Clients", true, InfoClients},
    {"memory", "Memory", true, InfoMemory},
    {"persistence", "Persistence", true, InfoPersistence},
    {"stats", "Stats", true, InfoStats},
    {"replication", "Replication", true, InfoReplication},
    {"cpu", "CPU", true, InfoCpu},
    {"modules", "Modules", true, InfoModules},
    {"commandstats", "Commandstats", false, InfoCommandStats},
    {"errorstats", "Errorstats", true, InfoErrorStats},
    {"cluster", "Cluster", true, InfoCluster},
    {"keyspace", "Keyspace", true, InfoKeyspace},
};

}  // namespace

// INFO [section ...]: "default" (also with no argument), "all", "everything" or section
// names, case-insensitive; unknown names add nothing. Sections are "# Name" then
// "field:value" lines, separated by a blank line, every line ending in \r\n.
void CmdInfo(CommandContext& ctx) {
  bool wanted[std::size(kSections)] = {};
  auto want_default = [&] {
    for (size_t i = 0; i < std::size(kSections); ++i) wanted[i] |= kSections[i].in_default;
  };
  if (ctx.argc() == 1) want_default();
  for (size_t a = 1; a < ctx.argc(); ++a) {
    std::string_view arg = ctx.arg(a);
    if (IsOption(arg, "default")) {
      want_default();
    } else if (IsOption(arg, "all") || IsOption(arg, "everything")) {
      for (bool& w : wanted) w = true;
    } else {
      for (size_t i = 0; i < std::size(kSections); ++i) {
        if (IsOption(arg, kSections[i].name)) wanted[i] = true;
      }
    }
  }
  std::string text;
  bool first = true;
  for (size_t i = 0; i < std::size(kSections); ++i) {
    if (!wanted[i]) continue;
    if (!first) text += "\r\n";
    first = false;
    StrAppend(&text, "# ", kSections[i].header, "\r\n");
    kSections[i].write(ctx, &text);
  }
  ctx.reply.Verbatim("txt", text);
}

// --- CONFIG --------------------------------------------------------------------------------

// CONFIG GET parameter [parameter ...]: a map of the matching parameters. A name without
// glob characters is looked up as given and answered under that spelling, as Redis does.
void CmdConfigGet(CommandContext& ctx) {
  Config& config = ctx.engine().config();
  std::vector<std::pair<std::string, std::string>> found;
  std::set<std::string> seen;  // lower-case names already in `found`
  for (size_t i = 2; i < ctx.argc(); ++i) {
    std::string_view arg = ctx.arg(i);
    if (arg.find_first_of("[*?") == std::string_view::npos) {
      std::optional<std::string> value = config.Get(arg);
      if (value && seen.insert(ToLower(arg)).second) found.emplace_back(arg, *value);
      continue;
    }
    for (auto& [name, value] : config.Match(arg)) {
      if (seen.insert(name).second) found.emplace_back(name, std::move(value));
    }
  }
  ctx.reply.Map(found.size());
  for (const auto& [name, value] : found) {
    ctx.reply.Bulk(name);
    ctx.reply.Bulk(value);
  }
}

// CONFIG SET parameter value [parameter value ...], all or nothing: names are checked
// first (unknown, immutable, repeated), then values are set in order and, when one is
// refused, those already set get their old values back (Redis's restoreBackupConfig).
void CmdConfigSet(CommandContext& ctx) {
  if (ctx.argc() % 2 != 0) return ctx.Error(errors::kSyntax);
  Config& config = ctx.engine().config();
  std::vector<std::string> names;  // lower case
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    std::string_view name = ctx.arg(i);
    if (!config.Has(name)) return ctx.Error(errors::UnknownConfigOption(name));
    if (!config.IsMutable(name)) {
      return ctx.Error(errors::ConfigSetFailed(name, "can't set immutable config"));
    }
    std::string lower = ToLower(name);
    if (std::find(names.begin(), names.end(), lower) != names.end()) {
      return ctx.Error(errors::ConfigSetFailed(name, "duplicate parameter"));
    }
    names.push_back(std::move(lower));
  }
  std::vector<std::string> old_values;
  for (const std::string& name : names) old_values.push_back(config.GetString(name));
  for (size_t i = 0; i < names.size(); ++i) {
    std::string err = config.Set(names[i], ctx.arg(3 + 2 * i), /*startup=*/false);
    if (err.empty()) continue;
    for (size_t j = 0; j < i; ++j) config.Set(names[j], old_values[j], /*startup=*/true);
    return ctx.Error(StrCat("ERR ", err));
  }
  ctx.reply.Ok();
}

// CONFIG RESETSTAT: zeroes every shard's counters (relaxed atomics, safe from here) and
// the engine's connection counters, as Redis's resetServerStats.
void CmdConfigResetStat(CommandContext& ctx) {
  Engine& engine = ctx.engine();
  for (unsigned i = 0; i < engine.shard_count(); ++i) engine.shard(i).stats().Reset();
  engine.total_connections.store(0, std::memory_order_relaxed);
  engine.rejected_connections.store(0, std::memory_order_relaxed);
  ctx.reply.Ok();
}

namespace {

// A value as a config file line holds it: bare when it is one plain word, else quoted
// with escapes as Redis's sdscatrepr writes it. The loader reads both, and joins the words
// of a multi-word value ("save 3600 1") with spaces, which the quoted form keeps.
std::string ConfigValueText(std::string_view value) {
  bool plain = !value.empty();
  for (char c : value) plain = plain && c > ' ' && c <= '~' && c != '"' && c != '\'' &&
                               c != '\\' && c != '#';
  if (plain) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      default:
        if (c >= ' ' && c <= '~') {
          out += c;
        } else {
          out += Format("\\x%02x", static_cast<unsigned>(static_cast<unsigned char>(c)));
        }
    }
  }
  out += "\"";
  return out;
}

// The directive a config line sets (lower case), or "" for a comment or blank line.
std::string DirectiveOf(std::string_view line) {
  size_t start = line.find_first_not_of(" \t\r");
  if (start == std::string_view::npos || line[start] == '#') return "";
  size_t end = line.find_first_of(" \t\r", start);
  return ToLower(line.substr(start, end == std::string_view::npos ? end : end - start));
}

// Redis's rewriteConfig: the file's own lines stay in place; the first line of each known
// directive gets the current value and its repeats go; a parameter that differs from its
// default and had no line is appended after "# Generated by CONFIG REWRITE". Directives
// Shoal does not know stay as they are (the loader skips them). The new text replaces the
// file through a rename, so a crash leaves the old or the new file. Returns "" or errno text.
std::string RewriteConfigFile(const Config& config, const std::string& path) {
  std::vector<std::string> lines;
  {
    std::ifstream in(path);
    if (!in && errno != ENOENT) return strerror(errno);
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
  }
  const Config defaults;
  std::map<std::string, std::string> current;
  for (auto& [name, value] : config.Match("*")) current.emplace(name, value);

  constexpr std::string_view kSignature = "# Generated by CONFIG REWRITE";
  bool signed_before = false;
  std::set<std::string> written;
  std::string text;
  for (const std::string& line : lines) {
    if (line == kSignature) signed_before = true;
    std::string directive = DirectiveOf(line);
    auto it = current.find(directive);
    if (directive.empty() || it == current.end()) {
      StrAppend(&text, line, "\n");
    } else if (written.insert(directive).second) {
      StrAppend(&text, directive, " ", ConfigValueText(it->second), "\n");
    }
  }
  bool signed_now = signed_before;
  for (const auto& [name, value] : current) {
    if (written.count(name) || defaults.GetString(name) == value) continue;
    if (!signed_now) StrAppend(&text, kSignature, "\n");
    signed_now = true;
    StrAppend(&text, name, " ", ConfigValueText(value), "\n");
  }

  std::string tmp = StrCat(path, ".tmp-", static_cast<int64_t>(getpid()));
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return strerror(errno);
    out << text;
    out.flush();
    if (!out) {
      std::string err = strerror(errno);
      std::remove(tmp.c_str());
      return err;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string err = strerror(errno);
    std::remove(tmp.c_str());
    return err;
  }
  return "";
}

}  // namespace

void CmdConfigRewrite(CommandContext& ctx) {
  const std::string& path = ctx.engine().server_info().config_file;
  if (path.empty()) return ctx.Error(errors::kNoConfigFile);
  std::string err = RewriteConfigFile(ctx.engine().config(), path);
  if (!err.empty()) return ctx.Error(errors::ConfigRewriteFailed(err));
  ctx.reply.Ok();
}

void CmdConfigHelp(CommandContext& ctx) {
  ctx.ReplyHelp({"GET <pattern>",
                 "    Return parameters matching the glob-like <pattern> and their values.",
                 "SET <directive> <value>",
                 "    Set the configuration <directive> to <value>.",
                 "RESETSTAT",
                 "    Reset statistics reported by the INFO command.",
                 "REWRITE",
                 "    Rewrite the configuration file."});
}

// --- Others --------------------------------------------------------------------------------

// TIME: [unix seconds, microseconds] as bulk strings, from the engine's clock.
void CmdTime(CommandContext& ctx) {
  int64_t us = ctx.engine().clock().NowUs();
  ctx.reply.Array(2);
  ctx.reply.Bulk(StrCat(us / 1'000'000));
  ctx.reply.Bulk(StrCat(us % 1'000'000));
}

// LASTSAVE: unix seconds of the last successful save; before any (or embedded, with no
// persistence), the time the engine started, as Redis reports before its first save.
void CmdLastSave(CommandContext& ctx) {
  Persistence* p = ctx.engine().persistence();
  ctx.reply.Integer(p != nullptr ? p->LastSave() : ctx.engine().start_ms() / 1000);
}

// SAVE: writes the snapshot now, with every shard parked (kAllShards), as Redis's SAVE
// blocks the server. Errors as Redis: a bare "ERR" when the write fails (the reason goes
// to the log), "Background save already in progress" during a BGSAVE.
void CmdSave(CommandContext& ctx) {
  Persistence* p = ctx.engine().persistence();
  if (p == nullptr) return ctx.Error(errors::kNoPersistence);
  std::string error = p->Save(ctx.engine());
  if (!error.empty()) return ctx.Error(error);
  ctx.reply.Ok();
}

// BGSAVE [SCHEDULE]: starts a point-in-time snapshot (engine/snapshot.h) at this instant,
// with every shard parked; the shards then write it between commands. SCHEDULE is
// accepted and acts as plain BGSAVE (Shoal has no AOF rewrite to wait for).
void CmdBgSave(CommandContext& ctx) {
  if (ctx.argc() > 2 || (ctx.argc() == 2 && !IsOption(ctx.arg(1), "schedule"))) {
    return ctx.Error(errors::kSyntax);
  }
  Persistence* p = ctx.engine().persistence();
  if (p == nullptr) return ctx.Error(errors::kNoPersistence);
  std::string error = p->BgSave(ctx.engine());
  if (!error.empty()) return ctx.Error(error);
  ctx.reply.SimpleString("Background saving started");
}

// DEBUG SLEEP seconds | SET-ACTIVE-EXPIRE 0|1 | RELOAD | HELP. DEBUG holds every shard
// (kAllShards), so SLEEP stops the whole server, as Redis's does, and RELOAD (save, empty
// every database, load the file again) may touch every shard.
void CmdDebug(CommandContext& ctx) {
  std::string_view sub = ctx.arg(1);
  if (IsOption(sub, "help") && ctx.argc() == 2) {
    return ctx.ReplyHelp(
        {"SET-ACTIVE-EXPIRE <0|1>",
         "    Setting it to 0 disables expiring keys in background when they are not accessed "
         "(otherwise the Redis behavior). Setting it to 1 reenables back the default.",
         "RELOAD",
         "    Save the RDB on disk and reload it back to memory.",
         "SLEEP <seconds>",
         "    Stop the server for <seconds>. Decimals allowed."});
  }
  if (IsOption(sub, "reload") && ctx.argc() == 2) {
    Persistence* p = ctx.engine().persistence();
    if (p == nullptr) return ctx.Error(errors::kNoPersistence);
    std::string error = p->Reload(ctx.engine());
    if (!error.empty()) return ctx.Error(error);
    return ctx.reply.Ok();
  }
  if (IsOption(sub, "sleep") && ctx.argc() == 3) {
    // As Redis: strtod without checks, so text that is not a number sleeps 0 seconds.
    double seconds = strtod(std::string(ctx.arg(2)).c_str(), nullptr);
    auto usec = static_cast<int64_t>(seconds * 1e6);
    if (usec > 0) std::this_thread::sleep_for(std::chrono::microseconds(usec));
    return ctx.reply.Ok();
  }
  if (IsOption(sub, "set-active-expire") && ctx.argc() == 3) {
    ctx.engine().active_expire.store(atoi(std::string(ctx.arg(2)).c_str()) != 0,
                                     std::memory_order_relaxed);
    return ctx.reply.Ok();
  }
  ctx.Error(errors::SubcommandSyntax(sub, ctx.arg(0)));
}

// SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]. Shoal stops at once, so ABORT never
// finds a shutdown to abort. SAVE / NOSAVE tell the persistence whether to save (the
// default: when save rules exist); the save itself runs when the server has stopped its
// shard threads (src/server.cc), so a failing save is logged rather than replied. The
// server's hook stops it (called on this shard thread: it must not wait for the shard
// threads); on success nothing is replied, as the connection closes. Embedded, there is
// no hook and SHUTDOWN fails.
void CmdShutdown(CommandContext& ctx) {
  bool nosave = false, save = false, now = false, force = false, abort = false;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string_view a = ctx.arg(i);
    if (IsOption(a, "nosave")) {
      nosave = true;
    } else if (IsOption(a, "save")) {
      save = true;
    } else if (IsOption(a, "now")) {
      now = true;
    } else if (IsOption(a, "force")) {
      force = true;
    } else if (IsOption(a, "abort")) {
      abort = true;
    } else {
      return ctx.Error(errors::kSyntax);
    }
  }
  if ((abort && (nosave || save || now || force)) || (nosave && save)) {
    return ctx.Error(errors::kSyntax);
  }
  if (abort) return ctx.Error(errors::kShutdownAbortFailed);
  const std::function<void()>& hook = ctx.engine().server_info().shutdown;
  if (!hook) return ctx.Error(errors::kShutdownFailed);
  if (Persistence* p = ctx.engine().persistence()) {
    using Mode = Persistence::ShutdownSave;
    p->SetShutdownSave(save ? Mode::kSave : nosave ? Mode::kNoSave : Mode::kDefault);
  }
  ctx.session.CloseAfterReply();
  hook();
}

}  // namespace shoal::engine
