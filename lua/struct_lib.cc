// struct for scripts: packing and unpacking binary structures, behaving as Redis's
// deps/lua/src/lua_struct.c (Roberto Ierusalimschy's struct library 0.2, with Redis's
// fixes): struct.pack(fmt, ...), struct.unpack(fmt, s [, pos]) and struct.size(fmt).
//
// Format options:
//   >  big endian            <  little endian          ![n]  max alignment n (default 8)
//   x  one padding byte      b/B  signed/unsigned char h/H  short (2 bytes)
//   l/L  long (8 bytes)      T  size_t (8 bytes)       i/I[n]  int of n bytes (default 4,
//                                                       at most 32)
//   f  float                 d  double                 s  zero-terminated string
//   c[n]  n chars; packing c0 takes the whole string, unpacking c0 takes the previous
//         number read as the length
//   ' '  ignored
// unpack returns the values then the position after the last byte read.
//
// C style: errors longjmp (see cmsgpack.cc).
#include <cctype>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>

extern "C" {
#include <lauxlib.h>
#include <lua.h>
}

#include "lua/lua_libs.h"

namespace {

using Inttype = long;
using Uinttype = unsigned long;

constexpr int kMaxIntSize = 32;
constexpr int kBig = 0, kLittle = 1;

struct cD {
  char c;
  double d;
};
constexpr size_t kPadding = sizeof(cD) - sizeof(double);
constexpr size_t kMaxAlign = kPadding > sizeof(int) ? kPadding : sizeof(int);

bool IsPowerOf2(size_t x) { return x > 0 && (x & (x - 1)) == 0; }

int NativeEndian() {
  const int one = 1;
  return *reinterpret_cast<const char*>(&one) == 1 ? kLittle : kBig;
}

struct Header {
  int endian;
  int align;
};

void DefaultOptions(Header* h) {
  h->endian = NativeEndian();
  h->align = 1;
}

int GetNum(lua_State* L, const char** fmt, int df) {
  if (!isdigit(static_cast<unsigned char>(**fmt))) return df;
  int a = 0;
  do {
    if (a > (INT_MAX / 10) || a * 10 > (INT_MAX - (**fmt - '0'))) {
      luaL_error(L, "integral size overflow");
    }
    a = a * 10 + *((*fmt)++) - '0';
  } while (isdigit(static_cast<unsigned char>(**fmt)));
  return a;
}

size_t OptSize(lua_State* L, char opt, const char** fmt) {
  switch (opt) {
    case 'B':
    case 'b':
      return sizeof(char);
    case 'H':
    case 'h':
      return sizeof(short);
    case 'L':
    case 'l':
      return sizeof(long);
    case 'T':
      return sizeof(size_t);
    case 'f':
      return sizeof(float);
    case 'd':
      return sizeof(double);
    case 'x':
      return 1;
    case 'c':
      return GetNum(L, fmt, 1);
    case 'i':
    case 'I': {
      int sz = GetNum(L, fmt, sizeof(int));
      if (sz > kMaxIntSize) {
        luaL_error(L, "integral size %d is larger than limit of %d", sz, kMaxIntSize);
      }
      return sz;
    }
    default:
      return 0;
  }
}

int GetToAlign(size_t len, Header* h, int opt, size_t size) {
  if (size == 0 || opt == 'c') return 0;
  if (size > static_cast<size_t>(h->align)) size = h->align;
  return static_cast<int>((size - (len & (size - 1))) & (size - 1));
}

void ControlOptions(lua_State* L, int opt, const char** fmt, Header* h) {
  switch (opt) {
    case ' ':
      return;
    case '>':
      h->endian = kBig;
      return;
    case '<':
      h->endian = kLittle;
      return;
    case '!': {
      int a = GetNum(L, fmt, kMaxAlign);
      if (!IsPowerOf2(a)) luaL_error(L, "alignment %d is not a power of 2", a);
      h->align = a;
      return;
    }
    default: {
      const char* msg = lua_pushfstring(L, "invalid format option '%c'", opt);
      luaL_argerror(L, 1, msg);
    }
  }
}

void PutInteger(lua_State* L, luaL_Buffer* b, int arg, int endian, int size) {
  lua_Number n = luaL_checknumber(L, arg);
  Uinttype value;
  char buff[kMaxIntSize];
  if (n < 0) {
    value = static_cast<Uinttype>(static_cast<Inttype>(n));
  } else {
    value = static_cast<Uinttype>(n);
  }
  if (endian == kLittle) {
    for (int i = 0; i < size; i++) {
      buff[i] = static_cast<char>(value & 0xff);
      value >>= 8;
    }
  } else {
    for (int i = size - 1; i >= 0; i--) {
      buff[i] = static_cast<char>(value & 0xff);
      value >>= 8;
    }
  }
  luaL_addlstring(b, buff, size);
}

void CorrectBytes(char* b, int size, int endian) {
  if (endian != NativeEndian()) {
    int i = 0;
    while (i < --size) {
      char temp = b[i];
      b[i++] = b[size];
      b[size] = temp;
    }
  }
}

int Pack(lua_State* L) {
  luaL_Buffer b;
  const char* fmt = luaL_checkstring(L, 1);
  Header h;
  int arg = 2;
  size_t totalsize = 0;
  DefaultOptions(&h);
  lua_pushnil(L);  // separates the arguments from the buffer
  luaL_buffinit(L, &b);
  while (*fmt != '\0') {
    int opt = *fmt++;
    size_t size = OptSize(L, opt, &fmt);
    int toalign = GetToAlign(totalsize, &h, opt, size);
    totalsize += toalign;
    while (toalign-- > 0) luaL_addchar(&b, '\0');
    switch (opt) {
      case 'b':
      case 'B':
      case 'h':
      case 'H':
      case 'l':
      case 'L':
      case 'T':
      case 'i':
      case 'I':
        PutInteger(L, &b, arg++, h.endian, static_cast<int>(size));
        break;
      case 'x':
        luaL_addchar(&b, '\0');
        break;
      case 'f': {
        float f = static_cast<float>(luaL_checknumber(L, arg++));
        CorrectBytes(reinterpret_cast<char*>(&f), static_cast<int>(size), h.endian);
        luaL_addlstring(&b, reinterpret_cast<char*>(&f), size);
        break;
      }
      case 'd': {
        double d = luaL_checknumber(L, arg++);
        CorrectBytes(reinterpret_cast<char*>(&d), static_cast<int>(size), h.endian);
        luaL_addlstring(&b, reinterpret_cast<char*>(&d), size);
        break;
      }
      case 'c':
      case 's': {
        size_t l;
        const char* s = luaL_checklstring(L, arg++, &l);
        if (size == 0) size = l;
        luaL_argcheck(L, l >= size, arg, "string too short");
        luaL_addlstring(&b, s, size);
        if (opt == 's') {
          luaL_addchar(&b, '\0');
          size++;
        }
        break;
      }
      default:
        ControlOptions(L, opt, &fmt, &h);
    }
    totalsize += size;
  }
  luaL_pushresult(&b);
  return 1;
}

lua_Number GetInteger(const char* buff, int endian, int issigned, int size) {
  Uinttype l = 0;
  if (endian == kBig) {
    for (int i = 0; i < size; i++) {
      l <<= 8;
      l |= static_cast<Uinttype>(static_cast<unsigned char>(buff[i]));
    }
  } else {
    for (int i = size - 1; i >= 0; i--) {
      l <<= 8;
      l |= static_cast<Uinttype>(static_cast<unsigned char>(buff[i]));
    }
  }
  if (!issigned) return static_cast<lua_Number>(l);
  if (size >= static_cast<int>(sizeof(Uinttype))) {
    return static_cast<lua_Number>(static_cast<Inttype>(l));
  }
  Uinttype mask = ~static_cast<Uinttype>(0) << (size * 8 - 1);
  if (l & mask) l |= mask;  // sign extension
  return static_cast<lua_Number>(static_cast<Inttype>(l));
}

int Unpack(lua_State* L) {
  Header h;
  const char* fmt = luaL_checkstring(L, 1);
  size_t ld;
  const char* data = luaL_checklstring(L, 2, &ld);
  size_t pos = luaL_optinteger(L, 3, 1);
  luaL_argcheck(L, pos > 0, 3, "offset must be 1 or greater");
  pos--;
  int n = 0;
  DefaultOptions(&h);
  while (*fmt) {
    int opt = *fmt++;
    size_t size = OptSize(L, opt, &fmt);
    pos += GetToAlign(pos, &h, opt, size);
    luaL_argcheck(L, size <= ld && pos <= ld - size, 2, "data string too short");
    luaL_checkstack(L, 2, "too many results");
    switch (opt) {
      case 'b':
      case 'B':
      case 'h':
      case 'H':
      case 'l':
      case 'L':
      case 'T':
      case 'i':
      case 'I': {
        int issigned = islower(opt);
        lua_pushnumber(L, GetInteger(data + pos, h.endian, issigned, static_cast<int>(size)));
        n++;
        break;
      }
      case 'x':
        break;
      case 'f': {
        float f;
        memcpy(&f, data + pos, size);
        CorrectBytes(reinterpret_cast<char*>(&f), sizeof(f), h.endian);
        lua_pushnumber(L, f);
        n++;
        break;
      }
      case 'd': {
        double d;
        memcpy(&d, data + pos, size);
        CorrectBytes(reinterpret_cast<char*>(&d), sizeof(d), h.endian);
        lua_pushnumber(L, d);
        n++;
        break;
      }
      case 'c': {
        if (size == 0) {
          if (n == 0 || !lua_isnumber(L, -1)) luaL_error(L, "format 'c0' needs a previous size");
          size = static_cast<size_t>(lua_tonumber(L, -1));
          lua_pop(L, 1);
          n--;
          luaL_argcheck(L, size <= ld && pos <= ld - size, 2, "data string too short");
        }
        lua_pushlstring(L, data + pos, size);
        n++;
        break;
      }
      case 's': {
        const char* e = static_cast<const char*>(memchr(data + pos, '\0', ld - pos));
        if (e == nullptr) luaL_error(L, "unfinished string in data");
        size = (e - (data + pos)) + 1;
        lua_pushlstring(L, data + pos, size - 1);
        n++;
        break;
      }
      default:
        ControlOptions(L, opt, &fmt, &h);
    }
    pos += size;
  }
  lua_pushinteger(L, pos + 1);
  return n + 1;
}

int Size(lua_State* L) {
  Header h;
  const char* fmt = luaL_checkstring(L, 1);
  size_t pos = 0;
  DefaultOptions(&h);
  while (*fmt) {
    int opt = *fmt++;
    size_t size = OptSize(L, opt, &fmt);
    pos += GetToAlign(pos, &h, opt, size);
    if (opt == 's') {
      luaL_argerror(L, 1, "option 's' has no fixed size");
    } else if (opt == 'c' && size == 0) {
      luaL_argerror(L, 1, "option 'c0' has no fixed size");
    }
    if (!isalnum(opt)) ControlOptions(L, opt, &fmt, &h);
    pos += size;
  }
  lua_pushinteger(L, pos);
  return 1;
}

const luaL_Reg kFunctions[] = {
    {"pack", Pack},
    {"unpack", Unpack},
    {"size", Size},
    {nullptr, nullptr},
};

}  // namespace

extern "C" int luaopen_struct(lua_State* L) {
  luaL_register(L, "struct", kFunctions);
  return 1;
}
