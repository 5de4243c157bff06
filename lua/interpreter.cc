// The Lua VM and its bridge: environment setup (sandbox, redis.* API), conversions between
// RESP and Lua values in both directions, and running a script. See interpreter.h for the
// environment a script sees. Behaviour and texts follow Redis 7.0's src/script_lua.c and
// src/eval.c.
//
// Lua 5.1 raises errors with longjmp, which skips C++ destructors. So no function that can
// raise a Lua error keeps a C++ object with a destructor alive across that point: work that
// needs std::string lives in RunState (reused) or in a helper that returns before raising.
#include "lua/interpreter.h"

#include <openssl/evp.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "lua/lua_libs.h"
#include "lua/resp_to_lua.h"
#include "protocol/strings.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
}

namespace shoal::lua {

namespace {

constexpr const char* kRedisVersion = "7.2.4";  // what INFO reports (engine/server_family.cc)
constexpr double kRedisVersionNum = 0x00070204;

// Registry keys.
constexpr const char* kRealGlobals = "__shoal_globals";   // the writable globals table
constexpr const char* kGlobalsProxy = "__shoal_globals_proxy";  // what scripts see as _G
constexpr const char* kProxies = "__shoal_proxies";       // weak: proxy -> real table
constexpr const char* kErrorHandler = "__shoal_err_handler";
constexpr const char* kVisibleMetatables = "__shoal_visible_mt";  // proxy -> getmetatable()

constexpr int kLogDebug = 0, kLogWarning = 3;
constexpr int kReplAof = 1, kReplReplica = 2;
constexpr int kHookInstructions = 100000;
constexpr uint32_t kGcPeriod = 50;  // as Redis's LUA_GC_CYCLE_PERIOD

Interpreter* Self(lua_State* L) {
  void* ud = nullptr;
  lua_getallocf(L, &ud);
  return static_cast<Interpreter*>(ud);
}

void* Alloc(void* ud, void* ptr, size_t osize, size_t nsize) {
  if (nsize == 0) {
    free(ptr);
    return nullptr;
  }
  return realloc(ptr, nsize);
}

// Raises the error on top of the stack. Never returns.
int Raise(lua_State* L) { return lua_error(L); }

// ----------------------------------------------------------------------------------------
// Read-only proxies.

int ReadonlyNewIndex(lua_State* L) {
  return luaL_error(L, "Attempt to modify a readonly table");
}

// Pushes the real table behind the proxy at `idx`, or nothing and returns false.
bool PushReal(lua_State* L, int idx) {
  if (!lua_istable(L, idx)) return false;
  lua_getfield(L, LUA_REGISTRYINDEX, kProxies);
  lua_pushvalue(L, idx);
  lua_rawget(L, -2);
  lua_remove(L, -2);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return false;
  }
  return true;
}

bool IsProxy(lua_State* L, int idx) {
  if (!PushReal(L, idx)) return false;
  lua_pop(L, 1);
  return true;
}

// Replaces the table on top of the stack by a read-only proxy of it.
void MakeProxy(lua_State* L) {
  int real = lua_gettop(L);
  lua_newtable(L);  // proxy
  lua_newtable(L);  // its metatable
  lua_pushvalue(L, real);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, ReadonlyNewIndex);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_getfield(L, LUA_REGISTRYINDEX, kProxies);
  lua_pushvalue(L, -2);
  lua_pushvalue(L, real);
  lua_rawset(L, -3);
  lua_pop(L, 1);
  lua_replace(L, real);
}

int SafeRawset(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkany(L, 2);
  luaL_checkany(L, 3);
  if (IsProxy(L, 1)) {
    lua_pushstring(L, "Attempt to modify a readonly table");
    return Raise(L);
  }
  lua_settop(L, 3);
  lua_rawset(L, 1);
  return 1;
}

int SafeRawget(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkany(L, 2);
  if (PushReal(L, 1)) lua_replace(L, 1);
  lua_settop(L, 2);
  lua_rawget(L, 1);
  return 1;
}

int SafeNext(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  if (PushReal(L, 1)) lua_replace(L, 1);
  lua_settop(L, 2);
  if (lua_next(L, 1)) return 2;
  lua_pushnil(L);
  return 1;
}

int SafePairs(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushvalue(L, lua_upvalueindex(1));  // SafeNext
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

int SafeSetmetatable(lua_State* L) {
  if (IsProxy(L, 1)) {
    lua_pushstring(L, "Attempt to modify a readonly table");
    return Raise(L);
  }
  lua_pushvalue(L, lua_upvalueindex(1));  // the original setmetatable
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

// table.insert/remove/sort store with lua_rawseti, past any metatable: refuse proxies.
int RefuseProxyThenCall(lua_State* L) {
  if (IsProxy(L, 1)) {
    lua_pushstring(L, "Attempt to modify a readonly table");
    return Raise(L);
  }
  lua_pushvalue(L, lua_upvalueindex(1));  // the original function
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

// getmetatable: a proxy shows the read-only metatable registered for it (the globals') or
// none (library tables), never the metatable that implements the proxy.
int SafeGetmetatable(lua_State* L) {
  luaL_checkany(L, 1);
  if (IsProxy(L, 1)) {
    lua_getfield(L, LUA_REGISTRYINDEX, kVisibleMetatables);
    lua_pushvalue(L, 1);
    lua_rawget(L, -2);
    return 1;
  }
  lua_settop(L, 1);
  lua_pushvalue(L, lua_upvalueindex(1));  // the original getmetatable
  lua_insert(L, 1);
  lua_call(L, 1, 1);
  return 1;
}

// __index of the real globals: reading a missing global is an error.
int NonexistentGlobal(lua_State* L) {
  const char* name = lua_tostring(L, 2);
  return luaL_error(L, "Script attempted to access nonexistent global variable '%s'",
                    name ? name : "?");
}

// ----------------------------------------------------------------------------------------
// Pushes the error table and raises it.
int RaiseError(lua_State* L, const char* text) {
  PushErrorTable(L, text);
  return Raise(L);
}

// The pcall error handler (Redis's __redis__err__handler): turns any error into a table
// {err=..., source=..., line=...}, where source/line are those of the Lua function that
// failed (or of its caller, when the failing function is a C function).
int ErrorHandler(lua_State* L) {
  lua_settop(L, 1);
  if (!lua_istable(L, 1)) {
    lua_pushvalue(L, lua_upvalueindex(1));  // tostring
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1);
    lua_pushstring(L, "ERR ");
    lua_insert(L, -2);
    lua_concat(L, 2);
    lua_newtable(L);
    lua_insert(L, -2);
    lua_setfield(L, -2, "err");
    lua_replace(L, 1);
  }
  lua_Debug ar;
  bool found = lua_getstack(L, 1, &ar) && lua_getinfo(L, "nSl", &ar);
  if (found && strcmp(ar.what, "C") == 0) {
    found = lua_getstack(L, 2, &ar) && lua_getinfo(L, "nSl", &ar);
  }
  if (found) {
    lua_pushstring(L, ar.source);
    lua_setfield(L, 1, "source");
    lua_pushnumber(L, ar.currentline);
    lua_setfield(L, 1, "line");
  }
  return 1;
}

// Redis's pcall: an error that is an error table comes back as its err string.
int RedisStylePcall(lua_State* L) {
  int argc = lua_gettop(L);
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  if (lua_pcall(L, argc - 1, LUA_MULTRET, 0)) {
    lua_remove(L, 1);
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "err");
      if (lua_isstring(L, -1)) {
        lua_replace(L, -2);
      } else {
        lua_pop(L, 1);
      }
    }
    lua_pushboolean(L, 0);
    lua_insert(L, 1);
  }
  return lua_gettop(L);
}

// loadstring(s [, chunkname]) of stock Lua, except that a binary chunk is parsed as text
// (and so fails with a syntax error), which is what Redis's patched Lua does.
struct TwoPieces {
  const char* first;
  size_t first_len;
  const char* second;
  size_t second_len;
  int step = 0;
};

const char* TwoPieceReader(lua_State* L, void* ud, size_t* size) {
  auto* p = static_cast<TwoPieces*>(ud);
  switch (p->step++) {
    case 0:
      *size = p->first_len;
      return p->first;
    case 1:
      *size = p->second_len;
      return p->second;
    default:
      *size = 0;
      return nullptr;
  }
}

int TextOnlyLoadstring(lua_State* L) {
  size_t len;
  const char* s = luaL_checklstring(L, 1, &len);
  const char* chunkname = luaL_optstring(L, 2, s);
  int status;
  if (len > 0 && s[0] == LUA_SIGNATURE[0]) {
    // The reader hands the parser the chunk one byte late: its first byte is not the
    // binary signature any more, and the text parser rejects the escape byte.
    TwoPieces pieces{"", 0, s, len};
    status = lua_load(L, TwoPieceReader, &pieces, chunkname);
  } else {
    status = luaL_loadbuffer(L, s, len, chunkname);
  }
  if (status == 0) return 1;
  lua_pushnil(L);
  lua_insert(L, -2);
  return 2;
}

// ----------------------------------------------------------------------------------------
// redis.* functions.

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
  int parts = 0;
  for (int j = 2; j <= argc; j++) {
    if (!lua_isstring(L, j)) continue;
    if (parts > 0) {
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

// Gives every C function reachable from the table on top (and its nested tables, once
// each) the environment at `env`, so that getfenv(f) never hands out the writable globals.
void SetFunctionEnvs(lua_State* L, int env, int seen) {
  int t = lua_gettop(L);
  lua_pushvalue(L, t);
  lua_rawget(L, seen);
  bool visited = !lua_isnil(L, -1);
  lua_pop(L, 1);
  if (visited) return;
  lua_pushvalue(L, t);
  lua_pushboolean(L, 1);
  lua_rawset(L, seen);
  lua_pushnil(L);
  while (lua_next(L, t)) {
    if (lua_iscfunction(L, -1)) {
      lua_pushvalue(L, env);
      lua_setfenv(L, -2);
    } else if (lua_istable(L, -1)) {
      if (PushReal(L, -1)) {  // a proxy: its functions live in the real table
        SetFunctionEnvs(L, env, seen);
        lua_pop(L, 1);
      }
      SetFunctionEnvs(L, env, seen);
    }
    lua_pop(L, 1);
  }
}

// ----------------------------------------------------------------------------------------
// Lua -> RESP (Redis's luaReplyToRedisReply). Consumes the value on top of the stack.

void RawError(protocol::ReplyWriter& w, std::string_view msg) {
  std::string* out = w.out();
  out->push_back('-');
  size_t start = out->size();
  out->append(msg);
  for (size_t i = start; i < out->size(); i++) {
    if ((*out)[i] == '\r' || (*out)[i] == '\n') (*out)[i] = ' ';
  }
  out->append("\r\n");
}

int64_t LuaNumberToInt64(double d) {
  // (long long)d as x86 computes it: out of range and NaN give INT64_MIN.
  if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return INT64_MIN;
  return static_cast<int64_t>(d);
}

// Reads field `name` of the table at `idx` (raw) onto the stack; returns its type.
int RawField(lua_State* L, int idx, const char* name) {
  lua_pushstring(L, name);
  lua_rawget(L, idx < 0 ? idx - 1 : idx);
  return lua_type(L, -1);
}

void WriteLuaValue(lua_State* L, protocol::ReplyWriter& w, int script_resp) {
  if (!lua_checkstack(L, 4)) {
    w.Error("ERR reached lua stack limit");
    lua_pop(L, 1);
    return;
  }
  int t = lua_type(L, -1);
  switch (t) {
    case LUA_TSTRING: {
      size_t len;
      const char* s = lua_tolstring(L, -1, &len);
      w.Bulk(std::string_view(s, len));
      break;
    }
    case LUA_TBOOLEAN:
      if (script_resp == 2) {
        if (lua_toboolean(L, -1)) w.Integer(1);
        else w.Null();
      } else {
        w.Boolean(lua_toboolean(L, -1));
      }
      break;
    case LUA_TNUMBER:
      w.Integer(LuaNumberToInt64(lua_tonumber(L, -1)));
      break;
    case LUA_TTABLE: {
      int tbl = lua_gettop(L);
      if (RawField(L, tbl, "err") == LUA_TSTRING) {
        size_t len;
        const char* s = lua_tolstring(L, -1, &len);
        RawError(w, std::string_view(s, len));
        lua_pop(L, 2);
        return;
      }
      lua_pop(L, 1);
      if (RawField(L, tbl, "ok") == LUA_TSTRING) {
        size_t len;
        const char* s = lua_tolstring(L, -1, &len);
        w.SimpleString(std::string_view(s, len));
        lua_pop(L, 2);
        return;
      }
      lua_pop(L, 1);
      if (RawField(L, tbl, "double") == LUA_TNUMBER) {
        w.Double(lua_tonumber(L, -1));
        lua_pop(L, 2);
        return;
      }
      lua_pop(L, 1);
      if (RawField(L, tbl, "big_number") == LUA_TSTRING) {
        size_t len;
        const char* s = lua_tolstring(L, -1, &len);
        std::string digits(s, len);
        for (char& c : digits) {
          if (c == '\r' || c == '\n') c = ' ';
        }
        w.BigNumber(digits);
        lua_pop(L, 2);
        return;
      }
      lua_pop(L, 1);
      if (RawField(L, tbl, "verbatim_string") == LUA_TTABLE) {
        int v = lua_gettop(L);
        if (RawField(L, v, "format") == LUA_TSTRING) {
          size_t flen;
          const char* format = lua_tolstring(L, -1, &flen);
          if (RawField(L, v, "string") == LUA_TSTRING) {
            size_t len;
            const char* s = lua_tolstring(L, -1, &len);
            w.Verbatim(std::string_view(format, flen), std::string_view(s, len));
            lua_pop(L, 4);
            return;
          }
          lua_pop(L, 1);
        }
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
      if (RawField(L, tbl, "map") == LUA_TTABLE) {
        int m = lua_gettop(L);
        size_t n = 0;
        lua_pushnil(L);
        while (lua_next(L, m)) {
          lua_pop(L, 1);
          n++;
        }
        w.Map(n);
        lua_pushnil(L);
        while (lua_next(L, m)) {
          lua_pushvalue(L, -2);
          WriteLuaValue(L, w, script_resp);  // key
          WriteLuaValue(L, w, script_resp);  // value
        }
        lua_pop(L, 2);
        return;
      }
      lua_pop(L, 1);
      if (RawField(L, tbl, "set") == LUA_TTABLE) {
        int s = lua_gettop(L);
        size_t n = 0;
        lua_pushnil(L);
        while (lua_next(L, s)) {
          lua_pop(L, 1);
          n++;
        }
        w.Set(n);
        lua_pushnil(L);
        while (lua_next(L, s)) {
          lua_pop(L, 1);
          lua_pushvalue(L, -1);
          WriteLuaValue(L, w, script_resp);
        }
        lua_pop(L, 2);
        return;
      }
      lua_pop(L, 1);
      // An array: elements 1, 2, ... up to the first nil.
      size_t n = 0;
      while (true) {
        lua_rawgeti(L, tbl, static_cast<int>(n + 1));
        bool nil = lua_isnil(L, -1);
        lua_pop(L, 1);
        if (nil) break;
        n++;
      }
      w.Array(n);
      for (size_t j = 1; j <= n; j++) {
        lua_rawgeti(L, tbl, static_cast<int>(j));
        WriteLuaValue(L, w, script_resp);
      }
      break;
    }
    default:
      w.Null();
  }
  lua_pop(L, 1);
}

// Writes the error object on top of the stack (left by a failed lua_pcall) as Redis's
// luaCallFunction does, and pops it.
void WriteScriptError(lua_State* L, std::string_view sha, protocol::ReplyWriter& w) {
  if (!lua_istable(L, -1)) {
    const char* msg = lua_isstring(L, -1) ? lua_tostring(L, -1) : "execution failure";
    std::string text = StrCat("ERR Error running script ", sha, ", ");
    text.append(msg, std::min<size_t>(strlen(msg), 100));
    w.Error(text);
    lua_pop(L, 1);
    return;
  }
  std::string text;
  lua_getfield(L, -1, "err");
  if (lua_isstring(L, -1)) {
    text = lua_tostring(L, -1);
  }
  lua_pop(L, 1);
  lua_getfield(L, -1, "source");
  const char* source = lua_isstring(L, -1) ? lua_tostring(L, -1) : nullptr;
  lua_getfield(L, -2, "line");
  const char* line = lua_isstring(L, -1) ? lua_tostring(L, -1) : nullptr;
  if (source != nullptr && line != nullptr) {
    StrAppend(&text, " script: ", sha, ", on ", source, ":", line, ".");
  }
  lua_pop(L, 3);
  RawError(w, text);
}

// Registry key "f_<sha>" for a script (sha lowercased).
void FunctionName(std::string_view sha, char out[43]) {
  out[0] = 'f';
  out[1] = '_';
  size_t n = std::min<size_t>(sha.size(), 40);
  for (size_t i = 0; i < n; i++) out[2 + i] = AsciiLower(sha[i]);
  out[2 + n] = '\0';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsArgSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\0' ||
                                 c == '\v' || c == '\f'; }

// Splits `line` into arguments as Redis's sdssplitargs does: separated by white space,
// "double quoted" (with \n \r \t \b \a \\ \" and \xHH escapes) or 'single quoted' (with
// \'); a closing quote must be followed by white space. False on unbalanced quotes.
bool SplitArgs(std::string_view line, std::vector<std::string>* out) {
  size_t p = 0, n = line.size();
  while (true) {
    while (p < n && IsArgSpace(line[p])) p++;
    if (p >= n) return true;
    std::string current;
    bool inq = false, insq = false, done = false;
    while (!done) {
      if (inq) {
        if (p >= n) return false;
        char c = line[p];
        if (c == '\\' && p + 3 < n && line[p + 1] == 'x' && HexValue(line[p + 2]) >= 0 &&
            HexValue(line[p + 3]) >= 0) {
          current.push_back(static_cast<char>(HexValue(line[p + 2]) * 16 + HexValue(line[p + 3])));
          p += 3;
        } else if (c == '\\' && p + 1 < n) {
          p++;
          switch (line[p]) {
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'b': c = '\b'; break;
            case 'a': c = '\a'; break;
            default: c = line[p];
          }
          current.push_back(c);
        } else if (c == '"') {
          if (p + 1 < n && !IsArgSpace(line[p + 1])) return false;
          done = true;
        } else {
          current.push_back(c);
        }
      } else if (insq) {
        if (p >= n) return false;
        char c = line[p];
        if (c == '\\' && p + 1 < n && line[p + 1] == '\'') {
          p++;
          current.push_back('\'');
        } else if (c == '\'') {
          if (p + 1 < n && !IsArgSpace(line[p + 1])) return false;
          done = true;
        } else {
          current.push_back(c);
        }
      } else {
        if (p >= n) break;
        char c = line[p];
        if (IsArgSpace(c)) {
          done = true;
        } else if (c == '"') {
          inq = true;
        } else if (c == '\'') {
          insq = true;
        } else {
          current.push_back(c);
        }
      }
      if (p < n) p++;
    }
    out->push_back(std::move(current));
  }
}

}  // namespace

// ------------------------------------------------------------------------------------------
// Rand48 (Redis's src/rand.c).

void Rand48::Seed(int32_t seed) {
  x_ = (static_cast<uint64_t>(static_cast<uint32_t>(seed)) << 16) | 0x330E;
}

int32_t Rand48::Next() {
  x_ = (0x5DEECE66DULL * x_ + 0xB) & ((1ULL << 48) - 1);
  return static_cast<int32_t>(x_ >> 17);
}

namespace {

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

// The instruction-count hook: asks the host whether SCRIPT KILL was sent.
void CountHook(lua_State* L, lua_Debug* ar) {
  Interpreter::RunState* run = Self(L)->running();
  if (run == nullptr) return;
  if (!run->killed && !run->host->ShouldKill()) return;
  run->killed = true;
  // From now on the hook fires on every line, so pcall cannot swallow the kill for long.
  lua_sethook(L, CountHook, LUA_MASKLINE, 0);
  RaiseError(L, "Script killed by user with SCRIPT KILL...");
}

void LoadLib(lua_State* L, const char* name, lua_CFunction open) {
  lua_pushcfunction(L, open);
  lua_pushstring(L, name);
  lua_call(L, 1, 1);
  if (name[0] != '\0' && lua_istable(L, -1)) {
    lua_setglobal(L, name);
  } else {
    lua_pop(L, 1);
  }
}

}  // namespace

// ------------------------------------------------------------------------------------------

std::string Sha1Hex(std::string_view body) {
  // The algorithm is fetched once and each thread keeps its context: EVP_Digest with
  // EVP_sha1() fetches it again on every call, which costs more than hashing a script.
  static EVP_MD* const sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  struct CtxDeleter {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  thread_local std::unique_ptr<EVP_MD_CTX, CtxDeleter> ctx(EVP_MD_CTX_new());
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  EVP_DigestInit_ex(ctx.get(), sha1, nullptr);
  EVP_DigestUpdate(ctx.get(), body.data(), body.size());
  EVP_DigestFinal_ex(ctx.get(), md, &md_len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(40, '0');
  for (int i = 0; i < 20; i++) {
    out[2 * i] = kHex[md[i] >> 4];
    out[2 * i + 1] = kHex[md[i] & 0xf];
  }
  return out;
}

bool ParseShebang(std::string_view body, ScriptFlags* flags, size_t* code_offset,
                  std::string* error) {
  *flags = ScriptFlags();
  *code_offset = 0;
  if (body.substr(0, 2) != "#!") return true;
  flags->has_shebang = true;
  size_t nl = body.find('\n');
  if (nl == std::string_view::npos) {
    *error = "ERR Invalid script shebang";
    return false;
  }
  *code_offset = nl;
  std::vector<std::string> parts;
  if (!SplitArgs(body.substr(0, nl), &parts) || parts.empty()) {
    *error = "ERR Invalid engine in script shebang";
    return false;
  }
  if (parts[0] != "#!lua") {
    *error = StrCat("ERR Unexpected engine in script shebang: ", parts[0]);
    return false;
  }
  for (size_t j = 1; j < parts.size(); j++) {
    std::string_view part = parts[j];
    if (part.substr(0, 6) != "flags=") {
      *error = StrCat("ERR Unknown lua shebang option: ", part);
      return false;
    }
    std::string_view list = part.substr(6);
    if (list.empty()) continue;  // "flags=": no flags
    for (size_t start = 0;;) {
      size_t comma = list.find(',', start);
      std::string_view flag =
          list.substr(start, comma == std::string_view::npos ? comma : comma - start);
      if (flag == "no-writes") flags->no_writes = true;
      else if (flag == "allow-oom") flags->allow_oom = true;
      else if (flag == "allow-stale") flags->allow_stale = true;
      else if (flag == "no-cluster") flags->no_cluster = true;
      else if (flag == "allow-cross-slot-keys") flags->allow_cross_slot_keys = true;
      else {
        *error = StrCat("ERR Unexpected flag in script shebang: ", flag);
        return false;
      }
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
  return true;
}

Interpreter::Interpreter() { Open(); }

Interpreter::~Interpreter() { Close(); }

void Interpreter::Close() {
  if (lua_ != nullptr) lua_close(lua_);
  lua_ = nullptr;
  script_count_ = 0;
}

void Interpreter::Flush() {
  Close();
  Open();
}

size_t Interpreter::MemoryBytes() const {
  return static_cast<size_t>(lua_gc(lua_, LUA_GCCOUNT, 0)) * 1024 +
         static_cast<size_t>(lua_gc(lua_, LUA_GCCOUNTB, 0));
}

int Interpreter::StackDepth() const { return lua_gettop(lua_); }

void Interpreter::Open() {
  lua_State* L = lua_newstate(Alloc, this);
  lua_ = L;

  lua_newtable(L);  // proxy -> real table, weak keys
  lua_newtable(L);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_setfield(L, LUA_REGISTRYINDEX, kProxies);
  lua_newtable(L);  // proxy -> what getmetatable shows, weak keys
  lua_newtable(L);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_setfield(L, LUA_REGISTRYINDEX, kVisibleMetatables);

  // Libraries, into the (still plain) globals table.
  LoadLib(L, "", luaopen_base);
  LoadLib(L, LUA_TABLIBNAME, luaopen_table);
  LoadLib(L, LUA_STRLIBNAME, luaopen_string);
  LoadLib(L, LUA_MATHLIBNAME, luaopen_math);
  LoadLib(L, "cjson", luaopen_cjson);
  LoadLib(L, "struct", luaopen_struct);
  LoadLib(L, "cmsgpack", luaopen_cmsgpack);
  LoadLib(L, "bit", luaopen_bit);
  for (const char* name : {"print", "dofile", "loadfile"}) {
    lua_pushnil(L);
    lua_setglobal(L, name);
  }

  // Base functions Redis replaces or that must see through the proxies.
  lua_pushcfunction(L, RedisStylePcall);
  lua_setglobal(L, "pcall");
  lua_pushcfunction(L, TextOnlyLoadstring);
  lua_setglobal(L, "loadstring");
  lua_pushcfunction(L, SafeRawset);
  lua_setglobal(L, "rawset");
  lua_pushcfunction(L, SafeRawget);
  lua_setglobal(L, "rawget");
  lua_pushcfunction(L, SafeNext);
  lua_pushvalue(L, -1);
  lua_setglobal(L, "next");
  lua_pushcclosure(L, SafePairs, 1);
  lua_setglobal(L, "pairs");
  lua_getglobal(L, "setmetatable");
  lua_pushcclosure(L, SafeSetmetatable, 1);
  lua_setglobal(L, "setmetatable");
  lua_getglobal(L, "getmetatable");
  lua_pushcclosure(L, SafeGetmetatable, 1);
  lua_setglobal(L, "getmetatable");
  {
    // load(f [, name]): gathers the pieces and compiles them with loadstring, so it too
    // refuses binary chunks.
    const char* code =
        "local loadstring, concat = loadstring, table.concat\n"
        "return function(f, name)\n"
        "  local parts = {}\n"
        "  while true do\n"
        "    local piece = f()\n"
        "    if piece == nil or piece == '' then break end\n"
        "    if type(piece) ~= 'string' then return nil, 'reader function must return a string' end\n"
        "    parts[#parts + 1] = piece\n"
        "  end\n"
        "  return loadstring(concat(parts), name or '=(load)')\n"
        "end\n";
    luaL_loadbuffer(L, code, strlen(code), "=load");
    lua_call(L, 0, 1);
    lua_setglobal(L, "load");
  }

  // The error handler, with the original tostring as its upvalue.
  lua_getglobal(L, "tostring");
  lua_pushcclosure(L, ErrorHandler, 1);
  lua_setfield(L, LUA_REGISTRYINDEX, kErrorHandler);

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

  lua_getglobal(L, "table");
  for (const char* name : {"insert", "remove", "sort"}) {
    lua_getfield(L, -1, name);
    lua_pushcclosure(L, RefuseProxyThenCall, 1);
    lua_setfield(L, -2, name);
  }
  lua_pop(L, 1);

  lua_getglobal(L, "math");
  SetFunctionField(L, "random", MathRandom);
  SetFunctionField(L, "randomseed", MathRandomseed);
  lua_pop(L, 1);

  // Lock down: library tables become read-only proxies, the globals become a proxy whose
  // real table (kept in the registry) raises on missing names.
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  int real_globals = lua_gettop(L);
  for (const char* name :
       {"redis", "string", "math", "table", "cjson", "bit", "cmsgpack", "struct", "coroutine"}) {
    lua_getfield(L, real_globals, name);
    if (!lua_istable(L, -1)) {
      lua_pop(L, 1);
      continue;
    }
    MakeProxy(L);
    lua_setfield(L, real_globals, name);
  }
  // Strings index the read-only string table, and getmetatable("") gives a read-only view.
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  int string_mt = lua_gettop(L);
  lua_getfield(L, real_globals, "string");
  lua_setfield(L, string_mt, "__index");
  lua_pushvalue(L, string_mt);
  MakeProxy(L);
  lua_setfield(L, string_mt, "__metatable");
  lua_pop(L, 2);

  lua_newtable(L);  // the real globals' metatable
  lua_pushcfunction(L, NonexistentGlobal);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, ReadonlyNewIndex);
  lua_setfield(L, -2, "__newindex");
  lua_setmetatable(L, real_globals);
  lua_pushvalue(L, real_globals);
  lua_setfield(L, LUA_REGISTRYINDEX, kRealGlobals);

  lua_pushvalue(L, real_globals);
  MakeProxy(L);  // the globals scripts see
  int globals_proxy = lua_gettop(L);
  lua_pushliteral(L, "_G");
  lua_pushvalue(L, globals_proxy);
  lua_rawset(L, real_globals);
  // getmetatable(_G) shows a read-only copy of the metatable Redis puts on its globals.
  lua_getfield(L, LUA_REGISTRYINDEX, kVisibleMetatables);
  lua_pushvalue(L, globals_proxy);
  lua_newtable(L);
  lua_pushcfunction(L, NonexistentGlobal);
  lua_setfield(L, -2, "__index");
  MakeProxy(L);
  lua_rawset(L, -3);
  lua_pop(L, 1);

  // C functions carry the environment they were created in; give them the proxy.
  lua_newtable(L);
  int seen = lua_gettop(L);
  lua_pushvalue(L, real_globals);
  SetFunctionEnvs(L, globals_proxy, seen);
  lua_pop(L, 2);  // globals copy, seen

  lua_pushvalue(L, globals_proxy);
  lua_setfield(L, LUA_REGISTRYINDEX, kGlobalsProxy);
  lua_pushvalue(L, globals_proxy);
  lua_replace(L, LUA_GLOBALSINDEX);
  lua_settop(L, 0);
}

void Interpreter::RestoreGlobals() {
  // setfenv(0, t) in a script replaces the thread's globals, which would then be what the
  // next script compiles against; put the read-only globals back.
  lua_getfield(lua_, LUA_REGISTRYINDEX, kGlobalsProxy);
  lua_replace(lua_, LUA_GLOBALSINDEX);
}

bool Interpreter::Has(std::string_view sha) const {
  char name[43];
  FunctionName(sha, name);
  lua_getfield(lua_, LUA_REGISTRYINDEX, name);
  bool found = lua_isfunction(lua_, -1);
  lua_pop(lua_, 1);
  return found;
}

bool Interpreter::Load(std::string_view sha, std::string_view body, std::string* error) {
  if (Has(sha)) return true;
  RestoreGlobals();
  ScriptFlags flags;
  size_t offset;
  if (!ParseShebang(body, &flags, &offset, error)) return false;
  std::string_view code = body.substr(offset);
  if (luaL_loadbuffer(lua_, code.data(), code.size(), "@user_script") != 0) {
    const char* msg = lua_tostring(lua_, -1);
    *error = StrCat("ERR Error compiling script (new function): ", msg ? msg : "");
    lua_pop(lua_, 1);
    return false;
  }
  char name[43];
  FunctionName(sha, name);
  lua_setfield(lua_, LUA_REGISTRYINDEX, name);
  script_count_++;
  return true;
}

Interpreter::RunStatus Interpreter::Run(std::string_view sha,
                                        absl::Span<const std::string_view> keys,
                                        absl::Span<const std::string_view> argv, Host& host,
                                        protocol::ReplyWriter& reply) {
  if (run_.host != nullptr) {
    // A script's command tried to run a script on the same VM: the engine must refuse
    // EVAL inside scripts; refuse here too rather than corrupt the running one.
    reply.Error("ERR This Redis command is not allowed from script");
    return RunStatus::kError;
  }
  lua_State* L = lua_;
  char name[43];
  FunctionName(sha, name);
  lua_getfield(L, LUA_REGISTRYINDEX, kErrorHandler);
  lua_getfield(L, LUA_REGISTRYINDEX, name);
  if (!lua_isfunction(L, -1)) {
    lua_pop(L, 2);
    reply.Error("NOSCRIPT No matching script. Please use EVAL.");
    return RunStatus::kNoScript;
  }
  // A previous run may have called setfenv(0, ...) or setfenv(1, ...): every run starts
  // with the read-only globals, for the thread and for the script's function.
  RestoreGlobals();
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  lua_setfenv(L, -2);

  // KEYS and ARGV, fresh tables in the real globals.
  lua_getfield(L, LUA_REGISTRYINDEX, kRealGlobals);
  lua_pushliteral(L, "KEYS");
  lua_createtable(L, static_cast<int>(keys.size()), 0);
  for (size_t j = 0; j < keys.size(); j++) {
    lua_pushlstring(L, keys[j].data(), keys[j].size());
    lua_rawseti(L, -2, static_cast<int>(j + 1));
  }
  lua_rawset(L, -3);
  lua_pushliteral(L, "ARGV");
  lua_createtable(L, static_cast<int>(argv.size()), 0);
  for (size_t j = 0; j < argv.size(); j++) {
    lua_pushlstring(L, argv[j].data(), argv[j].size());
    lua_rawseti(L, -2, static_cast<int>(j + 1));
  }
  lua_rawset(L, -3);
  lua_pop(L, 1);

  run_.host = &host;
  run_.resp = 2;
  run_.killed = false;
  lua_sethook(L, CountHook, LUA_MASKCOUNT, kHookInstructions);

  int err = lua_pcall(L, 0, 1, -2);

  if (++runs_since_gc_ == kGcPeriod) {
    lua_gc(L, LUA_GCSTEP, kGcPeriod);
    runs_since_gc_ = 0;
  }
  if (err) {
    WriteScriptError(L, std::string_view(name + 2), reply);
  } else {
    WriteLuaValue(L, reply, run_.resp);
  }
  lua_sethook(L, nullptr, 0, 0);
  run_.host = nullptr;
  lua_pop(L, 1);  // the error handler
  if (!err) return RunStatus::kOk;
  return run_.killed ? RunStatus::kKilled : RunStatus::kError;
}

}  // namespace shoal::lua
