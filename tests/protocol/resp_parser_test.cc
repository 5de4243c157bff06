// RequestParser against Redis 7's request parsing: every request is also fed split at
// every byte offset, both to a fresh parser and to one parser that sees the buffer grow a
// byte at a time (each time at a new address), and must give the same answer.
#include "protocol/resp_parser.h"

#include <algorithm>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace shoal::protocol {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

using Args = std::vector<std::string>;

struct Result {
  ParseStatus status;
  size_t consumed;
  Args args;
  std::string error;
};

// Parses `input` from a private copy, so the parser can never rely on the caller's
// buffer staying at one address between calls.
Result ParseCopy(RequestParser& parser, std::string_view input) {
  std::string copy(input);
  size_t consumed = 12345;
  std::vector<std::string_view> views;
  ParseStatus status = parser.Parse(copy, &consumed, &views);
  Result result{status, consumed, Args(views.begin(), views.end()), ""};
  if (status == ParseStatus::kError) result.error = parser.error();
  return result;
}

Result ParseFresh(std::string_view input, ParserLimits limits = {}) {
  RequestParser parser(limits);
  return ParseCopy(parser, input);
}

// The request at the front of `input` parses to `expected` using `consumed` bytes, and
// every shorter prefix is kIncomplete, whether the prefix is fed to a fresh parser or the
// buffer grows a byte at a time under one parser.
void ExpectRequestAtEverySplit(std::string_view input, const Args& expected, size_t consumed,
                               ParserLimits limits = {}) {
  SCOPED_TRACE(::testing::PrintToString(std::string(input)));
  ASSERT_LE(consumed, input.size());
  for (size_t split = 0; split < consumed; ++split) {
    SCOPED_TRACE(split);
    RequestParser parser(limits);
    Result partial = ParseCopy(parser, input.substr(0, split));
    ASSERT_EQ(partial.status, ParseStatus::kIncomplete);
    EXPECT_EQ(partial.consumed, 0u);
    EXPECT_THAT(partial.args, IsEmpty());
    Result full = ParseCopy(parser, input);
    ASSERT_EQ(full.status, ParseStatus::kOk) << full.error;
    EXPECT_EQ(full.consumed, consumed);
    EXPECT_EQ(full.args, expected);
  }
  RequestParser growing(limits);
  for (size_t len = 0; len < consumed; ++len) {
    Result partial = ParseCopy(growing, input.substr(0, len));
    ASSERT_EQ(partial.status, ParseStatus::kIncomplete) << "prefix " << len;
    EXPECT_EQ(partial.consumed, 0u);
  }
  Result full = ParseCopy(growing, input);
  ASSERT_EQ(full.status, ParseStatus::kOk) << full.error;
  EXPECT_EQ(full.consumed, consumed);
  EXPECT_EQ(full.args, expected);
}

void ExpectRequestAtEverySplit(std::string_view input, const Args& expected) {
  ExpectRequestAtEverySplit(input, expected, input.size());
}

// `input` fails with `error`; every prefix either waits for more or fails the same way.
void ExpectErrorAtEverySplit(std::string_view input, const std::string& error,
                             ParserLimits limits = {}) {
  SCOPED_TRACE(::testing::PrintToString(std::string(input)));
  Result whole = ParseFresh(input, limits);
  ASSERT_EQ(whole.status, ParseStatus::kError);
  EXPECT_EQ(whole.error, error);
  EXPECT_EQ(whole.consumed, 0u);
  // Every split point is cheap to try only for short inputs; long ones try a sample.
  size_t step = input.size() > 4096 ? input.size() / 97 + 1 : 1;
  for (size_t split = 0; split < input.size(); split += step) {
    SCOPED_TRACE(split);
    RequestParser parser(limits);
    Result partial = ParseCopy(parser, input.substr(0, split));
    if (partial.status == ParseStatus::kError) {
      EXPECT_EQ(partial.error, error);
      continue;
    }
    ASSERT_EQ(partial.status, ParseStatus::kIncomplete);
    Result full = ParseCopy(parser, input);
    ASSERT_EQ(full.status, ParseStatus::kError);
    EXPECT_EQ(full.error, error);
  }
  RequestParser growing(limits);
  for (size_t len = 0;; len = std::min(len + step, input.size())) {
    Result r = ParseCopy(growing, input.substr(0, len));
    if (r.status == ParseStatus::kError) {
      EXPECT_EQ(r.error, error);
      return;
    }
    ASSERT_EQ(r.status, ParseStatus::kIncomplete) << "prefix " << len;
    if (len == input.size()) break;
  }
  ADD_FAILURE() << "growing the buffer never reached the error";
}

// A connection: `chunks` arrive one after another and are appended to a buffer; complete
// requests are parsed off its front after each arrival, as a server loop does.
std::vector<Args> RunConnection(const std::vector<std::string>& chunks, std::string* error) {
  RequestParser parser;
  std::string buffer;
  std::vector<Args> requests;
  for (const std::string& chunk : chunks) {
    buffer += chunk;
    while (true) {
      // A fresh copy each time: the buffer of a real connection moves as it grows.
      std::string copy = buffer;
      size_t consumed = 0;
      std::vector<std::string_view> views;
      ParseStatus status = parser.Parse(copy, &consumed, &views);
      if (status == ParseStatus::kIncomplete) break;
      if (status == ParseStatus::kError) {
        *error = parser.error();
        return requests;
      }
      requests.emplace_back(views.begin(), views.end());
      buffer.erase(0, consumed);
    }
  }
  if (!buffer.empty()) *error = "leftover: " + buffer;
  return requests;
}

std::string Multibulk(const Args& args) {
  std::string out = absl::StrCat("*", args.size(), "\r\n");
  for (const std::string& arg : args) absl::StrAppend(&out, "$", arg.size(), "\r\n", arg, "\r\n");
  return out;
}

// ---------------------------------------------------------------------------------------
// Multibulk.

TEST(RequestParserTest, MultibulkGet) {
  Result r = ParseFresh("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
  ASSERT_EQ(r.status, ParseStatus::kOk);
  EXPECT_EQ(r.consumed, 20u);
  EXPECT_THAT(r.args, ElementsAre("GET", "k"));
}

TEST(RequestParserTest, MultibulkAtEverySplit) {
  ExpectRequestAtEverySplit("*1\r\n$4\r\nPING\r\n", {"PING"});
  ExpectRequestAtEverySplit("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n",
                            {"SET", "key", "value"});
  ExpectRequestAtEverySplit("*2\r\n$0\r\n\r\n$0\r\n\r\n", {"", ""});
  ExpectRequestAtEverySplit(Multibulk({"SET", std::string(300, 'v'), "x"}),
                            {"SET", std::string(300, 'v'), "x"});
}

TEST(RequestParserTest, MultibulkArgsAreViewsIntoTheInput) {
  std::string input = "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n";
  RequestParser parser;
  size_t consumed;
  std::vector<std::string_view> args;
  ASSERT_EQ(parser.Parse(input, &consumed, &args), ParseStatus::kOk);
  ASSERT_EQ(args.size(), 2u);
  EXPECT_EQ(args[0].data(), input.data() + 8);
  EXPECT_EQ(args[1].data(), input.data() + 17);
}

TEST(RequestParserTest, MultibulkIsBinarySafe) {
  std::string payload("a\r\nb\0c\r\n*1\r\n$", 13);
  std::string input = Multibulk({"SET", payload, std::string("\0", 1)});
  ExpectRequestAtEverySplit(input, {"SET", payload, std::string("\0", 1)});
}

TEST(RequestParserTest, MultibulkLeavesTheNextRequestAlone) {
  std::string first = "*1\r\n$4\r\nPING\r\n";
  std::string input = first + "*1\r\n$4\r\nEC";
  ExpectRequestAtEverySplit(input, {"PING"}, first.size());
  Result r = ParseFresh(input);
  EXPECT_EQ(r.consumed, first.size());
}

TEST(RequestParserTest, EmptyMultibulksAreEmptyRequests) {
  for (std::string_view input : {"*0\r\n", "*-1\r\n", "*-10\r\n"}) {
    ExpectRequestAtEverySplit(input, {});
  }
}

TEST(RequestParserTest, BytesAfterCrAreSkippedUncheckedAsRedisDoes) {
  // Redis skips the byte after a header's \r and the two bytes after a payload.
  ExpectRequestAtEverySplit("*1\rX$4\r\nPING\r\n", {"PING"});
  ExpectRequestAtEverySplit("*2\r\n$3\rYfooXY$1\r\nk\r\n", {"foo", "k"});
}

TEST(RequestParserTest, LargeRequestInSmallReads) {
  std::mt19937 rng(7);
  Args args;
  for (int i = 0; i < 3000; ++i) {
    args.push_back(std::string(rng() % 40, static_cast<char>('a' + rng() % 26)));
  }
  args.push_back(std::string(20000, 'z'));  // one big bulk at the end
  std::string input = Multibulk(args);
  std::vector<std::string> chunks;
  for (size_t pos = 0; pos < input.size();) {
    size_t len = 7 + pos % 5;
    chunks.push_back(input.substr(pos, len));
    pos += len;
  }
  std::string error;
  std::vector<Args> requests = RunConnection(chunks, &error);
  EXPECT_EQ(error, "");
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0], args);
}

TEST(RequestParserTest, ResetForgetsAPartialRequest) {
  RequestParser parser;
  ASSERT_EQ(ParseCopy(parser, "*3\r\n$3\r\nSET\r\n$1\r\n").status, ParseStatus::kIncomplete);
  parser.Reset();
  Result r = ParseCopy(parser, "*1\r\n$4\r\nPING\r\n");
  ASSERT_EQ(r.status, ParseStatus::kOk);
  EXPECT_THAT(r.args, ElementsAre("PING"));
}

TEST(RequestParserTest, ParserIsReusableAfterAnError) {
  RequestParser parser;
  ASSERT_EQ(ParseCopy(parser, "*1\r\n$x\r\n").status, ParseStatus::kError);
  Result r = ParseCopy(parser, "*1\r\n$4\r\nPING\r\n");
  ASSERT_EQ(r.status, ParseStatus::kOk);
  EXPECT_THAT(r.args, ElementsAre("PING"));
}

// ---------------------------------------------------------------------------------------
// Malformed multibulk, with Redis's exact texts.

TEST(RequestParserTest, InvalidMultibulkLength) {
  const std::string kError = "Protocol error: invalid multibulk length";
  for (std::string_view input : {"*\r\n", "*abc\r\n", "*1x\r\n", "*01\r\n", "*+1\r\n",
                                 "*-0\r\n", "* 1\r\n", "*99999999999999999999\r\n",
                                 "*2147483648\r\n"}) {
    ExpectErrorAtEverySplit(input, kError);
  }
}

TEST(RequestParserTest, MultibulkCountAtTheLimitWaitsForArguments) {
  // Redis 7 takes up to INT_MAX. Nothing is allocated for the count: the parser just
  // waits for the arguments.
  Result r = ParseFresh("*2147483647\r\n");
  EXPECT_EQ(r.status, ParseStatus::kIncomplete);
  ParserLimits limits;
  limits.max_args = 2;
  ExpectRequestAtEverySplit("*2\r\n$1\r\na\r\n$1\r\nb\r\n", {"a", "b"}, 18, limits);
  ExpectErrorAtEverySplit("*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n",
                          "Protocol error: invalid multibulk length", limits);
}

TEST(RequestParserTest, InvalidBulkLength) {
  const std::string kError = "Protocol error: invalid bulk length";
  for (std::string_view input :
       {"*1\r\n$-1\r\n", "*1\r\n$\r\n", "*1\r\n$abc\r\n", "*1\r\n$3x\r\nfoo\r\n",
        "*1\r\n$03\r\nfoo\r\n", "*1\r\n$+3\r\nfoo\r\n", "*1\r\n$9999999999999\r\n",
        "*1\r\n$99999999999999999999999\r\n", "*1\r\n$536870913\r\n",
        "*2\r\n$1\r\na\r\n$-5\r\n"}) {
    ExpectErrorAtEverySplit(input, kError);
  }
}

TEST(RequestParserTest, BulkLengthAtTheLimitWaitsForThePayload) {
  Result r = ParseFresh("*1\r\n$536870912\r\n");
  EXPECT_EQ(r.status, ParseStatus::kIncomplete);
  ParserLimits limits;
  limits.max_bulk_len = 3;
  ExpectRequestAtEverySplit("*1\r\n$3\r\nabc\r\n", {"abc"}, 13, limits);
  ExpectErrorAtEverySplit("*1\r\n$4\r\nabcd\r\n", "Protocol error: invalid bulk length", limits);
}

TEST(RequestParserTest, ExpectedDollar) {
  // Redis's own test: "Wrong multibulk payload header".
  ExpectErrorAtEverySplit("*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n",
                          "Protocol error: expected '$', got 'f'");
  ExpectErrorAtEverySplit("*1\r\n:1\r\n", "Protocol error: expected '$', got ':'");
  // Redis's reply shows a \r or \n there as a space (checked against redis-server 7.0).
  ExpectErrorAtEverySplit("*1\r\n\r\n", "Protocol error: expected '$', got ' '");
  ExpectErrorAtEverySplit("*1\r\n\n$\r\n", "Protocol error: expected '$', got ' '");
}

TEST(RequestParserTest, TooBigCountStrings) {
  std::string digits(64 * 1024 + 1, '1');
  ExpectErrorAtEverySplit(absl::StrCat("*", digits), "Protocol error: too big mbulk count string");
  ExpectErrorAtEverySplit(absl::StrCat("*1\r\n$", digits),
                          "Protocol error: too big bulk count string");
  // 64KB exactly is still a line that may end: it waits, then is judged as a number.
  std::string header = absl::StrCat("*", std::string(64 * 1024 - 1, '1'));
  EXPECT_EQ(ParseFresh(header).status, ParseStatus::kIncomplete);
  EXPECT_EQ(ParseFresh(header + "\r\n").error, "Protocol error: invalid multibulk length");
}

TEST(RequestParserTest, HeaderLineLimitFollowsMaxInlineLen) {
  ParserLimits limits;
  limits.max_inline_len = 4;
  ExpectRequestAtEverySplit("*1\r\n$3\r\nabc\r\n", {"abc"}, 13, limits);
  ExpectErrorAtEverySplit("*0001\r\n", "Protocol error: too big mbulk count string", limits);
  ExpectErrorAtEverySplit("*1\r\n$0001\r\n", "Protocol error: too big bulk count string", limits);
  // "$001" plus its \r fits in 4 + 1 bytes, so it is judged as a number instead.
  ExpectErrorAtEverySplit("*1\r\n$001\r\n", "Protocol error: invalid bulk length", limits);
}

// ---------------------------------------------------------------------------------------
// Inline.

TEST(RequestParserTest, InlineAtEverySplit) {
  ExpectRequestAtEverySplit("PING\r\n", {"PING"});
  ExpectRequestAtEverySplit("PING\n", {"PING"});
  ExpectRequestAtEverySplit("SET key value\r\n", {"SET", "key", "value"});
  ExpectRequestAtEverySplit("  GET \t  key   \r\n", {"GET", "key"});
  ExpectRequestAtEverySplit("SET k \"hello world\"\r\n", {"SET", "k", "hello world"});
}

TEST(RequestParserTest, EmptyInlineLinesAreEmptyRequests) {
  ExpectRequestAtEverySplit("\r\n", {});
  ExpectRequestAtEverySplit("\n", {});
  ExpectRequestAtEverySplit("   \t \r\n", {});
}

TEST(RequestParserTest, InlineDoubleQuotes) {
  ExpectRequestAtEverySplit("SET k \"a\\nb\\r\\t\\b\\a\\\\\\\"c\"\r\n",
                            {"SET", "k", "a\nb\r\t\b\a\\\"c"});
  ExpectRequestAtEverySplit("\"\\x41\\x4a\\x00z\"\n", {std::string("AJ\0z", 4)});
  // \x without two hex digits is an ordinary escape of 'x'.
  ExpectRequestAtEverySplit("\"\\x4g\" \"\\x\"\n", {"x4g", "x"});
  ExpectRequestAtEverySplit("\"\\q\"\n", {"q"});
  ExpectRequestAtEverySplit("\"\" \"\"\n", {"", ""});
  ExpectRequestAtEverySplit("\"a b\"\t\"c\"\n", {"a b", "c"});
  // A quote inside a bare word opens a quoted part of the same argument.
  ExpectRequestAtEverySplit("ab\"c d\"\n", {"abc d"});
  ExpectRequestAtEverySplit("a\"\"\n", {"a"});
}

TEST(RequestParserTest, InlineSingleQuotes) {
  ExpectRequestAtEverySplit("SET k 'it\\'s'\r\n", {"SET", "k", "it's"});
  ExpectRequestAtEverySplit("'a\\nb \"c\"'\n", {"a\\nb \"c\""});
  ExpectRequestAtEverySplit("'' x\n", {"", "x"});
}

TEST(RequestParserTest, InlineWhitespaceAsSdssplitargs) {
  // \r inside the line separates; \v and \f are skipped between words but kept inside one.
  ExpectRequestAtEverySplit("a\rb\r\n", {"a", "b"});
  ExpectRequestAtEverySplit("\v\fa\vb c\n", {"a\vb", "c"});
  ExpectRequestAtEverySplit("x\\y\n", {"x\\y"});  // no escapes outside quotes
}

TEST(RequestParserTest, UnbalancedQuotes) {
  const std::string kError = "Protocol error: unbalanced quotes in request";
  for (std::string_view input :
       {"SET \"a\r\n", "SET 'a\r\n", "SET \"a\"b\r\n", "SET 'a'b\r\n", "\"abc\\\"\n",
        "\"abc\\\n", "'abc\\'\n", "a\"b c\"d\n", "\"a\"\"b\"\n"}) {
    ExpectErrorAtEverySplit(input, kError);
  }
}

TEST(RequestParserTest, TooBigInlineRequest) {
  const std::string kError = "Protocol error: too big inline request";
  std::string line(64 * 1024, 'a');
  EXPECT_EQ(ParseFresh(line).status, ParseStatus::kIncomplete);
  ExpectErrorAtEverySplit(line + "a", kError);
  ExpectErrorAtEverySplit(line + "\r\n", kError);  // 64KB of text plus \r: no end in sight
  Result r = ParseFresh(line + "\n");
  ASSERT_EQ(r.status, ParseStatus::kOk);
  EXPECT_EQ(r.args, Args{line});
  ParserLimits limits;
  limits.max_inline_len = 8;
  ExpectRequestAtEverySplit("GET abc\r\n", {"GET", "abc"}, 9, limits);
  ExpectErrorAtEverySplit("GET abcd\r\n", kError, limits);
}

TEST(RequestParserTest, NulInALineHidesItsEndAsInRedis) {
  // Redis finds line ends with strchr(), which stops at a NUL: such a line never ends, and
  // fails once it is too long. Checked against redis-server 7.0.
  std::string filler(70000, 'x');
  std::string inline_line("GET a\0b\r\nPING\r\n", 15);
  EXPECT_EQ(ParseFresh(inline_line).status, ParseStatus::kIncomplete);
  ExpectErrorAtEverySplit(inline_line + filler, "Protocol error: too big inline request");
  std::string count("*1\0\r\n$4\r\nPING\r\n", 15);
  EXPECT_EQ(ParseFresh(count).status, ParseStatus::kIncomplete);
  ExpectErrorAtEverySplit(count + filler, "Protocol error: too big mbulk count string");
  std::string bulk("*1\r\n$4\0\r\nPING\r\n", 15);
  EXPECT_EQ(ParseFresh(bulk).status, ParseStatus::kIncomplete);
  ExpectErrorAtEverySplit(bulk + filler, "Protocol error: too big bulk count string");
  // In a payload a NUL is just a byte.
  ExpectRequestAtEverySplit(std::string("*1\r\n$4\r\nPI\0G\r\n", 14),
                            {std::string("PI\0G", 4)});
}

TEST(RequestParserTest, InlineArgsAreViewsUnlessUnescaped) {
  std::string input = "SET \"k v\" a\"b\" \"x\\ny\"\r\n";
  RequestParser parser;
  size_t consumed;
  std::vector<std::string_view> args;
  ASSERT_EQ(parser.Parse(input, &consumed, &args), ParseStatus::kOk);
  ASSERT_THAT(args, ElementsAre("SET", "k v", "ab", "x\ny"));
  auto in_input = [&](std::string_view arg) {
    return arg.data() >= input.data() && arg.data() < input.data() + input.size();
  };
  EXPECT_TRUE(in_input(args[0]));
  EXPECT_TRUE(in_input(args[1]));  // quoted but contiguous
  EXPECT_FALSE(in_input(args[2]));
  EXPECT_FALSE(in_input(args[3]));
}

TEST(RequestParserTest, ManyUnescapedInlineArgsStayValid) {
  // Short unescaped strings live inside their std::string object: the storage must never
  // move one while adding the next.
  std::string input;
  Args expected;
  for (int i = 0; i < 200; ++i) {
    absl::StrAppend(&input, " \"a", i, "\\t\"");
    expected.push_back(absl::StrCat("a", i, "\t"));
  }
  input += "\n";
  Result r = ParseFresh(input);
  ASSERT_EQ(r.status, ParseStatus::kOk);
  EXPECT_EQ(r.args, expected);
}

TEST(RequestParserTest, UnescapedArgsLastWhileParsingAlongOneBuffer) {
  // A server parses a whole pipeline before running it: the first request's unescaped
  // arguments must survive the parsing of the ones after it.
  std::string buffer;
  std::vector<Args> expected;
  for (int i = 0; i < 300; ++i) {
    // Long enough to live on the heap, where freed strings get reused at once.
    absl::StrAppend(&buffer, "SET \"key\\tnumber-", i, "\" 'value\\'number-", i, "'\r\n");
    expected.push_back({"SET", absl::StrCat("key\tnumber-", i), absl::StrCat("value'number-", i)});
  }
  absl::StrAppend(&buffer, "SET \"par");  // and a partial one the parser must wait for
  RequestParser parser;
  std::vector<std::vector<std::string_view>> parsed;
  std::string_view rest = buffer;
  while (true) {
    size_t consumed;
    std::vector<std::string_view> args;
    ParseStatus status = parser.Parse(rest, &consumed, &args);
    if (status != ParseStatus::kOk) {
      ASSERT_EQ(status, ParseStatus::kIncomplete);
      break;
    }
    parsed.push_back(args);
    rest.remove_prefix(consumed);
  }
  // Retrying the partial request (same start, as after a read) keeps them too.
  size_t consumed;
  std::vector<std::string_view> args;
  ASSERT_EQ(parser.Parse(rest, &consumed, &args), ParseStatus::kIncomplete);
  ASSERT_EQ(parsed.size(), expected.size());
  for (size_t i = 0; i < parsed.size(); ++i) {
    EXPECT_EQ(Args(parsed[i].begin(), parsed[i].end()), expected[i]) << i;
  }
}

// ---------------------------------------------------------------------------------------
// Pipelines.

TEST(RequestParserTest, PipelineAtEverySplit) {
  const std::vector<Args> expected = {
      {"SET", "k", "v"}, {}, {"GET", "k"}, {"PING"}, {}, {"ECHO", "a b"},
      {"SET", std::string("\r\n\0", 3), "x"}, {"INCR", "n"},
  };
  std::string stream = Multibulk(expected[0]) + "*0\r\n" + "GET k\r\n" + "PING\n" +
                       "\r\n" + "ECHO \"a b\"\r\n" + Multibulk(expected[6]) +
                       "*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n";
  std::string error;
  EXPECT_EQ(RunConnection({stream}, &error), expected);
  EXPECT_EQ(error, "");
  for (size_t split = 1; split < stream.size(); ++split) {
    SCOPED_TRACE(split);
    EXPECT_EQ(RunConnection({stream.substr(0, split), stream.substr(split)}, &error), expected);
    EXPECT_EQ(error, "");
  }
  std::mt19937 rng(42);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> chunks;
    for (size_t pos = 0; pos < stream.size();) {
      size_t len = 1 + rng() % 9;
      chunks.push_back(stream.substr(pos, len));
      pos += len;
    }
    EXPECT_EQ(RunConnection(chunks, &error), expected);
    EXPECT_EQ(error, "");
  }
}

TEST(RequestParserTest, PipelineStopsAtTheFirstError) {
  std::string stream = "PING\r\n*1\r\n$4\r\nPING\r\n*1\r\n$x\r\nGET k\r\n";
  for (size_t split = 1; split < stream.size(); ++split) {
    std::string error;
    std::vector<Args> requests =
        RunConnection({stream.substr(0, split), stream.substr(split)}, &error);
    EXPECT_EQ(requests, (std::vector<Args>{{"PING"}, {"PING"}}));
    EXPECT_EQ(error, "Protocol error: invalid bulk length");
  }
}

}  // namespace
}  // namespace shoal::protocol
