// The redis.* API of a script (Redis 7.0's src/script_lua.c and src/eval.c), Redis's
// math.random/math.randomseed, and the SCRIPT KILL hook. Every function reaches the
// running script's state through the Interpreter that owns the lua_State; outside a run,
// the ones that need a run raise Redis's "... can only be called inside a script
// invocation" errors.
//
// Lua errors longjmp: nothing here keeps a C++ object with a destructor across a call that
// can raise (redis.call's strings live in the interpreter's RunState).
#include "lua/redis_api.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "lua/convert.h"
#include "lua/interpreter.h"
#include "lua/sandbox.h"

extern "C" {
#include <lauxlib.h>
}

namespace shoal::lua {

namespace {

constexpr const char* kRedisVersion = "7.2.4";  // what INFO reports (engine/server_family.cc)
constexpr double kRedisVersionNum = 0x00070204;
constexpr int kLogDebug = 0, kLogWarning = 3;
constexpr int kReplAof = 1, kReplReplica = 2;

Interpreter* Self(lua_State* L) { return InterpreterOf(L); }

int Raise(lua_State* L) { return lua_error(L); }

// Converts the Lua arguments on the stack into run->call_views (Redis's
// luaArgsToRedisArgv) and pops them. Numbers are formatted with "%.17g", not Lua's lossy
// "%.14g". On failure pushes the error table and returns false.
bool CollectArgs(lua_State* L, Interpreter::RunState* run) {
  int argc = lua_gettop(L);
  if (argc == 0) {
    PushErrorTable(L, "Please specify at least one argument for this redis lib call");
    return false;
  }
  if (run->call_args.size() < static_cast<size_t>(argc)) run->call_args.resize(argc);
  int j = 0;
  for (; j < argc; j++) {
    std::string& arg = run->call_args[j];
    if (lua_type(L, j + 1) == LUA_TNUMBER) {
      char buf[64];
      int n = snprintf(buf, sizeof(buf), "%.17g", static_cast<double>(lua_tonumber(L, j + 1)));
      arg.assign(buf, n);
    } else {
      size_t len;
      const char* s = lua_tolstring(L, j + 1, &len);
      if (s == nullptr) break;
      arg.assign(s, len);
    }
  }
  lua_pop(L, argc);
  if (j != argc) {
    PushErrorTable(L, "Lua redis lib command arguments must be strings or integers");
    return false;
  }
  run->call_views.assign(run->call_args.begin(), run->call_args.begin() + argc);
  return true;
}

int CallGeneric(lua_State* L, bool raise) {
  Interpreter::RunState* run = Self(L)->running();
  if (run == nullptr) {
    return RaiseError(L, "redis.call/pcall can only be called inside a script invocation");
  }
  if (!CollectArgs(L, run)) return raise ? Raise(L) : 1;
  run->call_reply.clear();
  run->host->Call(absl::MakeConstSpan(run->call_views), run->resp, &run->call_reply);
  const std::string& reply = run->call_reply;
  if (!PushRespAsLua(L, reply)) {
    PushErrorTable(L, "Could not parse the command's reply");
    return raise ? Raise(L) : 1;
  }
  if (raise && !reply.empty() && reply[0] == '-') return Raise(L);
  return 1;
}

int RedisAclCheckCmd(lua_State* L) {
  Interpreter::RunState* run = Self(L)->running();
  if (run == nullptr) {
    return RaiseError(L, "redis.acl_check_cmd can only be called inside a script invocation");
  }
  if (!CollectArgs(L, run)) return Raise(L);
  Host::AclCheck check = run->host->CheckAcl(absl::MakeConstSpan(run->call_views));
  if (check == Host::AclCheck::kUnknownCommand) {
    return RaiseError(L, "Invalid command passed to redis.acl_check_cmd()");
  }
  lua_pushboolean(L, check == Host::AclCheck::kAllowed);
  return 1;
}

int RedisCall(lua_State* L) { return CallGeneric(L, true); }
int RedisPcall(lua_State* L) { return CallGeneric(L, false); }

int RedisSha1hex(lua_State* L) {
  if (lua_gettop(L) != 1) return RaiseError(L, "wrong number of arguments");
  size_t len = 0;
  const char* s = lua_tolstring(L, 1, &len);
  char hex[41];
  {
    std::string digest = Sha1Hex(std::string_view(s ? s : "", s ? len : 0));
    memcpy(hex, digest.data(), 40);
  }
  lua_pushlstring(L, hex, 40);
  return 1;
}

int RedisErrorReply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
    PushErrorTable(L, "wrong number or type of arguments");
    return 1;
  }
  size_t len;
  const char* err = lua_tolstring(L, -1, &len);
  if (len > 0 && err[0] == '-') {
    PushErrorTable(L, std::string_view(err, len));
  } else {
    lua_pushstring(L, "-");
    lua_pushvalue(L, 1);
    lua_concat(L, 2);
    size_t full_len;
    const char* full = lua_tolstring(L, -1, &full_len);
    PushErrorTable(L, std::string_view(full, full_len));
  }
  return 1;
}

int RedisStatusReply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
    PushErrorTable(L, "wrong number or type of arguments");
    return 1;
  }
  lua_newtable(L);
  lua_pushvalue(L, 1);
  lua_setfield(L, -2, "ok");
  return 1;
}

int RedisLog(lua_State* L) {
  int argc = lua_gettop(L);
  if (argc < 2) return RaiseError(L, "redis.log() requires two arguments or more.");
  if (!lua_isnumber(L, 1)) return RaiseError(L, "First argument must be a number (log level).");
  int level = static_cast<int>(lua_tonumber(L, 1));
  if (level < kLogDebug || level > kLogWarning) return RaiseError(L, "Invalid debug level.");
  Interpreter::RunState* run = Self(L)->running();
  if (run == nullptr) return 0;
  // Glue the arguments together on the Lua stack (no C++ string across a possible error).
  // As Redis: arguments that are not strings or numbers are skipped, and every one after
  // the first gets a space in front, even when the ones before it were skipped.
  int parts = 0;
  for (int j = 2; j <= argc; j++) {
    if (!lua_isstring(L, j)) continue;
    if (j != 2) {
      lua_pushliteral(L, " ");
      parts++;
    }
    lua_pushvalue(L, j);
    lua_tostring(L, -1);
    parts++;
  }
  if (parts == 0) lua_pushliteral(L, "");
  else lua_concat(L, parts);
  size_t len;
  const char* msg = lua_tolstring(L, -1, &len);
  run->host->Log(level, std::string_view(msg, len));
  return 0;
}

int RedisSetresp(lua_State* L) {
  Interpreter::RunState* run = Self(L)->running();
  if (run == nullptr) {
    return RaiseError(L, "redis.setresp can only be called inside a script invocation");
  }
  if (lua_gettop(L) != 1) return RaiseError(L, "redis.setresp() requires one argument.");
  int resp = static_cast<int>(lua_tonumber(L, 1));
  if (resp != 2 && resp != 3) return RaiseError(L, "RESP version must be 2 or 3.");
  run->resp = resp;
  return 0;
}

int RedisSetRepl(lua_State* L) {
  if (Self(L)->running() == nullptr) {
    return RaiseError(L, "redis.set_repl can only be called inside a script invocation");
  }
  if (lua_gettop(L) != 1) return RaiseError(L, "redis.set_repl() requires two arguments.");
  int flags = static_cast<int>(lua_tonumber(L, -1));
  if ((flags & ~(kReplAof | kReplReplica)) != 0) {
    return RaiseError(
        L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
  }
  return 0;  // Shoal replicates nothing yet; the flags are accepted.
}

int RedisReplicateCommands(lua_State* L) {
  lua_pushboolean(L, 1);
  return 1;
}

int RedisBreakpoint(lua_State* L) {
  lua_pushboolean(L, 0);  // no debugger session
  return 1;
}

int RedisDebug(lua_State* L) { return 0; }

void SetFunctionField(lua_State* L, const char* name, lua_CFunction fn) {
  lua_pushcfunction(L, fn);
  lua_setfield(L, -2, name);
}

void SetNumberField(lua_State* L, const char* name, double v) {
  lua_pushnumber(L, v);
  lua_setfield(L, -2, name);
}

Rand48& RandOf(lua_State* L) { return Self(L)->rand(); }

int MathRandom(lua_State* L) {
  if (Self(L)->running() == nullptr) {
    return luaL_error(L, "math.random can only be called inside a script invocation");
  }
  lua_Number r = static_cast<lua_Number>(RandOf(L).Next() % Rand48::kMax) /
                 static_cast<lua_Number>(Rand48::kMax);
  switch (lua_gettop(L)) {
    case 0:
      lua_pushnumber(L, r);
      break;
    case 1: {
      int u = luaL_checkint(L, 1);
      luaL_argcheck(L, 1 <= u, 1, "interval is empty");
      lua_pushnumber(L, floor(r * u) + 1);
      break;
    }
    case 2: {
      int l = luaL_checkint(L, 1);
      int u = luaL_checkint(L, 2);
      luaL_argcheck(L, l <= u, 2, "interval is empty");
      lua_pushnumber(L, floor(r * (u - l + 1)) + l);
      break;
    }
    default:
      return luaL_error(L, "wrong number of arguments");
  }
  return 1;
}

int MathRandomseed(lua_State* L) {
  if (Self(L)->running() == nullptr) {
    return luaL_error(L, "math.randomseed can only be called inside a script invocation");
  }
  RandOf(L).Seed(luaL_checkint(L, 1));
  return 0;
}

}  // namespace

Interpreter* InterpreterOf(lua_State* L) {
  void* ud = nullptr;
  lua_getallocf(L, &ud);
  return static_cast<Interpreter*>(ud);
}

void CountHook(lua_State* L, lua_Debug* ar) {
  Interpreter::RunState* run = Self(L)->running();
  if (run == nullptr) return;
  if (!run->killed && !run->host->ShouldKill()) return;
  run->killed = true;
  // From now on the hook fires on every line, so pcall cannot swallow the kill for long.
  lua_sethook(L, CountHook, LUA_MASKLINE, 0);
  RaiseError(L, "Script killed by user with SCRIPT KILL...");
}

void RegisterRedisApi(lua_State* L) {
  // The redis table.
  lua_newtable(L);
  SetFunctionField(L, "call", RedisCall);
  SetFunctionField(L, "pcall", RedisPcall);
  SetFunctionField(L, "log", RedisLog);
  SetNumberField(L, "LOG_DEBUG", 0);
  SetNumberField(L, "LOG_VERBOSE", 1);
  SetNumberField(L, "LOG_NOTICE", 2);
  SetNumberField(L, "LOG_WARNING", 3);
  SetNumberField(L, "REDIS_VERSION_NUM", kRedisVersionNum);
  lua_pushstring(L, kRedisVersion);
  lua_setfield(L, -2, "REDIS_VERSION");
  SetFunctionField(L, "setresp", RedisSetresp);
  SetFunctionField(L, "sha1hex", RedisSha1hex);
  SetFunctionField(L, "error_reply", RedisErrorReply);
  SetFunctionField(L, "status_reply", RedisStatusReply);
  SetFunctionField(L, "set_repl", RedisSetRepl);
  SetNumberField(L, "REPL_NONE", 0);
  SetNumberField(L, "REPL_AOF", kReplAof);
  SetNumberField(L, "REPL_SLAVE", kReplReplica);
  SetNumberField(L, "REPL_REPLICA", kReplReplica);
  SetNumberField(L, "REPL_ALL", kReplAof | kReplReplica);
  SetFunctionField(L, "breakpoint", RedisBreakpoint);
  SetFunctionField(L, "debug", RedisDebug);
  SetFunctionField(L, "replicate_commands", RedisReplicateCommands);
  SetFunctionField(L, "acl_check_cmd", RedisAclCheckCmd);
  lua_setglobal(L, "redis");

  lua_getglobal(L, "math");
  SetFunctionField(L, "random", MathRandom);
  SetFunctionField(L, "randomseed", MathRandomseed);
  lua_pop(L, 1);

}

}  // namespace shoal::lua
