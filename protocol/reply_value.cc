// Value's debug text and equality, and ReplyParser.
//
// ReplyParser reads one element (a header line, plus the payload of a bulk) per step and
// keeps open aggregates on an explicit stack, so nesting never recurses and an unfinished
// reply resumes where it stopped. It is strict where RequestParser copies Redis's
// leniency: every line and payload must end in \r\n, because a reply that does not is a
// bug in whoever wrote it, and the round-trip tests should catch it.
#include "protocol/reply_value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "protocol/redis_int.h"
#include "protocol/reply_writer.h"

namespace shoal::protocol {
namespace {

// Deeper replies are refused: Value's destructor, == and ToString recurse per level.
constexpr size_t kMaxDepth = 1000;
// Elements reserved up front at most; a larger count grows as elements arrive.
constexpr int64_t kMaxElemsReserve = 1024;

// `s` quoted, with the escapes redis-cli uses for bytes that are not printable.
void AppendQuoted(std::string* out, std::string_view s) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '\\': out->append("\\\\"); break;
      case '"': out->append("\\\""); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\a': out->append("\\a"); break;
      case '\b': out->append("\\b"); break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out->push_back(static_cast<char>(c));
        } else {
          char buf[5];
          std::snprintf(buf, sizeof(buf), "\\x%02x", c);
          out->append(buf, 4);
        }
    }
  }
  out->push_back('"');
}

void AppendValue(std::string* out, const Value& v) {
  using Type = Value::Type;
  auto append_list = [&](std::string_view open, std::string_view close) {
    out->append(open);
    for (size_t i = 0; i < v.elems.size(); ++i) {
      if (i > 0) out->append(", ");
      AppendValue(out, v.elems[i]);
    }
    out->append(close);
  };
  switch (v.type) {
    case Type::kSimple: absl::StrAppend(out, "+", v.str); break;
    case Type::kError: absl::StrAppend(out, "(error) ", v.str); break;
    case Type::kInteger: absl::StrAppend(out, v.integer); break;
    case Type::kBulk: AppendQuoted(out, v.str); break;
    case Type::kNull: out->append("(nil)"); break;
    case Type::kArray: append_list("[", "]"); break;
    case Type::kSet: append_list("(set) [", "]"); break;
    case Type::kPush: append_list("(push) [", "]"); break;
    case Type::kMap:
      out->push_back('{');
      for (size_t i = 0; i + 1 < v.elems.size(); i += 2) {
        if (i > 0) out->append(", ");
        AppendValue(out, v.elems[i]);
        out->append(": ");
        AppendValue(out, v.elems[i + 1]);
      }
      out->push_back('}');
      break;
    case Type::kDouble: absl::StrAppend(out, "(double) ", FormatDouble(v.dbl)); break;
    case Type::kBoolean: out->append(v.integer ? "(true)" : "(false)"); break;
    case Type::kBigNumber: absl::StrAppend(out, "(big) ", v.str); break;
    case Type::kVerbatim:
      out->append("(verbatim) ");
      AppendQuoted(out, v.str);
      break;
  }
}

}  // namespace

std::string Value::ToString() const {
  std::string out;
  AppendValue(&out, *this);
  return out;
}

bool Value::operator==(const Value& other) const {
  if (type != other.type) return false;
  switch (type) {
    case Type::kSimple:
    case Type::kError:
    case Type::kBulk:
    case Type::kBigNumber:
    case Type::kVerbatim:
      return str == other.str;
    case Type::kInteger:
    case Type::kBoolean:
      return integer == other.integer;
    case Type::kDouble:
      return dbl == other.dbl || (std::isnan(dbl) && std::isnan(other.dbl));
    case Type::kNull:
      return true;
    case Type::kArray:
    case Type::kMap:
    case Type::kSet:
    case Type::kPush:
      return elems == other.elems;
  }
  return false;
}

void ReplyParser::Reset() {
  pos_ = 0;
  stack_.clear();
}

ParseStatus ReplyParser::Fail(std::string text) {
  error_ = std::move(text);
  Reset();
  return ParseStatus::kError;
}

ParseStatus ReplyParser::Parse(std::string_view input, size_t* consumed, Value* out) {
  *consumed = 0;
  if (pos_ > input.size()) Reset();  // the caller dropped its buffer without Reset()
  while (true) {
    Value value;
    bool complete = false;
    ParseStatus status = ParseElement(input, &value, &complete);
    if (status != ParseStatus::kOk) return status;
    if (!complete) continue;
    // Hand the finished value to the aggregates it completes, innermost first.
    while (true) {
      if (stack_.empty()) {
        *out = std::move(value);
        *consumed = pos_;
        Reset();
        return ParseStatus::kOk;
      }
      Frame& top = stack_.back();
      if (!top.attribute) top.value.elems.push_back(std::move(value));
      if (--top.remaining > 0) break;
      bool attribute = top.attribute;
      value = std::move(top.value);
      stack_.pop_back();
      // A finished attribute is dropped; the next element takes its place.
      if (attribute) break;
    }
  }
}

ParseStatus ReplyParser::ParseElement(std::string_view input, Value* out, bool* complete) {
  using Type = Value::Type;
  if (pos_ >= input.size()) return ParseStatus::kIncomplete;
  const void* hit = std::memchr(input.data() + pos_, '\r', input.size() - pos_);
  if (hit == nullptr) return ParseStatus::kIncomplete;
  size_t cr = static_cast<size_t>(static_cast<const char*>(hit) - input.data());
  if (cr + 1 >= input.size()) return ParseStatus::kIncomplete;
  if (input[cr + 1] != '\n') return Fail("Protocol error: expected \\r\\n after a reply line");
  const char type = input[pos_];
  const std::string_view line = input.substr(pos_ + 1, cr - pos_ - 1);
  const size_t next = cr + 2;

  auto scalar = [&](Type t) {
    out->type = t;
    pos_ = next;
    *complete = true;
    return ParseStatus::kOk;
  };

  switch (type) {
    case '+':
      out->str.assign(line);
      return scalar(Type::kSimple);
    case '-':
      out->str.assign(line);
      return scalar(Type::kError);
    case ':':
      if (!ParseRedisInt64(line, &out->integer)) {
        return Fail(absl::StrCat("Protocol error: invalid integer '", std::string(line), "'"));
      }
      return scalar(Type::kInteger);
    case '_':
      if (!line.empty()) return Fail("Protocol error: invalid null");
      return scalar(Type::kNull);
    case '#':
      if (line != "t" && line != "f") return Fail("Protocol error: invalid boolean");
      out->integer = line == "t" ? 1 : 0;
      return scalar(Type::kBoolean);
    case '(':
      if (line.empty()) return Fail("Protocol error: invalid big number");
      out->str.assign(line);
      return scalar(Type::kBigNumber);
    case ',': {
      // from_chars takes "inf", "-inf" and "nan", which is what RESP3 sends.
      auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), out->dbl);
      if (line.empty() || ec != std::errc() || end != line.data() + line.size()) {
        return Fail(absl::StrCat("Protocol error: invalid double '", std::string(line), "'"));
      }
      return scalar(Type::kDouble);
    }
    case '$':
    case '!':
    case '=': {
      int64_t len;
      if (!ParseRedisInt64(line, &len) || len < -1 || (len == -1 && type != '$')) {
        return Fail("Protocol error: invalid bulk length");
      }
      if (len == -1) return scalar(Type::kNull);
      size_t size = static_cast<size_t>(len);
      if (input.size() - next < size + 2) return ParseStatus::kIncomplete;
      if (input.substr(next + size, 2) != "\r\n") {
        return Fail("Protocol error: expected \\r\\n after a bulk");
      }
      std::string_view payload = input.substr(next, size);
      Type t = Type::kBulk;
      if (type == '!') {
        t = Type::kError;
      } else if (type == '=') {
        if (payload.size() < 4 || payload[3] != ':') {
          return Fail("Protocol error: invalid verbatim string");
        }
        payload.remove_prefix(4);
        t = Type::kVerbatim;
      }
      out->type = t;
      out->str.assign(payload);
      pos_ = next + size + 2;
      *complete = true;
      return ParseStatus::kOk;
    }
    case '*':
    case '%':
    case '~':
    case '>':
    case '|': {
      int64_t count;
      if (!ParseRedisInt64(line, &count) || count < -1 || (count == -1 && type != '*') ||
          count > INT64_MAX / 2) {
        return Fail("Protocol error: invalid multibulk length");
      }
      if (count == -1) return scalar(Type::kNull);
      Type t = type == '*' ? Type::kArray
             : type == '~' ? Type::kSet
             : type == '>' ? Type::kPush
                           : Type::kMap;
      int64_t elems = (type == '%' || type == '|') ? count * 2 : count;
      if (elems == 0) {
        if (type == '|') {  // an empty attribute: nothing to drop
          pos_ = next;
          return ParseStatus::kOk;
        }
        return scalar(t);
      }
      if (stack_.size() >= kMaxDepth) return Fail("Protocol error: reply nested too deeply");
      pos_ = next;
      Frame frame{Value{}, elems, type == '|'};
      frame.value.type = t;
      if (type != '|') {
        frame.value.elems.reserve(static_cast<size_t>(std::min(elems, kMaxElemsReserve)));
      }
      stack_.push_back(std::move(frame));
      return ParseStatus::kOk;
    }
    default:
      return Fail(std::string("Protocol error: unexpected reply type '") + type + "'");
  }
}

Value ParseReply(std::string_view bytes) {
  ReplyParser parser;
  size_t consumed = 0;
  Value value;
  auto fail = [](std::string_view why) {
    Value error;
    error.type = Value::Type::kError;
    error.str = "ParseReply: " + std::string(why);
    return error;
  };
  switch (parser.Parse(bytes, &consumed, &value)) {
    case ParseStatus::kOk:
      if (consumed != bytes.size()) {
        return fail(absl::StrCat(bytes.size() - consumed, " bytes after the reply"));
      }
      return value;
    case ParseStatus::kIncomplete:
      return fail("incomplete reply");
    case ParseStatus::kError:
      return fail(parser.error());
  }
  return fail("unreachable");
}

}  // namespace shoal::protocol
