// Incremental parser for client requests: RESP multibulk (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`)
// and inline commands (`GET k\r\n`, with Redis's quoting rules for telnet users).
//
// The parser never copies argument bytes: a parsed request is a list of string views into
// the caller's buffer, valid until the caller changes that buffer. The one exception is an
// inline argument whose quotes or escapes make it differ from its bytes on the wire
// (`SET k "a\nb"`): it is unescaped into storage the parser owns, which lives as long as
// the caller keeps parsing further along the same buffer, so a server may parse a whole
// pipeline before running it. The storage is dropped at Reset() and at the first Parse()
// whose input starts before the end of the last request returned (the caller compacted
// or replaced its buffer); the parser compares that address, never reads through it.
//
// It gives the same result for any split of the input: when the buffer ends mid-request it
// answers kIncomplete and consumes nothing; the caller appends more bytes and calls again.
// It remembers how far it got inside a multibulk (as offsets, never pointers), so a large
// request that arrives in many reads is not rescanned from its start each time.
//
// Every limit is checked before anything is allocated for it (bulk length, argument count,
// inline line length). A violation answers kError with Redis's exact text in error(), e.g.
// "Protocol error: invalid bulk length"; the server replies `-ERR <text>` and closes.
//
// A parser belongs to one connection and is used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::protocol {

struct ParserLimits {
  int64_t max_bulk_len = 512LL * 1024 * 1024;  // proto-max-bulk-len
  // Redis 7 takes counts up to INT_MAX (6.x stopped at 1024 * 1024). Nothing is reserved
  // from the count, so memory follows the arguments that actually arrive.
  int64_t max_args = 2147483647;
  // PROTO_INLINE_MAX_SIZE. Bounds an inline line and, as in Redis, a `*N` or `$N` header
  // line too: once this many bytes plus one have arrived without the line's end, the
  // request fails (so the outcome does not depend on how the bytes were split).
  size_t max_inline_len = 64 * 1024;
};

enum class ParseStatus { kOk, kIncomplete, kError };

class RequestParser {
 public:
  explicit RequestParser(ParserLimits limits = {}) : limits_(limits) {}

  // Parses one request from the front of `input`.
  // kOk: `*args` holds the arguments (views into `input`, or into the parser for unescaped
  //      inline arguments; see above) and `*consumed` the bytes used.
  //      An empty request (`*0\r\n`, `*-1\r\n` or an empty inline line) gives kOk with no
  //      arguments; the caller skips it, as Redis does.
  // kIncomplete: `*consumed` is 0; call again with the same bytes plus more (they may sit
  //      at another address). Progress is kept as offsets, so each call costs only the
  //      new bytes, not a rescan of the request.
  // kError: error() says why; the connection must be closed after replying. The parser
  //      forgets its progress, so Reset() is not needed before reusing it.
  // Which form is parsed is decided by the first byte, as Redis does: '*' is multibulk,
  // anything else an inline line.
  ParseStatus Parse(std::string_view input, size_t* consumed,
                    std::vector<std::string_view>* args);

  const std::string& error() const { return error_; }
  const ParserLimits& limits() const { return limits_; }
  void set_limits(const ParserLimits& limits) { limits_ = limits; }

  // Forgets any partial progress (after the caller dropped its buffer).
  void Reset();

 private:
  ParseStatus ParseInline(std::string_view input, size_t* consumed,
                          std::vector<std::string_view>* args);
  ParseStatus ParseMultibulk(std::string_view input, size_t* consumed,
                             std::vector<std::string_view>* args);
  // Finds `term` in the line that starts at `start`, resuming the search at scan_. A line
  // with no `term` in its first max_inline_len + 1 bytes fails with `too_long`; so does
  // one with a NUL before its `term`, once it is that long (Redis searches with strchr).
  ParseStatus FindLineEnd(std::string_view input, size_t start, char term,
                          std::string_view too_long, size_t* at);
  // Splits an inline line as Redis's sdssplitargs does; false on unbalanced quotes.
  bool SplitInline(std::string_view line, std::vector<std::string_view>* args);
  ParseStatus Fail(std::string text);
  void ClearProgress();

  ParserLimits limits_;
  std::string error_;
  // Progress inside the current request, as offsets from the start of `input`.
  int64_t expected_args_ = -1;  // -1: header not parsed yet
  size_t pos_ = 0;              // where parsing resumes
  int64_t bulk_len_ = -1;       // length of the bulk at pos_; -1: its `$N` header is next
  size_t scan_ = 0;             // bytes before scan_ hold no line end of the line at pos_
  bool line_has_nul_ = false;   // the line at pos_ has a NUL first: its end is never seen
  std::vector<std::pair<size_t, size_t>> spans_;  // (offset, length) of args parsed so far
  // Unescaped inline arguments; a deque, so earlier strings never move while adding.
  std::deque<std::string> inline_storage_;
  // Address just past the last request returned: only compared, to tell when the caller
  // went back in (or left) its buffer and inline_storage_ can go.
  uintptr_t last_request_end_ = 0;
};

}  // namespace shoal::protocol
