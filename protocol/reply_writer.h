// Writes replies as RESP2 or RESP3 bytes, appended to a caller-owned string.
//
// Handlers write every reply through this class and never spell protocol bytes
// themselves. The RESP version decides how the richer RESP3 types degrade in RESP2 the
// way Redis degrades them: a map becomes a flat array of 2n elements, a set an array, a
// double a bulk string, a boolean the integer 1 or 0, a big number or verbatim string a
// bulk string, a null `$-1` (or `*-1` for NullArray), a push an array.
//
// Doubles use the shortest text that reads back to the same value ("1.5", "0.1",
// "inf", "-inf", "nan"), as Redis 7.2 does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace shoal::protocol {

class ReplyWriter {
 public:
  explicit ReplyWriter(std::string* out, int resp = 2) : out_(out), resp_(resp) {}

  int resp() const { return resp_; }
  void set_resp(int resp) { resp_ = resp; }
  std::string* out() { return out_; }

  void SimpleString(std::string_view s);   // +s
  void Ok() { SimpleString("OK"); }
  // `msg` starts with the error code, e.g. "ERR syntax error" or "WRONGTYPE ...".
  // A message with no code ("syntax error") gets "ERR " put in front. The code is a first
  // word of capitals (digits and '_' allowed after the first), ended by a space or by the
  // message's end. A leading '-' is dropped (Redis's callers may pass "-WRONGTYPE ...").
  // \r and \n inside msg become spaces, so the reply stays one line; SimpleString and
  // BigNumber do the same.
  void Error(std::string_view msg);
  void Integer(int64_t v);                 // :v
  void Bulk(std::string_view s);           // $len s
  void Null();                             // RESP2 $-1, RESP3 _
  void NullArray();                        // RESP2 *-1, RESP3 _
  void Array(size_t n);                    // *n, then n elements
  void Map(size_t n);                      // RESP3 %n (n pairs), RESP2 *2n
  void Set(size_t n);                      // RESP3 ~n, RESP2 *n
  void Push(size_t n);                     // RESP3 >n, RESP2 *n
  void Double(double v);                   // RESP3 ,v  RESP2 bulk
  void Boolean(bool v);                    // RESP3 #t/#f  RESP2 :1/:0
  void BigNumber(std::string_view digits); // RESP3 (digits  RESP2 bulk
  // RESP3 `=len\r\nfmt:text\r\n`, len counting the 4 bytes "fmt:"; RESP2 a bulk of text.
  // `format` is 3 bytes ("txt", "mkd"); longer is cut and shorter padded with spaces.
  void Verbatim(std::string_view format, std::string_view text);
  void BulkArray(const std::string_view* items, size_t n);  // array of bulks

 private:
  std::string* out_;
  int resp_;
};

// Shortest round-trip text of a double, as Redis 7.2 prints scores (util.c d2string):
// "1.5", "inf", "-inf", "nan", "-0"; integral values within +-2^62 as integers ("3",
// "1000000000000000000"); otherwise fpconv_dtoa's layout: plain decimals while the
// exponent is small ("0.0001", "123.5"), else "1e-7", "1.5e+20", "1e+300". The digits are
// std::to_chars's shortest; Redis's Grisu2 can pick a longer string for rare inputs.
std::string FormatDouble(double v);

}  // namespace shoal::protocol
