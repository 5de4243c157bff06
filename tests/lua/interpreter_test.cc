// The script VM against Redis 7.0's behaviour: conversions both ways in RESP2 and RESP3,
// the redis.* API and its error texts, error formatting, the sandbox, math.random and
// SCRIPT KILL. Expected bytes are what redis-server 7.0 sends for the same EVAL.
#include "lua/interpreter.h"

#include <cmath>
#include <cstdlib>
#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lua/script_cache.h"
#include "protocol/strings.h"
#include "tests/lua/lua_test_util.h"

namespace shoal::lua {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(Sha1HexTest, KnownDigests) {
  EXPECT_EQ(Sha1Hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(Sha1Hex("return 1"), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
}

TEST_F(LuaTest, Sha1hexFromScript) {
  EXPECT_EQ(Eval("return redis.sha1hex('Pizza & Mandolino')"),
            BulkBytes("74822d82031af7493c20eefa13bd07ec4fada82f"));
  EXPECT_EQ(Eval("return redis.sha1hex('')"),
            BulkBytes("da39a3ee5e6b4b0d3255bfef95601890afd80709"));
  const char* body = "return redis.sha1hex()";
  EXPECT_EQ(Eval(body), ScriptError(body, "ERR wrong number of arguments"));
}

// ---- Lua -> RESP ----------------------------------------------------------------------

TEST_F(LuaTest, LuaNumbersBecomeIntegersTruncated) {
  EXPECT_EQ(Eval("return 1"), ":1\r\n");
  EXPECT_EQ(Eval("return 3.99"), ":3\r\n");
  EXPECT_EQ(Eval("return -3.99"), ":-3\r\n");
  EXPECT_EQ(Eval("return 1e18"), ":1000000000000000000\r\n");
}

TEST_F(LuaTest, LuaStringsNilAndBooleansRESP2) {
  EXPECT_EQ(Eval("return 'hello'"), BulkBytes("hello"));
  EXPECT_EQ(Eval("return ''"), BulkBytes(""));
  EXPECT_EQ(Eval("return nil"), "$-1\r\n");
  EXPECT_EQ(Eval("return"), "$-1\r\n");
  EXPECT_EQ(Eval("return true"), ":1\r\n");
  EXPECT_EQ(Eval("return false"), "$-1\r\n");
  // A RESP3 client gets RESP3's null for false and nil.
  EXPECT_EQ(Eval("return false", {}, {}, 3), "_\r\n");
  EXPECT_EQ(Eval("return nil", {}, {}, 3), "_\r\n");
  EXPECT_EQ(Eval("return true", {}, {}, 3), ":1\r\n");
}

TEST_F(LuaTest, BooleansAfterSetresp3) {
  EXPECT_EQ(Eval("redis.setresp(3) return true", {}, {}, 3), "#t\r\n");
  EXPECT_EQ(Eval("redis.setresp(3) return false", {}, {}, 3), "#f\r\n");
  EXPECT_EQ(Eval("redis.setresp(3) return true", {}, {}, 2), ":1\r\n");
  EXPECT_EQ(Eval("redis.setresp(3) return false", {}, {}, 2), ":0\r\n");
}

TEST_F(LuaTest, ArraysStopAtTheFirstNil) {
  EXPECT_EQ(Eval("return {1, 2, 3, 'x', nil, 4}"), "*4\r\n:1\r\n:2\r\n:3\r\n$1\r\nx\r\n");
  EXPECT_EQ(Eval("return {}"), "*0\r\n");
  EXPECT_EQ(Eval("return {1, {2, {'a'}}, true, false}"),
            "*4\r\n:1\r\n*2\r\n:2\r\n*1\r\n$1\r\na\r\n:1\r\n$-1\r\n");
  // Only the array part counts; string keys are ignored.
  EXPECT_EQ(Eval("return {1, foo='bar'}"), "*1\r\n:1\r\n");
}

TEST_F(LuaTest, ErrAndOkTables) {
  EXPECT_EQ(Eval("return {err='My Error'}"), "-My Error\r\n");
  EXPECT_EQ(Eval("return {ok='fine'}"), "+fine\r\n");
  EXPECT_EQ(Eval("return {ok='a\\r\\nb'}"), "+a  b\r\n");
  EXPECT_EQ(Eval("return redis.error_reply('My Error')"), "-My Error\r\n");
  EXPECT_EQ(Eval("return redis.error_reply('-WRONGTYPE bad')"), "-WRONGTYPE bad\r\n");
  EXPECT_EQ(Eval("return redis.error_reply('oops')"), "-ERR oops\r\n");
  EXPECT_EQ(Eval("return redis.status_reply('PONG')"), "+PONG\r\n");
  EXPECT_EQ(Eval("return redis.error_reply('My Error').err"), BulkBytes("My Error"));
  EXPECT_EQ(Eval("return redis.status_reply(1)"),
            "-ERR wrong number or type of arguments\r\n");
  EXPECT_EQ(Eval("return redis.error_reply()"), "-ERR wrong number or type of arguments\r\n");
  // Error tables nested in an array.
  EXPECT_EQ(Eval("return {1, redis.error_reply('E1 x')}"), "*2\r\n:1\r\n-E1 x\r\n");
}

TEST_F(LuaTest, Resp3Tables) {
  EXPECT_EQ(Eval("return {map={a=1}}", {}, {}, 3), "%1\r\n$1\r\na\r\n:1\r\n");
  EXPECT_EQ(Eval("return {map={a=1}}", {}, {}, 2), "*2\r\n$1\r\na\r\n:1\r\n");
  EXPECT_EQ(Eval("return {set={a=true}}", {}, {}, 3), "~1\r\n$1\r\na\r\n");
  EXPECT_EQ(Eval("return {set={a=true}}", {}, {}, 2), "*1\r\n$1\r\na\r\n");
  EXPECT_EQ(Eval("return {double=3.5}", {}, {}, 3), ",3.5\r\n");
  EXPECT_EQ(Eval("return {double=3.5}", {}, {}, 2), BulkBytes("3.5"));
  EXPECT_EQ(Eval("return {big_number='123456789012345678901234567890'}", {}, {}, 3),
            "(123456789012345678901234567890\r\n");
  EXPECT_EQ(Eval("return {big_number='12345'}", {}, {}, 2), BulkBytes("12345"));
  EXPECT_EQ(Eval("return {big_number='123\\r\\n123'}", {}, {}, 2), BulkBytes("123  123"));
  EXPECT_EQ(Eval("return {big_number='123\\r\\n123'}", {}, {}, 3), "(123  123\r\n");
  EXPECT_EQ(Eval("return {verbatim_string={format='txt', string='abc'}}", {}, {}, 3),
            "=7\r\ntxt:abc\r\n");
  EXPECT_EQ(Eval("return {verbatim_string={format='txt', string='abc'}}", {}, {}, 2),
            BulkBytes("abc"));
}

// ---- RESP -> Lua ----------------------------------------------------------------------

TEST_F(LuaTest, CallConvertsRepliesRESP2) {
  EXPECT_EQ(Eval("return redis.call('GET', 'x')"), BulkBytes("bar"));
  EXPECT_EQ(Eval("return type(redis.call('NIL'))"), BulkBytes("boolean"));
  EXPECT_EQ(Eval("return redis.call('NIL') == false"), ":1\r\n");
  EXPECT_EQ(Eval("return type(redis.call('INT'))"), BulkBytes("number"));
  EXPECT_EQ(Eval("return redis.call('INT') + 1"), ":43\r\n");
  EXPECT_EQ(Eval("return redis.call('STATUS').ok"), BulkBytes("OK"));
  EXPECT_EQ(Eval("return redis.call('STATUS')"), "+OK\r\n");
  EXPECT_EQ(Eval("local t = redis.call('ARR') return {#t, t[1], t[2], type(t[3])}"),
            "*4\r\n:3\r\n:1\r\n$1\r\na\r\n$7\r\nboolean\r\n");
  // The RESP2 null inside the array is false, so it does not end the array.
  EXPECT_EQ(Eval("return redis.call('ARR')"), "*3\r\n:1\r\n$1\r\na\r\n$-1\r\n");
  // RESP2 degrades the RESP3 types: the map is a flat array, the double a bulk string.
  EXPECT_EQ(Eval("local t = redis.call('MAP') return {t[1], t[2]}"),
            "*2\r\n$1\r\na\r\n:1\r\n");
  EXPECT_EQ(Eval("return redis.call('DOUBLE')"), BulkBytes("1.5"));
  EXPECT_EQ(Eval("return redis.call('BOOL')"), ":1\r\n");
  EXPECT_EQ(host_.resps.back(), 2);
}

TEST_F(LuaTest, CallConvertsRepliesRESP3) {
  EXPECT_EQ(Eval("redis.setresp(3) return type(redis.call('NIL'))"), BulkBytes("nil"));
  EXPECT_EQ(host_.resps.back(), 3);
  EXPECT_EQ(Eval("redis.setresp(3) return redis.call('MAP').map.a"), ":1\r\n");
  EXPECT_EQ(Eval("redis.setresp(3) return redis.call('MAP')", {}, {}, 3),
            "%1\r\n$1\r\na\r\n:1\r\n");
  EXPECT_EQ(Eval("redis.setresp(3) local s = redis.call('SET').set "
                 "return {s.a, s.b, s.c == nil}"),
            "*3\r\n:1\r\n:1\r\n:1\r\n");
  EXPECT_EQ(Eval("redis.setresp(3) return tostring(redis.call('DOUBLE').double)"),
            BulkBytes("1.5"));
  EXPECT_EQ(Eval("redis.setresp(3) return redis.call('DOUBLE')", {}, {}, 3), ",1.5\r\n");
  EXPECT_EQ(Eval("redis.setresp(3) return type(redis.call('BOOL'))"), BulkBytes("boolean"));
  EXPECT_EQ(Eval("redis.setresp(3) return redis.call('BIG').big_number"),
            BulkBytes("123456789012345678901234567890"));
  EXPECT_EQ(Eval("redis.setresp(3) local v = redis.call('VERB').verbatim_string "
                 "return {v.format, v.string}"),
            "*2\r\n$3\r\ntxt\r\n$3\r\nabc\r\n");
  // Every run starts again in RESP2.
  EXPECT_EQ(Eval("return type(redis.call('NIL'))"), BulkBytes("boolean"));
  EXPECT_EQ(host_.resps.back(), 2);
}

TEST_F(LuaTest, CallRawRepliesEveryType) {
  // Attributes are dropped; push is an array; blob errors are error tables.
  EXPECT_EQ(Eval("return redis.call('RAW', '|1\\r\\n+a\\r\\n+b\\r\\n:7\\r\\n')"), ":7\r\n");
  EXPECT_EQ(Eval("return redis.call('RAW', '>2\\r\\n:1\\r\\n:2\\r\\n')"), "*2\r\n:1\r\n:2\r\n");
  EXPECT_EQ(Eval("return redis.pcall('RAW', '!5\\r\\nE1 ab\\r\\n')"), "-E1 ab\r\n");
  EXPECT_EQ(Eval("return redis.call('RAW', '*-1\\r\\n') == false"), ":1\r\n");
  const char* body = "return redis.call('RAW', 'garbage')";
  EXPECT_EQ(Eval(body), ScriptError(body, "ERR Could not parse the command's reply"));
}

TEST_F(LuaTest, CallArgumentsNumbersAsRedis) {
  Eval("redis.call('ECHO', 10, 3.5, 0.1, 1e20, -0, 'x')");
  ASSERT_EQ(host_.calls.size(), 1u);
  EXPECT_EQ(host_.calls[0], (std::vector<std::string>{"ECHO", "10", "3.5",
                                                       "0.10000000000000001", "1e+20", "-0",
                                                       "x"}));
}

TEST_F(LuaTest, CallArgumentErrors) {
  const char* none = "return redis.call()";
  EXPECT_EQ(Eval(none),
            ScriptError(none, "ERR Please specify at least one argument for this redis lib call"));
  const char* table = "return redis.call('ECHO', {})";
  EXPECT_EQ(Eval(table),
            ScriptError(table, "ERR Lua redis lib command arguments must be strings or integers"));
  const char* boolean = "return redis.call('ECHO', true)";
  EXPECT_EQ(Eval(boolean), ScriptError(boolean, "ERR Lua redis lib command arguments must be "
                                                 "strings or integers"));
  EXPECT_EQ(Eval("return redis.pcall()"),
            "-ERR Please specify at least one argument for this redis lib call\r\n");
  EXPECT_EQ(Eval("return redis.pcall('ECHO', nil)"),
            "-ERR Lua redis lib command arguments must be strings or integers\r\n");
  EXPECT_TRUE(host_.calls.empty());
}

// ---- Errors -----------------------------------------------------------------------------

TEST_F(LuaTest, CommandErrorsRaisedByCall) {
  const char* body = "return redis.call('WRONG')";
  EXPECT_EQ(Eval(body),
            ScriptError(body, "WRONGTYPE Operation against a key holding the wrong kind of value"));
  const char* err = "local x = 1\nredis.call('ERR')\nreturn x";
  EXPECT_EQ(Eval(err), ScriptError(err, "ERR some error", 2));
}

TEST_F(LuaTest, PcallReturnsCommandErrors) {
  EXPECT_EQ(Eval("return redis.pcall('WRONG')"),
            "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  EXPECT_EQ(Eval("return redis.pcall('WRONG').err"),
            BulkBytes("WRONGTYPE Operation against a key holding the wrong kind of value"));
  // Lua's pcall catches redis.call's error and hands back the message, as Redis 7.0 does.
  EXPECT_EQ(Eval("local ok, e = pcall(redis.call, 'ERR') return {tostring(ok), e}"),
            "*2\r\n$5\r\nfalse\r\n$14\r\nERR some error\r\n");
  EXPECT_EQ(Eval("local ok, e = pcall(function() error('boom') end) return e"),
            BulkBytes("user_script:1: boom"));
  EXPECT_EQ(Eval("local ok, v = pcall(function() return 7 end) return {tostring(ok), v}"),
            "*2\r\n$4\r\ntrue\r\n:7\r\n");
}

TEST_F(LuaTest, RuntimeErrorsCarryScriptAndLine) {
  const char* global = "return x";
  EXPECT_EQ(Eval(global),
            ScriptError(global, "ERR user_script:1: Script attempted to access nonexistent "
                                "global variable 'x'"));
  const char* line3 = "local a = 1\nlocal b = 2\nreturn a + nil";
  EXPECT_EQ(Eval(line3),
            ScriptError(line3, "ERR user_script:3: attempt to perform arithmetic on a nil value",
                        3));
  const char* error = "error('boom')";
  EXPECT_EQ(Eval(error), ScriptError(error, "ERR user_script:1: boom"));
  const char* table = "error({err='My Error'})";
  EXPECT_EQ(Eval(table), ScriptError(table, "My Error"));
  const char* reply = "return error(redis.error_reply('E2 custom'))";
  EXPECT_EQ(Eval(reply), ScriptError(reply, "E2 custom"));
}

TEST_F(LuaTest, CompileErrors) {
  EXPECT_EQ(Eval("return 1 +"),
            "LOAD: ERR Error compiling script (new function): user_script:1: unexpected "
            "symbol near '<eof>'");
  EXPECT_EQ(Eval("local a = 1\nreturn 1 end"),
            "LOAD: ERR Error compiling script (new function): user_script:2: '<eof>' "
            "expected near 'end'");
}

TEST_F(LuaTest, UnknownShaIsNoscript) {
  std::string out;
  protocol::ReplyWriter w(&out);
  vm_.Run(Sha1Hex("return 1"), {}, {}, host_, w);
  EXPECT_EQ(out, "-NOSCRIPT No matching script. Please use EVAL.\r\n");
}

// ---- redis.* API --------------------------------------------------------------------------

TEST_F(LuaTest, KeysAndArgv) {
  EXPECT_EQ(Eval("return {KEYS[1], KEYS[2], ARGV[1], #KEYS, #ARGV}", {"k1", "k2"}, {"a1"}),
            "*5\r\n$2\r\nk1\r\n$2\r\nk2\r\n$2\r\na1\r\n:2\r\n:1\r\n");
  // Each run gets its own tables.
  EXPECT_EQ(Eval("return {#KEYS, #ARGV}"), "*2\r\n:0\r\n:0\r\n");
  EXPECT_EQ(Eval("KEYS[1] = 'changed' return KEYS[1]", {"k"}), BulkBytes("changed"));
  EXPECT_EQ(Eval("return KEYS[1]", {"k"}), BulkBytes("k"));
}

TEST_F(LuaTest, Log) {
  EXPECT_EQ(Eval("redis.log(redis.LOG_WARNING, 'hello', 'world', 3) return 1"), ":1\r\n");
  ASSERT_EQ(host_.logs.size(), 1u);
  EXPECT_EQ(host_.logs[0], std::make_pair(3, std::string("hello world 3")));
  Eval("redis.log(redis.LOG_DEBUG, 'd')");
  EXPECT_EQ(host_.logs.back(), std::make_pair(0, std::string("d")));
  Eval("redis.log(redis.LOG_NOTICE, {}, 'a', nil, 'b')");
  EXPECT_EQ(host_.logs.back(), std::make_pair(2, std::string(" a b")));
  const char* few = "redis.log(1)";
  EXPECT_EQ(Eval(few), ScriptError(few, "ERR redis.log() requires two arguments or more."));
  const char* level = "redis.log('x', 'y')";
  EXPECT_EQ(Eval(level), ScriptError(level, "ERR First argument must be a number (log level)."));
  const char* bad = "redis.log(4, 'y')";
  EXPECT_EQ(Eval(bad), ScriptError(bad, "ERR Invalid debug level."));
}

TEST_F(LuaTest, Constants) {
  EXPECT_EQ(Eval("return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, "
                 "redis.LOG_WARNING}"),
            "*4\r\n:0\r\n:1\r\n:2\r\n:3\r\n");
  EXPECT_EQ(Eval("return {redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, "
                 "redis.REPL_REPLICA, redis.REPL_ALL}"),
            "*5\r\n:0\r\n:1\r\n:2\r\n:2\r\n:3\r\n");
  EXPECT_EQ(Eval("return redis.REDIS_VERSION"), BulkBytes("7.2.4"));
  EXPECT_EQ(Eval("return redis.REDIS_VERSION_NUM"), ":459268\r\n");  // 0x00070204
}

TEST_F(LuaTest, SetrespErrors) {
  const char* four = "redis.setresp(4)";
  EXPECT_EQ(Eval(four), ScriptError(four, "ERR RESP version must be 2 or 3."));
  const char* none = "redis.setresp()";
  EXPECT_EQ(Eval(none), ScriptError(none, "ERR redis.setresp() requires one argument."));
}

TEST_F(LuaTest, SetReplAndReplicateCommands) {
  EXPECT_EQ(Eval("redis.set_repl(redis.REPL_ALL) redis.set_repl(redis.REPL_NONE) return 1"),
            ":1\r\n");
  const char* bad = "redis.set_repl(8)";
  EXPECT_EQ(Eval(bad), ScriptError(bad, "ERR Invalid replication flags. Use REPL_AOF, "
                                        "REPL_REPLICA, REPL_ALL or REPL_NONE."));
  const char* none = "redis.set_repl()";
  EXPECT_EQ(Eval(none), ScriptError(none, "ERR redis.set_repl() requires two arguments."));
  EXPECT_EQ(Eval("return redis.replicate_commands()"), ":1\r\n");
}

TEST_F(LuaTest, AclCheckCmd) {
  EXPECT_EQ(Eval("return redis.acl_check_cmd('SET', 'x', 1)"), ":1\r\n");
  EXPECT_EQ(Eval("return redis.acl_check_cmd('HSET', 'x', 'f', 1)"), "$-1\r\n");
  const char* unknown = "return redis.acl_check_cmd('nosuch')";
  EXPECT_EQ(Eval(unknown),
            ScriptError(unknown, "ERR Invalid command passed to redis.acl_check_cmd()"));
  const char* none = "return redis.acl_check_cmd()";
  EXPECT_EQ(Eval(none),
            ScriptError(none, "ERR Please specify at least one argument for this redis lib call"));
  EXPECT_TRUE(host_.calls.empty());  // checking runs nothing
}

TEST_F(LuaTest, RunStatus) {
  auto run = [&](std::string_view body) {
    std::string sha = Sha1Hex(body), error, out;
    EXPECT_TRUE(vm_.Load(sha, body, &error)) << error;
    protocol::ReplyWriter w(&out);
    return vm_.Run(sha, {}, {}, host_, w);
  };
  EXPECT_EQ(run("return 1"), Interpreter::RunStatus::kOk);
  EXPECT_EQ(run("return {err='x'}"), Interpreter::RunStatus::kOk);
  EXPECT_EQ(run("error('x')"), Interpreter::RunStatus::kError);
  EXPECT_EQ(run("return redis.call('ERR')"), Interpreter::RunStatus::kError);
  host_.kill = true;
  EXPECT_EQ(run("while true do end"), Interpreter::RunStatus::kKilled);
  host_.kill = false;
  std::string out;
  protocol::ReplyWriter w(&out);
  EXPECT_EQ(vm_.Run(Sha1Hex("never loaded"), {}, {}, host_, w),
            Interpreter::RunStatus::kNoScript);
}

TEST_F(LuaTest, NestedRunIsRefused) {
  std::string inner_sha = Sha1Hex("return 1");
  std::string error;
  ASSERT_TRUE(vm_.Load(inner_sha, "return 1", &error));
  host_.nested = [&](std::string* out) {
    protocol::ReplyWriter w(out);
    vm_.Run(inner_sha, {}, {}, host_, w);
  };
  EXPECT_EQ(Eval("return redis.pcall('NESTED')"),
            "-ERR This Redis command is not allowed from script\r\n");
  EXPECT_EQ(Eval("return 5"), ":5\r\n");
}

// ---- Sandbox ------------------------------------------------------------------------------

TEST_F(LuaTest, RemovedGlobals) {
  for (const char* name : {"print", "dofile", "loadfile", "os", "io", "require", "package",
                           "debug", "module"}) {
    std::string body = std::string("return ") + name;
    EXPECT_EQ(Eval(body), ScriptError(body, std::string("ERR user_script:1: Script attempted to "
                                                        "access nonexistent global variable '") +
                                                name + "'"))
        << name;
  }
}

TEST_F(LuaTest, AvailableGlobals) {
  EXPECT_EQ(Eval("return {type(xpcall), type(tostring), type(getfenv), type(setmetatable), "
                 "type(next), type(assert), type(tonumber), type(rawequal), "
                 "type(collectgarbage), type(getmetatable), type(rawset), type(pcall), "
                 "type(coroutine), type(type), type(_G), type(select), type(unpack), "
                 "type(gcinfo), type(pairs), type(rawget), type(loadstring), type(ipairs), "
                 "type(_VERSION), type(setfenv), type(load), type(error), type(newproxy)}"),
            "*27\r\n$8\r\nfunction\r\n$8\r\nfunction\r\n$8\r\nfunction\r\n$8\r\nfunction\r\n"
            "$8\r\nfunction\r\n$8\r\nfunction\r\n$8\r\nfunction\r\n$8\r\nfunction\r\n"
            "$8\r\nfunction\r\n$8\r\nfunction\r\n$8\r\nfunction\r\n$8\r\nfunction\r\n"
            "$5\r\ntable\r\n$8\r\nfunction\r\n$5\r\ntable\r\n$8\r\nfunction\r\n"
            "$8\r\nfunction\r\n$8\r\nfunction\r\n$8\r\nfunction\r\n$8\r\nfunction\r\n"
            "$8\r\nfunction\r\n$8\r\nfunction\r\n$6\r\nstring\r\n$8\r\nfunction\r\n"
            "$8\r\nfunction\r\n$8\r\nfunction\r\n$8\r\nfunction\r\n");
}

TEST_F(LuaTest, GlobalsAreReadOnly) {
  const std::string readonly = "ERR user_script:1: Attempt to modify a readonly table";
  for (const char* body : {"x = 1", "redis = 1", "KEYS = {}", "_G.y = 1", "pcall = nil",
                           "redis.call = function() return 1 end", "cjson.encode = nil",
                           "cmsgpack.pack = nil", "bit.band = nil", "struct.pack = nil",
                           "string.upper = nil", "math.random = nil", "table.insert = nil",
                           "coroutine.create = nil", "getmetatable('').__index = nil",
                           "getfenv(tostring).redis = nil", "getfenv(0).x = 1"}) {
    EXPECT_EQ(Eval(body), ScriptError(body, readonly)) << body;
  }
  // Redis's "Try trick global protection" tests.
  for (const char* body : {"local g = getmetatable(_G) g.__index = {}", "_G = {}",
                           "redis = function() return 1 end"}) {
    EXPECT_EQ(Eval(body), ScriptError(body, readonly)) << body;
  }
  for (const char* body : {"table.insert(_G, 1)", "table.insert(redis, 'x')",
                           "table.remove(string)", "table.sort(_G)"}) {
    EXPECT_EQ(Eval(body), ScriptError(body, "ERR Attempt to modify a readonly table")) << body;
  }
  // rawset and setmetatable (C functions) report no position, as in Redis.
  for (const char* body : {"rawset(_G, 'x', 1)", "rawset(redis, 'call', 1)",
                           "setmetatable(_G, {})", "setmetatable(string, {})"}) {
    EXPECT_EQ(Eval(body), ScriptError(body, "ERR Attempt to modify a readonly table")) << body;
  }
  for (const char* body : {"getfenv(load).redis = nil", "getfenv(getfenv).x = 1"}) {
    EXPECT_EQ(Eval(body), ScriptError(body, readonly)) << body;
  }
  // Nothing leaked into the next run.
  EXPECT_EQ(Eval("return type(redis.call)"), BulkBytes("function"));
  EXPECT_EQ(Eval("return rawget(_G, 'x') == nil"), ":1\r\n");
}

TEST_F(LuaTest, SetfenvDoesNotOutliveTheRun) {
  EXPECT_EQ(Eval("setfenv(0, {redis = 'hijacked'}) return 1"), ":1\r\n");
  EXPECT_EQ(Eval("return type(redis)"), BulkBytes("table"));
  EXPECT_EQ(Eval("return loadstring('return type(redis)')()"), BulkBytes("table"));
  const char* body = "if rawget(getfenv(1), 'x_marker') then return 'leaked' end "
                     "setfenv(1, {x_marker = true}) return 'first'";
  EXPECT_EQ(Eval(body), BulkBytes("first"));
  EXPECT_EQ(Eval(body), BulkBytes("first"));  // the second run has the real globals again
}

TEST_F(LuaTest, Metatables) {
  EXPECT_EQ(Eval("return type(getmetatable(_G))"), BulkBytes("table"));
  EXPECT_EQ(Eval("return type(getmetatable(_G).__index)"), BulkBytes("function"));
  const char* odd_key = "return _G[{}]";
  EXPECT_EQ(Eval(odd_key),
            ScriptError(odd_key, "ERR user_script:1: Second argument to luaProtectedTableError "
                                 "must be a string or number"));
  const char* number_key = "return _G[1]";
  EXPECT_EQ(Eval(number_key),
            ScriptError(number_key, "ERR user_script:1: Script attempted to access nonexistent "
                                    "global variable '1'"));
  EXPECT_EQ(Eval("return getmetatable(redis) == nil"), ":1\r\n");
  EXPECT_EQ(Eval("return type(getmetatable('').__index.upper)"), BulkBytes("function"));
  EXPECT_EQ(Eval("local t = setmetatable({}, {__index = {a = 5}}) return t.a"), ":5\r\n");
  EXPECT_EQ(Eval("local mt = {} return getmetatable(setmetatable({}, mt)) == mt"), ":1\r\n");
  // A returned table's metatable is not consulted (raw access), as in Redis.
  EXPECT_EQ(Eval("local a = {} setmetatable(a, {__index = function() foo() end}) return a"),
            "*0\r\n");
}

TEST_F(LuaTest, RecursiveTableHitsTheStackLimit) {
  std::string out = Eval("local a = {} local b = {a} a[1] = b return a");
  size_t depth = 0;
  std::string_view rest = out;
  while (rest.substr(0, 4) == "*1\r\n") {
    rest.remove_prefix(4);
    depth++;
  }
  EXPECT_EQ(rest, "-ERR reached lua stack limit\r\n");
  EXPECT_GT(depth, 100u);
}

TEST_F(LuaTest, RedisTestSuiteExamples) {
  EXPECT_EQ(Eval("return 100.5"), ":100\r\n");
  EXPECT_EQ(Eval("return {1,2,3,'ciao',{1,2}}"),
            "*5\r\n:1\r\n:2\r\n:3\r\n$4\r\nciao\r\n*2\r\n:1\r\n:2\r\n");
  EXPECT_EQ(Eval("return {err='ERR this is an error'}"), "-ERR this is an error\r\n");
  EXPECT_EQ(Eval("return 'hello' --trailing comment"), BulkBytes("hello"));
  EXPECT_EQ(Eval("return _G"), "*0\r\n");
  EXPECT_EQ(Eval("return table.concat(cjson.decode(\"[0.0, -5e3, -1, 0.3e-3, 1023.2, 0e10]\"), "
                 "\" \")"),
            BulkBytes("0 -5000 -1 0.0003 1023.2 0"));
  EXPECT_EQ(Eval("local d = cjson.decode('{\"keya\": \"a\", \"keyb\": \"b\"}') "
                 "return {d.keya, d.keyb}"),
            "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  EXPECT_EQ(Eval("assert(bit.tobit(1) == 1); assert(bit.band(1) == 1); "
                 "assert(bit.bxor(1,2) == 3); assert(bit.bor(1,2,4,8,16,32,64,128) == 255)"),
            "$-1\r\n");
  Eval("local value = 9007199254740991 redis.call('ECHO', value)");
  EXPECT_EQ(host_.calls.back()[1], "9007199254740991");
  EXPECT_EQ(Eval("local x = {} for i = 1, 100 do table.insert(x, i) end "
                 "redis.call('ECHO', unpack(x)) return 1"),
            ":1\r\n");
  EXPECT_EQ(host_.calls.back().size(), 101u);
}

// A tiny string keyspace behind redis.call, enough for Redis's DECR_IF_GT example.
class MapHost : public Host {
 public:
  void Call(absl::Span<const std::string_view> args, int resp, std::string* out) override {
    protocol::ReplyWriter w(out, resp);
    std::string cmd = ToLower(args[0]);
    std::string key = args.size() > 1 ? std::string(args[1]) : "";
    if (cmd == "get") {
      auto it = data.find(key);
      if (it == data.end()) w.Null();
      else w.Bulk(it->second);
    } else if (cmd == "set" && args.size() == 3) {
      data[key] = std::string(args[2]);
      w.Ok();
    } else if (cmd == "decr" || cmd == "incr") {
      int64_t v = std::stoll(data.count(key) ? data[key] : "0") + (cmd == "incr" ? 1 : -1);
      data[key] = std::to_string(v);
      w.Integer(v);
    } else if (cmd == "lpush") {
      w.Integer(static_cast<int64_t>(args.size()) - 2);
    } else {
      w.Error("ERR Unknown Redis command called from script");
    }
  }
  std::map<std::string, std::string> data;
};

TEST(LuaScriptsTest, DecrIfGreaterThan) {
  const char* body =
      "local current\n"
      "current = redis.call('get',KEYS[1])\n"
      "if not current then return nil end\n"
      "if current > ARGV[1] then\n"
      "  return redis.call('decr',KEYS[1])\n"
      "else\n"
      "  return redis.call('get',KEYS[1])\n"
      "end\n";
  Interpreter vm;
  MapHost host;
  host.data["foo"] = "5";
  std::string sha = Sha1Hex(body), error;
  ASSERT_TRUE(vm.Load(sha, body, &error)) << error;
  std::string out;
  const std::string_view keys[] = {"foo"};
  const std::string_view argv[] = {"2"};
  for (int i = 0; i < 5; i++) {
    protocol::ReplyWriter w(&out);
    vm.Run(sha, keys, argv, host, w);
  }
  EXPECT_EQ(out, ":4\r\n:3\r\n:2\r\n$1\r\n2\r\n$1\r\n2\r\n");  // {4 3 2 2 2}
  out.clear();
  const char* missing = "return redis.call('nosuchcommand')";
  ASSERT_TRUE(vm.Load(Sha1Hex(missing), missing, &error));
  protocol::ReplyWriter w(&out);
  vm.Run(Sha1Hex(missing), {}, {}, host, w);
  EXPECT_EQ(out, "-ERR Unknown Redis command called from script script: " + Sha1Hex(missing) +
                     ", on @user_script:1.\r\n");
  // Redis's "Script check unpack with massive arguments".
  const char* massive =
      "local a = {} for i=1,7999 do a[i] = 1 end return redis.call('lpush', 'l', unpack(a))";
  ASSERT_TRUE(vm.Load(Sha1Hex(massive), massive, &error));
  out.clear();
  vm.Run(Sha1Hex(massive), {}, {}, host, w);
  EXPECT_EQ(out, ":7999\r\n");
}

TEST_F(LuaTest, LibraryTablesReadThroughProxies) {
  EXPECT_EQ(Eval("return ('abc'):upper()"), BulkBytes("ABC"));
  EXPECT_EQ(Eval("return string.format('%d-%s', 5, 'x')"), BulkBytes("5-x"));
  EXPECT_EQ(Eval("local n = 0 for k, v in pairs(redis) do n = n + 1 end return n > 10"),
            ":1\r\n");
  EXPECT_EQ(Eval("return type(rawget(redis, 'call'))"), BulkBytes("function"));
  EXPECT_EQ(Eval("return next(math) ~= nil"), ":1\r\n");
  EXPECT_EQ(Eval("return getfenv(0) == _G and _G._G == _G"), ":1\r\n");
  EXPECT_EQ(Eval("local t = {} table.insert(t, 'a') table.sort(t) return table.concat(t)"),
            BulkBytes("a"));
  // Local variables and local functions work as usual.
  EXPECT_EQ(Eval("local function f(a) return a * 2 end local t = {} t.x = f(21) return t.x"),
            ":42\r\n");
}

TEST_F(LuaTest, LoadstringRefusesBytecode) {
  EXPECT_EQ(Eval("return loadstring('return 7')()"), ":7\r\n");
  EXPECT_EQ(Eval("local f = loadstring('return 1 +') return f == nil"), ":1\r\n");
  const char* dumped = "return loadstring(string.dump(function() return 1 end))()";
  EXPECT_EQ(Eval(dumped), ScriptError(dumped, "ERR user_script:1: attempt to call a nil value"));
  EXPECT_EQ(Eval("local f, e = loadstring(string.dump(function() return 1 end)) "
                 "return f == nil"),
            ":1\r\n");
  std::string out = Eval("local f, e = loadstring(string.dump(function() return 1 end)) "
                         "return e");
  EXPECT_THAT(out, HasSubstr("unexpected symbol"));
  EXPECT_EQ(Eval("local i = 0 local f = load(function() i = i + 1 "
                 "if i == 1 then return 'return 5' end end) return f()"),
            ":5\r\n");
  EXPECT_EQ(Eval("local f, e = load(function() return {} end) return {tostring(f), e}"),
            "*2\r\n$3\r\nnil\r\n$36\r\nreader function must return a string\r\n");
  EXPECT_EQ(Eval("local n = 0 local f = load(function() n = n + 1 "
                 "return ({'return ', '1 + ', '2'})[n] end, '=mine') return f()"),
            ":3\r\n");
  EXPECT_THAT(Eval("local s = string.dump(function() return 1 end) local done = false "
                   "local f, e = load(function() if done then return nil end done = true "
                   "return s end) return e"),
              HasSubstr("unexpected symbol"));
  // A loaded chunk sees the same read-only globals.
  const char* body = "loadstring('x = 1')()";
  EXPECT_THAT(Eval(body), HasSubstr("Attempt to modify a readonly table"));
}

TEST_F(LuaTest, CjsonAndBit) {
  EXPECT_EQ(Eval("return cjson.encode({1, 2, 'a'})"), BulkBytes("[1,2,\"a\"]"));
  EXPECT_EQ(Eval("return cjson.decode('{\"a\":[1,2,{\"b\":true}]}').a[3].b"), ":1\r\n");
  EXPECT_EQ(Eval("return bit.band(0xff, 0x0f)"), ":15\r\n");
  EXPECT_EQ(Eval("return bit.tohex(255)"), BulkBytes("000000ff"));
  EXPECT_EQ(Eval("return bit.bxor(5, 3)"), ":6\r\n");
}

// ---- math.random -----------------------------------------------------------------------

TEST(Rand48Test, MatchesLibcLrand48) {
  for (int32_t seed : {0, 1, 42, -7, 2147483647}) {
    Rand48 r;
    r.Seed(seed);
    srand48(seed);
    for (int i = 0; i < 100; i++) ASSERT_EQ(r.Next(), lrand48()) << seed << " " << i;
  }
}

TEST_F(LuaTest, MathRandomContinuesAcrossRuns) {
  // Redis 7.0 does not reseed per run ("random numbers are random now"): a fresh VM starts
  // at rand.c's initial state and each run continues the sequence.
  Rand48 r;
  auto next = [&] { return static_cast<double>(r.Next() % Rand48::kMax) / Rand48::kMax; };
  int a = static_cast<int>(std::floor(next() * 1000000)) + 1;
  int b = static_cast<int>(std::floor(next() * 1000000)) + 1;
  int c = static_cast<int>(std::floor(next() * 1000000)) + 1;
  EXPECT_EQ(Eval("return {math.random(1000000), math.random(1000000)}"),
            "*2\r\n:" + std::to_string(a) + "\r\n:" + std::to_string(b) + "\r\n");
  EXPECT_EQ(Eval("return math.random(1000000)"), ":" + std::to_string(c) + "\r\n");
  const char* body = "return tostring(math.random())";
  EXPECT_NE(Eval(body), Eval(body));
}

TEST_F(LuaTest, MathRandomseed) {
  // With seed 0 the sequence is the one Redis 6 scripts always saw.
  EXPECT_EQ(Eval("math.randomseed(0) return {math.random(1000000), math.random(1000000), "
                 "math.random(1000000), tostring(math.random())}"),
            "*4\r\n:170829\r\n:749902\r\n:96372\r\n$16\r\n0.87046522734243\r\n");
  const char* seeded = "math.randomseed(ARGV[1]) return tostring(math.random())";
  std::string ten = Eval(seeded, {}, {"10"});
  EXPECT_EQ(Eval(seeded, {}, {"10"}), ten);
  EXPECT_NE(Eval(seeded, {}, {"20"}), ten);
  EXPECT_EQ(Eval("local v = math.random(3, 5) return v >= 3 and v <= 5"), ":1\r\n");
  EXPECT_THAT(Eval("return math.random(0)"), HasSubstr("interval is empty"));
  EXPECT_THAT(Eval("return math.random(1, 2, 3)"), HasSubstr("wrong number of arguments"));
}

// ---- SCRIPT KILL ---------------------------------------------------------------------------

TEST_F(LuaTest, KillStopsALoop) {
  host_.kill = true;
  const char* body = "local i = 0\nwhile true do i = i + 1 end";
  EXPECT_EQ(Eval(body),
            ScriptError(body, "ERR Script killed by user with SCRIPT KILL...", 2));
  EXPECT_GE(host_.kill_checks, 1);
}

TEST_F(LuaTest, KillCannotBeCaughtByPcall) {
  host_.kill = true;
  const char* body =
      "while true do pcall(function() while true do end end) end";
  EXPECT_THAT(Eval(body), StartsWith("-ERR Script killed by user with SCRIPT KILL..."));
}

TEST_F(LuaTest, KillWithCommandsInsidePcall) {
  // Redis's "Timedout read-only scripts can be killed by SCRIPT KILL even when use pcall".
  host_.kill = true;
  const char* body = "local f = function() while 1 do redis.call('INT') end end "
                     "while 1 do pcall(f) end";
  EXPECT_EQ(Eval(body), ScriptError(body, "ERR Script killed by user with SCRIPT KILL..."));
  EXPECT_EQ(host_.kill_checks, 1);  // asked once; after a yes the hook no longer asks
}

TEST_F(LuaTest, NoKillRunsToTheEnd) {
  EXPECT_EQ(Eval("local s = 0 for i = 1, 1000000 do s = s + i end return s"),
            ":500000500000\r\n");
  EXPECT_GE(host_.kill_checks, 1);  // the hook asked at least once
  // After a killed script, the next one runs normally.
  host_.kill = true;
  Eval("while true do end");
  host_.kill = false;
  EXPECT_EQ(Eval("return 1"), ":1\r\n");
}

TEST_F(LuaTest, RunsLeakNothing) {
  // Redis's "EVAL does not leak in the Lua stack": many runs through every way a script
  // can end leave the stack empty and the heap small.
  for (int i = 0; i < 2000; i++) {
    Eval("return redis.call('INT')");
    Eval("return redis.pcall('ERR')");
    Eval("return redis.call('ERR')");
    Eval("return {1, {2, 'x'}, {map={a=1}}}");
    Eval("return x");
    ASSERT_EQ(vm_.StackDepth(), 0) << i;
  }
  host_.kill = true;
  Eval("while true do end");
  EXPECT_EQ(vm_.StackDepth(), 0);
  std::string out;
  protocol::ReplyWriter w(&out);
  vm_.Run(Sha1Hex("not loaded"), {}, {}, host_, w);
  EXPECT_EQ(vm_.StackDepth(), 0);
  EXPECT_LT(vm_.MemoryBytes(), 1024u * 1024);
}

// ---- Loading, flushing, shebang ---------------------------------------------------------

TEST_F(LuaTest, LoadHasFlush) {
  std::string sha = Sha1Hex("return 1");
  EXPECT_FALSE(vm_.Has(sha));
  std::string error;
  ASSERT_TRUE(vm_.Load(sha, "return 1", &error));
  EXPECT_TRUE(vm_.Has(sha));
  std::string upper = sha;
  for (char& c : upper) c = static_cast<char>(toupper(c));
  EXPECT_TRUE(vm_.Has(upper));
  EXPECT_EQ(vm_.script_count(), 1u);
  vm_.Flush();
  EXPECT_FALSE(vm_.Has(sha));
  EXPECT_EQ(vm_.script_count(), 0u);
  EXPECT_EQ(Eval("return 2"), ":2\r\n");  // a fresh VM works
  EXPECT_GT(vm_.MemoryBytes(), 0u);
}

TEST(ShebangTest, Flags) {
  ScriptFlags flags;
  size_t offset;
  std::string error;
  ASSERT_TRUE(ParseShebang("return 1", &flags, &offset, &error));
  EXPECT_FALSE(flags.has_shebang);
  EXPECT_EQ(offset, 0u);
  ASSERT_TRUE(ParseShebang("#!lua flags=no-writes,allow-oom\nreturn 1", &flags, &offset,
                           &error));
  EXPECT_TRUE(flags.has_shebang);
  EXPECT_TRUE(flags.no_writes);
  EXPECT_TRUE(flags.allow_oom);
  EXPECT_FALSE(flags.allow_stale);
  EXPECT_EQ(offset, 31u);
  ASSERT_TRUE(ParseShebang("#!lua flags=allow-stale,no-cluster,allow-cross-slot-keys\n",
                           &flags, &offset, &error));
  EXPECT_TRUE(flags.allow_stale && flags.no_cluster && flags.allow_cross_slot_keys);
  EXPECT_FALSE(flags.no_writes);
  ASSERT_TRUE(ParseShebang("#!lua\nreturn 1", &flags, &offset, &error));
  EXPECT_TRUE(flags.has_shebang);
  ASSERT_TRUE(ParseShebang("#!lua flags=\nreturn 1", &flags, &offset, &error));
  ASSERT_TRUE(ParseShebang("#!lua   flags=no-writes \"flags=allow-oom\"\n", &flags, &offset,
                           &error));
  EXPECT_TRUE(flags.no_writes && flags.allow_oom);
}

TEST(ShebangTest, Errors) {
  ScriptFlags flags;
  size_t offset;
  std::string error;
  EXPECT_FALSE(ParseShebang("#!python\nreturn 1", &flags, &offset, &error));
  EXPECT_EQ(error, "ERR Unexpected engine in script shebang: #!python");
  EXPECT_FALSE(ParseShebang("#!lua flags=no-writes,bad\n", &flags, &offset, &error));
  EXPECT_EQ(error, "ERR Unexpected flag in script shebang: bad");
  EXPECT_FALSE(ParseShebang("#!lua flags=no-writes,\n", &flags, &offset, &error));
  EXPECT_EQ(error, "ERR Unexpected flag in script shebang: ");
  EXPECT_FALSE(ParseShebang("#!lua foo=bar\n", &flags, &offset, &error));
  EXPECT_EQ(error, "ERR Unknown lua shebang option: foo=bar");
  EXPECT_FALSE(ParseShebang("#!lua", &flags, &offset, &error));
  EXPECT_EQ(error, "ERR Invalid script shebang");
  EXPECT_FALSE(ParseShebang("#!lua \"flags=no-writes\n", &flags, &offset, &error));
  EXPECT_EQ(error, "ERR Invalid engine in script shebang");
}

TEST_F(LuaTest, ShebangKeepsLineNumbers) {
  const char* body = "#!lua flags=no-writes\nlocal a = 1\nreturn b";
  EXPECT_EQ(Eval(body),
            ScriptError(body, "ERR user_script:3: Script attempted to access nonexistent "
                              "global variable 'b'",
                        3));
  EXPECT_EQ(Eval("#!lua\nreturn 5"), ":5\r\n");
  EXPECT_EQ(Eval("#!nolua\nreturn 5"), "LOAD: ERR Unexpected engine in script shebang: #!nolua");
}

TEST(ScriptCacheTest, LoadGetExistsFlush) {
  ScriptCache cache;
  std::string sha = cache.Load("return 1");
  EXPECT_EQ(sha, Sha1Hex("return 1"));
  EXPECT_TRUE(cache.Exists(sha));
  std::string upper = sha;
  for (char& c : upper) c = static_cast<char>(toupper(c));
  EXPECT_TRUE(cache.Exists(upper));
  EXPECT_EQ(cache.Get(sha), std::optional<std::string>("return 1"));
  EXPECT_FALSE(cache.Exists(Sha1Hex("return 2")));
  EXPECT_EQ(cache.Get(Sha1Hex("return 2")), std::nullopt);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.memory_bytes(), 48u);
  cache.Load("return 1");
  EXPECT_EQ(cache.size(), 1u);
  cache.Flush();
  EXPECT_FALSE(cache.Exists(sha));
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace shoal::lua
