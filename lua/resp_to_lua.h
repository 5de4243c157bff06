// RESP reply bytes -> Lua values, as Redis's redisProtocolToLuaType_* callbacks build them
// (src/script_lua.c), and the error tables of luaPushErrorBuff.
//
//   :n -> number            $s -> string            +s -> {ok=s}
//   -e -> {err=e}           $-1 / *-1 -> false      _ (RESP3 null) -> nil
//   *n -> array table       %n -> {map={k=v...}}    ~n -> {set={e=true...}}
//   ,d -> {double=d}        #t/#f -> true/false     (n -> {big_number="n"}
//   =fmt:s -> {verbatim_string={string=s, format=fmt}}    >n -> array table
// Attributes (|n) are read and dropped.
#pragma once

#include <string_view>

struct lua_State;

namespace shoal::lua {

// Pushes the error table {err = "<CODE> <message>"} of Redis's luaPushErrorBuff: `text`
// "-CODE message" keeps its code, a plain "message" gets "ERR"; \r\n at the ends is
// trimmed.
void PushErrorTable(lua_State* L, std::string_view text);

// Pushes one Lua value converted from the reply `bytes` (exactly one RESP reply). Returns
// false, pushing nothing, if the bytes are not one well-formed reply.
bool PushRespAsLua(lua_State* L, std::string_view bytes);

}  // namespace shoal::lua
