// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT through the engine, on 1 and 4 shards: the
// script cache, redis.call's checks, atomicity over shards, undeclared keys (learning,
// restart, escalation counted in INFO), MULTI, and BUSY / SCRIPT KILL. The Lua side (the
// conversions, the sandbox, the libraries) is tested in tests/lua.
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "engine/families.h"
#include "lua/interpreter.h"
#include "tests/engine/test_util.h"

namespace shoal::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ScriptFamilyTest : public EngineTest {
 protected:
  int64_t InfoField(std::string_view field) {
    std::string info = Run({"info", "stats"}).str;
    size_t at = info.find(std::string(field) + ":");
    if (at == std::string::npos) return -1;
    return std::stoll(info.substr(at + field.size() + 1));
  }
  // A key on a shard other than the session's home, and one on a third shard (all on
  // the one shard when there is one).
  std::pair<std::string, std::string> KeysOnTwoShards() {
    const unsigned home = session_->home();
    std::string a = "a:0";
    for (int i = 1; shards() > 1 && engine_->ShardOf(a) == home; ++i) a = "a:" + std::to_string(i);
    std::string b = "b:0";
    for (int i = 1; shards() > 2 && (engine_->ShardOf(b) == home ||
                                     engine_->ShardOf(b) == engine_->ShardOf(a)); ++i) {
      b = "b:" + std::to_string(i);
    }
    return {a, b};
  }
};

TEST_P(ScriptFamilyTest, EvalRunsCommandsOnKeysAndArgs) {
  EXPECT_THAT(Run({"eval", "return redis.call('set', KEYS[1], ARGV[1])", "1", "k", "v"}), OkArg());
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v"));
  EXPECT_THAT(Run({"eval", "return {KEYS[1], ARGV[1], ARGV[2], 7, 3.9}", "1", "k", "a", "b"}),
              ArrArg(ElementsAre(BulkArg("k"), BulkArg("a"), BulkArg("b"), IntArg(7), IntArg(3))));
  EXPECT_THAT(Run({"eval", "return redis.call('incr', KEYS[1])", "1", "n"}), IntArg(1));
  EXPECT_THAT(Run({"eval", "return redis.call('get', 'missing')", "0"}), NilArg());
}

TEST_P(ScriptFamilyTest, NumKeysErrors) {
  EXPECT_THAT(Run({"eval", "return 1"}), ErrArg("ERR wrong number of arguments for 'eval' command"));
  EXPECT_THAT(Run({"eval", "return 1", "x"}), ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"eval", "return 1", "-1"}), ErrArg("ERR Number of keys can't be negative"));
  EXPECT_THAT(Run({"eval", "return 1", "2", "k"}),
              ErrArg("ERR Number of keys can't be greater than number of args"));
  EXPECT_THAT(Run({"evalsha", "abc", "2", "k"}),
              ErrArg("ERR Number of keys can't be greater than number of args"));
}

TEST_P(ScriptFamilyTest, ScriptCacheIsSharedBySha) {
  const std::string body = "return 'hi'";
  const std::string sha = lua::Sha1Hex(body);
  EXPECT_THAT(Run({"evalsha", sha, "0"}), ErrArg("NOSCRIPT No matching script. Please use EVAL."));
  EXPECT_THAT(Run({"script", "exists", sha, "ffff"}), ArrArg(ElementsAre(IntArg(0), IntArg(0))));
  EXPECT_THAT(Run({"eval", body, "0"}), BulkArg("hi"));  // EVAL caches it too
  EXPECT_THAT(Run({"script", "exists", sha, "ffff"}), ArrArg(ElementsAre(IntArg(1), IntArg(0))));
  // Another client, on another shard thread, finds it by SHA (in any case).
  auto other = NewSession();
  std::string upper = sha;
  for (char& c : upper) c = static_cast<char>(toupper(c));
  EXPECT_THAT(RunOn(*other, {"evalsha", upper, "0"}), BulkArg("hi"));
  EXPECT_THAT(Run({"script", "flush"}), OkArg());
  EXPECT_THAT(RunOn(*other, {"evalsha", sha, "0"}), ErrArg("NOSCRIPT"));
  EXPECT_THAT(Run({"script", "load", "return 2"}), BulkArg(lua::Sha1Hex("return 2")));
  EXPECT_THAT(RunOn(*other, {"evalsha", lua::Sha1Hex("return 2"), "0"}), IntArg(2));
  EXPECT_THAT(Run({"script", "flush", "async"}), OkArg());
  EXPECT_THAT(Run({"script", "flush", "sync"}), OkArg());
  EXPECT_THAT(Run({"script", "flush", "now"}), ErrArg("ERR SCRIPT FLUSH only support SYNC|ASYNC option"));
  EXPECT_THAT(Run({"script", "load", "return +"}), ErrArg("ERR Error compiling script"));
  EXPECT_THAT(Run({"script", "load"}), ErrArg("ERR wrong number of arguments for 'script|load' command"));
  EXPECT_THAT(Run({"script", "nosuch"}), ErrArg("ERR unknown subcommand 'nosuch'. Try SCRIPT HELP."));
  Value help = Run({"script", "help"});
  ASSERT_FALSE(help.elems.empty());
  EXPECT_THAT(help.elems[0].str, HasSubstr("SCRIPT <subcommand>"));
}

TEST_P(ScriptFamilyTest, InfoCountsCachedScripts) {
  Run({"script", "load", "return 1"});
  Run({"script", "load", "return 2"});
  std::string memory = Run({"info", "memory"}).str;
  EXPECT_THAT(memory, HasSubstr("number_of_cached_scripts:2\r\n"));
}

// used_memory_lua (and its Redis 7 name used_memory_vm_eval): the VMs' heap, which grows
// when a script keeps data in the VM.
TEST_P(ScriptFamilyTest, InfoShowsLuaMemory) {
  auto lua_bytes = [&] {
    const std::string memory = Run({"info", "memory"}).str;
    const size_t at = memory.find("used_memory_lua:");
    EXPECT_NE(at, std::string::npos);
    EXPECT_THAT(memory, HasSubstr("used_memory_vm_eval:"));
    EXPECT_THAT(memory, HasSubstr("used_memory_lua_human:"));
    return std::stoll(memory.substr(at + 16));
  };
  Run({"eval", "return 1", "0"});
  const long long before = lua_bytes();
  EXPECT_GT(before, 0);
  Run({"eval", "return #string.rep('x', 1000000)", "0"});  // a 1 MB string, kept until GC
  Run({"script", "load", std::string("return '") + std::string(100000, 'y') + "'"});
  EXPECT_GT(lua_bytes(), before);
}

TEST_P(ScriptFamilyTest, CallChecksTheCommand) {
  EXPECT_THAT(Run({"eval", "return redis.call('nosuch')", "0"}),
              ErrArg("ERR Unknown Redis command called from script"));
  EXPECT_THAT(Run({"eval", "return redis.call('get')", "0"}),
              ErrArg("ERR Wrong number of args calling Redis command from script"));
  EXPECT_THAT(Run({"eval", "return redis.call('multi')", "0"}),
              ErrArg("ERR This Redis command is not allowed from script"));
  EXPECT_THAT(Run({"eval", "return redis.call('eval', 'return 1', '0')", "0"}),
              ErrArg("ERR This Redis command is not allowed from script"));
  Run({"hset", "h", "f", "v"});
  Value v = Run({"eval", "return redis.call('get', KEYS[1])", "1", "h"});
  EXPECT_THAT(v, ErrArg("WRONGTYPE Operation against a key holding the wrong kind of value"));
  EXPECT_THAT(v.str, HasSubstr("script: "));
  // pcall hands the error to the script instead.
  EXPECT_THAT(Run({"eval", "local r = redis.pcall('get', KEYS[1]); return r['err']", "1", "h"}),
              BulkArg("WRONGTYPE Operation against a key holding the wrong kind of value"));
}

TEST_P(ScriptFamilyTest, AclCheckCmd) {
  EXPECT_THAT(Run({"eval", "return redis.acl_check_cmd('set', 'k', 'v')", "0"}), IntArg(1));
  EXPECT_THAT(Run({"eval", "return redis.acl_check_cmd('nosuch')", "0"}),
              ErrArg("ERR Invalid command passed to redis.acl_check_cmd()"));
}

TEST_P(ScriptFamilyTest, ReadOnlyScriptsRefuseWrites) {
  EXPECT_THAT(Run({"eval_ro", "return redis.call('set', KEYS[1], 'x')", "1", "k"}),
              ErrArg("ERR Write commands are not allowed from read-only scripts."));
  EXPECT_THAT(Run({"eval", "#!lua flags=no-writes\nreturn redis.call('set', KEYS[1], 'x')", "1", "k"}),
              ErrArg("ERR Write commands are not allowed from read-only scripts."));
  std::string sha = Run({"script", "load", "return redis.call('set', KEYS[1], 'x')"}).str;
  EXPECT_THAT(Run({"evalsha_ro", sha, "1", "k"}), ErrArg("ERR Write commands are not allowed"));
  EXPECT_THAT(Run({"exists", "k"}), IntArg(0));
  Run({"set", "k", "v"});
  EXPECT_THAT(Run({"eval_ro", "return redis.call('get', KEYS[1])", "1", "k"}), BulkArg("v"));
  EXPECT_THAT(Run({"evalsha", sha, "1", "k"}), OkArg());
}

TEST_P(ScriptFamilyTest, SelectInsideAScriptDoesNotOutliveIt) {
  EXPECT_THAT(Run({"eval", "redis.call('select', 3); return redis.call('set', KEYS[1], 'in3')", "1", "k"}),
              OkArg());
  EXPECT_THAT(Run({"get", "k"}), NilArg());
  Run({"select", "3"});
  EXPECT_THAT(Run({"get", "k"}), BulkArg("in3"));
}

TEST_P(ScriptFamilyTest, BlockingCommandsDoNotBlockInScripts) {
  EXPECT_THAT(Run({"eval", "return redis.call('bzpopmin', KEYS[1], 0)", "1", "z"}), NilArg());
}

TEST_P(ScriptFamilyTest, ScriptsInsideMulti) {
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"eval", "return redis.call('incr', KEYS[1])", "1", "n"}), SimpleArg("QUEUED"));
  EXPECT_THAT(Run({"eval", "return redis.call('incr', KEYS[1])", "1", "n"}), SimpleArg("QUEUED"));
  EXPECT_THAT(Run({"exec"}), ArrArg(ElementsAre(IntArg(1), IntArg(2))));
}

// A script over keys on every shard is one transaction: a concurrent reader never sees some
// counters incremented and others not.
TEST_P(ScriptFamilyTest, ScriptOverEveryShardIsAtomic) {
  std::vector<std::string> keys;
  for (int i = 0; i < 8; ++i) keys.push_back("c:" + std::to_string(i));
  std::vector<std::string> eval = {"eval", "for i, k in ipairs(KEYS) do redis.call('incr', k) end",
                                   "8"};
  eval.insert(eval.end(), keys.begin(), keys.end());
  EXPECT_EQ(CountTornReads(keys, [&] {
              for (int round = 0; round < 200; ++round) Run(eval);
            }),
            0);
  std::vector<std::string> mget = {"mget"};
  mget.insert(mget.end(), keys.begin(), keys.end());
  EXPECT_EQ(StrArray(Run(mget)), std::vector<std::string>(8, "200"));
}

// Keys built inside the script (as BullMQ's scripts do) still work, and atomically: such
// a script holds every shard, and INFO counts those runs.
TEST_P(ScriptFamilyTest, UndeclaredKeysEscalate) {
  const char* body = "for i = 0, 15 do redis.call('set', 'job:' .. i, ARGV[1]) end return 1";
  int64_t before = InfoField("script_escalations");
  ASSERT_GE(before, 0);
  EXPECT_THAT(Run({"eval", body, "0", "x"}), IntArg(1));  // learns
  EXPECT_THAT(Run({"eval", body, "0", "y"}), IntArg(1));  // escalates
  EXPECT_THAT(Run({"eval", body, "0", "z"}), IntArg(1));  // escalates
  EXPECT_THAT(Run({"get", "job:15"}), BulkArg("z"));
  EXPECT_EQ(InfoField("script_escalations") - before, shards() > 1 ? 2 : 0);
}

// A script learned as declared-only that reaches another shard before writing anything is
// run again over every shard, transparently.
TEST_P(ScriptFamilyTest, UndeclaredReadBeforeWriteRestartsTransparently) {
  auto [a, b] = KeysOnTwoShards();
  Run({"set", b, "far"});
  const char* body =
      "if ARGV[1] == 'far' then return redis.call('get', ARGV[2]) end "
      "return redis.call('set', KEYS[1], 'near')";
  EXPECT_THAT(Run({"eval", body, "1", a, "near", b}), OkArg());  // learns: declared only
  int64_t before = InfoField("script_escalations");
  EXPECT_THAT(Run({"eval", body, "1", a, "far", b}), BulkArg("far"));  // restarted over all
  EXPECT_EQ(InfoField("script_escalations") - before, shards() > 1 ? 1 : 0);
  EXPECT_THAT(Run({"eval", body, "1", a, "far", b}), BulkArg("far"));
  EXPECT_EQ(InfoField("script_escalations") - before, shards() > 1 ? 2 : 0);
}

// After a write the script cannot be run again: that call fails (the earlier write stays,
// as with any script error in Redis) and the next run holds every shard.
TEST_P(ScriptFamilyTest, UndeclaredAccessAfterWriteFailsOnceThenEscalates) {
  if (shards() == 1) GTEST_SKIP() << "one shard holds every key";
  auto [a, b] = KeysOnTwoShards();
  const char* body =
      "redis.call('incr', KEYS[1]) "
      "if ARGV[1] == 'far' then return redis.call('incr', ARGV[2]) end return 0";
  EXPECT_THAT(Run({"eval", body, "1", a, "near", b}), IntArg(0));
  EXPECT_THAT(Run({"eval", body, "1", a, "far", b}),
              ErrArg("ERR Script reached a key outside its declared KEYS"));
  EXPECT_THAT(Run({"get", a}), BulkArg("2"));
  EXPECT_THAT(Run({"eval", body, "1", a, "far", b}), IntArg(1));
  EXPECT_THAT(Run({"get", a}), BulkArg("3"));
}

TEST_P(ScriptFamilyTest, ScriptKillWithNothingRunning) {
  EXPECT_THAT(Run({"script", "kill"}), ErrArg("NOTBUSY No scripts in execution right now."));
}

// A script past busy-reply-threshold makes other clients get BUSY; SCRIPT KILL stops it.
// Needs the other client on another shard thread (the test engine's threads do not poll
// for clients while busy, the server's do).
TEST_P(ScriptFamilyTest, BusyScriptAndScriptKill) {
  if (shards() == 1) GTEST_SKIP() << "needs a second shard thread";
  EXPECT_THAT(Run({"config", "set", "busy-reply-threshold", "0"}), OkArg());
  auto runner = engine_->NewSession(0);
  auto other = engine_->NewSession(1);
  // Learned as declared-only first, so that it holds only its own shard while it spins.
  const char* spin = "if ARGV[1] == 'spin' then while true do end end return 1";
  EXPECT_THAT(RunOn(*runner, {"eval", spin, "0", "no"}), IntArg(1));
  Value result;
  std::thread t([&] { result = runner->Execute({"eval", spin, "0", "spin"}); });
  bool busy = false;
  for (int i = 0; i < 2000 && !busy; ++i) {
    busy = RunOn(*other, {"ping"}).type == Value::Type::kError;
    if (!busy) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(busy);
  EXPECT_THAT(RunOn(*other, {"get", "x"}), ErrArg("BUSY Redis is busy running a script."));
  EXPECT_THAT(RunOn(*other, {"script", "kill"}), OkArg());
  t.join();
  EXPECT_THAT(result, ErrArg("ERR Script killed by user with SCRIPT KILL"));
  EXPECT_THAT(RunOn(*other, {"ping"}), SimpleArg("PONG"));

  // A script that wrote cannot be killed. (Its keys are on the runner's shard.)
  std::string w = "w:0";
  for (int i = 1; engine_->ShardOf(w) != runner->home(); ++i) w = "w:" + std::to_string(i);
  const char* write_then_spin =
      "redis.call('set', KEYS[1], 1) if ARGV[1] == 'spin' then while true do end end";
  EXPECT_THAT(RunOn(*runner, {"eval", write_then_spin, "1", w, "no"}), NilArg());
  std::atomic<bool> done{false};
  std::thread wt([&] {
    result = runner->Execute({"eval", write_then_spin, "1", w, "spin"});
    done = true;
  });
  busy = false;
  for (int i = 0; i < 2000 && !busy; ++i) {
    busy = RunOn(*other, {"ping"}).type == Value::Type::kError;
    if (!busy) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(busy);
  EXPECT_THAT(RunOn(*other, {"script", "kill"}), ErrArg("UNKILLABLE"));
  // Only SHUTDOWN NOSAVE would stop it in Redis; end the test by flagging it directly.
  engine_->scripts().running(runner->home()).kill.store(true);
  wt.join();
  EXPECT_TRUE(done.load());
  EXPECT_THAT(RunOn(*other, {"get", w}), BulkArg("1"));
}

TEST_P(ScriptFamilyTest, EvalKeysAreTheCommandsKeys) {
  EXPECT_THAT(Run({"command", "getkeys", "eval", "return 1", "2", "k1", "k2", "a"}),
              ArrArg(ElementsAre(BulkArg("k1"), BulkArg("k2"))));
}

INSTANTIATE_TEST_SUITE_P(Shards, ScriptFamilyTest, ShardCounts());

}  // namespace
}  // namespace shoal::engine
