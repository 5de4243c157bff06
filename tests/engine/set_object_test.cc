// SetObject against a model (std::set<std::string>): random adds, removes and lookups with
// members drawn so that every encoding and every conversion is reached (integers of every
// width, texts that look like integers but are not canonical, short and long strings),
// under several limit settings. After each step the set must hold what the model holds,
// its encoding must be allowed by the limits, and it must never convert back down.
#include "engine/set_object.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine/args.h"

namespace shoal::engine {
namespace {

using Enc = SetObject::Encoding;

std::set<std::string> Contents(const SetObject& s) {
  std::set<std::string> out;
  s.ForEach([&](std::string_view m) { EXPECT_TRUE(out.emplace(m).second) << "duplicate " << m; });
  return out;
}

bool IsInt(const std::string& m) {
  int64_t v;
  return ParseInt64(m, &v);
}

std::string RandomMember(std::mt19937_64& rng) {
  switch (rng() % 8) {
    case 0:
    case 1:
      return std::to_string(static_cast<int64_t>(rng() % 300) - 150);
    case 2:
      return std::to_string(static_cast<int64_t>(rng()));  // any width
    case 3: {
      static const char* const odd[] = {"01", "+1", "-0", " 1", "1 ", "", "9223372036854775808",
                                        "-9223372036854775809", "1e3", "0x10"};
      return odd[rng() % 10];
    }
    case 4:
      return std::string(1 + rng() % 70, static_cast<char>('a' + rng() % 3));  // up to 70 bytes
    default:
      return "m" + std::to_string(rng() % 200);
  }
}

void CheckEncoding(const SetObject& s, const std::set<std::string>& model,
                   const SetLimits& limits) {
  if (s.enc() == Enc::kIntSet) {
    EXPECT_LE(s.size(), limits.max_intset_entries);
    for (const std::string& m : model) EXPECT_TRUE(IsInt(m)) << m;
    // Increasing integers.
    std::vector<int64_t> ints;
    s.ForEach([&](std::string_view m) {
      int64_t v;
      ASSERT_TRUE(ParseInt64(m, &v));
      ints.push_back(v);
    });
    EXPECT_TRUE(std::is_sorted(ints.begin(), ints.end()));
  } else if (s.enc() == Enc::kListpack) {
    EXPECT_LE(s.size(), limits.max_listpack_entries);
    for (const std::string& m : model) EXPECT_LE(m.size(), limits.max_listpack_value) << m;
  }
}

TEST(SetObjectTest, RandomOpsMatchModel) {
  const SetLimits settings[] = {{512, 128, 64}, {16, 8, 10}, {0, 0, 0}, {4, 32, 64}, {64, 4, 64}};
  std::mt19937_64 rng(7);
  for (const SetLimits& limits : settings) {
    for (int round = 0; round < 30; ++round) {
      SCOPED_TRACE(testing::Message() << "limits " << limits.max_intset_entries << "/"
                                      << limits.max_listpack_entries << "/"
                                      << limits.max_listpack_value << " round " << round);
      std::set<std::string> model;
      // Most rounds favour integers so intsets grow large before converting.
      const bool ints_only_phase = round % 2 == 0;
      std::string first = ints_only_phase ? std::to_string(rng() % 100) : RandomMember(rng);
      const size_t hint = 1 + rng() % 20;
      auto set = SetObject::Create(first, hint, limits);
      Enc last = set->enc();
      for (int op = 0; op < 600; ++op) {
        std::string m = RandomMember(rng);
        if (ints_only_phase && op < 400 && !IsInt(m)) m = std::to_string(rng() % 1000);
        switch (rng() % 5) {
          case 0:
            ASSERT_EQ(set->Remove(m), model.erase(m) > 0) << m;
            break;
          case 1:
            set->PrepareFor(1 + rng() % 40, limits);
            [[fallthrough]];
          default:
            ASSERT_EQ(set->Add(m, limits), model.insert(m).second) << m;
        }
        ASSERT_EQ(set->size(), model.size());
        ASSERT_EQ(set->Contains(m), model.count(m) > 0) << m;
        ASSERT_GE(static_cast<int>(set->enc()), static_cast<int>(last)) << "converted down";
        last = set->enc();
        CheckEncoding(*set, model, limits);
        if (op % 50 == 0) ASSERT_EQ(Contents(*set), model);
      }
      ASSERT_EQ(Contents(*set), model);
      // MemberAt, Views and a clone agree with ForEach.
      std::vector<std::string> storage;
      std::vector<std::string_view> views = set->Views(&storage);
      ASSERT_EQ(views.size(), model.size());
      for (size_t i = 0; i < views.size(); ++i) ASSERT_EQ(set->MemberAt(i), views[i]);
      auto clone = set->Clone();
      EXPECT_EQ(Contents(static_cast<const SetObject&>(*clone)), model);
      EXPECT_EQ(clone->encoding(), set->encoding());
    }
  }
}

TEST(SetObjectTest, CreateFollowsFirstMemberAndHint) {
  const SetLimits limits;  // 512, 128, 64
  EXPECT_EQ(SetObject::Create("1", 1, limits)->encoding(), "intset");
  EXPECT_EQ(SetObject::Create("1", 512, limits)->encoding(), "intset");
  EXPECT_EQ(SetObject::Create("1", 513, limits)->encoding(), "hashtable");
  EXPECT_EQ(SetObject::Create("a", 128, limits)->encoding(), "listpack");
  EXPECT_EQ(SetObject::Create("a", 129, limits)->encoding(), "hashtable");
  EXPECT_EQ(SetObject::Create("01", 1, limits)->encoding(), "listpack");
  EXPECT_EQ(SetObject().encoding(), "intset");
}

TEST(SetObjectTest, IntSetToListpackOrHashtable) {
  SetLimits limits;
  SetObject s;
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(s.Add(std::to_string(i), limits));
  EXPECT_EQ(s.encoding(), "intset");
  EXPECT_TRUE(s.Add("x", limits));
  EXPECT_EQ(s.encoding(), "listpack");

  // Too many integers for a listpack: straight to a hashtable.
  SetObject big;
  for (int i = 0; i < 128; ++i) ASSERT_TRUE(big.Add(std::to_string(i), limits));
  EXPECT_EQ(big.encoding(), "intset");
  EXPECT_TRUE(big.Add("x", limits));
  EXPECT_EQ(big.encoding(), "hashtable");

  // An integer wider than the listpack value limit forbids the listpack.
  limits.max_listpack_value = 3;
  SetObject wide;
  ASSERT_TRUE(wide.Add("-1000", limits));  // 5 bytes
  EXPECT_TRUE(wide.Add("ab", limits));
  EXPECT_EQ(wide.encoding(), "hashtable");

  // The intset limit.
  limits = SetLimits{2, 128, 64};
  SetObject capped;
  ASSERT_TRUE(capped.Add("1", limits));
  ASSERT_TRUE(capped.Add("2", limits));
  EXPECT_EQ(capped.encoding(), "intset");
  ASSERT_TRUE(capped.Add("3", limits));
  EXPECT_EQ(capped.encoding(), "hashtable");
}

TEST(SetObjectTest, MaybeConvertToIntSet) {
  SetLimits limits;
  for (const char* start : {"listpack", "hashtable"}) {
    SCOPED_TRACE(start);
    limits.max_listpack_entries = std::string(start) == "listpack" ? 128 : 0;
    auto set = SetObject::EmptyListpack();
    EXPECT_EQ(set->encoding(), "listpack");
    for (int i = 0; i < 100; ++i) set->Add(std::to_string(i * 1000 - 50000), limits);
    EXPECT_EQ(set->encoding(), start);
    set->MaybeConvertToIntSet(limits);
    EXPECT_EQ(set->encoding(), "intset");
    EXPECT_EQ(set->size(), 100u);
    EXPECT_TRUE(set->Contains("-50000"));
    EXPECT_TRUE(set->Contains("49000"));
  }
  // Not when a member is no canonical integer, nor past the intset limit.
  auto mixed = SetObject::EmptyListpack();
  mixed->Add("1", limits);
  mixed->Add("01", limits);
  mixed->MaybeConvertToIntSet(limits);
  EXPECT_EQ(mixed->encoding(), "hashtable");  // max_listpack_entries is still 0
  limits = SetLimits{2, 128, 64};
  auto many = SetObject::EmptyListpack();
  for (const char* m : {"1", "2", "3"}) many->Add(m, limits);
  many->MaybeConvertToIntSet(limits);
  EXPECT_EQ(many->encoding(), "listpack");
  EXPECT_EQ(Contents(*many), (std::set<std::string>{"1", "2", "3"}));
}

TEST(SetObjectTest, RebuildHashtableAsListpack) {
  SetLimits limits;
  for (size_t n : {5u, 128u, 129u, 300u}) {
    SCOPED_TRACE(n);
    SetObject set;
    std::set<std::string> model;
    for (size_t i = 0; i < 600; ++i) set.Add("m" + std::to_string(i), limits);
    for (size_t i = 0; i < 600; ++i) {
      if (i < n) {
        model.insert("m" + std::to_string(i));
      } else {
        set.Remove("m" + std::to_string(i));
      }
    }
    ASSERT_EQ(set.encoding(), "hashtable");
    set.RebuildHashtableAsListpack(limits);
    EXPECT_EQ(set.encoding(), n <= 128 ? "listpack" : "hashtable");
    EXPECT_EQ(Contents(set), model);
    EXPECT_TRUE(set.Contains("m0"));
    EXPECT_FALSE(set.Contains("m599"));
  }
}

TEST(SetObjectTest, ScanPagesAHashtableOnce) {
  SetLimits limits{0, 0, 0};
  SetObject s;
  std::set<std::string> model;
  for (int i = 0; i < 1000; ++i) {
    s.Add("k" + std::to_string(i), limits);
    model.insert("k" + std::to_string(i));
  }
  ASSERT_EQ(s.encoding(), "hashtable");
  std::multiset<std::string> seen;
  uint64_t cursor = 0;
  int calls = 0;
  do {
    std::vector<std::string> page;
    cursor = s.Scan(cursor, 10, &page);
    seen.insert(page.begin(), page.end());
    ASSERT_LT(++calls, 1000);
  } while (cursor != 0);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), model);
  EXPECT_EQ(seen.size(), model.size());
}

}  // namespace
}  // namespace shoal::engine
