// The HTTP front's key mapping (src/http/key_mapping.h): one RESP key per path, read back
// unambiguously, and listing patterns that match exactly one namespace's prefix.
#include "src/http/key_mapping.h"

#include <set>

#include "engine/glob.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace shoal::http {
namespace {

TEST(KeyMappingTest, Format) {
  EXPECT_EQ(KeyFor("default", "users", "alice"), "ws:7:default:5:users:alice");
  EXPECT_EQ(NamespacePrefix("a", "b"), "ws:1:a:1:b:");
  EXPECT_EQ(KeyFor("", "", ""), "ws:0::0::");
}

TEST(KeyMappingTest, SlashesAndColonsDoNotCollide) {
  std::set<std::string> keys = {
      KeyFor("a/b", "c", "k"), KeyFor("a", "b/c", "k"), KeyFor("a", "b", "c/k"),
      KeyFor("a:1", "b", "k"), KeyFor("a", "1:b", "k"), KeyFor("a", "b", "1:k"),
      KeyFor("a:1:b", "", "k"), KeyFor("", "a:1:b", "k"),
  };
  EXPECT_EQ(keys.size(), 8u);
}

TEST(KeyMappingTest, ParseIsTheInverse) {
  const char* parts[][3] = {{"default", "users", "alice"}, {"a/b", "c", "k/l/m"},
                            {"x:1:y", "2:z", ":::"},         {"", "", ""},
                            {"ws", "ns", "ws:1:a:1:b:c"}};
  for (const auto& p : parts) {
    std::string ws, ns, key;
    ASSERT_TRUE(ParseKey(KeyFor(p[0], p[1], p[2]), &ws, &ns, &key)) << p[0];
    EXPECT_EQ(ws, p[0]);
    EXPECT_EQ(ns, p[1]);
    EXPECT_EQ(key, p[2]);
  }
  std::string binary("a\0b", 3);
  std::string ws, ns, key;
  ASSERT_TRUE(ParseKey(KeyFor(binary, "n", binary), &ws, &ns, &key));
  EXPECT_EQ(ws, binary);
  EXPECT_EQ(key, binary);
}

TEST(KeyMappingTest, ParseRefusesOtherKeys) {
  std::string ws, ns, key;
  for (const char* k : {"", "user:1", "ws:", "ws:x:a:1:b:c", "ws:5:a:1:b:c", "ws:1:a:1:b",
                        "ws:01:a:1:b:c", "ws:-1:a:1:b:c", "ws:1:ab1:b:c", "ws:99999999999999999999:a"}) {
    EXPECT_FALSE(ParseKey(k, &ws, &ns, &key)) << k;
  }
}

TEST(KeyMappingTest, ListPatternMatchesOnlyItsNamespaceAndPrefix) {
  std::string pattern = ListPattern("w", "n", "user-");
  EXPECT_TRUE(engine::GlobMatch(pattern, KeyFor("w", "n", "user-1")));
  EXPECT_TRUE(engine::GlobMatch(pattern, KeyFor("w", "n", "user-")));
  EXPECT_FALSE(engine::GlobMatch(pattern, KeyFor("w", "n", "admin")));
  EXPECT_FALSE(engine::GlobMatch(pattern, KeyFor("w", "n2", "user-1")));
  EXPECT_FALSE(engine::GlobMatch(pattern, KeyFor("w2", "n", "user-1")));
  EXPECT_TRUE(engine::GlobMatch(ListPattern("w", "n", ""), KeyFor("w", "n", "anything")));
}

TEST(KeyMappingTest, ListPatternEscapesGlobCharacters) {
  for (std::string special : {"*", "?", "[a]", "\\", "a*b"}) {
    std::string pattern = ListPattern("w*", "n?", special);
    EXPECT_TRUE(engine::GlobMatch(pattern, KeyFor("w*", "n?", special + "tail"))) << special;
    EXPECT_FALSE(engine::GlobMatch(pattern, KeyFor("w*", "n?", "x" + special))) << special;
    EXPECT_FALSE(engine::GlobMatch(pattern, KeyFor("wx", "n?", special))) << special;
  }
  EXPECT_FALSE(engine::GlobMatch(ListPattern("w", "n", "a*"), KeyFor("w", "n", "abc")));
}

TEST(KeyMappingTest, PercentDecode) {
  std::string out;
  ASSERT_TRUE(PercentDecode("a%2Fb%2fc", false, &out));
  EXPECT_EQ(out, "a/b/c");
  ASSERT_TRUE(PercentDecode("a+b%20c", false, &out));
  EXPECT_EQ(out, "a+b c");
  ASSERT_TRUE(PercentDecode("a+b", true, &out));
  EXPECT_EQ(out, "a b");
  ASSERT_TRUE(PercentDecode("%00", false, &out));
  EXPECT_EQ(out, std::string(1, '\0'));
  ASSERT_TRUE(PercentDecode("", false, &out));
  EXPECT_EQ(out, "");
  for (const char* bad : {"%", "%4", "%zz", "a%g0", "%%"}) {
    EXPECT_FALSE(PercentDecode(bad, false, &out)) << bad;
  }
}

}  // namespace
}  // namespace shoal::http
