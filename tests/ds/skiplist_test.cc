// Skiplist against a model: a sorted std::vector of (score, member) pairs (so ranks are
// indexes) plus a std::map from member to score, driven by tens of thousands of random
// inserts, deletes, score updates, rank lookups, score and lex range queries and range
// deletes. Scores come from a small pool (many ties, -0.0 beside 0.0, +-inf) and members
// from a tiny alphabet with NUL and 0xff bytes, so order by member bytes is exercised.
// Verify() checks every span on every level along the way.
#include "engine/ds/skiplist.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace shoal::ds {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

using Elem = std::pair<double, std::string>;

// Redis order, written independently of the skiplist: score as doubles, then bytes as
// unsigned chars, shorter first on a common prefix.
bool ModelLess(const Elem& a, const Elem& b) {
  if (a.first != b.first) return a.first < b.first;
  const size_t n = std::min(a.second.size(), b.second.size());
  for (size_t i = 0; i < n; ++i) {
    const auto ca = static_cast<unsigned char>(a.second[i]);
    const auto cb = static_cast<unsigned char>(b.second[i]);
    if (ca != cb) return ca < cb;
  }
  return a.second.size() < b.second.size();
}

struct Model {
  std::vector<Elem> sorted;
  std::map<std::string, double> score_of;

  void Insert(double score, const std::string& member) {
    Elem e{score, member};
    sorted.insert(std::lower_bound(sorted.begin(), sorted.end(), e, ModelLess), e);
    score_of[member] = score;
  }
  void Erase(const std::string& member) {
    Elem e{score_of.at(member), member};
    auto it = std::lower_bound(sorted.begin(), sorted.end(), e, ModelLess);
    ASSERT_TRUE(it != sorted.end() && it->second == member);
    sorted.erase(it);
    score_of.erase(member);
  }
  // 1-based, 0 when absent.
  uint64_t Rank(double score, const std::string& member) const {
    Elem e{score, member};
    auto it = std::lower_bound(sorted.begin(), sorted.end(), e, ModelLess);
    if (it == sorted.end() || it->second != member || it->first != score) return 0;
    return static_cast<uint64_t>(it - sorted.begin()) + 1;
  }
  // [begin, end) indexes of the elements whose score is in the range.
  std::pair<size_t, size_t> ScoreSpan(const ScoreRange& r) const {
    size_t begin = sorted.size(), end = 0;
    for (size_t i = 0; i < sorted.size(); ++i) {
      const double s = sorted[i].first;
      const bool in = (r.minex ? s > r.min : s >= r.min) && (r.maxex ? s < r.max : s <= r.max);
      if (in) {
        begin = std::min(begin, i);
        end = i + 1;
      }
    }
    if (begin >= end) return {0, 0};
    return {begin, end};
  }
};

// Members: length 0..7 over {a, b, c, NUL, 0xff} (short ones often, so they collide and
// share prefixes), sometimes 40 bytes long.
std::string RandomMember(std::mt19937_64& rng) {
  static const char kAlphabet[] = {'a', 'b', 'c', '\0', '\xff'};
  std::string m;
  const uint64_t r = rng() % 16;
  const size_t len = r == 0 ? 40 : r < 5 ? rng() % 3 : 3 + rng() % 5;
  for (size_t i = 0; i < len; ++i) m.push_back(kAlphabet[rng() % 5]);
  return m;
}

double RandomScore(std::mt19937_64& rng) {
  static const double kPool[] = {-kInf, -1e300, -2.5, -1, -0.0, 0.0, 0.5, 1, 3.25, 1e300, kInf};
  switch (rng() % 3) {
    case 0: return kPool[rng() % (sizeof kPool / sizeof kPool[0])];
    case 1: return static_cast<double>(static_cast<int>(rng() % 21) - 10);
    default: return std::ldexp(static_cast<double>(rng() % 100000) - 50000, -3);
  }
}

ScoreRange RandomScoreRange(std::mt19937_64& rng) {
  ScoreRange r{RandomScore(rng), RandomScore(rng), rng() % 2 == 0, rng() % 2 == 0};
  if (rng() % 4 != 0 && r.min > r.max) std::swap(r.min, r.max);  // mostly non-empty
  if (rng() % 16 == 0) r.min = -kInf;
  if (rng() % 16 == 0) r.max = kInf;
  return r;
}

// Compares the whole list with the model, both directions, and checks every span.
void ExpectSame(const Skiplist& list, const Model& model) {
  ASSERT_TRUE(list.Verify());
  ASSERT_EQ(list.size(), model.sorted.size());
  size_t i = 0;
  for (const Skiplist::Node* x = list.First(); x != nullptr; x = x->Next(), ++i) {
    ASSERT_LT(i, model.sorted.size());
    ASSERT_EQ(x->member(), model.sorted[i].second) << "at " << i;
    ASSERT_EQ(x->score(), model.sorted[i].first) << "at " << i;
    // Same double, same sign: the stored score is the one given.
    ASSERT_EQ(std::signbit(x->score()), std::signbit(model.sorted[i].first)) << "at " << i;
  }
  ASSERT_EQ(i, model.sorted.size());
  for (const Skiplist::Node* x = list.Last(); x != nullptr; x = x->Prev()) {
    ASSERT_GT(i, 0u);
    --i;
    ASSERT_EQ(x->member(), model.sorted[i].second);
  }
  ASSERT_EQ(i, 0u);
}

void ExpectAllRanks(const Skiplist& list, const Model& model) {
  for (size_t i = 0; i < model.sorted.size(); ++i) {
    const Elem& e = model.sorted[i];
    ASSERT_EQ(list.Rank(e.first, e.second), i + 1);
    const Skiplist::Node* x = list.ByRank(i + 1);
    ASSERT_NE(x, nullptr);
    ASSERT_EQ(x->member(), e.second);
  }
  ASSERT_EQ(list.ByRank(0), nullptr);
  ASSERT_EQ(list.ByRank(model.sorted.size() + 1), nullptr);
}

void ExpectScoreRange(const Skiplist& list, const Model& model, const ScoreRange& r) {
  const auto [begin, end] = model.ScoreSpan(r);
  const Skiplist::Node* first = list.FirstInRange(r);
  const Skiplist::Node* last = list.LastInRange(r);
  SCOPED_TRACE(testing::Message() << (r.minex ? "(" : "[") << r.min << " " << (r.maxex ? "(" : "[")
                                  << r.max);
  if (begin == end) {
    ASSERT_EQ(first, nullptr);
    ASSERT_EQ(last, nullptr);
    return;
  }
  ASSERT_NE(first, nullptr);
  ASSERT_NE(last, nullptr);
  ASSERT_EQ(first->member(), model.sorted[begin].second);
  ASSERT_EQ(last->member(), model.sorted[end - 1].second);
  ASSERT_EQ(list.Rank(first->score(), first->member()), begin + 1);
  ASSERT_EQ(list.Rank(last->score(), last->member()), end);
}

TEST(SkiplistTest, EmptyList) {
  Skiplist list(1);
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.size(), 0u);
  EXPECT_EQ(list.First(), nullptr);
  EXPECT_EQ(list.Last(), nullptr);
  EXPECT_EQ(list.ByRank(0), nullptr);
  EXPECT_EQ(list.ByRank(1), nullptr);
  EXPECT_EQ(list.Rank(0, "a"), 0u);
  EXPECT_FALSE(list.Delete(0, "a"));
  EXPECT_EQ(list.FirstInRange({-kInf, kInf}), nullptr);
  EXPECT_EQ(list.LastInRange({-kInf, kInf}), nullptr);
  const LexRange all{LexBound::MinusInf(), LexBound::PlusInf()};
  EXPECT_EQ(list.FirstInLexRange(all), nullptr);
  EXPECT_EQ(list.LastInLexRange(all), nullptr);
  int calls = 0;
  auto count = [&](std::string_view, double) { ++calls; };
  EXPECT_EQ(list.DeleteRangeByScore({-kInf, kInf}, count), 0u);
  EXPECT_EQ(list.DeleteRangeByLex(all, count), 0u);
  EXPECT_EQ(list.DeleteRangeByRank(1, 10, count), 0u);
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(list.level(), 1);
  EXPECT_GT(list.MemoryUsage(), sizeof(Skiplist));
  EXPECT_TRUE(list.Verify());
}

TEST(SkiplistTest, SingleElement) {
  Skiplist list(2);
  Skiplist::Node* n = list.Insert(1.5, "m");
  EXPECT_EQ(list.First(), n);
  EXPECT_EQ(list.Last(), n);
  EXPECT_EQ(n->Next(), nullptr);
  EXPECT_EQ(n->Prev(), nullptr);
  EXPECT_EQ(n->score(), 1.5);
  EXPECT_EQ(n->member(), "m");
  EXPECT_EQ(list.Rank(1.5, "m"), 1u);
  EXPECT_EQ(list.Rank(1.5, "n"), 0u);
  EXPECT_EQ(list.Rank(1.0, "m"), 0u);
  EXPECT_EQ(list.ByRank(1), n);
  EXPECT_EQ(list.ByRank(2), nullptr);
  EXPECT_EQ(list.FirstInRange({1.5, 1.5}), n);
  EXPECT_EQ(list.FirstInRange({1.5, 1.5, true, false}), nullptr);
  EXPECT_EQ(list.LastInRange({1.5, 1.5, false, true}), nullptr);
  EXPECT_EQ(list.LastInRange({-kInf, 2}), n);
  EXPECT_FALSE(list.Delete(1.5, "x"));
  EXPECT_FALSE(list.Delete(2.5, "m"));
  EXPECT_TRUE(list.Delete(1.5, "m"));
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.First(), nullptr);
  EXPECT_EQ(list.Last(), nullptr);
  EXPECT_TRUE(list.Verify());
}

std::vector<std::string> Members(const Skiplist& list) {
  std::vector<std::string> out;
  for (const Skiplist::Node* x = list.First(); x != nullptr; x = x->Next()) {
    out.emplace_back(x->member());
  }
  return out;
}

TEST(SkiplistTest, EqualScoresOrderByMemberBytes) {
  Skiplist list(3);
  for (const char* m : {"b", "ab", "a", "", "z"}) list.Insert(7, m);
  list.Insert(7, std::string("\xff", 1));
  list.Insert(7, std::string("\0", 1));
  list.Insert(7, std::string("a\0", 2));
  EXPECT_EQ(Members(list),
            (std::vector<std::string>{"", std::string("\0", 1), "a", std::string("a\0", 2), "ab",
                                      "b", "z", std::string("\xff", 1)}));
  EXPECT_EQ(list.Rank(7, "ab"), 5u);
  EXPECT_TRUE(list.Verify());
}

TEST(SkiplistTest, NegativeZeroEqualsZero) {
  Skiplist list(4);
  list.Insert(0.0, "b");
  list.Insert(-0.0, "c");
  list.Insert(-0.0, "a");
  list.Insert(-1e-300, "z");
  EXPECT_EQ(Members(list), (std::vector<std::string>{"z", "a", "b", "c"}));
  // Either zero finds either element: they compare equal, as in Redis.
  EXPECT_EQ(list.Rank(0.0, "a"), 2u);
  EXPECT_EQ(list.Rank(-0.0, "b"), 3u);
  EXPECT_TRUE(std::signbit(list.ByRank(2)->score()));  // stored as given
  EXPECT_EQ(list.FirstInRange({0.0, 0.0})->member(), "a");
  EXPECT_EQ(list.LastInRange({-0.0, -0.0})->member(), "c");
  EXPECT_EQ(list.FirstInRange({0.0, 1, true, false}), nullptr);
  EXPECT_EQ(list.LastInRange({-1, -0.0, false, true})->member(), "z");
  EXPECT_TRUE(list.Delete(0.0, "c"));
  EXPECT_EQ(Members(list), (std::vector<std::string>{"z", "a", "b"}));
  EXPECT_TRUE(list.Verify());
}

TEST(SkiplistTest, Infinities) {
  Skiplist list(5);
  list.Insert(kInf, "top");
  list.Insert(-kInf, "bottom");
  list.Insert(0, "mid");
  list.Insert(kInf, "atop");
  EXPECT_EQ(Members(list), (std::vector<std::string>{"bottom", "mid", "atop", "top"}));
  EXPECT_EQ(list.FirstInRange({-kInf, kInf})->member(), "bottom");
  EXPECT_EQ(list.LastInRange({-kInf, kInf})->member(), "top");
  EXPECT_EQ(list.FirstInRange({-kInf, kInf, true, true})->member(), "mid");
  EXPECT_EQ(list.LastInRange({-kInf, kInf, true, true})->member(), "mid");
  EXPECT_EQ(list.FirstInRange({kInf, kInf})->member(), "atop");
  EXPECT_EQ(list.FirstInRange({kInf, kInf, true, false}), nullptr);
  EXPECT_EQ(list.LastInRange({-kInf, -kInf})->member(), "bottom");
  EXPECT_EQ(list.Rank(kInf, "top"), 4u);
  EXPECT_EQ(list.Rank(-kInf, "bottom"), 1u);
  std::vector<std::string> removed;
  EXPECT_EQ(list.DeleteRangeByScore({1, kInf},
                                    [&](std::string_view m, double s) {
                                      EXPECT_EQ(s, kInf);
                                      removed.emplace_back(m);
                                    }),
            2u);
  EXPECT_EQ(removed, (std::vector<std::string>{"atop", "top"}));
  EXPECT_EQ(Members(list), (std::vector<std::string>{"bottom", "mid"}));
  EXPECT_TRUE(list.Verify());
}

TEST(SkiplistTest, EmptyRangesFindNothing) {
  Skiplist list(6);
  for (int i = 0; i < 10; ++i) list.Insert(i, "m" + std::to_string(i));
  EXPECT_EQ(list.FirstInRange({5, 4}), nullptr);
  EXPECT_EQ(list.LastInRange({5, 4}), nullptr);
  EXPECT_EQ(list.FirstInRange({5, 5, true, false}), nullptr);
  EXPECT_EQ(list.FirstInRange({5, 5, false, true}), nullptr);
  EXPECT_EQ(list.FirstInRange({5, 5})->member(), "m5");
  EXPECT_EQ(list.FirstInRange({4.5, 4.7}), nullptr);
  EXPECT_EQ(list.LastInRange({4.5, 4.7}), nullptr);
  EXPECT_EQ(list.FirstInRange({10, kInf}), nullptr);
  EXPECT_EQ(list.LastInRange({-kInf, -1}), nullptr);
  EXPECT_EQ(list.DeleteRangeByScore({5, 4}, [](std::string_view, double) {}), 0u);
  EXPECT_EQ(list.DeleteRangeByScore({5, 5, true, true}, [](std::string_view, double) {}), 0u);
  EXPECT_EQ(list.DeleteRangeByRank(5, 4, [](std::string_view, double) {}), 0u);
  EXPECT_EQ(list.DeleteRangeByRank(11, 20, [](std::string_view, double) {}), 0u);
  EXPECT_EQ(list.size(), 10u);
  EXPECT_EQ(list.DeleteRangeByRank(9, 20, [](std::string_view, double) {}), 2u);
  EXPECT_EQ(list.Last()->member(), "m7");
  EXPECT_TRUE(list.Verify());
}

TEST(SkiplistTest, UpdateScoreKeepsTheNode) {
  Skiplist list(7);
  Skiplist::Node* a = list.Insert(1, "a");
  list.Insert(2, "b");
  list.Insert(3, "c");
  // Stays between its neighbours: in place.
  EXPECT_EQ(list.UpdateScore(2, "b", 2.5), list.ByRank(2));
  EXPECT_EQ(list.ByRank(2)->score(), 2.5);
  // Moves past c: relinked, same node.
  EXPECT_EQ(list.UpdateScore(1, "a", 10), a);
  EXPECT_EQ(Members(list), (std::vector<std::string>{"b", "c", "a"}));
  EXPECT_EQ(list.Last(), a);
  EXPECT_EQ(a->score(), 10);
  // Ties with a neighbour: ordered by member.
  list.UpdateScore(10, "a", 3);
  EXPECT_EQ(Members(list), (std::vector<std::string>{"b", "a", "c"}));
  list.UpdateScore(3, "a", 3);
  EXPECT_EQ(Members(list), (std::vector<std::string>{"b", "a", "c"}));
  list.UpdateScore(2.5, "b", 3);
  EXPECT_EQ(Members(list), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(list.Rank(3, "c"), 3u);
  EXPECT_TRUE(list.Verify());
}

// UpdateScore searches the old and the new place in one pass over the list as it is, then
// corrects the new path for the unlinked node (where the path ends at it, and the ranks
// past it). Small lists with ties and tall nodes hit every correction, the list's level
// shrinking and growing back included; every span is checked after each move.
TEST(SkiplistTest, UpdateScoreOnSmallListsKeepsSpans) {
  std::mt19937_64 rng(112326);
  for (int size = 1; size <= 24; ++size) {
    Skiplist list(static_cast<uint64_t>(size));
    Model model;
    while (model.sorted.size() < static_cast<size_t>(size)) {
      const std::string m = RandomMember(rng);
      if (model.score_of.count(m)) continue;
      const double s = static_cast<double>(rng() % 6);
      list.Insert(s, m);
      model.Insert(s, m);
    }
    for (int op = 0; op < 400; ++op) {
      const Elem e = model.sorted[rng() % model.sorted.size()];
      const double s = static_cast<double>(rng() % 6);
      const Skiplist::Node* before = list.ByRank(model.Rank(e.first, e.second));
      ASSERT_EQ(list.UpdateScore(e.first, e.second, s), before);
      model.Erase(e.second);
      model.Insert(s, e.second);
      ASSERT_NO_FATAL_FAILURE(ExpectSame(list, model)) << "size " << size << " op " << op;
    }
  }
}

TEST(SkiplistTest, LexBoundParse) {
  EXPECT_EQ(LexBound::Parse("-")->kind, LexBound::Kind::kMinusInf);
  EXPECT_EQ(LexBound::Parse("+")->kind, LexBound::Kind::kPlusInf);
  auto inc = LexBound::Parse("[abc");
  ASSERT_TRUE(inc);
  EXPECT_FALSE(inc->exclusive);
  EXPECT_EQ(inc->value, "abc");
  auto exc = LexBound::Parse("(");
  ASSERT_TRUE(exc);
  EXPECT_TRUE(exc->exclusive);
  EXPECT_EQ(exc->value, "");
  EXPECT_FALSE(LexBound::Parse(""));
  EXPECT_FALSE(LexBound::Parse("abc"));
  EXPECT_FALSE(LexBound::Parse("-a"));
  EXPECT_FALSE(LexBound::Parse("++"));
  EXPECT_FALSE(LexRange::Parse("[a", "b"));
  EXPECT_TRUE(LexRange::Parse("-", "(b"));

  EXPECT_FALSE(LexRange::Parse("-", "+")->IsEmpty());
  EXPECT_TRUE(LexRange::Parse("+", "-")->IsEmpty());
  EXPECT_TRUE(LexRange::Parse("[b", "[a")->IsEmpty());
  EXPECT_TRUE(LexRange::Parse("(a", "[a")->IsEmpty());
  EXPECT_FALSE(LexRange::Parse("[a", "[a")->IsEmpty());
  EXPECT_TRUE(LexRange::Parse("+", "[a")->IsEmpty());
  EXPECT_TRUE(LexRange::Parse("[a", "-")->IsEmpty());
}

TEST(SkiplistTest, LexRangesAsRedis) {
  Skiplist list(8);
  for (const char* m : {"a", "b", "c", "d", "e", "f", "g"}) list.Insert(0, m);
  auto first = [&](const char* lo, const char* hi) -> std::string {
    const Skiplist::Node* n = list.FirstInLexRange(*LexRange::Parse(lo, hi));
    return n == nullptr ? "nil" : std::string(n->member());
  };
  auto last = [&](const char* lo, const char* hi) -> std::string {
    const Skiplist::Node* n = list.LastInLexRange(*LexRange::Parse(lo, hi));
    return n == nullptr ? "nil" : std::string(n->member());
  };
  // ZRANGEBYLEX examples from the Redis documentation.
  EXPECT_EQ(first("-", "[c"), "a");
  EXPECT_EQ(last("-", "[c"), "c");
  EXPECT_EQ(last("-", "(c"), "b");
  EXPECT_EQ(first("[aaa", "(g"), "b");
  EXPECT_EQ(last("[aaa", "(g"), "f");
  EXPECT_EQ(first("-", "+"), "a");
  EXPECT_EQ(last("-", "+"), "g");
  EXPECT_EQ(first("-", "-"), "nil");
  EXPECT_EQ(first("+", "+"), "nil");
  EXPECT_EQ(first("+", "-"), "nil");
  EXPECT_EQ(first("(g", "+"), "nil");
  EXPECT_EQ(first("[g", "+"), "g");
  EXPECT_EQ(first("(c", "(d"), "nil");
  EXPECT_EQ(first("[c", "[c"), "c");
  EXPECT_EQ(first("(c", "[c"), "nil");
  std::vector<std::string> removed;
  EXPECT_EQ(list.DeleteRangeByLex(*LexRange::Parse("(b", "[e"),
                                  [&](std::string_view m, double) { removed.emplace_back(m); }),
            3u);
  EXPECT_EQ(removed, (std::vector<std::string>{"c", "d", "e"}));
  EXPECT_EQ(Members(list), (std::vector<std::string>{"a", "b", "f", "g"}));
  EXPECT_TRUE(list.Verify());
}

TEST(SkiplistTest, ClearMoveAndMemoryUsage) {
  Skiplist list(9);
  const size_t base = list.MemoryUsage();
  for (int i = 0; i < 1000; ++i) list.Insert(i, "member:" + std::to_string(i));
  const size_t full = list.MemoryUsage();
  // At least header + one level + member bytes per element, at most ~2 levels on average.
  EXPECT_GT(full - base, 1000u * (24 + 16 + 10));
  EXPECT_LT(full - base, 1000u * (24 + 16 * 2 + 12));
  Skiplist moved(std::move(list));
  EXPECT_EQ(moved.size(), 1000u);
  EXPECT_EQ(moved.MemoryUsage(), full);
  EXPECT_TRUE(moved.Verify());
  Skiplist other(10);
  other.Insert(1, "x");
  other = std::move(moved);
  EXPECT_EQ(other.size(), 1000u);
  EXPECT_EQ(other.Rank(500, "member:500"), 501u);
  for (int i = 0; i < 1000; i += 2) {
    ASSERT_TRUE(other.Delete(i, "member:" + std::to_string(i)));
  }
  EXPECT_TRUE(other.Verify());
  other.Clear();
  EXPECT_TRUE(other.empty());
  EXPECT_EQ(other.MemoryUsage(), base);
  EXPECT_EQ(other.level(), 1);
  other.Insert(1, "again");
  EXPECT_EQ(other.size(), 1u);
  EXPECT_TRUE(other.Verify());
}

TEST(SkiplistTest, HeightsFollowQuarterProbability) {
  Skiplist list(11);
  constexpr int kN = 1 << 16;
  for (int i = 0; i < kN; ++i) list.Insert(i, "");
  int counts[Skiplist::kMaxLevel + 1] = {};
  for (const Skiplist::Node* x = list.First(); x != nullptr; x = x->Next()) ++counts[x->height()];
  int at_least2 = kN - counts[1];
  int at_least3 = at_least2 - counts[2];
  // Expected kN/4 = 16384 and kN/16 = 4096; a 10% band is > 10 standard deviations.
  EXPECT_NEAR(at_least2, kN / 4, kN / 40);
  EXPECT_NEAR(at_least3, kN / 16, kN / 160);
  EXPECT_GE(list.level(), 6);
  EXPECT_LE(list.level(), 14);
  EXPECT_TRUE(list.Verify());
}

TEST(SkiplistTest, RandomOperationsMatchModel) {
  std::mt19937_64 rng(20261123);
  Skiplist list(12);
  Model model;
  constexpr int kOps = 100000;
  size_t peak = 0;
  for (int op = 0; op < kOps; ++op) {
    const size_t n = model.sorted.size();
    peak = std::max(peak, n);
    // kind / 2 is a percentage; past 2500 elements inserts turn into deletes.
    int kind = static_cast<int>(rng() % 200);
    if (n > 2500 && kind < 80) kind = 80;
    auto pick = [&]() -> const Elem& { return model.sorted[rng() % n]; };
    if (kind < 80 || n == 0) {
      std::string m = RandomMember(rng);
      if (model.score_of.count(m)) continue;
      const double s = RandomScore(rng);
      Skiplist::Node* node = list.Insert(s, m);
      ASSERT_EQ(node->member(), m);
      model.Insert(s, m);
    } else if (kind < 100) {
      const Elem e = pick();
      ASSERT_TRUE(list.Delete(e.first, e.second));
      model.Erase(e.second);
    } else if (kind < 106) {
      // Absent member, or present member with the wrong score.
      const std::string m = RandomMember(rng);
      const double s = RandomScore(rng);
      auto it = model.score_of.find(m);
      const bool present = it != model.score_of.end() && it->second == s;
      ASSERT_EQ(list.Delete(s, m), present);
      if (present) model.Erase(m);
    } else if (kind < 130) {
      const Elem e = pick();
      double s = RandomScore(rng);
      if (rng() % 4 == 0) s = e.first;
      if (rng() % 4 == 0) s = e.first + 1e-9;
      const Skiplist::Node* before = list.ByRank(model.Rank(e.first, e.second));
      const Skiplist::Node* node = list.UpdateScore(e.first, e.second, s);
      ASSERT_EQ(node, before);
      ASSERT_EQ(node->score(), s);
      model.Erase(e.second);
      model.Insert(s, e.second);
    } else if (kind < 146) {
      const Elem e = pick();
      ASSERT_EQ(list.Rank(e.first, e.second), model.Rank(e.first, e.second));
      const std::string m = RandomMember(rng);
      const double s = RandomScore(rng);
      ASSERT_EQ(list.Rank(s, m), model.Rank(s, m));
    } else if (kind < 162) {
      const uint64_t r = rng() % (n + 2);
      const Skiplist::Node* x = list.ByRank(r);
      if (r == 0 || r > n) {
        ASSERT_EQ(x, nullptr);
      } else {
        ASSERT_NE(x, nullptr);
        ASSERT_EQ(x->member(), model.sorted[r - 1].second);
      }
    } else if (kind < 190) {
      ASSERT_NO_FATAL_FAILURE(ExpectScoreRange(list, model, RandomScoreRange(rng)));
    } else if (kind < 191) {
      ScoreRange r = RandomScoreRange(rng);
      if (rng() % 64 != 0) r.max = r.min + (rng() % 2 ? 0.0 : 0.5);  // mostly narrow ranges
      const auto [begin, end] = model.ScoreSpan(r);
      std::vector<Elem> expected(model.sorted.begin() + static_cast<ptrdiff_t>(begin),
                                 model.sorted.begin() + static_cast<ptrdiff_t>(end));
      std::vector<Elem> removed;
      const uint64_t count = list.DeleteRangeByScore(r, [&](std::string_view m, double s) {
        removed.emplace_back(s, std::string(m));
      });
      ASSERT_EQ(count, expected.size());
      ASSERT_EQ(removed, expected);
      for (const Elem& e : removed) model.Erase(e.second);
    } else if (kind < 196) {
      const uint64_t start = rng() % (n + 2);
      const uint64_t end = rng() % 64 == 0 ? start - 1 : start + rng() % 8;
      std::vector<Elem> expected;
      for (uint64_t r = std::max<uint64_t>(start, 1); r <= end && r <= n; ++r) {
        expected.push_back(model.sorted[r - 1]);
      }
      std::vector<Elem> removed;
      const uint64_t count = list.DeleteRangeByRank(start, end, [&](std::string_view m, double s) {
        removed.emplace_back(s, std::string(m));
      });
      ASSERT_EQ(count, expected.size());
      ASSERT_EQ(removed, expected);
      for (const Elem& e : removed) model.Erase(e.second);
    } else {
      ASSERT_NO_FATAL_FAILURE(ExpectSame(list, model));
    }
    if (op % 2000 == 0) {
      ASSERT_NO_FATAL_FAILURE(ExpectSame(list, model)) << "op " << op;
    }
  }
  ASSERT_NO_FATAL_FAILURE(ExpectSame(list, model));
  ASSERT_NO_FATAL_FAILURE(ExpectAllRanks(list, model));
  EXPECT_GT(model.sorted.size(), 300u);
  EXPECT_GT(peak, 800u);  // deep enough for several levels
}

// Lex model: every score is zero (+0.0 or -0.0, which compare equal), so the order is the
// member order and lex ranges are meaningful.
bool ModelInLex(const std::string& m, const LexBound& lo, const LexBound& hi) {
  auto after_lo = [&] {
    if (lo.kind == LexBound::Kind::kMinusInf) return true;
    if (lo.kind == LexBound::Kind::kPlusInf) return false;
    const Elem a{0, m}, b{0, std::string(lo.value)};
    return lo.exclusive ? ModelLess(b, a) : !ModelLess(a, b);
  };
  auto before_hi = [&] {
    if (hi.kind == LexBound::Kind::kPlusInf) return true;
    if (hi.kind == LexBound::Kind::kMinusInf) return false;
    const Elem a{0, m}, b{0, std::string(hi.value)};
    return hi.exclusive ? ModelLess(a, b) : !ModelLess(b, a);
  };
  return after_lo() && before_hi();
}

LexBound RandomLexBound(std::mt19937_64& rng, std::string* storage) {
  switch (rng() % 8) {
    case 0: return LexBound::MinusInf();
    case 1: return LexBound::PlusInf();
    default:
      *storage = RandomMember(rng);
      return rng() % 2 ? LexBound::Inclusive(*storage) : LexBound::Exclusive(*storage);
  }
}

TEST(SkiplistTest, RandomLexOperationsMatchModel) {
  std::mt19937_64 rng(7);
  Skiplist list(13);
  Model model;
  for (int op = 0; op < 30000; ++op) {
    const size_t n = model.sorted.size();
    const int kind = static_cast<int>(rng() % 100);
    if (kind < 40 || n == 0) {
      std::string m = RandomMember(rng);
      if (model.score_of.count(m)) continue;
      const double zero = rng() % 2 ? 0.0 : -0.0;
      list.Insert(zero, m);
      model.Insert(zero, m);
    } else if (kind < 55 + (n > 800 ? 15 : 0)) {
      const Elem e = model.sorted[rng() % n];
      ASSERT_TRUE(list.Delete(e.first, e.second));
      model.Erase(e.second);
    } else if (kind < 95) {
      std::string lo_s, hi_s;
      const LexRange r{RandomLexBound(rng, &lo_s), RandomLexBound(rng, &hi_s)};
      size_t begin = n, end = 0;
      for (size_t i = 0; i < n; ++i) {
        if (ModelInLex(model.sorted[i].second, r.min, r.max)) {
          begin = std::min(begin, i);
          end = i + 1;
        }
      }
      const Skiplist::Node* first = list.FirstInLexRange(r);
      const Skiplist::Node* last = list.LastInLexRange(r);
      if (begin >= end) {
        ASSERT_EQ(first, nullptr);
        ASSERT_EQ(last, nullptr);
      } else {
        ASSERT_NE(first, nullptr);
        ASSERT_NE(last, nullptr);
        ASSERT_EQ(first->member(), model.sorted[begin].second);
        ASSERT_EQ(last->member(), model.sorted[end - 1].second);
        // Ranges are contiguous in member order.
        for (size_t i = begin; i < end; ++i) {
          ASSERT_TRUE(ModelInLex(model.sorted[i].second, r.min, r.max));
        }
      }
    } else {
      std::string lo_s, hi_s;
      const LexRange r{RandomLexBound(rng, &lo_s), RandomLexBound(rng, &hi_s)};
      if (r.min.kind != LexBound::Kind::kValue && r.max.kind != LexBound::Kind::kValue) continue;
      std::vector<std::string> expected;
      for (const Elem& e : model.sorted) {
        if (ModelInLex(e.second, r.min, r.max)) expected.push_back(e.second);
      }
      std::vector<std::string> removed;
      const uint64_t count = list.DeleteRangeByLex(
          r, [&](std::string_view m, double) { removed.emplace_back(m); });
      ASSERT_EQ(count, expected.size());
      ASSERT_EQ(removed, expected);
      for (const std::string& m : removed) model.Erase(m);
    }
    if (op % 1000 == 0) {
      ASSERT_NO_FATAL_FAILURE(ExpectSame(list, model)) << "op " << op;
    }
  }
  ASSERT_NO_FATAL_FAILURE(ExpectSame(list, model));
  ASSERT_NO_FATAL_FAILURE(ExpectAllRanks(list, model));
}

}  // namespace
}  // namespace shoal::ds
