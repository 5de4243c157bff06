// Redis's strict integer syntax (util.c string2ll), shared by the request and reply
// parsers: an optional '-', then "0" alone or a digit 1-9 followed by digits, fitting in
// int64_t. No '+', no leading zeros, no "-0", no spaces, at most 20 characters. Length
// headers such as `*N` and `$N` are read with it, so `$01` or `$+1` fail as in Redis.
#pragma once

#include <cstdint>
#include <string_view>

namespace shoal::protocol {

inline bool ParseRedisInt64(std::string_view s, int64_t* out) {
  // LONG_STR_SIZE (21) in Redis: a longer string is not a number, whatever it holds.
  if (s.empty() || s.size() >= 21) return false;
  if (s.size() == 1 && s[0] == '0') {
    *out = 0;
    return true;
  }
  bool negative = false;
  size_t i = 0;
  if (s[0] == '-') {
    negative = true;
    if (++i == s.size()) return false;
  }
  if (s[i] < '1' || s[i] > '9') return false;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return false;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) return false;
    v = v * 10 + digit;
  }
  if (negative) {
    if (v > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

}  // namespace shoal::protocol
