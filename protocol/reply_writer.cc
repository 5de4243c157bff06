// Reply bytes as Redis 7.2's networking.c writes them (addReplyBulk, addReplyDouble,
// addReplyMapLen, addReplyVerbatim, ...). Headers and integers are formatted with
// std::to_chars into a stack buffer and appended once; nothing here allocates except the
// output string growing.
#include "protocol/reply_writer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <system_error>

namespace shoal::protocol {
namespace {

// Longest FormatDouble text: "-" and 17 digits followed by 7 zeros, with room to spare.
constexpr size_t kMaxDoubleChars = 32;

// Appends `<type><n>\r\n`.
template <typename Int>
void AppendHeader(std::string* out, char type, Int n) {
  char buf[32];
  buf[0] = type;
  char* end = std::to_chars(buf + 1, buf + sizeof(buf) - 2, n).ptr;
  *end++ = '\r';
  *end++ = '\n';
  out->append(buf, static_cast<size_t>(end - buf));
}

// Appends `s` with every \r and \n turned into a space, so a one-line reply stays one line.
void AppendOneLine(std::string* out, std::string_view s) {
  size_t start = out->size();
  out->append(s);
  if (s.find_first_of("\r\n") == std::string_view::npos) return;
  for (size_t i = start; i < out->size(); ++i) {
    if ((*out)[i] == '\r' || (*out)[i] == '\n') (*out)[i] = ' ';
  }
}

// True when `msg` opens with an error code: a word of capitals (digits and '_' allowed
// after the first letter) ending at a space or at the end, as in "WRONGTYPE ...".
bool HasErrorCode(std::string_view msg) {
  if (msg.empty() || msg[0] < 'A' || msg[0] > 'Z') return false;
  for (char c : msg) {
    if (c == ' ') return true;
    bool code_char = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!code_char) return false;
  }
  return true;
}

// fpconv_dtoa's layout (Redis deps/fpconv/fpconv_dtoa.c emit_digits) for the shortest
// digits of a finite, non-zero |v|: value = digits * 10^k.
size_t EmitDigits(const char* digits, int ndigits, int k, char* dest) {
  int exp = std::abs(k + ndigits - 1);
  // Plain integer: at most 7 zeros after the digits.
  if (k >= 0 && exp < ndigits + 7) {
    std::memcpy(dest, digits, static_cast<size_t>(ndigits));
    std::memset(dest + ndigits, '0', static_cast<size_t>(k));
    return static_cast<size_t>(ndigits + k);
  }
  // Decimal without exponent: fewer than 7 fractional digits, or |exponent| below 4.
  if (k < 0 && (k > -7 || exp < 4)) {
    int offset = ndigits + k;
    if (offset <= 0) {  // below 1: "0.000ddd"
      int zeros = -offset;
      dest[0] = '0';
      dest[1] = '.';
      std::memset(dest + 2, '0', static_cast<size_t>(zeros));
      std::memcpy(dest + 2 + zeros, digits, static_cast<size_t>(ndigits));
      return static_cast<size_t>(ndigits + 2 + zeros);
    }
    std::memcpy(dest, digits, static_cast<size_t>(offset));
    dest[offset] = '.';
    std::memcpy(dest + offset + 1, digits + offset, static_cast<size_t>(ndigits - offset));
    return static_cast<size_t>(ndigits + 1);
  }
  // Scientific: d.ddde+X, the exponent without leading zeros.
  size_t idx = 0;
  dest[idx++] = digits[0];
  if (ndigits > 1) {
    dest[idx++] = '.';
    std::memcpy(dest + idx, digits + 1, static_cast<size_t>(ndigits - 1));
    idx += static_cast<size_t>(ndigits - 1);
  }
  dest[idx++] = 'e';
  dest[idx++] = k + ndigits - 1 < 0 ? '-' : '+';
  char* end = std::to_chars(dest + idx, dest + idx + 4, exp).ptr;
  return static_cast<size_t>(end - dest);
}

// FormatDouble into `buf` (kMaxDoubleChars bytes at least) without allocating; returns
// the length.
size_t FormatDoubleTo(double v, char* buf) {
  auto copy = [buf](std::string_view s) {
    std::memcpy(buf, s.data(), s.size());
    return s.size();
  };
  if (std::isnan(v)) return copy("nan");
  if (std::isinf(v)) return copy(v < 0 ? "-inf" : "inf");
  if (v == 0) return copy(std::signbit(v) ? "-0" : "0");
  // Redis's d2string prints integral values within +-2^62 as integers.
  constexpr double kIntegralLimit = static_cast<double>(std::numeric_limits<int64_t>::max() / 2);
  if (v >= -kIntegralLimit && v <= kIntegralLimit) {
    auto as_int = static_cast<int64_t>(v);
    if (static_cast<double>(as_int) == v) {
      return static_cast<size_t>(std::to_chars(buf, buf + kMaxDoubleChars, as_int).ptr - buf);
    }
  }
  // The shortest round-trip digits, then fpconv_dtoa's layout. Redis finds the digits with
  // Grisu2, which matches the shortest digits for all but rare inputs.
  char sci[40];
  char* sci_end =
      std::to_chars(sci, sci + sizeof(sci), std::abs(v), std::chars_format::scientific).ptr;
  char digits[24];
  int ndigits = 0;
  const char* p = sci;
  for (; p < sci_end && *p != 'e'; ++p) {
    if (*p != '.') digits[ndigits++] = *p;
  }
  int exp10 = 0;
  std::from_chars(p + 1 + (p[1] == '+' ? 1 : 0), sci_end, exp10);
  size_t len = 0;
  if (std::signbit(v)) buf[len++] = '-';
  return len + EmitDigits(digits, ndigits, exp10 - (ndigits - 1), buf + len);
}

}  // namespace

void ReplyWriter::SimpleString(std::string_view s) {
  out_->push_back('+');
  AppendOneLine(out_, s);
  out_->append("\r\n", 2);
}

void ReplyWriter::Error(std::string_view msg) {
  if (!msg.empty() && msg[0] == '-') msg.remove_prefix(1);
  out_->push_back('-');
  if (!HasErrorCode(msg)) out_->append("ERR ", 4);
  AppendOneLine(out_, msg);
  out_->append("\r\n", 2);
}

void ReplyWriter::Integer(int64_t v) { AppendHeader(out_, ':', v); }

void ReplyWriter::Bulk(std::string_view s) {
  AppendHeader(out_, '$', s.size());
  out_->append(s);
  out_->append("\r\n", 2);
}

void ReplyWriter::Null() {
  if (resp_ >= 3) {
    out_->append("_\r\n", 3);
  } else {
    out_->append("$-1\r\n", 5);
  }
}

void ReplyWriter::NullArray() {
  if (resp_ >= 3) {
    out_->append("_\r\n", 3);
  } else {
    out_->append("*-1\r\n", 5);
  }
}

void ReplyWriter::Array(size_t n) { AppendHeader(out_, '*', n); }

void ReplyWriter::Map(size_t n) {
  if (resp_ >= 3) {
    AppendHeader(out_, '%', n);
  } else {
    AppendHeader(out_, '*', n * 2);
  }
}

void ReplyWriter::Set(size_t n) { AppendHeader(out_, resp_ >= 3 ? '~' : '*', n); }

void ReplyWriter::Push(size_t n) { AppendHeader(out_, resp_ >= 3 ? '>' : '*', n); }

void ReplyWriter::Double(double v) {
  char text[kMaxDoubleChars];
  std::string_view formatted(text, FormatDoubleTo(v, text));
  if (resp_ >= 3) {
    out_->push_back(',');
    out_->append(formatted);
    out_->append("\r\n", 2);
  } else {
    Bulk(formatted);
  }
}

void ReplyWriter::Boolean(bool v) {
  if (resp_ >= 3) {
    out_->append(v ? "#t\r\n" : "#f\r\n", 4);
  } else {
    out_->append(v ? ":1\r\n" : ":0\r\n", 4);
  }
}

void ReplyWriter::BigNumber(std::string_view digits) {
  if (resp_ >= 3) {
    out_->push_back('(');
    AppendOneLine(out_, digits);
    out_->append("\r\n", 2);
  } else {
    Bulk(digits);
  }
}

void ReplyWriter::Verbatim(std::string_view format, std::string_view text) {
  if (resp_ < 3) {
    Bulk(text);
    return;
  }
  AppendHeader(out_, '=', text.size() + 4);
  // Redis copies exactly three bytes of the format; pad a shorter one with spaces.
  char fmt[4] = {' ', ' ', ' ', ':'};
  std::memcpy(fmt, format.data(), std::min<size_t>(format.size(), 3));
  out_->append(fmt, 4);
  out_->append(text);
  out_->append("\r\n", 2);
}

void ReplyWriter::BulkArray(const std::string_view* items, size_t n) {
  Array(n);
  for (size_t i = 0; i < n; ++i) Bulk(items[i]);
}

std::string FormatDouble(double v) {
  char buf[kMaxDoubleChars];
  return std::string(buf, FormatDoubleTo(v, buf));
}

}  // namespace shoal::protocol
