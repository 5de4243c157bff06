// ReplyParser on every RESP2/RESP3 reply type, split at every byte offset, and round trips
// ReplyWriter -> ReplyParser in both versions; Value's equality and debug text.
#include "protocol/reply_value.h"

#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "protocol/reply_writer.h"

namespace shoal::protocol {
namespace {

using Type = Value::Type;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

Value Str(Type type, std::string s) {
  Value v;
  v.type = type;
  v.str = std::move(s);
  return v;
}
Value Simple(std::string s) { return Str(Type::kSimple, std::move(s)); }
Value Err(std::string s) { return Str(Type::kError, std::move(s)); }
Value Bulk(std::string s) { return Str(Type::kBulk, std::move(s)); }
Value Big(std::string s) { return Str(Type::kBigNumber, std::move(s)); }
Value Verbatim(std::string s) { return Str(Type::kVerbatim, std::move(s)); }
Value Int(int64_t i) {
  Value v;
  v.type = Type::kInteger;
  v.integer = i;
  return v;
}
Value Bool(bool b) {
  Value v;
  v.type = Type::kBoolean;
  v.integer = b ? 1 : 0;
  return v;
}
Value Dbl(double d) {
  Value v;
  v.type = Type::kDouble;
  v.dbl = d;
  return v;
}
Value Nil() { return Value(); }
Value Agg(Type type, std::vector<Value> elems) {
  Value v;
  v.type = type;
  v.elems = std::move(elems);
  return v;
}
Value Arr(std::vector<Value> elems) { return Agg(Type::kArray, std::move(elems)); }
Value Map(std::vector<Value> elems) { return Agg(Type::kMap, std::move(elems)); }
Value Set(std::vector<Value> elems) { return Agg(Type::kSet, std::move(elems)); }
Value Push(std::vector<Value> elems) { return Agg(Type::kPush, std::move(elems)); }

// The reply at the front of `bytes` is `expected`, `consumed` bytes long; every shorter
// prefix is kIncomplete, for a fresh parser and for one that sees the buffer grow.
void ExpectReplyAtEverySplit(std::string_view bytes, const Value& expected, size_t consumed) {
  SCOPED_TRACE(::testing::PrintToString(std::string(bytes)));
  auto parse = [](ReplyParser& parser, std::string_view input, Value* out) {
    std::string copy(input);  // a new address each call
    size_t used = 999;
    ParseStatus status = parser.Parse(copy, &used, out);
    if (status != ParseStatus::kOk) {
      EXPECT_EQ(used, 0u);
    }
    return std::make_pair(status, used);
  };
  for (size_t split = 0; split < consumed; ++split) {
    ReplyParser parser;
    Value value;
    ASSERT_EQ(parse(parser, bytes.substr(0, split), &value).first, ParseStatus::kIncomplete)
        << "split " << split << ": " << parser.error();
    auto [status, used] = parse(parser, bytes, &value);
    ASSERT_EQ(status, ParseStatus::kOk) << "split " << split << ": " << parser.error();
    EXPECT_EQ(used, consumed);
    EXPECT_EQ(value, expected) << value.ToString() << " vs " << expected.ToString();
  }
  ReplyParser growing;
  Value value;
  for (size_t len = 0; len < consumed; ++len) {
    ASSERT_EQ(parse(growing, bytes.substr(0, len), &value).first, ParseStatus::kIncomplete)
        << "prefix " << len << ": " << growing.error();
  }
  auto [status, used] = parse(growing, bytes, &value);
  ASSERT_EQ(status, ParseStatus::kOk) << growing.error();
  EXPECT_EQ(used, consumed);
  EXPECT_EQ(value, expected) << value.ToString() << " vs " << expected.ToString();
}

void ExpectReplyAtEverySplit(std::string_view bytes, const Value& expected) {
  ExpectReplyAtEverySplit(bytes, expected, bytes.size());
}

void ExpectMalformed(std::string_view bytes, const std::string& error) {
  ReplyParser parser;
  size_t consumed = 7;
  Value value;
  EXPECT_EQ(parser.Parse(bytes, &consumed, &value), ParseStatus::kError)
      << ::testing::PrintToString(std::string(bytes));
  EXPECT_EQ(consumed, 0u);
  EXPECT_EQ(parser.error(), error);
}

// ---------------------------------------------------------------------------------------
// Each type from its wire bytes.

TEST(ReplyParserTest, Resp2Types) {
  ExpectReplyAtEverySplit("+OK\r\n", Simple("OK"));
  ExpectReplyAtEverySplit("+\r\n", Simple(""));
  ExpectReplyAtEverySplit("-ERR syntax error\r\n", Err("ERR syntax error"));
  ExpectReplyAtEverySplit(":0\r\n", Int(0));
  ExpectReplyAtEverySplit(":-9223372036854775808\r\n", Int(INT64_MIN));
  ExpectReplyAtEverySplit("$5\r\nhello\r\n", Bulk("hello"));
  ExpectReplyAtEverySplit("$0\r\n\r\n", Bulk(""));
  ExpectReplyAtEverySplit(std::string("$6\r\na\r\n\0\r\n\r\n", 12),
                          Bulk(std::string("a\r\n\0\r\n", 6)));
  ExpectReplyAtEverySplit("$-1\r\n", Nil());
  ExpectReplyAtEverySplit("*-1\r\n", Nil());
  ExpectReplyAtEverySplit("*0\r\n", Arr({}));
  ExpectReplyAtEverySplit("*3\r\n:1\r\n$1\r\na\r\n*2\r\n+x\r\n$-1\r\n",
                          Arr({Int(1), Bulk("a"), Arr({Simple("x"), Nil()})}));
}

TEST(ReplyParserTest, Resp3Types) {
  ExpectReplyAtEverySplit("_\r\n", Nil());
  ExpectReplyAtEverySplit(",1.5\r\n", Dbl(1.5));
  ExpectReplyAtEverySplit(",-2\r\n", Dbl(-2));
  ExpectReplyAtEverySplit(",1e+20\r\n", Dbl(1e20));
  ExpectReplyAtEverySplit(",inf\r\n", Dbl(kInf));
  ExpectReplyAtEverySplit(",-inf\r\n", Dbl(-kInf));
  ExpectReplyAtEverySplit(",nan\r\n", Dbl(kNan));
  ExpectReplyAtEverySplit("#t\r\n", Bool(true));
  ExpectReplyAtEverySplit("#f\r\n", Bool(false));
  ExpectReplyAtEverySplit("(3492890328409238509324850943850943825024385\r\n",
                          Big("3492890328409238509324850943850943825024385"));
  ExpectReplyAtEverySplit("=15\r\ntxt:Some string\r\n", Verbatim("Some string"));
  ExpectReplyAtEverySplit("=4\r\nmkd:\r\n", Verbatim(""));
  ExpectReplyAtEverySplit("!21\r\nSYNTAX invalid syntax\r\n", Err("SYNTAX invalid syntax"));
  ExpectReplyAtEverySplit("%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n",
                          Map({Simple("first"), Int(1), Simple("second"), Int(2)}));
  ExpectReplyAtEverySplit("%0\r\n", Map({}));
  ExpectReplyAtEverySplit("~3\r\n+a\r\n+b\r\n#t\r\n",
                          Set({Simple("a"), Simple("b"), Bool(true)}));
  ExpectReplyAtEverySplit(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n",
                          Push({Bulk("message"), Bulk("ch"), Bulk("hi")}));
}

TEST(ReplyParserTest, AttributesAreDropped) {
  // The example from the RESP3 specification.
  ExpectReplyAtEverySplit(
      "|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n"
      "*2\r\n:2039123\r\n:9543892\r\n",
      Arr({Int(2039123), Int(9543892)}));
  // Inside an aggregate, the value after the attribute takes the element's place.
  ExpectReplyAtEverySplit("*2\r\n:1\r\n|1\r\n+ttl\r\n:3600\r\n$1\r\nv\r\n",
                          Arr({Int(1), Bulk("v")}));
  ExpectReplyAtEverySplit("|0\r\n:7\r\n", Int(7));
  ExpectReplyAtEverySplit("|1\r\n+a\r\n:1\r\n|1\r\n+b\r\n:2\r\n_\r\n", Nil());
}

TEST(ReplyParserTest, PipelinedReplies) {
  std::string stream = "+OK\r\n*2\r\n:1\r\n:2\r\n$-1\r\n,3.5\r\n";
  ExpectReplyAtEverySplit(stream, Simple("OK"), 5);
  std::vector<Value> replies;
  ReplyParser parser;
  std::string_view rest = stream;
  while (!rest.empty()) {
    size_t consumed;
    Value value;
    ASSERT_EQ(parser.Parse(rest, &consumed, &value), ParseStatus::kOk);
    replies.push_back(value);
    rest.remove_prefix(consumed);
  }
  EXPECT_EQ(replies, (std::vector<Value>{Simple("OK"), Arr({Int(1), Int(2)}), Nil(), Dbl(3.5)}));
}

TEST(ReplyParserTest, LargeReplyInSmallReads) {
  std::string bytes;
  ReplyWriter writer(&bytes, 3);
  std::vector<Value> elems;
  writer.Array(5000);
  for (int i = 0; i < 5000; ++i) {
    writer.Map(1);
    writer.Bulk(std::string(i % 50, 'k'));
    writer.Integer(i);
    elems.push_back(Map({Bulk(std::string(i % 50, 'k')), Int(i)}));
  }
  ReplyParser parser;
  Value value;
  ParseStatus status = ParseStatus::kIncomplete;
  size_t consumed = 0;
  for (size_t len = 0; len <= bytes.size(); len += 13) {
    std::string copy = bytes.substr(0, len);
    status = parser.Parse(copy, &consumed, &value);
    ASSERT_NE(status, ParseStatus::kError) << parser.error();
    if (status == ParseStatus::kOk) break;
  }
  if (status != ParseStatus::kOk) status = parser.Parse(bytes, &consumed, &value);
  ASSERT_EQ(status, ParseStatus::kOk);
  EXPECT_EQ(consumed, bytes.size());
  EXPECT_EQ(value, Arr(elems));
}

TEST(ReplyParserTest, Malformed) {
  ExpectMalformed("?x\r\n", "Protocol error: unexpected reply type '?'");
  ExpectMalformed(":abc\r\n", "Protocol error: invalid integer 'abc'");
  ExpectMalformed(":01\r\n", "Protocol error: invalid integer '01'");
  ExpectMalformed(",1.5x\r\n", "Protocol error: invalid double '1.5x'");
  ExpectMalformed(",\r\n", "Protocol error: invalid double ''");
  ExpectMalformed("#x\r\n", "Protocol error: invalid boolean");
  ExpectMalformed("_x\r\n", "Protocol error: invalid null");
  ExpectMalformed("(\r\n", "Protocol error: invalid big number");
  ExpectMalformed("$-2\r\n", "Protocol error: invalid bulk length");
  ExpectMalformed("!-1\r\n", "Protocol error: invalid bulk length");
  ExpectMalformed("$x\r\n", "Protocol error: invalid bulk length");
  ExpectMalformed("$3\r\nabcXY", "Protocol error: expected \\r\\n after a bulk");
  ExpectMalformed("=3\r\ntxt\r\n", "Protocol error: invalid verbatim string");
  ExpectMalformed("=5\r\ntxt-a\r\n", "Protocol error: invalid verbatim string");
  ExpectMalformed("*-2\r\n", "Protocol error: invalid multibulk length");
  ExpectMalformed("%-1\r\n", "Protocol error: invalid multibulk length");
  ExpectMalformed("*x\r\n", "Protocol error: invalid multibulk length");
  ExpectMalformed("+OK\rX", "Protocol error: expected \\r\\n after a reply line");
  ExpectMalformed("*2\r\n:1\r\n?\r\n", "Protocol error: unexpected reply type '?'");
}

TEST(ReplyParserTest, NestingIsLimited) {
  std::string deep;
  for (int i = 0; i < 1000; ++i) deep += "*1\r\n";
  ReplyParser parser;
  size_t consumed;
  Value value;
  EXPECT_EQ(parser.Parse(deep + ":1\r\n", &consumed, &value), ParseStatus::kOk);
  EXPECT_EQ(parser.Parse(deep + "*1\r\n:1\r\n", &consumed, &value), ParseStatus::kError);
  EXPECT_EQ(parser.error(), "Protocol error: reply nested too deeply");
}

TEST(ReplyParserTest, ResetAndReuseAfterError) {
  ReplyParser parser;
  size_t consumed;
  Value value;
  ASSERT_EQ(parser.Parse("*2\r\n:1\r\n", &consumed, &value), ParseStatus::kIncomplete);
  parser.Reset();
  ASSERT_EQ(parser.Parse(":5\r\n", &consumed, &value), ParseStatus::kOk);
  EXPECT_EQ(value, Int(5));
  ASSERT_EQ(parser.Parse("*1\r\n?\r\n", &consumed, &value), ParseStatus::kError);
  ASSERT_EQ(parser.Parse("+OK\r\n", &consumed, &value), ParseStatus::kOk);
  EXPECT_EQ(value, Simple("OK"));
}

TEST(ParseReplyTest, OneCompleteReply) {
  EXPECT_EQ(ParseReply("*2\r\n$1\r\na\r\n:1\r\n"), Arr({Bulk("a"), Int(1)}));
  EXPECT_EQ(ParseReply("+OK\r\n+OK\r\n"), Err("ParseReply: 5 bytes after the reply"));
  EXPECT_EQ(ParseReply("*2\r\n:1\r\n"), Err("ParseReply: incomplete reply"));
  EXPECT_EQ(ParseReply("?\r\n"), Err("ParseReply: Protocol error: unexpected reply type '?'"));
}

// ---------------------------------------------------------------------------------------
// Round trips: ReplyWriter's bytes read back by ReplyParser at every split.

// One reply using every writer call, nested.
void WriteSample(ReplyWriter& w) {
  w.Array(13);
  w.SimpleString("OK");
  w.Error("WRONGTYPE Operation against a key holding the wrong kind of value");
  w.Integer(-42);
  w.Bulk(std::string("bin\r\n\0ary", 9));
  w.Null();
  w.NullArray();
  w.Map(2);
  w.Bulk("score");
  w.Double(0.1 + 0.2);
  w.Bulk("flags");
  w.Set(2);
  w.Boolean(true);
  w.Boolean(false);
  w.Push(2);
  w.Bulk("message");
  w.Double(-kInf);
  w.BigNumber("-123456789012345678901234567890");
  w.Verbatim("txt", "line one\r\nline two");
  std::string_view items[] = {"a", "", "c"};
  w.BulkArray(items, 3);
  w.Array(0);
  w.Double(kNan);
}

TEST(RoundTripTest, Resp3) {
  std::string bytes;
  ReplyWriter writer(&bytes, 3);
  WriteSample(writer);
  Value expected = Arr({
      Simple("OK"),
      Err("WRONGTYPE Operation against a key holding the wrong kind of value"),
      Int(-42),
      Bulk(std::string("bin\r\n\0ary", 9)),
      Nil(),
      Nil(),
      Map({Bulk("score"), Dbl(0.1 + 0.2), Bulk("flags"), Set({Bool(true), Bool(false)})}),
      Push({Bulk("message"), Dbl(-kInf)}),
      Big("-123456789012345678901234567890"),
      Verbatim("line one\r\nline two"),
      Arr({Bulk("a"), Bulk(""), Bulk("c")}),
      Arr({}),
      Dbl(kNan),
  });
  ExpectReplyAtEverySplit(bytes, expected);
}

TEST(RoundTripTest, Resp2DegradesAsRedis) {
  std::string bytes;
  ReplyWriter writer(&bytes, 2);
  WriteSample(writer);
  Value expected = Arr({
      Simple("OK"),
      Err("WRONGTYPE Operation against a key holding the wrong kind of value"),
      Int(-42),
      Bulk(std::string("bin\r\n\0ary", 9)),
      Nil(),
      Nil(),
      Arr({Bulk("score"), Bulk("0.30000000000000004"), Bulk("flags"), Arr({Int(1), Int(0)})}),
      Arr({Bulk("message"), Bulk("-inf")}),
      Bulk("-123456789012345678901234567890"),
      Bulk("line one\r\nline two"),
      Arr({Bulk("a"), Bulk(""), Bulk("c")}),
      Arr({}),
      Bulk("nan"),
  });
  ExpectReplyAtEverySplit(bytes, expected);
}

TEST(RoundTripTest, DoublesSurviveResp3) {
  for (double d : {0.0, -0.0, 1.0, 1.5, 0.1, 1e-7, 12345.678901234, 1e20, 5e-324,
                   std::numeric_limits<double>::max(), 9223372036854775808.0}) {
    std::string bytes;
    ReplyWriter(&bytes, 3).Double(d);
    Value v = ParseReply(bytes);
    ASSERT_EQ(v.type, Type::kDouble) << bytes;
    EXPECT_EQ(v.dbl, d) << bytes;
    EXPECT_EQ(std::signbit(v.dbl), std::signbit(d)) << bytes;
  }
}

// ---------------------------------------------------------------------------------------
// Value.

TEST(ValueTest, EqualityIsStructural) {
  EXPECT_EQ(Dbl(kNan), Dbl(kNan));
  EXPECT_EQ(Dbl(0.0), Dbl(-0.0));
  EXPECT_FALSE(Dbl(1.0) == Dbl(1.0000000000000002));
  EXPECT_FALSE(Int(1) == Bool(true));
  EXPECT_FALSE(Bulk("a") == Simple("a"));
  EXPECT_FALSE(Arr({}) == Set({}));
  EXPECT_FALSE(Arr({Int(1)}) == Arr({Int(1), Int(2)}));
  EXPECT_FALSE(Arr({Arr({Int(1)})}) == Arr({Arr({Int(2)})}));
  EXPECT_EQ(Map({Bulk("k"), Arr({Nil()})}), Map({Bulk("k"), Arr({Nil()})}));
  // Fields a type does not use are not compared.
  Value null_with_junk = Nil();
  null_with_junk.str = "junk";
  EXPECT_EQ(null_with_junk, Nil());
  EXPECT_TRUE(Nil().is_null());
  EXPECT_TRUE(Err("x").is_error());
  EXPECT_FALSE(Bulk("x").is_error());
}

TEST(ValueTest, ToString) {
  EXPECT_EQ(Arr({Bulk("a"), Int(1), Nil()}).ToString(), "[\"a\", 1, (nil)]");
  EXPECT_EQ(Simple("OK").ToString(), "+OK");
  EXPECT_EQ(Err("ERR x").ToString(), "(error) ERR x");
  EXPECT_EQ(Bulk(std::string("q\"\\\r\n\t\0\xff", 8)).ToString(),
            "\"q\\\"\\\\\\r\\n\\t\\x00\\xff\"");
  EXPECT_EQ(Map({Bulk("k"), Dbl(1.5)}).ToString(), "{\"k\": (double) 1.5}");
  EXPECT_EQ(Set({Bool(true), Bool(false)}).ToString(), "(set) [(true), (false)]");
  EXPECT_EQ(Push({Big("12")}).ToString(), "(push) [(big) 12]");
  EXPECT_EQ(Verbatim("hi").ToString(), "(verbatim) \"hi\"");
  EXPECT_EQ(Arr({}).ToString(), "[]");
}

}  // namespace
}  // namespace shoal::protocol
