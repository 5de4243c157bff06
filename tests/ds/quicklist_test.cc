// Quicklist against a model (std::deque<std::string>): random pushes and pops at both ends,
// inserts, sets, range erases, conditional removals from either end, and walks in both
// directions, under several node limits (bytes and entry counts, one entry per node), with
// values from empty to larger than a node. Verify() checks node counts and byte totals.
#include "engine/ds/quicklist.h"

#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <string>
#include <vector>

namespace shoal::ds {
namespace {

std::string RandomValue(std::mt19937_64& rng) {
  switch (rng() % 10) {
    case 0:
      return "";
    case 1:
      return std::to_string(static_cast<int64_t>(rng() % 100000) - 50000);  // integers
    case 2:
      return std::string(200 + rng() % 5000, static_cast<char>('a' + rng() % 26));  // big
    default: {
      std::string s(1 + rng() % 12, 'x');
      for (char& c : s) c = static_cast<char>("ab\0\xff"[rng() % 4]);
      return s;
    }
  }
}

void ExpectSame(const Quicklist& ql, const std::deque<std::string>& model) {
  ASSERT_TRUE(ql.Verify());
  ASSERT_EQ(ql.size(), model.size());
  std::vector<std::string> forward, backward;
  if (!model.empty()) {
    ql.Walk(0, false, [&](size_t i, std::string_view v) {
      EXPECT_EQ(i, forward.size());
      forward.emplace_back(v);
      return true;
    });
    ql.Walk(model.size() - 1, true, [&](size_t i, std::string_view v) {
      EXPECT_EQ(i, model.size() - 1 - backward.size());
      backward.emplace_back(v);
      return true;
    });
  }
  ASSERT_EQ(forward, std::vector<std::string>(model.begin(), model.end()));
  ASSERT_EQ(backward, std::vector<std::string>(model.rbegin(), model.rend()));
}

class QuicklistModelTest : public ::testing::TestWithParam<int> {};

TEST_P(QuicklistModelTest, RandomOpsMatchDeque) {
  const int fill = GetParam();
  std::mt19937_64 rng(12345 + static_cast<uint64_t>(fill + 10));
  Quicklist ql;
  std::deque<std::string> model;
  for (int step = 0; step < 20000; ++step) {
    const size_t size = model.size();
    const int op = static_cast<int>(rng() % 100);
    if (op < 20) {
      std::string v = RandomValue(rng);
      ql.PushBack(v, fill);
      model.push_back(v);
    } else if (op < 40) {
      std::string v = RandomValue(rng);
      ql.PushFront(v, fill);
      model.push_front(v);
    } else if (op < 50 && size > 0) {
      ASSERT_EQ(ql.PopFront(), model.front());
      model.pop_front();
    } else if (op < 60 && size > 0) {
      ASSERT_EQ(ql.PopBack(), model.back());
      model.pop_back();
    } else if (op < 70) {
      size_t at = rng() % (size + 1);
      std::string v = RandomValue(rng);
      ql.Insert(at, v, fill);
      model.insert(model.begin() + static_cast<std::ptrdiff_t>(at), v);
    } else if (op < 78 && size > 0) {
      size_t at = rng() % size;
      std::string v = RandomValue(rng);
      ql.Set(at, v, fill);
      model[at] = v;
    } else if (op < 85 && size > 0) {
      size_t at = rng() % size;
      ASSERT_EQ(ql.At(at), model[at]);
      // A partial walk from a random index stops where told.
      size_t seen = 0;
      ql.Walk(at, rng() % 2 == 0, [&](size_t, std::string_view) { return ++seen < 3; });
      EXPECT_LE(seen, 3u);
    } else if (op < 90 && size > 0) {
      size_t at = rng() % size;
      size_t n = rng() % 8;
      ql.Erase(at, n, fill);
      model.erase(model.begin() + static_cast<std::ptrdiff_t>(at),
                  model.begin() + static_cast<std::ptrdiff_t>(std::min(size, at + n)));
    } else if (op < 93 && size > 0) {
      // Remove up to `limit` entries equal to a value present, from either end.
      std::string target = model[rng() % size];
      size_t limit = rng() % 3;
      bool from_tail = rng() % 2 == 0;
      size_t removed = ql.RemoveIf([&](std::string_view v) { return v == target; }, limit,
                                   from_tail, fill);
      size_t expect = 0;
      if (!from_tail) {
        for (auto it = model.begin(); it != model.end();) {
          if (*it == target && (limit == 0 || expect < limit)) {
            it = model.erase(it);
            ++expect;
          } else {
            ++it;
          }
        }
      } else {
        for (size_t i = model.size(); i-- > 0;) {
          if (model[i] == target && (limit == 0 || expect < limit)) {
            model.erase(model.begin() + static_cast<std::ptrdiff_t>(i));
            ++expect;
          }
        }
      }
      ASSERT_EQ(removed, expect);
    }
    if (step % 500 == 0) ExpectSame(ql, model);
  }
  ExpectSame(ql, model);
  while (!model.empty()) {
    ASSERT_EQ(ql.PopBack(), model.back());
    model.pop_back();
  }
  EXPECT_TRUE(ql.empty());
  EXPECT_EQ(ql.node_count(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Fills, QuicklistModelTest, ::testing::Values(-2, -1, -5, 0, 1, 3, 128));

TEST(QuicklistTest, NodeLimitsFollowRedis) {
  EXPECT_EQ(Quicklist::NodeLimit(-2).bytes, 8192u);
  EXPECT_EQ(Quicklist::NodeLimit(-1).bytes, 4096u);
  EXPECT_EQ(Quicklist::NodeLimit(-5).bytes, 65536u);
  EXPECT_EQ(Quicklist::NodeLimit(5).count, 5u);
  EXPECT_EQ(Quicklist::NodeLimit(0).count, 1u);
  EXPECT_FALSE(Quicklist::ExceedsLimit(-2, 8192, 100000));
  EXPECT_TRUE(Quicklist::ExceedsLimit(-2, 8193, 1));
  EXPECT_TRUE(Quicklist::ExceedsLimit(3, 100, 4));
  EXPECT_TRUE(Quicklist::ExceedsLimit(3, 8193, 1));  // the safety limit
  // Listpack entry sizes: small ints, strings with 1-, 2- and 5-byte headers.
  EXPECT_EQ(Quicklist::ListpackEntryBytes("7"), 2u);
  EXPECT_EQ(Quicklist::ListpackEntryBytes("-100"), 3u);
  EXPECT_EQ(Quicklist::ListpackEntryBytes("007"), 5u);  // not canonical: a string
  EXPECT_EQ(Quicklist::ListpackEntryBytes("hello"), 7u);
  EXPECT_EQ(Quicklist::ListpackEntryBytes(std::string(100, 'x')), 103u);
}

TEST(QuicklistTest, NodesStayWithinTheLimit) {
  Quicklist ql;
  for (int i = 0; i < 1000; ++i) ql.PushBack("element-" + std::to_string(i), 3);
  EXPECT_EQ(ql.node_count(), 334u);  // 3 entries a node
  for (int i = 0; i < 1000; ++i) ql.PushFront("x", -2);
  EXPECT_TRUE(ql.Verify());
  EXPECT_EQ(ql.At(0), "x");
  EXPECT_EQ(ql.At(1000), "element-0");
  EXPECT_EQ(ql.At(1999), "element-999");
}

TEST(QuicklistTest, EraseOfManyNodesAndRemoveIfCompact) {
  Quicklist ql;
  std::deque<std::string> model;
  for (int i = 0; i < 3000; ++i) {
    ql.PushBack(std::to_string(i % 7), 3);
    model.push_back(std::to_string(i % 7));
  }
  ql.Erase(5, 2500, 3);  // a part of a node, many whole nodes, a part of a node
  model.erase(model.begin() + 5, model.begin() + 2505);
  ExpectSame(ql, model);
  ql.Erase(0, 100000, 3);
  EXPECT_TRUE(ql.empty());
  EXPECT_EQ(ql.node_count(), 0u);
  for (int i = 0; i < 3000; ++i) ql.PushBack(std::to_string(i % 7), 3);
  // Removing every "0".."5" leaves only "6"s, merged back into full nodes.
  size_t removed = ql.RemoveIf([](std::string_view v) { return v != "6"; }, 0, false, 3);
  EXPECT_EQ(removed, 3000u - 428u);
  EXPECT_EQ(ql.size(), 428u);
  EXPECT_EQ(ql.node_count(), 143u);  // ceil(428 / 3)
  EXPECT_TRUE(ql.Verify());
}

}  // namespace
}  // namespace shoal::ds
