// cmsgpack for scripts: MessagePack encoding and decoding with the exact behaviour of
// Redis's deps/lua/src/lua_cmsgpack.c (lua-cmsgpack 0.4.0), which scripts rely on to
// exchange bytes with other Redis clients.
//
// Encoding rules (what makes the bytes identical to Redis's):
// - a number whose value is an integer (and fits int64) uses the smallest integer form
//   (positive fixint, uint8..uint64 for >= 0; negative fixint, int8..int64 below 0); any
//   other number is a float32 (0xca) when float32 holds it exactly, else a float64 (0xcb);
// - strings: fixstr below 32 bytes, then str8 (0xd9), str16 (0xda), str32 (0xdb);
// - a table is an array when its keys are exactly 1..n (n = count), else a map; an empty
//   table is an empty array; tables nested 16 deep are encoded as nil (so cycles end);
// - nil, and values of any other type (functions, ...), are nil (0xc0); booleans 0xc2/0xc3.
// pack(v1, v2, ...) concatenates the encodings; unpack(s) returns every value in s;
// unpack_one(s [, offset]) and unpack_limit(s, limit [, offset]) also return the offset of
// the next value (-1 at the end). Decoding errors: "Missing bytes in input." and "Bad data
// format in input." (bin, ext and fixext types are not decoded, as in Redis).
//
// Written in C style: Lua errors longjmp, so nothing here owns C++ resources across a call
// that can raise.
#include <cassert>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

extern "C" {
#include <lauxlib.h>
#include <lua.h>
}

#include "lua/lua_libs.h"

namespace {

constexpr int kMaxNesting = 16;

// A growable byte buffer (malloc'ed; freed before any error can be raised).
struct Buf {
  unsigned char* b = nullptr;
  size_t len = 0, cap = 0;
};

void Append(Buf* buf, const void* s, size_t len) {
  if (buf->cap - buf->len < len) {
    size_t cap = (buf->len + len) * 2;
    void* b = realloc(buf->b, cap);
    if (b == nullptr) abort();
    buf->b = static_cast<unsigned char*>(b);
    buf->cap = cap;
  }
  memcpy(buf->b + buf->len, s, len);
  buf->len += len;
}

void PutBigEndian(unsigned char* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; i--) {
    out[i] = v & 0xff;
    v >>= 8;
  }
}

void EncodeBytes(Buf* buf, const char* s, size_t len) {
  unsigned char hdr[5];
  size_t hdrlen;
  if (len < 32) {
    hdr[0] = 0xa0 | (len & 0xff);
    hdrlen = 1;
  } else if (len <= 0xff) {
    hdr[0] = 0xd9;
    hdr[1] = static_cast<unsigned char>(len);
    hdrlen = 2;
  } else if (len <= 0xffff) {
    hdr[0] = 0xda;
    PutBigEndian(hdr + 1, len, 2);
    hdrlen = 3;
  } else {
    hdr[0] = 0xdb;
    PutBigEndian(hdr + 1, len, 4);
    hdrlen = 5;
  }
  Append(buf, hdr, hdrlen);
  Append(buf, s, len);
}

void EncodeDouble(Buf* buf, double d) {
  unsigned char b[9];
  float f = static_cast<float>(d);
  if (d == static_cast<double>(f)) {
    uint32_t bits;
    memcpy(&bits, &f, 4);
    b[0] = 0xca;
    PutBigEndian(b + 1, bits, 4);
    Append(buf, b, 5);
  } else {
    uint64_t bits;
    memcpy(&bits, &d, 8);
    b[0] = 0xcb;
    PutBigEndian(b + 1, bits, 8);
    Append(buf, b, 9);
  }
}

void EncodeInt(Buf* buf, int64_t n) {
  unsigned char b[9];
  size_t len;
  if (n >= 0) {
    if (n <= 127) {
      b[0] = n & 0x7f;
      len = 1;
    } else if (n <= 0xff) {
      b[0] = 0xcc;
      b[1] = n & 0xff;
      len = 2;
    } else if (n <= 0xffff) {
      b[0] = 0xcd;
      PutBigEndian(b + 1, n, 2);
      len = 3;
    } else if (n <= 0xffffffffLL) {
      b[0] = 0xce;
      PutBigEndian(b + 1, n, 4);
      len = 5;
    } else {
      b[0] = 0xcf;
      PutBigEndian(b + 1, n, 8);
      len = 9;
    }
  } else {
    if (n >= -32) {
      b[0] = static_cast<unsigned char>(static_cast<signed char>(n));
      len = 1;
    } else if (n >= -128) {
      b[0] = 0xd0;
      b[1] = n & 0xff;
      len = 2;
    } else if (n >= -32768) {
      b[0] = 0xd1;
      PutBigEndian(b + 1, static_cast<uint64_t>(n), 2);
      len = 3;
    } else if (n >= -2147483648LL) {
      b[0] = 0xd2;
      PutBigEndian(b + 1, static_cast<uint64_t>(n), 4);
      len = 5;
    } else {
      b[0] = 0xd3;
      PutBigEndian(b + 1, static_cast<uint64_t>(n), 8);
      len = 9;
    }
  }
  Append(buf, b, len);
}

void EncodeHeader(Buf* buf, uint64_t n, unsigned char fix, unsigned char b16,
                  unsigned char b32) {
  unsigned char b[5];
  if (n <= 15) {
    b[0] = fix | (n & 0xf);
    Append(buf, b, 1);
  } else if (n <= 65535) {
    b[0] = b16;
    PutBigEndian(b + 1, n, 2);
    Append(buf, b, 3);
  } else {
    b[0] = b32;
    PutBigEndian(b + 1, n, 4);
    Append(buf, b, 5);
  }
}

// Redis's IS_INT64_EQUIVALENT.
bool IsInt64Equivalent(double x) {
  return !std::isinf(x) && x >= -9223372036854775808.0 && x < 9223372036854775808.0 &&
         static_cast<double>(static_cast<int64_t>(x)) == x;
}

void EncodeValue(lua_State* L, Buf* buf, int level);

// Keys exactly 1..n, n the number of keys.
bool TableIsArray(lua_State* L) {
  int top = lua_gettop(L);
  long count = 0;
  double max = 0;
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    double n;
    if (lua_type(L, -1) != LUA_TNUMBER || (n = lua_tonumber(L, -1)) <= 0 ||
        !(!std::isinf(n) && static_cast<double>(static_cast<long>(n)) == n)) {
      lua_settop(L, top);
      return false;
    }
    if (n > max) max = n;
    count++;
  }
  lua_settop(L, top);
  return max == static_cast<double>(count);
}

void EncodeTable(lua_State* L, Buf* buf, int level) {
  luaL_checkstack(L, 3, "in function mp_encode_lua_table");
  if (TableIsArray(L)) {
    size_t len = lua_objlen(L, -1);
    EncodeHeader(buf, len, 0x90, 0xdc, 0xdd);
    for (size_t j = 1; j <= len; j++) {
      lua_pushnumber(L, static_cast<lua_Number>(j));
      lua_gettable(L, -2);
      EncodeValue(L, buf, level + 1);
    }
    return;
  }
  size_t len = 0;
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    len++;
  }
  EncodeHeader(buf, len, 0x80, 0xde, 0xdf);
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pushvalue(L, -2);
    EncodeValue(L, buf, level + 1);  // key
    EncodeValue(L, buf, level + 1);  // value
  }
}

// Encodes and pops the value on top of the stack.
void EncodeValue(lua_State* L, Buf* buf, int level) {
  int t = lua_type(L, -1);
  if (t == LUA_TTABLE && level == kMaxNesting) t = LUA_TNIL;
  switch (t) {
    case LUA_TSTRING: {
      size_t len;
      const char* s = lua_tolstring(L, -1, &len);
      EncodeBytes(buf, s, len);
      break;
    }
    case LUA_TBOOLEAN: {
      unsigned char b = lua_toboolean(L, -1) ? 0xc3 : 0xc2;
      Append(buf, &b, 1);
      break;
    }
    case LUA_TNUMBER: {
      double n = lua_tonumber(L, -1);
      if (IsInt64Equivalent(n)) {
        EncodeInt(buf, static_cast<int64_t>(n));
      } else {
        EncodeDouble(buf, n);
      }
      break;
    }
    case LUA_TTABLE:
      EncodeTable(L, buf, level);
      break;
    default: {
      unsigned char b = 0xc0;
      Append(buf, &b, 1);
    }
  }
  lua_pop(L, 1);
}

int Pack(lua_State* L) {
  int nargs = lua_gettop(L);
  if (nargs == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
  if (!lua_checkstack(L, nargs)) {
    return luaL_argerror(L, 0, "Too many arguments for MessagePack pack.");
  }
  for (int i = 1; i <= nargs; i++) {
    Buf buf;
    luaL_checkstack(L, 1, "in function mp_check");
    lua_pushvalue(L, i);
    EncodeValue(L, &buf, 0);
    lua_pushlstring(L, reinterpret_cast<const char*>(buf.b), buf.len);
    free(buf.b);
  }
  lua_concat(L, nargs);
  return 1;
}

// ---------------------------------------------------------------------------------------

enum CursorError { kNone = 0, kEof = 1, kBadFormat = 2 };

struct Cursor {
  const unsigned char* p;
  size_t left;
  int err = kNone;
};

uint64_t GetBigEndian(const unsigned char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; i++) v = (v << 8) | p[i];
  return v;
}

void DecodeValue(lua_State* L, Cursor* c);

#define NEED(c, n)          \
  do {                      \
    if ((c)->left < (n)) {  \
      (c)->err = kEof;      \
      return;               \
    }                       \
  } while (0)

void Consume(Cursor* c, size_t n) {
  c->p += n;
  c->left -= n;
}

void DecodeArray(lua_State* L, Cursor* c, size_t len) {
  lua_newtable(L);
  luaL_checkstack(L, 1, "in function mp_decode_to_lua_array");
  int index = 1;
  while (len--) {
    lua_pushnumber(L, index++);
    DecodeValue(L, c);
    if (c->err) return;
    lua_settable(L, -3);
  }
}

void DecodeMap(lua_State* L, Cursor* c, size_t len) {
  lua_newtable(L);
  while (len--) {
    DecodeValue(L, c);
    if (c->err) return;
    DecodeValue(L, c);
    if (c->err) return;
    lua_settable(L, -3);  // a nil key raises "table index is nil", as in Redis
  }
}

void DecodeString(lua_State* L, Cursor* c, size_t hdr, size_t len) {
  NEED(c, hdr + len);
  lua_pushlstring(L, reinterpret_cast<const char*>(c->p + hdr), len);
  Consume(c, hdr + len);
}

void DecodeValue(lua_State* L, Cursor* c) {
  NEED(c, 1);
  luaL_checkstack(L, 1,
                  "too many return values at once; use unpack_one or unpack_limit instead.");
  unsigned char type = c->p[0];
  switch (type) {
    case 0xcc:
      NEED(c, 2);
      lua_pushnumber(L, c->p[1]);
      Consume(c, 2);
      break;
    case 0xd0:
      NEED(c, 2);
      lua_pushnumber(L, static_cast<signed char>(c->p[1]));
      Consume(c, 2);
      break;
    case 0xcd:
      NEED(c, 3);
      lua_pushnumber(L, GetBigEndian(c->p + 1, 2));
      Consume(c, 3);
      break;
    case 0xd1:
      NEED(c, 3);
      lua_pushnumber(L, static_cast<int16_t>(GetBigEndian(c->p + 1, 2)));
      Consume(c, 3);
      break;
    case 0xce:
      NEED(c, 5);
      lua_pushnumber(L, static_cast<lua_Number>(GetBigEndian(c->p + 1, 4)));
      Consume(c, 5);
      break;
    case 0xd2:
      NEED(c, 5);
      lua_pushnumber(L, static_cast<int32_t>(GetBigEndian(c->p + 1, 4)));
      Consume(c, 5);
      break;
    case 0xcf:  // as Redis (lua_pushinteger of the value): 2^63 and above wrap negative
      NEED(c, 9);
      lua_pushnumber(L, static_cast<lua_Number>(
                            static_cast<int64_t>(GetBigEndian(c->p + 1, 8))));
      Consume(c, 9);
      break;
    case 0xd3:
      NEED(c, 9);
      lua_pushnumber(L, static_cast<lua_Number>(
                            static_cast<int64_t>(GetBigEndian(c->p + 1, 8))));
      Consume(c, 9);
      break;
    case 0xc0:
      lua_pushnil(L);
      Consume(c, 1);
      break;
    case 0xc3:
      lua_pushboolean(L, 1);
      Consume(c, 1);
      break;
    case 0xc2:
      lua_pushboolean(L, 0);
      Consume(c, 1);
      break;
    case 0xca: {
      NEED(c, 5);
      uint32_t bits = static_cast<uint32_t>(GetBigEndian(c->p + 1, 4));
      float f;
      memcpy(&f, &bits, 4);
      lua_pushnumber(L, f);
      Consume(c, 5);
      break;
    }
    case 0xcb: {
      NEED(c, 9);
      uint64_t bits = GetBigEndian(c->p + 1, 8);
      double d;
      memcpy(&d, &bits, 8);
      lua_pushnumber(L, d);
      Consume(c, 9);
      break;
    }
    case 0xd9:
      NEED(c, 2);
      DecodeString(L, c, 2, c->p[1]);
      break;
    case 0xda:
      NEED(c, 3);
      DecodeString(L, c, 3, GetBigEndian(c->p + 1, 2));
      break;
    case 0xdb:
      NEED(c, 5);
      DecodeString(L, c, 5, GetBigEndian(c->p + 1, 4));
      break;
    case 0xdc: {
      NEED(c, 3);
      size_t len = GetBigEndian(c->p + 1, 2);
      Consume(c, 3);
      DecodeArray(L, c, len);
      break;
    }
    case 0xdd: {
      NEED(c, 5);
      size_t len = GetBigEndian(c->p + 1, 4);
      Consume(c, 5);
      DecodeArray(L, c, len);
      break;
    }
    case 0xde: {
      NEED(c, 3);
      size_t len = GetBigEndian(c->p + 1, 2);
      Consume(c, 3);
      DecodeMap(L, c, len);
      break;
    }
    case 0xdf: {
      NEED(c, 5);
      size_t len = GetBigEndian(c->p + 1, 4);
      Consume(c, 5);
      DecodeMap(L, c, len);
      break;
    }
    default:
      if ((type & 0x80) == 0) {  // positive fixint
        lua_pushnumber(L, type);
        Consume(c, 1);
      } else if ((type & 0xe0) == 0xe0) {  // negative fixint
        lua_pushnumber(L, static_cast<signed char>(type));
        Consume(c, 1);
      } else if ((type & 0xe0) == 0xa0) {  // fixstr
        DecodeString(L, c, 1, type & 0x1f);
      } else if ((type & 0xf0) == 0x90) {  // fixarray
        Consume(c, 1);
        DecodeArray(L, c, type & 0xf);
      } else if ((type & 0xf0) == 0x80) {  // fixmap
        Consume(c, 1);
        DecodeMap(L, c, type & 0xf);
      } else {
        c->err = kBadFormat;
      }
  }
}

#undef NEED

int UnpackFull(lua_State* L, lua_Integer limit, lua_Integer offset) {
  size_t len;
  const char* s = luaL_checklstring(L, 1, &len);
  bool decode_all = !limit && !offset;
  if (offset < 0 || limit < 0) {
    return luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.",
                      static_cast<int>(offset), static_cast<int>(len));
  } else if (static_cast<size_t>(offset) > len) {
    return luaL_error(L, "Start offset %d greater than input length %d.",
                      static_cast<int>(offset), static_cast<int>(len));
  }
  if (decode_all) limit = INT_MAX;
  Cursor c{reinterpret_cast<const unsigned char*>(s) + offset, len - offset};
  int cnt;
  for (cnt = 0; c.left > 0 && cnt < limit; cnt++) {
    DecodeValue(L, &c);
    if (c.err == kEof) return luaL_error(L, "Missing bytes in input.");
    if (c.err == kBadFormat) return luaL_error(L, "Bad data format in input.");
  }
  if (!decode_all) {
    size_t new_offset = len - c.left;
    luaL_checkstack(L, 1, "in function mp_unpack_full");
    lua_pushinteger(L, c.left == 0 ? -1 : static_cast<lua_Integer>(new_offset));
    lua_insert(L, 2);
    cnt += 1;
  }
  return cnt;
}

int Unpack(lua_State* L) { return UnpackFull(L, 0, 0); }

int UnpackOne(lua_State* L) {
  lua_Integer offset = luaL_optinteger(L, 2, 0);
  lua_pop(L, lua_gettop(L) - 1);
  return UnpackFull(L, 1, offset);
}

int UnpackLimit(lua_State* L) {
  lua_Integer limit = luaL_checkinteger(L, 2);
  lua_Integer offset = luaL_optinteger(L, 3, 0);
  lua_pop(L, lua_gettop(L) - 1);
  return UnpackFull(L, limit, offset);
}

}  // namespace

extern "C" int luaopen_cmsgpack(lua_State* L) {
  lua_newtable(L);
  lua_pushcfunction(L, Pack);
  lua_setfield(L, -2, "pack");
  lua_pushcfunction(L, Unpack);
  lua_setfield(L, -2, "unpack");
  lua_pushcfunction(L, UnpackOne);
  lua_setfield(L, -2, "unpack_one");
  lua_pushcfunction(L, UnpackLimit);
  lua_setfield(L, -2, "unpack_limit");
  lua_pushliteral(L, "cmsgpack");
  lua_setfield(L, -2, "_NAME");
  lua_pushliteral(L, "lua-cmsgpack 0.4.0");
  lua_setfield(L, -2, "_VERSION");
  lua_pushliteral(L, "Copyright (C) 2012, Salvatore Sanfilippo");
  lua_setfield(L, -2, "_COPYRIGHT");
  lua_pushliteral(L, "MessagePack C implementation for Lua");
  lua_setfield(L, -2, "_DESCRIPTION");
  return 1;
}
