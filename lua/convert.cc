#include "lua/convert.h"

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "protocol/strings.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
}

namespace shoal::lua {

void PushErrorTable(lua_State* L, std::string_view text) {
  std::string_view code = "ERR", msg = text;
  if (!text.empty() && text[0] == '-') {
    size_t space = text.find(' ');
    if (space == std::string_view::npos) {
      msg = text.substr(1);
    } else {
      code = text.substr(1, space - 1);
      msg = text.substr(space + 1);
    }
  }
  while (!msg.empty() && (msg.front() == '\r' || msg.front() == '\n')) msg.remove_prefix(1);
  while (!msg.empty() && (msg.back() == '\r' || msg.back() == '\n')) msg.remove_suffix(1);
  lua_newtable(L);
  lua_pushlstring(L, code.data(), code.size());
  lua_pushlstring(L, " ", 1);
  lua_pushlstring(L, msg.data(), msg.size());
  lua_concat(L, 3);
  lua_setfield(L, -2, "err");
}

namespace {

// A cursor over reply bytes. Each Parse* reads one element; with `push` false the element
// is skipped (attributes).
class RespReader {
 public:
  RespReader(lua_State* L, std::string_view in) : L_(L), in_(in) {}

  bool done() const { return pos_ == in_.size(); }

  bool Element(bool push) {
    if (pos_ >= in_.size()) return false;
    if (push && !lua_checkstack(L_, 5)) return false;
    char type = in_[pos_++];
    std::string_view line;
    if (!Line(&line)) return false;
    switch (type) {
      case '+':
        if (push) {
          lua_newtable(L_);
          lua_pushlstring(L_, line.data(), line.size());
          lua_setfield(L_, -2, "ok");
        }
        return true;
      case '-':
        if (push) PushError(line);
        return true;
      case ':': {
        int64_t v;
        if (!Int(line, &v)) return false;
        if (push) lua_pushnumber(L_, static_cast<lua_Number>(v));
        return true;
      }
      case '$':
      case '!':
      case '=': {
        int64_t len;
        if (!Int(line, &len)) return false;
        if (len < 0) {
          if (type != '$') return false;
          if (push) lua_pushboolean(L_, 0);
          return true;
        }
        std::string_view s;
        if (!Blob(static_cast<size_t>(len), &s)) return false;
        if (!push) return true;
        if (type == '$') {
          lua_pushlstring(L_, s.data(), s.size());
        } else if (type == '!') {
          PushError(s);
        } else {
          if (s.size() < 4) return false;
          lua_newtable(L_);
          lua_newtable(L_);
          lua_pushlstring(L_, s.data() + 4, s.size() - 4);
          lua_setfield(L_, -2, "string");
          lua_pushlstring(L_, s.data(), 3);
          lua_setfield(L_, -2, "format");
          lua_setfield(L_, -2, "verbatim_string");
        }
        return true;
      }
      case '_':
        if (push) lua_pushnil(L_);
        return true;
      case '#':
        if (line != "t" && line != "f") return false;
        if (push) lua_pushboolean(L_, line == "t");
        return true;
      case ',': {
        std::string text(line);
        char* end = nullptr;
        double d = strtod(text.c_str(), &end);
        if (text.empty() || *end != '\0') return false;
        if (push) {
          lua_newtable(L_);
          lua_pushnumber(L_, d);
          lua_setfield(L_, -2, "double");
        }
        return true;
      }
      case '(':
        if (push) {
          lua_newtable(L_);
          lua_pushlstring(L_, line.data(), line.size());
          lua_setfield(L_, -2, "big_number");
        }
        return true;
      case '*':
      case '>': {
        int64_t n;
        if (!Int(line, &n)) return false;
        if (n < 0) {
          if (push) lua_pushboolean(L_, 0);
          return type == '*';
        }
        if (push) lua_createtable(L_, static_cast<int>(std::min<int64_t>(n, 1024)), 0);
        for (int64_t j = 0; j < n; j++) {
          if (!Element(push)) return Fail(push);
          if (push) lua_rawseti(L_, -2, static_cast<int>(j + 1));
        }
        return true;
      }
      case '%':
      case '~': {
        int64_t n;
        if (!Int(line, &n) || n < 0) return false;
        if (push) {
          lua_newtable(L_);
          lua_newtable(L_);
        }
        for (int64_t j = 0; j < n; j++) {
          if (!Element(push)) return Fail(push, 2);
          if (type == '%') {
            if (!Element(push)) return Fail(push, 3);
          } else if (push) {
            lua_pushboolean(L_, 1);
          }
          if (push) {
            if (lua_isnil(L_, -2)) lua_pop(L_, 2);  // a nil key cannot be stored
            else lua_rawset(L_, -3);
          }
        }
        if (push) lua_setfield(L_, -2, type == '%' ? "map" : "set");
        return true;
      }
      case '|': {
        int64_t n;
        if (!Int(line, &n) || n < 0) return false;
        for (int64_t j = 0; j < 2 * n; j++) {
          if (!Element(false)) return false;
        }
        return Element(push);
      }
      default:
        return false;
    }
  }

 private:
  // Pops the `n` values an aggregate had pushed before failing.
  bool Fail(bool push, int n = 1) {
    if (push) lua_pop(L_, n);
    return false;
  }

  void PushError(std::string_view text) {
    std::string err = "-";
    err.append(text);
    PushErrorTable(L_, err);
    // Redis marks errors that already counted in the error stats.
    lua_pushboolean(L_, 1);
    lua_setfield(L_, -2, "ignore_error_stats_update");
  }

  bool Line(std::string_view* line) {
    size_t end = in_.find("\r\n", pos_);
    if (end == std::string_view::npos) return false;
    *line = in_.substr(pos_, end - pos_);
    pos_ = end + 2;
    return true;
  }

  bool Blob(size_t len, std::string_view* s) {
    if (in_.size() - pos_ < len + 2 || in_.substr(pos_ + len, 2) != "\r\n") return false;
    *s = in_.substr(pos_, len);
    pos_ += len + 2;
    return true;
  }

  static bool Int(std::string_view s, int64_t* v) {
    auto r = std::from_chars(s.data(), s.data() + s.size(), *v);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
  }

  lua_State* L_;
  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace

bool PushRespAsLua(lua_State* L, std::string_view bytes) {
  int top = lua_gettop(L);
  RespReader reader(L, bytes);
  if (!reader.Element(true) || !reader.done()) {
    lua_settop(L, top);
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// Lua -> RESP.

namespace {

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

}  // namespace

void WriteLuaAsResp(lua_State* L, protocol::ReplyWriter& w, int script_resp) {
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
          WriteLuaAsResp(L, w, script_resp);  // key
          WriteLuaAsResp(L, w, script_resp);  // value
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
          WriteLuaAsResp(L, w, script_resp);
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
        WriteLuaAsResp(L, w, script_resp);
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

}  // namespace shoal::lua
