// Small string helpers over std::string_view.
//
// Debian's abseil is built with its own absl::string_view (not std::string_view), so
// absl::StrCat, absl::AsciiStrToLower and heterogeneous lookups in absl containers do not
// accept a std::string_view. Shoal's code speaks std::string_view throughout and uses
// these instead; AsAbsl converts where an abseil API needs its own type.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/string_view.h"

namespace shoal {

inline absl::string_view AsAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

namespace strings_internal {
struct Piece {
  Piece(std::string_view s) : view(s) {}
  Piece(const char* s) : view(s) {}
  Piece(const std::string& s) : view(s) {}
  Piece(char c) : view(buf, 1) { buf[0] = c; }
  template <typename T, typename = std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, char> &&
                                                    !std::is_same_v<T, bool>>>
  Piece(T v) {
    auto r = std::to_chars(buf, buf + sizeof(buf), v);
    view = std::string_view(buf, r.ptr - buf);
  }
  Piece(const Piece&) = delete;
  std::string_view view;
  char buf[24];
};
}  // namespace strings_internal

// Appends each argument's text (strings, views, chars, integers) to *out.
template <typename... Args>
void StrAppend(std::string* out, const Args&... args) {
  (out->append(strings_internal::Piece(args).view), ...);
}

template <typename... Args>
std::string StrCat(const Args&... args) {
  std::string out;
  StrAppend(&out, args...);
  return out;
}

inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
inline char AsciiUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }

inline std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

inline std::string ToUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiUpper(c);
  return out;
}

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

template <typename Container>
std::string StrJoin(const Container& parts, std::string_view sep) {
  std::string out;
  bool first = true;
  for (const auto& p : parts) {
    if (!first) out.append(sep);
    out.append(std::string_view(p));
    first = false;
  }
  return out;
}

// Parses a whole decimal integer (leading '-' allowed); false on anything else.
inline bool SimpleAtoi(std::string_view s, int64_t* v) {
  if (s.empty()) return false;
  const char* b = s.data();
  if (*b == '+') ++b;
  auto r = std::from_chars(b, s.data() + s.size(), *v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace shoal
