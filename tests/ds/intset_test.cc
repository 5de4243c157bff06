// IntSet against a model (std::set<int64_t>), driven by random inserts, erases and lookups
// over values drawn so that every width (16, 32, 64 bits) and every upgrade path is hit,
// including the extremes of each width.
#include "engine/ds/intset.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <set>
#include <vector>

namespace shoal::ds {
namespace {

void ExpectSame(const IntSet& s, const std::set<int64_t>& model) {
  ASSERT_EQ(s.size(), model.size());
  size_t i = 0;
  for (int64_t v : model) ASSERT_EQ(s.At(i++), v) << "at " << i - 1;
}

TEST(IntSetTest, WidthGrowsAndNeverShrinks) {
  IntSet s;
  EXPECT_EQ(s.width(), 2u);
  EXPECT_TRUE(s.Insert(5));
  EXPECT_TRUE(s.Insert(-3));
  EXPECT_FALSE(s.Insert(5));
  EXPECT_EQ(s.width(), 2u);
  EXPECT_TRUE(s.Insert(INT16_MAX));
  EXPECT_EQ(s.width(), 2u);
  EXPECT_TRUE(s.Insert(INT16_MAX + 1));
  EXPECT_EQ(s.width(), 4u);
  EXPECT_TRUE(s.Insert(INT64_MIN));  // below every element: goes first
  EXPECT_EQ(s.width(), 8u);
  EXPECT_EQ(s.At(0), INT64_MIN);
  EXPECT_EQ(s.At(1), -3);
  EXPECT_EQ(s.At(4), INT16_MAX + 1);
  EXPECT_TRUE(s.Erase(INT64_MIN));
  EXPECT_FALSE(s.Erase(INT64_MIN));
  EXPECT_EQ(s.width(), 8u);
  EXPECT_TRUE(s.Contains(INT16_MAX + 1));
  EXPECT_FALSE(s.Contains(INT64_MAX));
}

TEST(IntSetTest, NarrowSetRefusesWideLookups) {
  IntSet s;
  s.Insert(1);
  // INT32_MAX + 1 truncated to 16 bits would be 0, never confused with an element.
  EXPECT_FALSE(s.Contains(int64_t{1} << 32 | 1));
  EXPECT_FALSE(s.Erase(int64_t{1} << 32 | 1));
  EXPECT_EQ(s.size(), 1u);
}

TEST(IntSetTest, RandomOpsMatchModel) {
  std::mt19937_64 rng(42);
  const std::vector<int64_t> edges = {INT16_MIN, INT16_MAX, INT32_MIN, INT32_MAX, INT64_MIN,
                                      INT64_MAX, 0, -1, 1};
  for (int round = 0; round < 20; ++round) {
    IntSet s;
    std::set<int64_t> model;
    for (int op = 0; op < 3000; ++op) {
      int64_t v;
      switch (rng() % 4) {
        case 0:
          v = static_cast<int64_t>(rng() % 200) - 100;
          break;
        case 1:
          v = static_cast<int64_t>(static_cast<int32_t>(rng())) / (round % 3 == 0 ? 1 : 1000);
          break;
        case 2:
          v = round % 2 == 0 ? static_cast<int64_t>(rng()) : static_cast<int64_t>(rng() % 50);
          break;
        default:
          v = edges[rng() % edges.size()];
      }
      switch (rng() % 3) {
        case 0:
        case 1:
          ASSERT_EQ(s.Insert(v), model.insert(v).second) << v;
          break;
        default:
          ASSERT_EQ(s.Erase(v), model.erase(v) > 0) << v;
      }
      ASSERT_EQ(s.Contains(v), model.count(v) > 0);
      if (op % 97 == 0) ExpectSame(s, model);
    }
    ExpectSame(s, model);
  }
}

}  // namespace
}  // namespace shoal::ds
