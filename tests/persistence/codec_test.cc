// The RDB building blocks: CRC64, LZF, listpack / ziplist / intset blobs, the reader's
// refusal of bad files.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "src/persistence/crc64.h"
#include "src/persistence/lzf.h"
#include "src/persistence/packed.h"
#include "src/persistence/rdb_reader.h"
#include "src/persistence/rdb_writer.h"

namespace shoal::persistence {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

TEST(Crc64Test, RedisCheckValue) {
  EXPECT_EQ(Crc64(0, "123456789"), 0xe9c6d914c4b8d9caULL);
  // Incremental equals one pass.
  EXPECT_EQ(Crc64(Crc64(0, "1234"), "56789"), 0xe9c6d914c4b8d9caULL);
}

TEST(LzfTest, LiteralsAndBackReferences) {
  std::string out;
  // "abc" as a literal run, then a back reference of length 3 at distance 3.
  ASSERT_TRUE(LzfDecompress(Bytes({2, 'a', 'b', 'c', 0x20, 2}), 6, &out));
  EXPECT_EQ(out, "abcabc");
  // An overlapping reference: "a" then 7 more copies of the previous byte (length 7 uses
  // the extra length byte: 7 - 2 = 5, top bits 5).
  ASSERT_TRUE(LzfDecompress(Bytes({0, 'a', 0xa0, 0}), 8, &out));
  EXPECT_EQ(out, "aaaaaaaa");
}

TEST(LzfTest, RejectsMalformed) {
  std::string out;
  EXPECT_FALSE(LzfDecompress(Bytes({5, 'a'}), 6, &out));               // literal past the end
  EXPECT_FALSE(LzfDecompress(Bytes({0x20, 5}), 3, &out));               // reference before start
  EXPECT_FALSE(LzfDecompress(Bytes({2, 'a', 'b', 'c'}), 4, &out));      // too short
  EXPECT_FALSE(LzfDecompress(Bytes({2, 'a', 'b', 'c'}), 2, &out));      // too long
}

TEST(ListpackTest, RoundTripEveryEncoding) {
  std::vector<std::string> values = {"0", "127", "128", "-1", "4095", "-4096", "4096",
                                     "32767", "-32768", "32768", "8388607", "-8388608",
                                     "2147483647", "-2147483648", "2147483648",
                                     "9223372036854775807", "-9223372036854775808",
                                     "", "a", "012", "+1", "1.5", std::string(63, 'x'),
                                     std::string(64, 'y'), std::string(4095, 'z'),
                                     std::string(4096, 'w'), std::string(20000, 'v')};
  ListpackBuilder lp;
  for (const std::string& v : values) lp.Add(v);
  EXPECT_EQ(lp.count(), values.size());
  std::string blob = lp.Finish();
  std::vector<std::string> out;
  ASSERT_TRUE(DecodeListpack(blob, &out));
  EXPECT_EQ(out, values);
  // Every truncation and a wrong total size are refused.
  for (size_t n = 0; n < blob.size(); n += 97) {
    std::vector<std::string> partial;
    EXPECT_FALSE(DecodeListpack(blob.substr(0, n), &partial)) << n;
  }
}

TEST(ListpackTest, HandBuiltBytes) {
  // total 15, 3 elements: 7-bit 5, 6-bit string "hi", 13-bit -2; terminator.
  std::string blob = Bytes({15, 0, 0, 0, 3, 0, 0x05, 1, 0x82, 'h', 'i', 3, 0xdf, 0xfe, 2});
  blob.push_back('\xff');
  blob[0] = static_cast<char>(blob.size());
  std::vector<std::string> out;
  ASSERT_TRUE(DecodeListpack(blob, &out));
  EXPECT_THAT(out, ElementsAre("5", "hi", "-2"));
}

TEST(ZiplistTest, HandBuiltBytes) {
  // zlbytes, zltail, zllen=5; entries: "abc", imm 7 (0xf8), int16 -300, int8 100, int24,
  // each with its prevlen byte; terminator.
  std::string body = Bytes({0, 0x03, 'a', 'b', 'c',            // prevlen 0, 6-bit str
                            5, 0xf8,                            // imm 7
                            2, 0xc0, 0xd4, 0xfe,                // int16 -300
                            3, 0xfe, 100,                       // int8 100
                            2, 0xf0, 0x40, 0x42, 0x0f});        // int24 1000000
  std::string blob = Bytes({0, 0, 0, 0, 0, 0, 0, 0, 5, 0}) + body + "\xff";
  blob[0] = static_cast<char>(blob.size());
  std::vector<std::string> out;
  ASSERT_TRUE(DecodeZiplist(blob, &out));
  EXPECT_THAT(out, ElementsAre("abc", "7", "-300", "100", "1000000"));
  std::vector<std::string> bad;
  EXPECT_FALSE(DecodeZiplist(blob.substr(0, blob.size() - 3), &bad));
}

TEST(IntsetTest, HandBuiltBytes) {
  std::string blob = Bytes({2, 0, 0, 0, 3, 0, 0, 0, 0xff, 0xff, 1, 0, 0x10, 0x27});
  std::vector<std::string> out;
  ASSERT_TRUE(DecodeIntset(blob, &out));
  EXPECT_THAT(out, ElementsAre("-1", "1", "10000"));
  std::vector<std::string> bad;
  EXPECT_FALSE(DecodeIntset(blob.substr(0, 12), &bad));
  EXPECT_FALSE(DecodeIntset(Bytes({3, 0, 0, 0, 0, 0, 0, 0}), &bad));
}

// A whole file built by hand: header, a string, an int-encoded string with a TTL in
// seconds, EOF and its CRC.
std::string HandFile(bool good_crc) {
  std::string f = "REDIS0010";
  f += Bytes({0xfa, 3, 'v', 'e', 'r', 3, '7', '.', '0'});  // AUX
  f += Bytes({0xfe, 0, 0xfb, 2, 1});                        // SELECTDB 0, RESIZEDB
  f += Bytes({0x00, 1, 'k', 2, 'h', 'i'});                  // "k" = "hi"
  f += Bytes({0xfd, 0x00, 0x00, 0x00, 0x70});               // EXPIRETIME 0x70000000 s
  f += Bytes({0x00, 1, 'n', 0xc1, 0x39, 0x30});             // "n" = int16 12345
  f += Bytes({0xff});
  uint64_t crc = good_crc ? Crc64(0, f) : 12345;
  for (int i = 0; i < 8; ++i) f.push_back(static_cast<char>(crc >> (8 * i)));
  return f;
}

TEST(RdbReaderTest, HandBuiltFile) {
  std::vector<LoadedKey> keys;
  const std::string file = HandFile(true);
  RdbReader reader(file, LoadLimits{});
  ASSERT_EQ(reader.Read([&](LoadedKey&& k) { keys.push_back(std::move(k)); }), "");
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].key, "k");
  EXPECT_EQ(keys[0].str, "hi");
  EXPECT_EQ(keys[0].expire_ms, 0);
  EXPECT_EQ(keys[1].str, "12345");
  EXPECT_EQ(keys[1].expire_ms, int64_t{0x70000000} * 1000);
  ASSERT_EQ(reader.aux().size(), 1u);
  EXPECT_EQ(reader.aux()[0].second, "7.0");
}

TEST(RdbReaderTest, RefusesBadFiles) {
  auto read = [](std::string_view data) {
    RdbReader reader(data, LoadLimits{});
    return reader.Read([](LoadedKey&&) {});
  };
  EXPECT_THAT(read("HELLO0010"), HasSubstr("Wrong signature"));
  EXPECT_THAT(read("REDIS0099xxxxxxxxxxxxxxxxx"), HasSubstr("Can't handle RDB format version 99"));
  EXPECT_THAT(read(HandFile(false)), HasSubstr("Wrong RDB checksum"));
  std::string file = HandFile(true);
  for (size_t n = 0; n < file.size(); ++n) {
    EXPECT_NE(read(file.substr(0, n)), "") << "truncated at " << n;
  }
  for (size_t i = 0; i < file.size(); ++i) {
    std::string flipped = file;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x5a);
    EXPECT_NE(read(flipped), "") << "byte " << i;
  }
  // Opcodes Shoal refuses clearly.
  std::string module = "REDIS0010" + Bytes({0xf7, 0x00});
  EXPECT_THAT(read(module + std::string(9, '\0')), HasSubstr("MODULE_AUX"));
  std::string zipmap = "REDIS0010" + Bytes({0x09, 1, 'h', 0});
  EXPECT_THAT(read(zipmap + std::string(9, '\0')), HasSubstr("zipmap"));
}

}  // namespace
}  // namespace shoal::persistence
