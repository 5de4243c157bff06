// The sandbox of a script VM: Redis 7.0's read-only environment on stock Lua 5.1 (see
// sandbox.cc for how). Interpreter::Open calls the three steps in order.
#pragma once

struct lua_State;

namespace shoal::lua {

// Step 1, on a fresh state: the registry tables the read-only proxies use.
void CreateSandboxRegistry(lua_State* L);

// Step 2, after the libraries are open: removes print, dofile and loadfile; replaces pcall
// (Redis's, which hands back an error table's message), loadstring and load (no binary
// chunks), and the functions that must see through or refuse read-only proxies (rawset,
// rawget, next, pairs, getmetatable, setmetatable, table.insert/remove/sort); stores the
// error handler for PushErrorHandler.
void ReplaceBaseFunctions(lua_State* L);

// Step 3, when every global is in place: turns the globals and the library tables into
// read-only proxies and makes the globals proxy the thread's globals.
void LockDownGlobals(lua_State* L);

// Makes the read-only globals the thread's globals again (after a script's setfenv(0)).
void RestoreGlobals(lua_State* L);

// Pushes the error handler lua_pcall needs (Redis's __redis__err__handler): it turns any
// error into a table {err=..., source=..., line=...}.
void PushErrorHandler(lua_State* L);

// Pushes the writable table behind the read-only globals (where KEYS and ARGV go).
void PushRealGlobals(lua_State* L);

// Pushes PushErrorTable(text)'s table and raises it. Never returns.
int RaiseError(lua_State* L, const char* text);

}  // namespace shoal::lua
