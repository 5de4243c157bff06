// A parsed reply, as a tree: what the embedded API returns and what tests assert on.
//
// ReplyParser reads RESP2 and RESP3 reply bytes (the bytes a ReplyWriter wrote, or a
// server sent) into a Value. It is incremental like RequestParser: kIncomplete consumes
// nothing, and any split of the input gives the same result. It keeps the elements of an
// unfinished aggregate it has already read, so a large reply is not reparsed per read.
//
// Every RESP2/RESP3 type is read: + - : $ * _ , # ( = % ~ > and the blob error `!`.
// RESP2's `$-1` and `*-1` become kNull. An attribute (`|n`) is read and dropped; the value
// after it stands in its place. A verbatim string keeps its text, not its format.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/resp_parser.h"

namespace shoal::protocol {

struct Value {
  enum class Type {
    kSimple, kError, kInteger, kBulk, kNull, kArray, kMap, kSet, kDouble, kBoolean,
    kBigNumber, kVerbatim, kPush,
  };
  Type type = Type::kNull;
  std::string str;            // simple, error (without '-'), bulk, big number, verbatim text
  int64_t integer = 0;        // integer; boolean as 0/1
  double dbl = 0;             // double
  std::vector<Value> elems;   // array, set, push; map as k1, v1, k2, v2, ...

  bool is_error() const { return type == Type::kError; }
  bool is_null() const { return type == Type::kNull; }
  // Debug text, e.g. `["a", 1, (nil)]`, for test failure messages.
  std::string ToString() const;
  bool operator==(const Value& other) const;
};

class ReplyParser {
 public:
  // Parses one reply from the front of `input`; see RequestParser::Parse for the contract.
  // Strings are copied into `*out`, so it does not point into `input`.
  ParseStatus Parse(std::string_view input, size_t* consumed, Value* out);
  const std::string& error() const { return error_; }

  // Forgets a partly read reply (after the caller dropped its buffer).
  void Reset();

 private:
  // An aggregate whose elements are still arriving.
  struct Frame {
    Value value;
    int64_t remaining;  // elements still to read (2 per map or attribute pair)
    bool attribute;     // `|`: its elements are dropped
  };

  // Reads the element at pos_. kOk with *complete true: a whole value is in *out; with
  // *complete false, a frame was opened (or an empty attribute skipped).
  ParseStatus ParseElement(std::string_view input, Value* out, bool* complete);
  ParseStatus Fail(std::string text);

  std::string error_;
  size_t pos_ = 0;            // offset in `input` of the next element
  std::vector<Frame> stack_;  // open aggregates, outermost first
};

// Parses all of `bytes`, which must hold exactly one complete reply (a test helper).
// Anything else (incomplete, malformed, trailing bytes) gives a kError Value whose text
// starts with "ParseReply: ".
Value ParseReply(std::string_view bytes);

}  // namespace shoal::protocol
