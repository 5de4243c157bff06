// The sandbox: Redis 7.0's protected script environment on Debian's stock Lua 5.1.
//
// Redis's patched Lua has read-only tables; stock Lua has none. So every table a script
// must not change (the globals, redis, string, math, table, cjson, bit, cmsgpack, struct,
// coroutine, the string metatable) is reached only through an empty proxy whose metatable
// forwards reads (__index = the real table, a plain table, so reads stay fast) and refuses
// writes (__newindex raises "Attempt to modify a readonly table"). The real tables live in
// the registry: kProxies maps each proxy to its real table. The base functions that would
// see past a proxy (rawset, rawget, next, pairs, getmetatable, setmetatable, table.insert,
// table.remove, table.sort) are wrapped to see through it or refuse it. The real globals'
// own metatable raises "Script attempted to access nonexistent global variable 'x'" on a
// missing name, so reading through the globals proxy gives Redis's error.
//
// Scripts and their C functions see the proxy as their environment and as the thread's
// globals (getfenv(0), getfenv(f)); setfenv can change those during a run, and the
// interpreter restores them before the next (RestoreGlobals).
#include "lua/sandbox.h"

#include <cstring>

#include "lua/convert.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
}

namespace shoal::lua {

namespace {

// Registry keys.
constexpr const char* kRealGlobals = "__shoal_globals";   // the writable globals table
constexpr const char* kGlobalsProxy = "__shoal_globals_proxy";  // what scripts see as _G
constexpr const char* kProxies = "__shoal_proxies";       // weak: proxy -> real table
constexpr const char* kErrorHandler = "__shoal_err_handler";
constexpr const char* kVisibleMetatables = "__shoal_visible_mt";  // proxy -> getmetatable()

// Raises the error on top of the stack. Never returns.
int Raise(lua_State* L) { return lua_error(L); }

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
  if (!lua_isstring(L, 2)) {
    return luaL_error(L, "Second argument to luaProtectedTableError must be a string or number");
  }
  return luaL_error(L, "Script attempted to access nonexistent global variable '%s'",
                    lua_tostring(L, 2));
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

// Compiles s[0, len) as a text chunk and returns loadstring's results: the function, or nil
// and the message.
int LoadText(lua_State* L, const char* s, size_t len, const char* chunkname) {
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

int TextOnlyLoadstring(lua_State* L) {
  size_t len;
  const char* s = luaL_checklstring(L, 1, &len);
  const char* chunkname = luaL_optstring(L, 2, s);
  return LoadText(L, s, len, chunkname);
}

// load(f [, chunkname]): gathers the pieces f returns and compiles them as loadstring does.
int TextOnlyLoad(lua_State* L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  const char* chunkname = luaL_optstring(L, 2, "=(load)");
  lua_settop(L, 2);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  while (true) {
    lua_pushvalue(L, 1);
    lua_call(L, 0, 1);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      break;
    }
    if (!lua_isstring(L, -1)) {
      lua_settop(L, 0);
      lua_pushnil(L);
      lua_pushliteral(L, "reader function must return a string");
      return 2;
    }
    if (lua_objlen(L, -1) == 0) {
      lua_pop(L, 1);
      break;
    }
    luaL_addvalue(&b);
  }
  luaL_pushresult(&b);
  size_t len;
  const char* s = lua_tolstring(L, -1, &len);
  return LoadText(L, s, len, chunkname);
}

// Gives every function reachable from the table on top (and its nested tables, once each)
// the environment at `env`, so that getfenv(f) never hands out the writable globals.
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
    if (lua_isfunction(L, -1)) {
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

void NewWeakTable(lua_State* L, const char* registry_key) {
  lua_newtable(L);
  lua_newtable(L);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_setfield(L, LUA_REGISTRYINDEX, registry_key);
}

}  // namespace

int RaiseError(lua_State* L, const char* text) {
  PushErrorTable(L, text);
  return Raise(L);
}

void CreateSandboxRegistry(lua_State* L) {
  NewWeakTable(L, kProxies);
  NewWeakTable(L, kVisibleMetatables);
}

void ReplaceBaseFunctions(lua_State* L) {
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
  lua_pushcfunction(L, TextOnlyLoad);
  lua_setglobal(L, "load");

  // The error handler, with the original tostring as its upvalue.
  lua_getglobal(L, "tostring");
  lua_pushcclosure(L, ErrorHandler, 1);
  lua_setfield(L, LUA_REGISTRYINDEX, kErrorHandler);

  lua_getglobal(L, "table");
  for (const char* name : {"insert", "remove", "sort"}) {
    lua_getfield(L, -1, name);
    lua_pushcclosure(L, RefuseProxyThenCall, 1);
    lua_setfield(L, -2, name);
  }
  lua_pop(L, 1);

}

void LockDownGlobals(lua_State* L) {
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

void RestoreGlobals(lua_State* L) {
  lua_getfield(L, LUA_REGISTRYINDEX, kGlobalsProxy);
  lua_replace(L, LUA_GLOBALSINDEX);
}

void PushErrorHandler(lua_State* L) { lua_getfield(L, LUA_REGISTRYINDEX, kErrorHandler); }

void PushRealGlobals(lua_State* L) { lua_getfield(L, LUA_REGISTRYINDEX, kRealGlobals); }

}  // namespace shoal::lua
