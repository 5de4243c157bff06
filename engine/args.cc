#include "engine/args.h"

#include "engine/errors.h"
#include "protocol/strings.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>


namespace shoal::engine {

bool ParseInt64(std::string_view s, int64_t* value) {
  size_t n = s.size();
  if (n == 0 || n > 20) return false;
  if (n == 1 && s[0] == '0') {
    *value = 0;
    return true;
  }
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-') {
    negative = true;
    if (++i == n) return false;
  }
  if (s[i] < '1' || s[i] > '9') return false;
  uint64_t v = 0;
  for (; i < n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  if (negative) {
    if (v > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    *value = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *value = static_cast<int64_t>(v);
  }
  return true;
}

namespace {
// Copies into a NUL-terminated buffer for strtod; false when too long (Redis's
// MAX_LONG_DOUBLE_CHARS is 5k) or starting with a space.
bool Terminated(std::string_view s, char* buf, size_t cap) {
  if (s.empty() || s.size() >= cap || std::isspace(static_cast<unsigned char>(s[0]))) return false;
  memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  return true;
}
}  // namespace

bool ParseDouble(std::string_view s, double* value) {
  char buf[5 * 1024];
  if (!Terminated(s, buf, sizeof(buf))) return false;
  char* end;
  errno = 0;
  double v = std::strtod(buf, &end);
  if (static_cast<size_t>(end - buf) != s.size()) return false;
  if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || std::fpclassify(v) == FP_ZERO)) {
    return false;
  }
  if (std::isnan(v)) return false;
  *value = v;
  return true;
}

bool ParseLongDouble(std::string_view s, long double* value) {
  char buf[5 * 1024];
  if (!Terminated(s, buf, sizeof(buf))) return false;
  char* end;
  errno = 0;
  long double v = std::strtold(buf, &end);
  if (static_cast<size_t>(end - buf) != s.size()) return false;
  if (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || std::fpclassify(v) == FP_ZERO)) {
    return false;
  }
  if (std::isnan(v)) return false;
  *value = v;
  return true;
}

std::string FormatLongDouble(long double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[5 * 1024 + 64];
  int len = snprintf(buf, sizeof(buf), "%.17Lf", value);
  std::string out(buf, len);
  if (out.find('.') != std::string::npos) {
    while (!out.empty() && out.back() == '0') out.pop_back();
    if (!out.empty() && out.back() == '.') out.pop_back();
  }
  if (out == "-0") out = "0";
  return out;
}

std::string_view ParseBlockTimeout(std::string_view text, int64_t now_ms, int64_t* deadline_ms) {
  long double seconds;
  if (!ParseLongDouble(text, &seconds)) return errors::kTimeoutNotFloat;
  if (seconds < 0) return errors::kTimeoutNegative;
  long double ms = std::ceil(seconds * 1000.0L);
  if (ms > static_cast<long double>(INT64_MAX - now_ms)) return errors::kTimeoutOutOfRange;
  *deadline_ms = ms > 0 ? now_ms + static_cast<int64_t>(ms) : 0;
  return "";
}

std::string_view ParseRandomCount(const std::string_view* args, size_t argc, std::string_view option,
                                  int64_t* count, bool* with_option) {
  int64_t l;
  if (!ParseInt64(args[2], &l)) return errors::kNotInteger;
  if (l == INT64_MIN) return errors::kValueOutOfLongRange;
  if (argc > 4 || (argc == 4 && (option.empty() || !IsOption(args[3], option)))) {
    return errors::kSyntax;
  }
  *with_option = argc == 4;
  if ((*with_option && (l < -INT64_MAX / 2 || l > INT64_MAX / 2)) || l < -kMaxRandomRepeats) {
    return errors::kValueOutOfRange;
  }
  *count = l;
  return "";
}

bool IsOption(std::string_view arg, std::string_view option) {
  return EqualsIgnoreCase(arg, option);
}

std::string_view ParseMPopArgs(const std::string_view* args, size_t argc, size_t numkeys_idx,
                               std::string_view first_end, std::string_view second_end,
                               MPopArgs* a) {
  int64_t numkeys;
  if (!ParseInt64(args[numkeys_idx], &numkeys) || numkeys < 1) return errors::kZNumKeysNotPositive;
  if (static_cast<uint64_t>(numkeys) >= argc - numkeys_idx - 1) return errors::kSyntax;
  a->first_key = numkeys_idx + 1;
  a->key_count = static_cast<size_t>(numkeys);
  const size_t where_idx = a->first_key + a->key_count;
  if (IsOption(args[where_idx], first_end)) {
    a->second_end = false;
  } else if (IsOption(args[where_idx], second_end)) {
    a->second_end = true;
  } else {
    return errors::kSyntax;
  }
  bool counted = false;
  for (size_t j = where_idx + 1; j < argc; ++j) {
    if (!counted && IsOption(args[j], "count") && j + 1 < argc) {
      int64_t count;
      if (!ParseInt64(args[++j], &count) || count < 1) return errors::kZCountNotPositive;
      a->count = static_cast<size_t>(count);
      counted = true;
    } else {
      return errors::kSyntax;
    }
  }
  return "";
}

}  // namespace shoal::engine
