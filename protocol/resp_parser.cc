// RequestParser follows Redis 7's networking.c (processMultibulkBuffer and
// processInlineBuffer) byte for byte where the outcome is visible to a client:
//
// - A header line (`*N`, `$N`) ends at the first '\r'; the byte after it is skipped
//   without checking that it is '\n', and the bulk payload is followed by two bytes that
//   are skipped the same way. Redis does both; a client that sends `$3\r\nfooXY` gets
//   "foo" and the parser goes on after "XY".
// - Numbers in headers use Redis's strict string2ll (protocol/redis_int.h).
// - `*N` with N <= 0 is an empty request; N above max_args fails.
// - A bulk length below 0 or above max_bulk_len fails before anything is allocated.
// - An inline line ends at '\n' (a '\r' before it is dropped) and is split like
//   sdssplitargs.
// - Redis finds a line's end with strchr(), which stops at a NUL byte: a NUL in a header
//   or inline line before its end means the end is never seen. The request then waits
//   until the line passes the length limit and fails as "too big", exactly as in Redis.
//
// Where Redis's outcome depends on how the bytes were split into reads (it tests line
// length only when a read leaves no line end in the whole buffer), this parser applies the
// limit to the line itself: no line end within max_inline_len + 1 bytes is an error. That
// keeps the result the same for every split, which the tests check.
#include "protocol/resp_parser.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

#include "protocol/redis_int.h"

namespace shoal::protocol {
namespace {

// Reserve at most this many argument slots up front; a larger count grows as the bulks
// actually arrive, so a lying `*1000000` header costs nothing.
constexpr int64_t kMaxArgsReserve = 1024;

// C's isspace() in the "C" locale, which sdssplitargs uses to skip blanks.
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// One inline argument while it is being split. It stays a view into the line while its
// bytes are contiguous there (`GET`, `"hello world"`), and becomes an owned string at the
// first escape or quote inside the token (`a"b"`, `"a\n"`).
class InlineToken {
 public:
  explicit InlineToken(std::string_view line) : line_(line) {}

  // Appends the line's byte at `i`.
  void AppendAt(size_t i) {
    if (!owned_) {
      if (len_ == 0) {
        start_ = i;
        len_ = 1;
        return;
      }
      if (start_ + len_ == i) {
        ++len_;
        return;
      }
      MakeOwned();
    }
    text_.push_back(line_[i]);
  }

  // Appends a byte that is not in the line as such (the result of an escape).
  void AppendByte(char c) {
    if (!owned_) MakeOwned();
    text_.push_back(c);
  }

  std::string_view Finish(std::deque<std::string>* storage) {
    if (!owned_) return line_.substr(start_, len_);
    storage->push_back(std::move(text_));
    return storage->back();
  }

 private:
  void MakeOwned() {
    owned_ = true;
    text_.assign(line_.substr(start_, len_));
  }

  std::string_view line_;
  size_t start_ = 0;
  size_t len_ = 0;
  bool owned_ = false;
  std::string text_;
};

}  // namespace

ParseStatus RequestParser::Parse(std::string_view input, size_t* consumed,
                                 std::vector<std::string_view>* args) {
  *consumed = 0;
  args->clear();
  const auto start = reinterpret_cast<uintptr_t>(input.data());
  if (start < last_request_end_) inline_storage_.clear();  // earlier requests are done
  // The caller must pass the same bytes plus more; if it passed fewer, its buffer was
  // dropped without Reset() and the saved offsets mean nothing.
  if (pos_ > input.size() || scan_ > input.size()) ClearProgress();
  if (input.empty()) return ParseStatus::kIncomplete;
  if (input[0] != '*' && expected_args_ >= 0) ClearProgress();  // likewise
  ParseStatus status = input[0] == '*' ? ParseMultibulk(input, consumed, args)
                                       : ParseInline(input, consumed, args);
  if (status == ParseStatus::kOk) last_request_end_ = start + *consumed;
  return status;
}

void RequestParser::Reset() {
  ClearProgress();
  inline_storage_.clear();
  last_request_end_ = 0;
}

void RequestParser::ClearProgress() {
  expected_args_ = -1;
  pos_ = 0;
  bulk_len_ = -1;
  scan_ = 0;
  line_has_nul_ = false;
  // Give back the memory of a huge request instead of keeping it per connection.
  if (spans_.capacity() > 4 * kMaxArgsReserve) {
    spans_ = {};
  } else {
    spans_.clear();
  }
}

ParseStatus RequestParser::Fail(std::string text) {
  error_ = std::move(text);
  ClearProgress();
  return ParseStatus::kError;
}

ParseStatus RequestParser::FindLineEnd(std::string_view input, size_t start, char term,
                                       std::string_view too_long, size_t* at) {
  size_t available = input.size() - start;
  size_t window_end =
      start + (available > limits_.max_inline_len ? limits_.max_inline_len + 1 : available);
  size_t from = std::max(scan_, start);
  if (!line_has_nul_ && from < window_end) {
    const char* base = input.data();
    const void* hit = std::memchr(base + from, term, window_end - from);
    size_t end = hit != nullptr ? static_cast<size_t>(static_cast<const char*>(hit) - base)
                                : window_end;
    if (std::memchr(base + from, '\0', end - from) != nullptr) {
      line_has_nul_ = true;
    } else if (hit != nullptr) {
      *at = end;
      return ParseStatus::kOk;
    }
    scan_ = window_end;
  }
  if (available > limits_.max_inline_len) return Fail(std::string(too_long));
  return ParseStatus::kIncomplete;
}

ParseStatus RequestParser::ParseMultibulk(std::string_view input, size_t* consumed,
                                          std::vector<std::string_view>* args) {
  if (expected_args_ < 0) {
    size_t cr;
    ParseStatus status =
        FindLineEnd(input, 0, '\r', "Protocol error: too big mbulk count string", &cr);
    if (status != ParseStatus::kOk) return status;
    if (cr + 1 >= input.size()) return ParseStatus::kIncomplete;  // need the byte after \r
    int64_t count;
    if (!ParseRedisInt64(input.substr(1, cr - 1), &count) || count > limits_.max_args) {
      return Fail("Protocol error: invalid multibulk length");
    }
    if (count <= 0) {
      *consumed = cr + 2;
      ClearProgress();
      return ParseStatus::kOk;
    }
    expected_args_ = count;
    pos_ = scan_ = cr + 2;
    spans_.clear();
    spans_.reserve(static_cast<size_t>(std::min(count, kMaxArgsReserve)));
  }

  while (static_cast<int64_t>(spans_.size()) < expected_args_) {
    if (bulk_len_ < 0) {
      if (pos_ >= input.size()) return ParseStatus::kIncomplete;
      size_t cr;
      ParseStatus status =
          FindLineEnd(input, pos_, '\r', "Protocol error: too big bulk count string", &cr);
      if (status != ParseStatus::kOk) return status;
      if (cr + 1 >= input.size()) return ParseStatus::kIncomplete;
      if (input[pos_] != '$') {
        // Redis's reply shows \r or \n here as a space (addReplyErrorFormat), so does ours.
        char got = input[pos_] == '\r' || input[pos_] == '\n' ? ' ' : input[pos_];
        return Fail(std::string("Protocol error: expected '$', got '") + got + "'");
      }
      int64_t len;
      if (!ParseRedisInt64(input.substr(pos_ + 1, cr - pos_ - 1), &len) || len < 0 ||
          len > limits_.max_bulk_len) {
        return Fail("Protocol error: invalid bulk length");
      }
      bulk_len_ = len;
      pos_ = scan_ = cr + 2;
    }
    // The payload and the two bytes after it must all be here (Redis's `bulklen+2`).
    if (input.size() - pos_ < static_cast<size_t>(bulk_len_) + 2) {
      return ParseStatus::kIncomplete;
    }
    spans_.emplace_back(pos_, static_cast<size_t>(bulk_len_));
    pos_ = scan_ = pos_ + static_cast<size_t>(bulk_len_) + 2;
    bulk_len_ = -1;
  }

  args->reserve(spans_.size());
  for (const auto& [offset, length] : spans_) args->push_back(input.substr(offset, length));
  *consumed = pos_;
  ClearProgress();
  return ParseStatus::kOk;
}

ParseStatus RequestParser::ParseInline(std::string_view input, size_t* consumed,
                                       std::vector<std::string_view>* args) {
  size_t newline;
  ParseStatus status =
      FindLineEnd(input, 0, '\n', "Protocol error: too big inline request", &newline);
  if (status != ParseStatus::kOk) return status;
  size_t line_len = newline;
  if (line_len > 0 && input[line_len - 1] == '\r') --line_len;
  if (!SplitInline(input.substr(0, line_len), args)) {
    args->clear();
    return Fail("Protocol error: unbalanced quotes in request");
  }
  *consumed = newline + 1;
  ClearProgress();
  return ParseStatus::kOk;
}

bool RequestParser::SplitInline(std::string_view line, std::vector<std::string_view>* args) {
  // The line holds no NUL (FindLineEnd never ends a line after one), so the NUL past its
  // end is where sdssplitargs, reading a C string, stops.
  const size_t n = line.size();
  // The byte at `i`, or the terminating NUL past the end.
  auto at = [&](size_t i) { return i < n ? line[i] : '\0'; };
  size_t p = 0;
  while (true) {
    while (p < n && IsSpace(line[p])) ++p;
    if (p >= n) return true;
    InlineToken token(line);
    bool in_double = false;
    bool in_single = false;
    bool done = false;
    while (!done) {
      char c = at(p);
      if (in_double) {
        if (c == '\\' && at(p + 1) == 'x' && IsHexDigit(at(p + 2)) && IsHexDigit(at(p + 3))) {
          token.AppendByte(static_cast<char>(HexValue(at(p + 2)) * 16 + HexValue(at(p + 3))));
          p += 3;
        } else if (c == '\\' && at(p + 1) != '\0') {
          ++p;
          switch (at(p)) {
            case 'n': token.AppendByte('\n'); break;
            case 'r': token.AppendByte('\r'); break;
            case 't': token.AppendByte('\t'); break;
            case 'b': token.AppendByte('\b'); break;
            case 'a': token.AppendByte('\a'); break;
            default: token.AppendByte(at(p)); break;
          }
        } else if (c == '"') {
          // The closing quote must be followed by a space or nothing at all.
          if (at(p + 1) != '\0' && !IsSpace(at(p + 1))) return false;
          done = true;
        } else if (c == '\0') {
          return false;  // unterminated quotes
        } else {
          token.AppendAt(p);
        }
      } else if (in_single) {
        if (c == '\\' && at(p + 1) == '\'') {
          ++p;
          token.AppendByte('\'');
        } else if (c == '\'') {
          if (at(p + 1) != '\0' && !IsSpace(at(p + 1))) return false;
          done = true;
        } else if (c == '\0') {
          return false;
        } else {
          token.AppendAt(p);
        }
      } else {
        switch (c) {
          // Only these end a bare token; \v and \f are skipped between tokens but kept
          // inside one, as in sdssplitargs.
          case ' ':
          case '\n':
          case '\r':
          case '\t':
          case '\0':
            done = true;
            break;
          case '"':
            in_double = true;
            break;
          case '\'':
            in_single = true;
            break;
          default:
            token.AppendAt(p);
            break;
        }
      }
      if (p < n) ++p;
    }
    args->push_back(token.Finish(&inline_storage_));
  }
}

}  // namespace shoal::protocol
