// ReplyWriter's bytes, compared exactly with what Redis 7.2 sends for each reply type in
// RESP2 and RESP3, and FormatDouble against Redis 7.2's d2string/fpconv_dtoa layout.
#include "protocol/reply_writer.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "protocol/resp_parser.h"

namespace shoal::protocol {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

// The bytes one call makes, at RESP version `resp`.
template <typename Fn>
std::string Write(int resp, Fn fn) {
  std::string out;
  ReplyWriter writer(&out, resp);
  fn(writer);
  return out;
}

// The bytes that are the same in both versions.
template <typename Fn>
void ExpectBoth(const std::string& expected, Fn fn) {
  EXPECT_EQ(Write(2, fn), expected) << "RESP2";
  EXPECT_EQ(Write(3, fn), expected) << "RESP3";
}

TEST(ReplyWriterTest, SimpleString) {
  ExpectBoth("+OK\r\n", [](ReplyWriter& w) { w.Ok(); });
  ExpectBoth("+PONG\r\n", [](ReplyWriter& w) { w.SimpleString("PONG"); });
  ExpectBoth("+\r\n", [](ReplyWriter& w) { w.SimpleString(""); });
  ExpectBoth("+a  b\r\n", [](ReplyWriter& w) { w.SimpleString("a\r\nb"); });
}

TEST(ReplyWriterTest, ErrorKeepsItsCode) {
  ExpectBoth("-ERR syntax error\r\n", [](ReplyWriter& w) { w.Error("ERR syntax error"); });
  ExpectBoth("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
             [](ReplyWriter& w) {
               w.Error("WRONGTYPE Operation against a key holding the wrong kind of value");
             });
  ExpectBoth("-MOVED 3999 127.0.0.1:6381\r\n",
             [](ReplyWriter& w) { w.Error("MOVED 3999 127.0.0.1:6381"); });
  ExpectBoth("-BUSYGROUP Consumer Group name already exists\r\n",
             [](ReplyWriter& w) { w.Error("BUSYGROUP Consumer Group name already exists"); });
  ExpectBoth("-NOSCRIPT\r\n", [](ReplyWriter& w) { w.Error("NOSCRIPT"); });
  ExpectBoth("-NOAUTH Authentication required.\r\n",
             [](ReplyWriter& w) { w.Error("-NOAUTH Authentication required."); });
}

TEST(ReplyWriterTest, ErrorWithoutCodeGetsErr) {
  ExpectBoth("-ERR syntax error\r\n", [](ReplyWriter& w) { w.Error("syntax error"); });
  ExpectBoth("-ERR Err lower\r\n", [](ReplyWriter& w) { w.Error("Err lower"); });
  ExpectBoth("-ERR I/O error\r\n", [](ReplyWriter& w) { w.Error("I/O error"); });
  ExpectBoth("-ERR 1 is not a code\r\n", [](ReplyWriter& w) { w.Error("1 is not a code"); });
  ExpectBoth("-ERR \r\n", [](ReplyWriter& w) { w.Error(""); });  // as addReplyError("")
  ExpectBoth("-ERR Protocol error: invalid bulk length\r\n",
             [](ReplyWriter& w) { w.Error("Protocol error: invalid bulk length"); });
}

TEST(ReplyWriterTest, ErrorStaysOneLine) {
  ExpectBoth("-ERR a  b c\r\n", [](ReplyWriter& w) { w.Error("ERR a\r\nb\nc"); });
  // A parser error goes out as Redis sends it.
  RequestParser parser;
  size_t consumed;
  std::vector<std::string_view> args;
  ASSERT_EQ(parser.Parse("*1\r\n\r\n", &consumed, &args), ParseStatus::kError);
  ExpectBoth("-ERR Protocol error: expected '$', got ' '\r\n",
             [&](ReplyWriter& w) { w.Error(parser.error()); });
}

TEST(ReplyWriterTest, Integer) {
  ExpectBoth(":0\r\n", [](ReplyWriter& w) { w.Integer(0); });
  ExpectBoth(":42\r\n", [](ReplyWriter& w) { w.Integer(42); });
  ExpectBoth(":-7\r\n", [](ReplyWriter& w) { w.Integer(-7); });
  ExpectBoth(":9223372036854775807\r\n", [](ReplyWriter& w) { w.Integer(INT64_MAX); });
  ExpectBoth(":-9223372036854775808\r\n", [](ReplyWriter& w) { w.Integer(INT64_MIN); });
}

TEST(ReplyWriterTest, Bulk) {
  ExpectBoth("$5\r\nhello\r\n", [](ReplyWriter& w) { w.Bulk("hello"); });
  ExpectBoth("$0\r\n\r\n", [](ReplyWriter& w) { w.Bulk(""); });
  ExpectBoth(std::string("$5\r\na\r\n\0b\r\n", 11),
             [](ReplyWriter& w) { w.Bulk(std::string_view("a\r\n\0b", 5)); });
  std::string big(100000, 'x');
  ExpectBoth(absl::StrCat("$100000\r\n", big, "\r\n"), [&](ReplyWriter& w) { w.Bulk(big); });
}

TEST(ReplyWriterTest, AggregateHeaders) {
  ExpectBoth("*3\r\n", [](ReplyWriter& w) { w.Array(3); });
  ExpectBoth("*0\r\n", [](ReplyWriter& w) { w.Array(0); });
  EXPECT_EQ(Write(2, [](ReplyWriter& w) { w.Map(2); }), "*4\r\n");
  EXPECT_EQ(Write(3, [](ReplyWriter& w) { w.Map(2); }), "%2\r\n");
  EXPECT_EQ(Write(2, [](ReplyWriter& w) { w.Map(0); }), "*0\r\n");
  EXPECT_EQ(Write(3, [](ReplyWriter& w) { w.Map(0); }), "%0\r\n");
  EXPECT_EQ(Write(2, [](ReplyWriter& w) { w.Set(5); }), "*5\r\n");
  EXPECT_EQ(Write(3, [](ReplyWriter& w) { w.Set(5); }), "~5\r\n");
  EXPECT_EQ(Write(2, [](ReplyWriter& w) { w.Push(3); }), "*3\r\n");
  EXPECT_EQ(Write(3, [](ReplyWriter& w) { w.Push(3); }), ">3\r\n");
}

TEST(ReplyWriterTest, Nulls) {
  EXPECT_EQ(Write(2, [](ReplyWriter& w) { w.Null(); }), "$-1\r\n");
  EXPECT_EQ(Write(3, [](ReplyWriter& w) { w.Null(); }), "_\r\n");
  EXPECT_EQ(Write(2, [](ReplyWriter& w) { w.NullArray(); }), "*-1\r\n");
  EXPECT_EQ(Write(3, [](ReplyWriter& w) { w.NullArray(); }), "_\r\n");
}

TEST(ReplyWriterTest, Double) {
  EXPECT_EQ(Write(2, [](ReplyWriter& w) { w.Double(1.5); }), "$3\r\n1.5\r\n");
  EXPECT_EQ(Write(3, [](ReplyWriter& w) { w.Double(1.5); }), ",1.5\r\n");
  EXPECT_EQ(Write(2, [](ReplyWriter& w) { w.Double(3); }), "$1\r\n3\r\n");
  EXPECT_EQ(Write(3, [](ReplyWriter& w) { w.Double(3); }), ",3\r\n");
  EXPECT_EQ(Write(2, [](ReplyWriter& w) { w.Double(kInf); }), "$3\r\ninf\r\n");
  EXPECT_EQ(Write(3, [](ReplyWriter& w) { w.Double(kInf); }), ",inf\r\n");
  EXPECT_EQ(Write(2, [](ReplyWriter& w) { w.Double(-kInf); }), "$4\r\n-inf\r\n");
  EXPECT_EQ(Write(3, [](ReplyWriter& w) { w.Double(-kInf); }), ",-inf\r\n");
  EXPECT_EQ(Write(3, [](ReplyWriter& w) { w.Double(kNan); }), ",nan\r\n");
  EXPECT_EQ(Write(3, [](ReplyWriter& w) { w.Double(1e20); }), ",1e+20\r\n");
}

TEST(ReplyWriterTest, Boolean) {
  EXPECT_EQ(Write(2, [](ReplyWriter& w) { w.Boolean(true); }), ":1\r\n");
  EXPECT_EQ(Write(2, [](ReplyWriter& w) { w.Boolean(false); }), ":0\r\n");
  EXPECT_EQ(Write(3, [](ReplyWriter& w) { w.Boolean(true); }), "#t\r\n");
  EXPECT_EQ(Write(3, [](ReplyWriter& w) { w.Boolean(false); }), "#f\r\n");
}

TEST(ReplyWriterTest, BigNumber) {
  const char* kDigits = "3492890328409238509324850943850943825024385";
  EXPECT_EQ(Write(2, [&](ReplyWriter& w) { w.BigNumber(kDigits); }),
            "$43\r\n3492890328409238509324850943850943825024385\r\n");
  EXPECT_EQ(Write(3, [&](ReplyWriter& w) { w.BigNumber(kDigits); }),
            "(3492890328409238509324850943850943825024385\r\n");
  EXPECT_EQ(Write(3, [](ReplyWriter& w) { w.BigNumber("-1"); }), "(-1\r\n");
}

TEST(ReplyWriterTest, Verbatim) {
  EXPECT_EQ(Write(2, [](ReplyWriter& w) { w.Verbatim("txt", "Some string"); }),
            "$11\r\nSome string\r\n");
  EXPECT_EQ(Write(3, [](ReplyWriter& w) { w.Verbatim("txt", "Some string"); }),
            "=15\r\ntxt:Some string\r\n");
  EXPECT_EQ(Write(3, [](ReplyWriter& w) { w.Verbatim("mkd", ""); }), "=4\r\nmkd:\r\n");
  EXPECT_EQ(Write(3, [](ReplyWriter& w) { w.Verbatim("txt", "a\r\nb"); }),
            "=8\r\ntxt:a\r\nb\r\n");
  EXPECT_EQ(Write(3, [](ReplyWriter& w) { w.Verbatim("markdown", "x"); }), "=5\r\nmar:x\r\n");
  EXPECT_EQ(Write(3, [](ReplyWriter& w) { w.Verbatim("t", "x"); }), "=5\r\nt  :x\r\n");
}

TEST(ReplyWriterTest, BulkArray) {
  std::string_view items[] = {"a", "", "ccc"};
  ExpectBoth("*3\r\n$1\r\na\r\n$0\r\n\r\n$3\r\nccc\r\n",
             [&](ReplyWriter& w) { w.BulkArray(items, 3); });
  ExpectBoth("*0\r\n", [&](ReplyWriter& w) { w.BulkArray(nullptr, 0); });
}

TEST(ReplyWriterTest, AppendsAndSwitchesVersion) {
  std::string out = "prefix";
  ReplyWriter writer(&out);
  EXPECT_EQ(writer.resp(), 2);
  EXPECT_EQ(writer.out(), &out);
  writer.Null();
  writer.set_resp(3);
  EXPECT_EQ(writer.resp(), 3);
  writer.Null();
  writer.Map(1);
  writer.Bulk("k");
  writer.Integer(1);
  EXPECT_EQ(out, "prefix$-1\r\n_\r\n%1\r\n$1\r\nk\r\n:1\r\n");
}

// ---------------------------------------------------------------------------------------
// FormatDouble.

TEST(FormatDoubleTest, SpecialValues) {
  EXPECT_EQ(FormatDouble(kInf), "inf");
  EXPECT_EQ(FormatDouble(-kInf), "-inf");
  EXPECT_EQ(FormatDouble(kNan), "nan");
  EXPECT_EQ(FormatDouble(-kNan), "nan");
  EXPECT_EQ(FormatDouble(0.0), "0");
  EXPECT_EQ(FormatDouble(-0.0), "-0");
}

TEST(FormatDoubleTest, IntegralValuesPrintAsIntegers) {
  EXPECT_EQ(FormatDouble(1), "1");
  EXPECT_EQ(FormatDouble(-1), "-1");
  EXPECT_EQ(FormatDouble(100), "100");
  EXPECT_EQ(FormatDouble(1e15), "1000000000000000");
  EXPECT_EQ(FormatDouble(1e18), "1000000000000000000");
  EXPECT_EQ(FormatDouble(-1e18), "-1000000000000000000");
  EXPECT_EQ(FormatDouble(4611686018427387904.0), "4611686018427387904");  // 2^62
}

TEST(FormatDoubleTest, BeyondTwoToThe62UsesFpconvLayout) {
  // Plain digits while at most 7 zeros follow them, else scientific.
  EXPECT_EQ(FormatDouble(9223372036854775808.0), "9223372036854776000");  // 2^63
  EXPECT_EQ(FormatDouble(123456789012345680000.0), "123456789012345680000");
  EXPECT_EQ(FormatDouble(1e20), "1e+20");
  EXPECT_EQ(FormatDouble(1.5e20), "1.5e+20");
  EXPECT_EQ(FormatDouble(-1e21), "-1e+21");
  EXPECT_EQ(FormatDouble(1e300), "1e+300");
  EXPECT_EQ(FormatDouble(1e100), "1e+100");
  EXPECT_EQ(FormatDouble(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
}

TEST(FormatDoubleTest, Fractions) {
  EXPECT_EQ(FormatDouble(1.5), "1.5");
  EXPECT_EQ(FormatDouble(-1.5), "-1.5");
  EXPECT_EQ(FormatDouble(0.5), "0.5");
  EXPECT_EQ(FormatDouble(0.1), "0.1");
  EXPECT_EQ(FormatDouble(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatDouble(3.14), "3.14");
  EXPECT_EQ(FormatDouble(123.456), "123.456");
  EXPECT_EQ(FormatDouble(1234.5678901), "1234.5678901");
  EXPECT_EQ(FormatDouble(0.001234), "0.001234");
  EXPECT_EQ(FormatDouble(0.0001), "0.0001");
  EXPECT_EQ(FormatDouble(-0.0001), "-0.0001");
  EXPECT_EQ(FormatDouble(0.000001), "0.000001");
}

TEST(FormatDoubleTest, SmallAndLongFractionsUseScientific) {
  // fpconv writes a decimal only with fewer than 7 fractional digits or |exponent| < 4.
  EXPECT_EQ(FormatDouble(1e-7), "1e-7");
  EXPECT_EQ(FormatDouble(1.5e-7), "1.5e-7");
  EXPECT_EQ(FormatDouble(1.234e-5), "1.234e-5");
  EXPECT_EQ(FormatDouble(12345.678901234), "1.2345678901234e+4");
  EXPECT_EQ(FormatDouble(1e-300), "1e-300");
  EXPECT_EQ(FormatDouble(5e-324), "5e-324");
  EXPECT_EQ(FormatDouble(2.2250738585072014e-308), "2.2250738585072014e-308");
}

TEST(FormatDoubleTest, RoundTripsRandomDoubles) {
  std::mt19937_64 rng(1);
  for (int i = 0; i < 100000; ++i) {
    uint64_t bits = rng();
    double v;
    std::memcpy(&v, &bits, sizeof(v));
    if (std::isnan(v)) continue;
    std::string text = FormatDouble(v);
    double back = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), back);
    ASSERT_EQ(ec, std::errc()) << text;
    ASSERT_EQ(end, text.data() + text.size()) << text;
    ASSERT_EQ(back, v) << text;
    ASSERT_LE(text.size(), 25u) << text;  // "-" and 17 digits with 7 zeros at most
  }
}

}  // namespace
}  // namespace shoal::protocol
