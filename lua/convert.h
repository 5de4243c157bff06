// Conversions between RESP and Lua values, as Redis 7.0's src/script_lua.c does them.
//
// RESP -> Lua (what redis.call returns; redisProtocolToLuaType_*):
//   :n -> number            $s -> string            +s -> {ok=s}
//   -e -> {err=e}           $-1 / *-1 -> false      _ (RESP3 null) -> nil
//   *n -> array table       %n -> {map={k=v...}}    ~n -> {set={e=true...}}
//   ,d -> {double=d}        #t/#f -> true/false     (n -> {big_number="n"}
//   =fmt:s -> {verbatim_string={string=s, format=fmt}}    >n -> array table
// Attributes (|n) are read and dropped.
//
// Lua -> RESP (a script's result; luaReplyToRedisReply):
//   number -> integer (truncated)   string -> bulk   nil -> null
//   true -> :1 (RESP3 script: #t)   false -> null (RESP3 script: #f)
//   table with a string `err` -> error, verbatim ("-<err>"); `ok` -> status; `double`,
//   `big_number`, `verbatim_string`, `map`, `set` -> those RESP3 types (degraded by the
//   writer for a RESP2 client); any other table -> array of its elements 1, 2, ... up to
//   the first nil. Fields are read raw (no metamethods). Nesting past Lua's stack limit
//   gives the element "-ERR reached lua stack limit".
#pragma once

#include <string_view>

#include "protocol/reply_writer.h"

struct lua_State;

namespace shoal::lua {

// Pushes the error table {err = "<CODE> <message>"} of Redis's luaPushErrorBuff: `text`
// "-CODE message" keeps its code, a plain "message" gets "ERR"; \r\n at the ends is
// trimmed.
void PushErrorTable(lua_State* L, std::string_view text);

// Pushes one Lua value converted from the reply `bytes` (exactly one RESP reply). Returns
// false, pushing nothing, if the bytes are not one well-formed reply.
bool PushRespAsLua(lua_State* L, std::string_view bytes);

// Writes the value on top of the stack through `w` and pops it. `script_resp` is the
// version the script chose with redis.setresp (it decides how booleans go out).
void WriteLuaAsResp(lua_State* L, protocol::ReplyWriter& w, int script_resp);

// Writes the error object on top of the stack, left by a failed run, as Redis 7.0's
// luaCallFunction does: "-<err> script: <sha>, on <source>:<line>." for an error table
// with source and line, "-ERR Error running script <sha>, <msg>" for anything else. Pops it.
void WriteScriptError(lua_State* L, std::string_view sha, protocol::ReplyWriter& w);

}  // namespace shoal::lua
