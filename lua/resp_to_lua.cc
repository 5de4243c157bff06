#include "lua/resp_to_lua.h"

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <string>

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

}  // namespace shoal::lua
