// The C libraries a script VM opens besides Lua's own: cjson and bit from Debian's
// lua-cjson and lua-bitop, cmsgpack and struct written here (cmsgpack.cc, struct_lib.cc)
// to behave as Redis's deps/lua/src/lua_cmsgpack.c and lua_struct.c.
#pragma once

extern "C" {
#include <lua.h>

int luaopen_cjson(lua_State* L);
int luaopen_bit(lua_State* L);
int luaopen_cmsgpack(lua_State* L);
int luaopen_struct(lua_State* L);
}
