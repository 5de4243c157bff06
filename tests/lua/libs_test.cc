// cmsgpack and struct inside a script, compared byte for byte with what Redis's
// deps/lua/src/lua_cmsgpack.c and lua_struct.c produce.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/lua/lua_test_util.h"

namespace shoal::lua {
namespace {

using ::testing::HasSubstr;

// `bytes` as a Lua string literal ("\204\128"): Lua 5.1 has only decimal escapes.
std::string LuaBytes(std::string_view bytes) {
  std::string out = "\"";
  for (unsigned char c : bytes) out += "\\" + std::to_string(c);
  return out + "\"";
}

std::string B(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

class CmsgpackTest : public LuaTest {
 protected:
  // The reply to `return cmsgpack.pack(<lua>)`.
  std::string Pack(std::string_view lua) {
    return Eval("return cmsgpack.pack(" + std::string(lua) + ")");
  }
};

TEST_F(CmsgpackTest, PositiveIntegersOfEveryWidth) {
  EXPECT_EQ(Pack("0"), BulkBytes(B({0x00})));
  EXPECT_EQ(Pack("127"), BulkBytes(B({0x7f})));
  EXPECT_EQ(Pack("128"), BulkBytes(B({0xcc, 0x80})));
  EXPECT_EQ(Pack("255"), BulkBytes(B({0xcc, 0xff})));
  EXPECT_EQ(Pack("256"), BulkBytes(B({0xcd, 0x01, 0x00})));
  EXPECT_EQ(Pack("65535"), BulkBytes(B({0xcd, 0xff, 0xff})));
  EXPECT_EQ(Pack("65536"), BulkBytes(B({0xce, 0x00, 0x01, 0x00, 0x00})));
  EXPECT_EQ(Pack("4294967295"), BulkBytes(B({0xce, 0xff, 0xff, 0xff, 0xff})));
  EXPECT_EQ(Pack("4294967296"),
            BulkBytes(B({0xcf, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00})));
  EXPECT_EQ(Pack("3.0"), BulkBytes(B({0x03})));  // integral doubles are integers
}

TEST_F(CmsgpackTest, NegativeIntegersOfEveryWidth) {
  EXPECT_EQ(Pack("-1"), BulkBytes(B({0xff})));
  EXPECT_EQ(Pack("-32"), BulkBytes(B({0xe0})));
  EXPECT_EQ(Pack("-33"), BulkBytes(B({0xd0, 0xdf})));
  EXPECT_EQ(Pack("-128"), BulkBytes(B({0xd0, 0x80})));
  EXPECT_EQ(Pack("-129"), BulkBytes(B({0xd1, 0xff, 0x7f})));
  EXPECT_EQ(Pack("-32768"), BulkBytes(B({0xd1, 0x80, 0x00})));
  EXPECT_EQ(Pack("-32769"), BulkBytes(B({0xd2, 0xff, 0xff, 0x7f, 0xff})));
  EXPECT_EQ(Pack("-2147483648"), BulkBytes(B({0xd2, 0x80, 0x00, 0x00, 0x00})));
  EXPECT_EQ(Pack("-2147483649"),
            BulkBytes(B({0xd3, 0xff, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff})));
}

TEST_F(CmsgpackTest, FloatsAndDoubles) {
  EXPECT_EQ(Pack("1.5"), BulkBytes(B({0xca, 0x3f, 0xc0, 0x00, 0x00})));
  EXPECT_EQ(Pack("-0.25"), BulkBytes(B({0xca, 0xbe, 0x80, 0x00, 0x00})));
  EXPECT_EQ(Pack("0.1"), BulkBytes(B({0xcb, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a})));
  EXPECT_EQ(Pack("1/0"), BulkBytes(B({0xca, 0x7f, 0x80, 0x00, 0x00})));  // inf fits a float
}

TEST_F(CmsgpackTest, StringsOfEveryLengthClass) {
  EXPECT_EQ(Pack("''"), BulkBytes(B({0xa0})));
  EXPECT_EQ(Pack("'abc'"), BulkBytes(B({0xa3, 'a', 'b', 'c'})));
  EXPECT_EQ(Pack("string.rep('x', 31)"), BulkBytes(B({0xbf}) + std::string(31, 'x')));
  EXPECT_EQ(Pack("string.rep('x', 32)"), BulkBytes(B({0xd9, 0x20}) + std::string(32, 'x')));
  EXPECT_EQ(Pack("string.rep('x', 255)"), BulkBytes(B({0xd9, 0xff}) + std::string(255, 'x')));
  EXPECT_EQ(Pack("string.rep('x', 256)"),
            BulkBytes(B({0xda, 0x01, 0x00}) + std::string(256, 'x')));
  EXPECT_EQ(Pack("string.rep('x', 65536)"),
            BulkBytes(B({0xdb, 0x00, 0x01, 0x00, 0x00}) + std::string(65536, 'x')));
}

TEST_F(CmsgpackTest, NilBooleansAndOtherTypes) {
  EXPECT_EQ(Pack("nil"), BulkBytes(B({0xc0})));
  EXPECT_EQ(Pack("true"), BulkBytes(B({0xc3})));
  EXPECT_EQ(Pack("false"), BulkBytes(B({0xc2})));
  EXPECT_EQ(Pack("function() end"), BulkBytes(B({0xc0})));
  EXPECT_EQ(Pack("coroutine.create(function() end)"), BulkBytes(B({0xc0})));
}

TEST_F(CmsgpackTest, ArraysAndMaps) {
  EXPECT_EQ(Pack("{}"), BulkBytes(B({0x90})));
  EXPECT_EQ(Pack("{1, 2, 3}"), BulkBytes(B({0x93, 0x01, 0x02, 0x03})));
  EXPECT_EQ(Pack("{a=1}"), BulkBytes(B({0x81, 0xa1, 'a', 0x01})));
  EXPECT_EQ(Pack("{[1]=1, [3]=3}"), BulkBytes(B({0x82, 0x01, 0x01, 0x03, 0x03})));
  EXPECT_EQ(Pack("{[2]=5}"), BulkBytes(B({0x81, 0x02, 0x05})));
  EXPECT_EQ(Pack("{1, {2, {a=true}}}"),
            BulkBytes(B({0x92, 0x01, 0x92, 0x02, 0x81, 0xa1, 'a', 0xc3})));
  std::string sixteen = B({0xdc, 0x00, 0x10}) + std::string(16, '\x07');
  EXPECT_EQ(Eval("local t = {} for i = 1, 16 do t[i] = 7 end return cmsgpack.pack(t)"),
            BulkBytes(sixteen));
  std::string big_map = Eval("local t = {} for i = 1, 16 do t['k' .. i] = i end "
                             "return string.sub(cmsgpack.pack(t), 1, 3)");
  EXPECT_EQ(big_map, BulkBytes(B({0xde, 0x00, 0x10})));
}

TEST_F(CmsgpackTest, NestingLimitEndsCycles) {
  // Tables nested 16 deep are encoded as nil, so a cycle terminates.
  std::string out = Eval("local t = {} t[1] = t return cmsgpack.pack(t)");
  EXPECT_EQ(out, BulkBytes(std::string(16, '\x91') + B({0xc0})));
}

// From Redis's tests/unit/scripting.tcl.
TEST_F(CmsgpackTest, RedisTestSuiteHex) {
  const char* hex = "local h = '' for i = 1, #encoded do "
                    "h = h .. string.format('%02x', string.byte(encoded, i)) end ";
  EXPECT_EQ(Eval(std::string("local encoded = cmsgpack.pack(0.1) ") + hex + "return h"),
            BulkBytes("cb3fb999999999999a"));
  EXPECT_EQ(Eval(std::string("local encoded = cmsgpack.pack(-1099511627776) ") + hex +
                 "return h"),
            BulkBytes("d3ffffff0000000000"));
  EXPECT_EQ(Eval(std::string("local a = {x=nil,y=5} local b = {x=a} a['x'] = b "
                             "local encoded = cmsgpack.pack(a) ") +
                 hex +
                 "local re = cmsgpack.unpack(encoded) "
                 "assert(re.x.x.x.x.x.x.x.x.x.x.x.x.x.x.y == re.y) "
                 "assert(re.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x) "
                 "assert(re.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x == nil) "
                 "return {h, re.x.x.x.x.x.x.x.x.y == re.y, re.y == 5}"),
            "*3\r\n" +
                BulkBytes("82a17905a17881a17882a17905a17881a17882a17905a17881a17882a17905a17881a"
                          "17882a17905a17881a17882a17905a17881a17882a17905a17881a17882a17905a178"
                          "81a178c0") +
                ":1\r\n:1\r\n");
}

TEST_F(CmsgpackTest, PackSeveralValues) {
  EXPECT_EQ(Pack("1, 'a', true"), BulkBytes(B({0x01, 0xa1, 'a', 0xc3})));
  EXPECT_THAT(Eval("return cmsgpack.pack()"), HasSubstr("MessagePack pack needs input."));
}

TEST_F(CmsgpackTest, UnpackKnownBytes) {
  auto unpack = [&](std::string_view bytes, std::string_view expr = "v") {
    return Eval("local v = cmsgpack.unpack(" + LuaBytes(bytes) + ") return " +
                std::string(expr));
  };
  EXPECT_EQ(unpack(B({0xcf, 0, 0, 0, 1, 0, 0, 0, 0})), ":4294967296\r\n");
  EXPECT_EQ(unpack(B({0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})), ":-1\r\n");
  EXPECT_EQ(unpack(B({0xd3, 0xff, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff})),
            ":-2147483649\r\n");
  EXPECT_EQ(unpack(B({0xd0, 0x80})), ":-128\r\n");
  EXPECT_EQ(unpack(B({0xd1, 0xff, 0x7f})), ":-129\r\n");
  EXPECT_EQ(unpack(B({0xd2, 0x80, 0, 0, 0})), ":-2147483648\r\n");
  EXPECT_EQ(unpack(B({0xcd, 0xff, 0xff})), ":65535\r\n");
  EXPECT_EQ(unpack(B({0xe0})), ":-32\r\n");
  EXPECT_EQ(unpack(B({0xca, 0x3f, 0xc0, 0, 0}), "tostring(v)"), BulkBytes("1.5"));
  EXPECT_EQ(unpack(B({0xcb, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a}), "v == 0.1"),
            ":1\r\n");
  EXPECT_EQ(unpack(B({0xd9, 3, 'a', 'b', 'c'})), BulkBytes("abc"));
  EXPECT_EQ(unpack(B({0xda, 0, 2, 'a', 'b'})), BulkBytes("ab"));
  EXPECT_EQ(unpack(B({0xdb, 0, 0, 0, 1, 'z'})), BulkBytes("z"));
  EXPECT_EQ(unpack(B({0xdc, 0, 2, 1, 2})), "*2\r\n:1\r\n:2\r\n");
  EXPECT_EQ(unpack(B({0xdd, 0, 0, 0, 1, 9})), "*1\r\n:9\r\n");
  EXPECT_EQ(unpack(B({0xde, 0, 1, 0xa1, 'a', 1}), "v.a"), ":1\r\n");
  EXPECT_EQ(unpack(B({0xdf, 0, 0, 0, 1, 0xa1, 'b', 2}), "v.b"), ":2\r\n");
  EXPECT_EQ(unpack(B({0x82, 0xa1, 'a', 0xc3, 0xa1, 'b', 0xc2}), "{v.a, v.b}"),
            "*2\r\n:1\r\n$-1\r\n");
  EXPECT_EQ(unpack(B({0xc0}), "v == nil"), ":1\r\n");
}

TEST_F(CmsgpackTest, RoundTrip) {
  EXPECT_EQ(Eval("local t = cmsgpack.unpack(cmsgpack.pack({1, -70000, 'x', {a={b=2.5}}, true})) "
                 "return {t[1], t[2], t[3], tostring(t[4].a.b), t[5]}"),
            "*5\r\n:1\r\n:-70000\r\n$1\r\nx\r\n$3\r\n2.5\r\n:1\r\n");
  EXPECT_EQ(Eval("local s = string.rep('y', 70000) return cmsgpack.unpack(cmsgpack.pack(s)) == s"),
            ":1\r\n");
}

TEST_F(CmsgpackTest, UnpackMultipleValues) {
  EXPECT_EQ(Eval("return {cmsgpack.unpack(cmsgpack.pack(1, 2, 'x'))}"),
            "*3\r\n:1\r\n:2\r\n$1\r\nx\r\n");
  EXPECT_EQ(Eval("return {cmsgpack.unpack_one(" + LuaBytes(B({1, 2, 3})) + ")}"),
            "*2\r\n:1\r\n:1\r\n");
  EXPECT_EQ(Eval("return {cmsgpack.unpack_one(" + LuaBytes(B({1, 2, 3})) + ", 2)}"),
            "*2\r\n:-1\r\n:3\r\n");
  EXPECT_EQ(Eval("return {cmsgpack.unpack_limit(" + LuaBytes(B({1, 2, 3})) + ", 2)}"),
            "*3\r\n:2\r\n:1\r\n:2\r\n");
  EXPECT_EQ(Eval("return {cmsgpack.unpack_limit(" + LuaBytes(B({1, 2, 3})) + ", 5, 1)}"),
            "*3\r\n:-1\r\n:2\r\n:3\r\n");
  EXPECT_EQ(Eval("return select('#', cmsgpack.unpack(''))"), ":0\r\n");
}

TEST_F(CmsgpackTest, UnpackErrors) {
  EXPECT_THAT(Eval("return cmsgpack.unpack(" + LuaBytes(B({0xcd, 0x01})) + ")"),
              HasSubstr("Missing bytes in input."));
  EXPECT_THAT(Eval("return cmsgpack.unpack(" + LuaBytes(B({0x92, 0x01})) + ")"),
              HasSubstr("Missing bytes in input."));
  EXPECT_THAT(Eval("return cmsgpack.unpack(" + LuaBytes(B({0xc1})) + ")"),
              HasSubstr("Bad data format in input."));
  EXPECT_THAT(Eval("return cmsgpack.unpack(" + LuaBytes(B({0xc4, 1, 0})) + ")"),
              HasSubstr("Bad data format in input."));
  EXPECT_THAT(Eval("return cmsgpack.unpack_one('a', 5)"),
              HasSubstr("Start offset 5 greater than input length 1."));
  EXPECT_THAT(Eval("return cmsgpack.unpack_one('a', -1)"),
              HasSubstr("Invalid request to unpack with offset of -1 and limit of 1."));
}

// ---- struct -------------------------------------------------------------------------------

TEST_F(LuaTest, StructPack) {
  EXPECT_EQ(Eval("return struct.pack('>i', 1)"), BulkBytes(B({0, 0, 0, 1})));
  EXPECT_EQ(Eval("return struct.pack('<i', 1)"), BulkBytes(B({1, 0, 0, 0})));
  EXPECT_EQ(Eval("return struct.pack('<h', -2)"), BulkBytes(B({0xfe, 0xff})));
  EXPECT_EQ(Eval("return struct.pack('>H', 258)"), BulkBytes(B({1, 2})));
  EXPECT_EQ(Eval("return struct.pack('bB', -1, 255)"), BulkBytes(B({0xff, 0xff})));
  EXPECT_EQ(Eval("return struct.pack('>l', -2)"),
            BulkBytes(B({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe})));
  EXPECT_EQ(Eval("return struct.pack('>i3', 65538)"), BulkBytes(B({1, 0, 2})));
  EXPECT_EQ(Eval("return struct.pack('>d', 1.5)"), BulkBytes(B({0x3f, 0xf8, 0, 0, 0, 0, 0, 0})));
  EXPECT_EQ(Eval("return struct.pack('<f', 1.5)"), BulkBytes(B({0, 0, 0xc0, 0x3f})));
  EXPECT_EQ(Eval("return struct.pack('s', 'ab')"), BulkBytes(B({'a', 'b', 0})));
  EXPECT_EQ(Eval("return struct.pack('c3', 'abcdef')"), BulkBytes("abc"));
  EXPECT_EQ(Eval("return struct.pack('c0', 'hello')"), BulkBytes("hello"));
  EXPECT_EQ(Eval("return struct.pack('bxb', 1, 2)"), BulkBytes(B({1, 0, 2})));
  EXPECT_EQ(Eval("return struct.pack('>!4 b i', 1, 2)"),
            BulkBytes(B({1, 0, 0, 0, 0, 0, 0, 2})));
  EXPECT_EQ(Eval("return struct.pack('>!2 b i', 1, 2)"), BulkBytes(B({1, 0, 0, 0, 0, 2})));
}

TEST_F(LuaTest, StructUnpack) {
  EXPECT_EQ(Eval("return {struct.unpack('>i', " + LuaBytes(B({0, 0, 0, 1})) + ")}"),
            "*2\r\n:1\r\n:5\r\n");
  EXPECT_EQ(Eval("return {struct.unpack('<h', " + LuaBytes(B({0xfe, 0xff})) + ")}"),
            "*2\r\n:-2\r\n:3\r\n");
  EXPECT_EQ(Eval("return {struct.unpack('<H', " + LuaBytes(B({0xfe, 0xff})) + ")}"),
            "*2\r\n:65534\r\n:3\r\n");
  EXPECT_EQ(Eval("return {struct.unpack('>l', struct.pack('>l', -5))}"),
            "*2\r\n:-5\r\n:9\r\n");
  EXPECT_EQ(Eval("return {struct.unpack('b c0', " + LuaBytes(B({3, 'a', 'b', 'c', 'd'})) +
                 ")}"),
            "*2\r\n$3\r\nabc\r\n:5\r\n");
  EXPECT_EQ(Eval("return {struct.unpack('s', " + LuaBytes(B({'a', 'b', 0, 'c'})) + ")}"),
            "*2\r\n$2\r\nab\r\n:4\r\n");
  EXPECT_EQ(Eval("return {struct.unpack('B', " + LuaBytes(B({1, 2})) + ", 2)}"),
            "*2\r\n:2\r\n:3\r\n");
  EXPECT_EQ(Eval("return {struct.unpack('>!4 b i', struct.pack('>!4 b i', 7, -9))}"),
            "*3\r\n:7\r\n:-9\r\n:9\r\n");
  EXPECT_EQ(Eval("return tostring(struct.unpack('<d', struct.pack('<d', 2.25)))"),
            BulkBytes("2.25"));
}

TEST_F(LuaTest, StructSize) {
  EXPECT_EQ(Eval("return struct.size('>iih')"), ":10\r\n");
  EXPECT_EQ(Eval("return struct.size('!4 b i')"), ":8\r\n");
  EXPECT_EQ(Eval("return struct.size('bxdc5')"), ":15\r\n");
  EXPECT_THAT(Eval("return struct.size('s')"),
              HasSubstr("bad argument #1 to 'size' (option 's' has no fixed size)"));
  EXPECT_THAT(Eval("return struct.size('c0')"), HasSubstr("option 'c0' has no fixed size"));
  EXPECT_THAT(Eval("return struct.pack('i99999999999', 1)"), HasSubstr("integral size overflow"));
}

TEST_F(LuaTest, StructErrors) {
  EXPECT_THAT(Eval("return struct.pack('i33', 1)"),
              HasSubstr("integral size 33 is larger than limit of 32"));
  EXPECT_THAT(Eval("return struct.unpack('>i', 'a')"), HasSubstr("data string too short"));
  EXPECT_THAT(Eval("return struct.pack('z')"), HasSubstr("invalid format option 'z'"));
  EXPECT_THAT(Eval("return struct.pack('!3')"), HasSubstr("alignment 3 is not a power of 2"));
  EXPECT_THAT(Eval("return struct.pack('c5', 'ab')"), HasSubstr("string too short"));
  EXPECT_THAT(Eval("return struct.unpack('s', 'ab')"), HasSubstr("unfinished string in data"));
  EXPECT_THAT(Eval("return struct.unpack('c0', 'ab')"),
              HasSubstr("format 'c0' needs a previous size"));
  EXPECT_THAT(Eval("return struct.unpack('b', 'a', 0)"),
              HasSubstr("offset must be 1 or greater"));
}

}  // namespace
}  // namespace shoal::lua
