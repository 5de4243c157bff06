// The redis.* table, Redis's math.random, and the SCRIPT KILL hook (see redis_api.cc).
#pragma once

extern "C" {
#include <lua.h>
}

namespace shoal::lua {

class Interpreter;

// The Interpreter that owns `L` (the user data of its allocator).
Interpreter* InterpreterOf(lua_State* L);

// Adds the redis table and replaces math.random/math.randomseed, in the still-writable
// globals (before LockDownGlobals).
void RegisterRedisApi(lua_State* L);

// The instruction-count hook: asks the running script's Host whether to kill it, and once
// it says yes raises "ERR Script killed by user with SCRIPT KILL..." on every line.
void CountHook(lua_State* L, lua_Debug* ar);

}  // namespace shoal::lua
