#include "engine/ds/inline_string.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"

namespace shoal::ds {
namespace {

std::string Bytes(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s.push_back(static_cast<char>(i * 37 + 1));
  return s;
}

TEST(InlineStringTest, KeepsEveryLengthInlineOrOnTheHeap) {
  for (size_t n : {0, 1, 15, 16, 22, 23, 24, 25, 64, 1000}) {
    const std::string s = Bytes(n);
    InlineString is(s);
    EXPECT_EQ(is.view(), s) << n;
    EXPECT_EQ(is.size(), n);
    EXPECT_EQ(is.HeapBytes(), n > InlineString::kInlineMax ? n : 0) << n;
  }
  const std::string with_nul("a\0b\xff", 4);
  EXPECT_EQ(InlineString(with_nul).view(), with_nul);
}

TEST(InlineStringTest, CopyMoveAndAssign) {
  for (size_t n : {5, 23, 40}) {
    const std::string s = Bytes(n);
    InlineString a(s);
    InlineString b(a);
    EXPECT_EQ(b.view(), s);
    InlineString c(std::move(a));
    EXPECT_EQ(c.view(), s);
    EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move): moved-from is empty
    InlineString d("x");
    d = c;
    EXPECT_EQ(d.view(), s);
    InlineString e(Bytes(50));
    e = std::move(d);
    EXPECT_EQ(e.view(), s);
    e = InlineString("short");
    EXPECT_EQ(e.view(), "short");
  }
}

TEST(InlineStringTest, TableLooksUpByStringView) {
  absl::flat_hash_map<InlineString, int, InlineStringHash, InlineStringEq> table;
  for (int i = 0; i < 1000; ++i) {
    table.try_emplace(std::string_view(std::string(static_cast<size_t>(i % 40), 'k') +
                                       std::to_string(i)),
                      i);
  }
  ASSERT_EQ(table.size(), 1000u);
  for (int i = 0; i < 1000; ++i) {
    const std::string key = std::string(static_cast<size_t>(i % 40), 'k') + std::to_string(i);
    auto it = table.find(std::string_view(key));
    ASSERT_NE(it, table.end()) << key;
    EXPECT_EQ(it->second, i);
  }
  EXPECT_EQ(table.erase(std::string_view("k1")), 1u);
  EXPECT_EQ(table.find(std::string_view("k1")), table.end());
}

}  // namespace
}  // namespace shoal::ds
