// Sets, as Redis 7 behaves: every command with its options, wrong types, wrong arity, bad
// numbers, missing keys and expiry, on 1 and 4 shards. Every test body that says
// ForEachEncoding runs three times, as Redis runs its set tests once per encoding: with
// the default limits (integer sets are intsets, small string sets listpacks), with
// set-max-intset-entries 0 (integer sets are listpacks too), and with every limit 0 (every
// set is a hashtable). IntEncoding() / StrEncoding() say what a small set of integers /
// of strings is in the current pass.
#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/command_table.h"
#include "tests/engine/test_util.h"

namespace shoal::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;
using Type = Value::Type;

class SetFamilyTest : public EngineTest {
 protected:
  enum class Pass { kDefault, kNoIntSet, kHashtable };

  // Runs `body` once per encoding pass, each time on a fresh engine.
  template <typename Fn>
  void ForEachEncoding(Fn body) {
    ForEachPass({{"default limits", {}},
                 {"no intset", {{"set-max-intset-entries", "0"}}},
                 {"hashtable only",
                  {{"set-max-intset-entries", "0"}, {"set-max-listpack-entries", "0"}}}},
                [&](size_t i) {
                  pass_ = static_cast<Pass>(i);
                  body();
                });
  }
  std::string IntEncoding() const {
    return pass_ == Pass::kDefault ? "intset" : pass_ == Pass::kNoIntSet ? "listpack" : "hashtable";
  }
  std::string StrEncoding() const { return pass_ == Pass::kHashtable ? "hashtable" : "listpack"; }
  // A SUNIONSTORE / SDIFFSTORE result starts as an empty intset, as Redis builds it: with
  // set-max-intset-entries 0 its first member makes it a hashtable.
  std::string StoredEncoding(bool ints) const {
    return pass_ != Pass::kDefault ? "hashtable" : ints ? "intset" : "listpack";
  }
  // The members of a set reply, sorted.
  std::vector<std::string> Sorted(const Value& v) {
    std::vector<std::string> out = StrArray(v);
    std::sort(out.begin(), out.end());
    return out;
  }

  Pass pass_ = Pass::kDefault;
};

// SADD, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS ------------------------------------------------

TEST_P(SetFamilyTest, SAddBasics) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"sadd", "s", "3"}), IntArg(1));
    EXPECT_THAT(Run({"sadd", "s", "1", "2", "3", "2"}), IntArg(2));
    EXPECT_THAT(Run({"scard", "s"}), IntArg(3));
    EXPECT_THAT(Run({"type", "s"}), SimpleArg("set"));
    EXPECT_THAT(Run({"object", "encoding", "s"}), BulkArg(IntEncoding()));
    EXPECT_THAT(Sorted(Run({"smembers", "s"})), ElementsAre("1", "2", "3"));
    EXPECT_THAT(Run({"sismember", "s", "2"}), IntArg(1));
    EXPECT_THAT(Run({"sismember", "s", "4"}), IntArg(0));
    // Texts that are not Redis's canonical integers are other members.
    EXPECT_THAT(Run({"sismember", "s", "02"}), IntArg(0));
    EXPECT_THAT(Run({"sismember", "s", "+2"}), IntArg(0));
    EXPECT_THAT(Run({"smismember", "s", "1", "x", "3", "03"}),
                ArrArg(ElementsAre(IntArg(1), IntArg(0), IntArg(1), IntArg(0))));
    // Integers of every width, then a string member.
    EXPECT_THAT(Run({"sadd", "s", "-9223372036854775808", "9223372036854775807", "70000"}),
                IntArg(3));
    EXPECT_THAT(Run({"object", "encoding", "s"}), BulkArg(IntEncoding()));
    EXPECT_THAT(Run({"sismember", "s", "-9223372036854775808"}), IntArg(1));
    EXPECT_THAT(Run({"sadd", "s", "02"}), IntArg(1));
    EXPECT_THAT(Run({"object", "encoding", "s"}), BulkArg(StrEncoding()));
    EXPECT_THAT(Sorted(Run({"smembers", "s"})),
                ElementsAre("-9223372036854775808", "02", "1", "2", "3", "70000",
                            "9223372036854775807"));
    EXPECT_THAT(Run({"sismember", "s", "2"}), IntArg(1));
    // Strings, binary safe.
    const std::string binary("a\0b", 3);
    EXPECT_THAT(Run({"sadd", "t", "a", binary, "c"}), IntArg(3));
    EXPECT_THAT(Run({"object", "encoding", "t"}), BulkArg(StrEncoding()));
    EXPECT_THAT(Run({"sismember", "t", binary}), IntArg(1));
    EXPECT_THAT(Run({"sismember", "t", "a"}), IntArg(1));
    EXPECT_THAT(Run({"sadd", "t", "a", "c"}), IntArg(0));
    EXPECT_THAT(Run({"scard", "t"}), IntArg(3));
    // RESP3: SMEMBERS is a set.
    ASSERT_EQ(Run({"hello", "3"}).type, Type::kMap);
    Value members = Run({"smembers", "t"});
    EXPECT_EQ(members.type, Type::kSet);
    EXPECT_THAT(StrArray(members), UnorderedElementsAre("a", binary, "c"));
    EXPECT_EQ(Run({"smembers", "none"}).type, Type::kSet);
    EXPECT_EQ(Run({"smismember", "t", "a"}).type, Type::kArray);
  });
}

TEST_P(SetFamilyTest, SRem) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"sadd", "s", "1", "2", "3", "a"}), IntArg(4));
    EXPECT_THAT(Run({"srem", "s", "1", "x", "1"}), IntArg(1));
    EXPECT_THAT(Run({"srem", "s", "01"}), IntArg(0));
    EXPECT_THAT(Sorted(Run({"smembers", "s"})), ElementsAre("2", "3", "a"));
    EXPECT_THAT(Run({"srem", "s", "2", "3", "a", "b"}), IntArg(3));
    EXPECT_THAT(Run({"exists", "s"}), IntArg(0));
    EXPECT_THAT(Run({"srem", "s", "a"}), IntArg(0));
    EXPECT_THAT(Run({"sadd", "i", "5", "6"}), IntArg(2));
    EXPECT_THAT(Run({"srem", "i", "5"}), IntArg(1));
    EXPECT_THAT(Run({"object", "encoding", "i"}), BulkArg(IntEncoding()));
    EXPECT_THAT(Run({"srem", "i", "6"}), IntArg(1));
    EXPECT_THAT(Run({"exists", "i"}), IntArg(0));
  });
}

// SPOP / SRANDMEMBER ---------------------------------------------------------------------------

TEST_P(SetFamilyTest, SPop) {
  ForEachEncoding([&] {
    for (const std::vector<std::string>& members :
         {std::vector<std::string>{"1", "2", "3", "4", "5"},
          std::vector<std::string>{"a", "b", "c", "d", "e"}}) {
      std::vector<std::string> sadd = {"sadd", "s"};
      sadd.insert(sadd.end(), members.begin(), members.end());
      ASSERT_THAT(Run(sadd), IntArg(5));
      std::set<std::string> left(members.begin(), members.end());
      Value one = Run({"spop", "s"});
      ASSERT_EQ(one.type, Type::kBulk);
      EXPECT_EQ(left.erase(one.str), 1u);
      std::vector<std::string> two = StrArray(Run({"spop", "s", "2"}));
      ASSERT_THAT(two, SizeIs(2));
      for (const std::string& m : two) EXPECT_EQ(left.erase(m), 1u) << m;
      EXPECT_THAT(Sorted(Run({"smembers", "s"})),
                  ElementsAre(*left.begin(), *std::next(left.begin())));
      EXPECT_THAT(Run({"spop", "s", "0"}), ArrArg(IsEmpty()));
      EXPECT_THAT(Run({"scard", "s"}), IntArg(2));
      // A count past the size pops everything and deletes the key.
      EXPECT_THAT(Run({"spop", "s", "10"}), ArrArg(SizeIs(2)));
      EXPECT_THAT(Run({"exists", "s"}), IntArg(0));
      EXPECT_THAT(Run({"spop", "s"}), NilArg());
      EXPECT_THAT(Run({"spop", "s", "3"}), ArrArg(IsEmpty()));
    }
    // The last member by SPOP deletes the key.
    EXPECT_THAT(Run({"sadd", "one", "x"}), IntArg(1));
    EXPECT_THAT(Run({"spop", "one"}), BulkArg("x"));
    EXPECT_THAT(Run({"exists", "one"}), IntArg(0));
    // The count is checked before the key.
    EXPECT_THAT(Run({"set", "str", "v"}), OkArg());
    EXPECT_THAT(Run({"spop", "str", "-1"}), ErrArg("ERR value is out of range, must be positive"));
    EXPECT_THAT(Run({"spop", "str", "x"}), ErrArg("ERR value is out of range, must be positive"));
    EXPECT_THAT(Run({"spop", "str", "1"}), ErrArg("WRONGTYPE"));
    EXPECT_THAT(Run({"spop", "s", "1", "2"}), ErrArg("ERR syntax error"));
    // RESP3: SPOP with a count is a set.
    EXPECT_THAT(Run({"sadd", "s", "1", "2", "3"}), IntArg(3));
    ASSERT_EQ(Run({"hello", "3"}).type, Type::kMap);
    EXPECT_EQ(Run({"spop", "s", "1"}).type, Type::kSet);
    EXPECT_EQ(Run({"spop", "s", "5"}).type, Type::kSet);
    EXPECT_EQ(Run({"spop", "s", "1"}).type, Type::kSet);
    EXPECT_EQ(Run({"spop", "s"}).type, Type::kNull);
  });
}

TEST_P(SetFamilyTest, SPopLargeSetDrains) {
  ForEachEncoding([&] {
    std::vector<std::string> sadd = {"sadd", "s"};
    for (int i = 0; i < 300; ++i) sadd.push_back(std::to_string(i * 7));
    ASSERT_THAT(Run(sadd), IntArg(300));
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) seen.insert(Run({"spop", "s"}).str);
    for (const std::string& m : StrArray(Run({"spop", "s", "150"}))) seen.insert(m);
    EXPECT_THAT(Run({"scard", "s"}), IntArg(50));
    for (const std::string& m : StrArray(Run({"smembers", "s"}))) seen.insert(m);
    EXPECT_EQ(seen.size(), 300u);
  });
}

TEST_P(SetFamilyTest, SRandMember) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"sadd", "s", "1", "2", "3", "4", "5"}), IntArg(5));
    const std::set<std::string> all = {"1", "2", "3", "4", "5"};
    for (int i = 0; i < 20; ++i) EXPECT_EQ(all.count(Run({"srandmember", "s"}).str), 1u);
    std::vector<std::string> three = StrArray(Run({"srandmember", "s", "3"}));
    EXPECT_EQ(std::set<std::string>(three.begin(), three.end()).size(), 3u);
    for (const std::string& m : three) EXPECT_EQ(all.count(m), 1u);
    EXPECT_THAT(StrArray(Run({"srandmember", "s", "10"})),
                UnorderedElementsAre("1", "2", "3", "4", "5"));
    std::vector<std::string> repeats = StrArray(Run({"srandmember", "s", "-20"}));
    ASSERT_THAT(repeats, SizeIs(20));
    for (const std::string& m : repeats) EXPECT_EQ(all.count(m), 1u);
    EXPECT_THAT(Run({"srandmember", "s", "0"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"scard", "s"}), IntArg(5));  // nothing removed
    EXPECT_THAT(Run({"srandmember", "none"}), NilArg());
    EXPECT_THAT(Run({"srandmember", "none", "5"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"srandmember", "none", "-5"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"srandmember", "s", "x"}), ErrArg("ERR value is not an integer"));
    EXPECT_THAT(Run({"srandmember", "s", "1", "withscores"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"srandmember", "s", "x", "y"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"srandmember", "s", "-9223372036854775808"}),
                ErrArg("ERR value is out of range"));
    EXPECT_THAT(Run({"srandmember", "s", "-16777217"}), ErrArg("ERR value is out of range"));
    // Strings, and a set large enough to be a hashtable in every pass.
    std::vector<std::string> sadd = {"sadd", "big"};
    for (int i = 0; i < 200; ++i) sadd.push_back("m" + std::to_string(i));
    ASSERT_THAT(Run(sadd), IntArg(200));
    std::vector<std::string> some = StrArray(Run({"srandmember", "big", "50"}));
    EXPECT_EQ(std::set<std::string>(some.begin(), some.end()).size(), 50u);
    EXPECT_EQ(Run({"srandmember", "big"}).str.substr(0, 1), "m");
    // Every member can come up (a miss after 100 draws of 50 has odds below 1e-10).
    std::set<std::string> drawn;
    for (int i = 0; i < 100; ++i) {
      for (const std::string& m : StrArray(Run({"srandmember", "big", "50"}))) drawn.insert(m);
    }
    EXPECT_EQ(drawn.size(), 200u);
    drawn.clear();
    for (int i = 0; i < 20; ++i) {
      for (const std::string& m : StrArray(Run({"srandmember", "big", "-300"}))) drawn.insert(m);
    }
    EXPECT_EQ(drawn.size(), 200u);
    // RESP3: an array (members may repeat), not a set.
    ASSERT_EQ(Run({"hello", "3"}).type, Type::kMap);
    EXPECT_EQ(Run({"srandmember", "s", "2"}).type, Type::kArray);
    EXPECT_EQ(Run({"srandmember", "s", "10"}).type, Type::kArray);
    EXPECT_EQ(Run({"srandmember", "s", "-2"}).type, Type::kArray);
  });
}

// SMOVE ----------------------------------------------------------------------------------------

TEST_P(SetFamilyTest, SMove) {
  ForEachEncoding([&] {
    // Keys on different shards when there are 4.
    EXPECT_THAT(Run({"sadd", "src", "1", "2", "a"}), IntArg(3));
    EXPECT_THAT(Run({"sadd", "dst", "3"}), IntArg(1));
    EXPECT_THAT(Run({"smove", "src", "dst", "1"}), IntArg(1));
    EXPECT_THAT(Sorted(Run({"smembers", "src"})), ElementsAre("2", "a"));
    EXPECT_THAT(Sorted(Run({"smembers", "dst"})), ElementsAre("1", "3"));
    EXPECT_THAT(Run({"object", "encoding", "dst"}), BulkArg(IntEncoding()));
    EXPECT_THAT(Run({"smove", "src", "dst", "nope"}), IntArg(0));
    // Already in the destination: still 1, removed from the source.
    EXPECT_THAT(Run({"sadd", "dst", "2"}), IntArg(1));
    EXPECT_THAT(Run({"smove", "src", "dst", "2"}), IntArg(1));
    EXPECT_THAT(Run({"smembers", "src"}), ArrArg(ElementsAre(BulkArg("a"))));
    // The source empties: deleted. The destination is created with the member.
    EXPECT_THAT(Run({"smove", "src", "fresh", "a"}), IntArg(1));
    EXPECT_THAT(Run({"exists", "src"}), IntArg(0));
    EXPECT_THAT(Run({"smembers", "fresh"}), ArrArg(ElementsAre(BulkArg("a"))));
    EXPECT_THAT(Run({"object", "encoding", "fresh"}), BulkArg(StrEncoding()));
    EXPECT_THAT(Run({"smove", "dst", "fresh2", "3"}), IntArg(1));
    EXPECT_THAT(Run({"object", "encoding", "fresh2"}), BulkArg(IntEncoding()));
    // The same key: a membership test.
    EXPECT_THAT(Run({"smove", "dst", "dst", "1"}), IntArg(1));
    EXPECT_THAT(Run({"smove", "dst", "dst", "9"}), IntArg(0));
    EXPECT_THAT(Sorted(Run({"smembers", "dst"})), ElementsAre("1", "2"));
    // Types: a missing source answers 0 whatever the destination is.
    EXPECT_THAT(Run({"set", "str", "v"}), OkArg());
    EXPECT_THAT(Run({"smove", "none", "str", "1"}), IntArg(0));
    EXPECT_THAT(Run({"smove", "str", "dst", "1"}), ErrArg("WRONGTYPE"));
    EXPECT_THAT(Run({"smove", "dst", "str", "1"}), ErrArg("WRONGTYPE"));
    EXPECT_THAT(Sorted(Run({"smembers", "dst"})), ElementsAre("1", "2"));
    // Keys sharing a hash tag.
    EXPECT_THAT(Run({"sadd", "{t}a", "x"}), IntArg(1));
    EXPECT_THAT(Run({"smove", "{t}a", "{t}b", "x"}), IntArg(1));
    EXPECT_THAT(Run({"smembers", "{t}b"}), ArrArg(ElementsAre(BulkArg("x"))));
    EXPECT_THAT(Run({"exists", "{t}a"}), IntArg(0));
  });
}

// SINTER / SUNION / SDIFF and their STORE forms, SINTERCARD -----------------------------------

TEST_P(SetFamilyTest, SInterUnionDiff) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"sadd", "k1", "1", "2", "3", "a"}), IntArg(4));
    EXPECT_THAT(Run({"sadd", "k2", "2", "3", "4", "a", "b"}), IntArg(5));
    EXPECT_THAT(Run({"sadd", "k3", "3", "a", "z"}), IntArg(3));
    EXPECT_THAT(Sorted(Run({"sinter", "k1", "k2"})), ElementsAre("2", "3", "a"));
    EXPECT_THAT(Sorted(Run({"sinter", "k1", "k2", "k3"})), ElementsAre("3", "a"));
    EXPECT_THAT(Sorted(Run({"sinter", "k1"})), ElementsAre("1", "2", "3", "a"));
    EXPECT_THAT(Sorted(Run({"sinter", "k1", "k1"})), ElementsAre("1", "2", "3", "a"));
    EXPECT_THAT(Run({"sinter", "k1", "none"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Sorted(Run({"sunion", "k1", "k2", "none", "k3"})),
                ElementsAre("1", "2", "3", "4", "a", "b", "z"));
    EXPECT_THAT(Sorted(Run({"sdiff", "k1", "k2"})), ElementsAre("1"));
    EXPECT_THAT(Sorted(Run({"sdiff", "k2", "k1", "none"})), ElementsAre("4", "b"));
    EXPECT_THAT(Sorted(Run({"sdiff", "k2", "k1", "k3"})), ElementsAre("4", "b"));
    EXPECT_THAT(Run({"sdiff", "k1", "k1"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"sdiff", "none", "k1"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Sorted(Run({"sdiff", "k3"})), ElementsAre("3", "a", "z"));
    // Every key's type is checked, even after a missing key.
    EXPECT_THAT(Run({"set", "str", "v"}), OkArg());
    EXPECT_THAT(Run({"sinter", "none", "str"}), ErrArg("WRONGTYPE"));
    EXPECT_THAT(Run({"sunion", "k1", "str"}), ErrArg("WRONGTYPE"));
    EXPECT_THAT(Run({"sdiff", "none", "str"}), ErrArg("WRONGTYPE"));
    EXPECT_THAT(Run({"sintercard", "2", "none", "str"}), ErrArg("WRONGTYPE"));
    // RESP3: sets.
    ASSERT_EQ(Run({"hello", "3"}).type, Type::kMap);
    EXPECT_EQ(Run({"sinter", "k1", "k2"}).type, Type::kSet);
    EXPECT_EQ(Run({"sinter", "k1", "none"}).type, Type::kSet);
    EXPECT_EQ(Run({"sunion", "k1", "k2"}).type, Type::kSet);
    EXPECT_EQ(Run({"sdiff", "k1", "k2"}).type, Type::kSet);
  });
}

TEST_P(SetFamilyTest, SStoreOps) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"sadd", "k1", "1", "2", "3"}), IntArg(3));
    EXPECT_THAT(Run({"sadd", "k2", "2", "3", "4"}), IntArg(3));
    EXPECT_THAT(Run({"sadd", "k3", "3", "x"}), IntArg(2));
    // The destination is replaced whatever it held; its TTL goes.
    EXPECT_THAT(Run({"set", "dst", "string"}), OkArg());
    EXPECT_THAT(Run({"expire", "dst", "100"}), IntArg(1));
    EXPECT_THAT(Run({"sunionstore", "dst", "k1", "k2"}), IntArg(4));
    EXPECT_THAT(Run({"ttl", "dst"}), IntArg(-1));
    EXPECT_THAT(Sorted(Run({"smembers", "dst"})), ElementsAre("1", "2", "3", "4"));
    EXPECT_THAT(Run({"object", "encoding", "dst"}), BulkArg(StoredEncoding(true)));
    EXPECT_THAT(Run({"sinterstore", "dst", "k1", "k2"}), IntArg(2));
    EXPECT_THAT(Sorted(Run({"smembers", "dst"})), ElementsAre("2", "3"));
    // SINTERSTORE starts from the smallest source's small encoding.
    EXPECT_THAT(Run({"object", "encoding", "dst"}), BulkArg(IntEncoding()));
    EXPECT_THAT(Run({"sdiffstore", "dst", "k2", "k1"}), IntArg(1));
    EXPECT_THAT(Run({"smembers", "dst"}), ArrArg(ElementsAre(BulkArg("4"))));
    EXPECT_THAT(Run({"sunionstore", "dst", "k1", "k3"}), IntArg(4));
    EXPECT_THAT(Run({"object", "encoding", "dst"}), BulkArg(StoredEncoding(false)));
    // The destination may be a source.
    EXPECT_THAT(Run({"sinterstore", "k1", "k1", "k2"}), IntArg(2));
    EXPECT_THAT(Sorted(Run({"smembers", "k1"})), ElementsAre("2", "3"));
    EXPECT_THAT(Run({"sdiffstore", "k2", "k2", "k1"}), IntArg(1));
    EXPECT_THAT(Run({"smembers", "k2"}), ArrArg(ElementsAre(BulkArg("4"))));
    // An empty result deletes the destination.
    EXPECT_THAT(Run({"sinterstore", "dst", "k1", "none"}), IntArg(0));
    EXPECT_THAT(Run({"exists", "dst"}), IntArg(0));
    EXPECT_THAT(Run({"set", "dst", "v"}), OkArg());
    EXPECT_THAT(Run({"sdiffstore", "dst", "k1", "k1"}), IntArg(0));
    EXPECT_THAT(Run({"exists", "dst"}), IntArg(0));
    EXPECT_THAT(Run({"sunionstore", "dst", "none"}), IntArg(0));
    EXPECT_THAT(Run({"exists", "dst"}), IntArg(0));
    // A wrong-type source changes nothing.
    EXPECT_THAT(Run({"set", "str", "v"}), OkArg());
    EXPECT_THAT(Run({"sunionstore", "k1", "k2", "str"}), ErrArg("WRONGTYPE"));
    EXPECT_THAT(Sorted(Run({"smembers", "k1"})), ElementsAre("2", "3"));
  });
}

TEST_P(SetFamilyTest, SStoreEncodings) {
  // A stored result is built as Redis builds it: an intset while it can be.
  std::vector<std::string> ints = {"sadd", "ints"};
  for (int i = 0; i < 600; ++i) ints.push_back(std::to_string(i));
  ASSERT_THAT(Run(ints), IntArg(600));
  EXPECT_THAT(Run({"object", "encoding", "ints"}), BulkArg("hashtable"));
  EXPECT_THAT(Run({"sadd", "few", "1", "2", "x"}), IntArg(3));
  EXPECT_THAT(Run({"sinterstore", "d", "ints", "few"}), IntArg(2));
  EXPECT_THAT(Run({"object", "encoding", "d"}), BulkArg("intset"));
  EXPECT_THAT(Run({"sunionstore", "d", "few"}), IntArg(3));
  EXPECT_THAT(Run({"object", "encoding", "d"}), BulkArg("listpack"));
  EXPECT_THAT(Run({"sunionstore", "d", "ints"}), IntArg(600));
  EXPECT_THAT(Run({"object", "encoding", "d"}), BulkArg("hashtable"));
  // SINTERSTORE of two hashtables: a listpack that passes 128 members becomes a
  // hashtable, then an intset again since every member is an integer (and <= 512).
  std::vector<std::string> odd = {"sadd", "odd"};
  for (int i = 0; i < 600; ++i) odd.push_back(std::to_string(i < 200 ? i : 1000 + i));
  ASSERT_THAT(Run(odd), IntArg(600));
  EXPECT_THAT(Run({"sinterstore", "d", "ints", "odd"}), IntArg(200));
  EXPECT_THAT(Run({"object", "encoding", "d"}), BulkArg("intset"));
  EXPECT_THAT(Run({"sadd", "strs", "a", "1"}), IntArg(2));
  EXPECT_THAT(Run({"sinterstore", "d", "strs", "ints"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "d"}), BulkArg("intset"));
  // SDIFFSTORE: Redis's algorithm 1 adds only the result (120 strings: a listpack) ...
  std::vector<std::string> big = {"sadd", "big"}, small = {"sadd", "small"},
                           other = {"sadd", "other"};
  for (int i = 0; i < 150; ++i) big.push_back("m" + std::to_string(i));
  for (int i = 0; i < 30; ++i) small.push_back("m" + std::to_string(i));
  for (int i = 30; i < 40; ++i) other.push_back("m" + std::to_string(i));
  ASSERT_THAT(Run(big), IntArg(150));
  ASSERT_THAT(Run(small), IntArg(30));
  ASSERT_THAT(Run(other), IntArg(10));
  EXPECT_THAT(Run({"sdiffstore", "d", "big", "small"}), IntArg(120));
  EXPECT_THAT(Run({"object", "encoding", "d"}), BulkArg("listpack"));
  // ... its algorithm 2 (first set far larger than the rest) adds the whole first set and
  // then removes: the result stays the hashtable it became.
  EXPECT_THAT(Run({"sdiffstore", "d", "big", "small", "other"}), IntArg(110));
  EXPECT_THAT(Run({"object", "encoding", "d"}), BulkArg("hashtable"));
  EXPECT_THAT(Run({"scard", "d"}), IntArg(110));
  EXPECT_THAT(Run({"sismember", "d", "m35"}), IntArg(0));
  EXPECT_THAT(Run({"sismember", "d", "m40"}), IntArg(1));
}

TEST_P(SetFamilyTest, SInterCard) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"sadd", "k1", "1", "2", "3", "a"}), IntArg(4));
    EXPECT_THAT(Run({"sadd", "k2", "2", "3", "a", "b"}), IntArg(4));
    EXPECT_THAT(Run({"sintercard", "2", "k1", "k2"}), IntArg(3));
    EXPECT_THAT(Run({"sintercard", "1", "k1"}), IntArg(4));
    EXPECT_THAT(Run({"sintercard", "2", "k1", "k2", "limit", "2"}), IntArg(2));
    EXPECT_THAT(Run({"sintercard", "2", "k1", "k2", "LIMIT", "0"}), IntArg(3));
    EXPECT_THAT(Run({"sintercard", "2", "k1", "k2", "limit", "10"}), IntArg(3));
    EXPECT_THAT(Run({"sintercard", "2", "k1", "none"}), IntArg(0));
    EXPECT_THAT(Run({"sintercard", "1", "none"}), IntArg(0));
    // Errors, in Redis's order (numkeys and options before any key).
    EXPECT_THAT(Run({"sintercard", "0", "k1"}), ErrArg("ERR numkeys should be greater than 0"));
    EXPECT_THAT(Run({"sintercard", "x", "k1"}), ErrArg("ERR numkeys should be greater than 0"));
    EXPECT_THAT(Run({"sintercard", "3", "k1", "k2"}),
                ErrArg("ERR Number of keys can't be greater than number of args"));
    EXPECT_THAT(Run({"sintercard", "2", "k1", "k2", "limit", "-1"}),
                ErrArg("ERR LIMIT can't be negative"));
    EXPECT_THAT(Run({"sintercard", "2", "k1", "k2", "limit", "x"}),
                ErrArg("ERR LIMIT can't be negative"));
    EXPECT_THAT(Run({"sintercard", "2", "k1", "k2", "limit"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"sintercard", "2", "k1", "k2", "bogus", "1"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"set", "str", "v"}), OkArg());
    EXPECT_THAT(Run({"sintercard", "1", "str", "limit", "-1"}),
                ErrArg("ERR LIMIT can't be negative"));
  });
}

// SSCAN ----------------------------------------------------------------------------------------

TEST_P(SetFamilyTest, SScan) {
  ForEachEncoding([&] {
    for (bool ints : {true, false}) {
      SCOPED_TRACE(ints ? "integers" : "strings");
      std::vector<std::string> args = {"sadd", "s"};
      std::vector<std::string> expect;
      for (int i = 0; i < 60; ++i) {
        expect.push_back(ints ? std::to_string(i * 3) : "m" + std::to_string(i));
        args.push_back(expect.back());
      }
      ASSERT_THAT(Run(args), IntArg(60));
      for (const char* count : {"1", "7", "100"}) {
        SCOPED_TRACE(count);
        std::multiset<std::string> seen;
        std::string cursor = "0";
        int calls = 0;
        do {
          Value v = Run({"sscan", "s", cursor, "count", count});
          ASSERT_THAT(v, ArrArg(SizeIs(2)));
          cursor = v.elems[0].str;
          for (const Value& m : v.elems[1].elems) seen.insert(m.str);
          ASSERT_LT(++calls, 1000);
        } while (cursor != "0");
        EXPECT_EQ(seen.size(), 60u);
        EXPECT_THAT(std::vector<std::string>(seen.begin(), seen.end()),
                    UnorderedElementsAreArray(expect));
      }
      ASSERT_THAT(Run({"del", "s"}), IntArg(1));
    }
    EXPECT_THAT(Run({"sadd", "s", "m1", "m10", "m2", "x1"}), IntArg(4));
    Value m = Run({"sscan", "s", "0", "match", "m1*", "count", "1000"});
    EXPECT_THAT(StrArray(m.elems[1]), UnorderedElementsAre("m1", "m10"));
    EXPECT_THAT(Run({"sscan", "s", "x"}), ErrArg("ERR invalid cursor"));
    EXPECT_THAT(Run({"sscan", "s", "0", "count", "0"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"sscan", "s", "0", "count", "x"}), ErrArg("ERR value is not an integer"));
    EXPECT_THAT(Run({"sscan", "s", "0", "type", "set"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"sscan", "s", "0", "match"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"sscan", "none", "0", "bogus"}),
                ArrArg(ElementsAre(BulkArg("0"), ArrArg(IsEmpty()))));
  });
}

// Arity, types, missing keys, expiry -----------------------------------------------------------

TEST_P(SetFamilyTest, Arity) {
  auto wrong = [](const char* name) {
    return ErrArg(std::string("ERR wrong number of arguments for '") + name + "' command");
  };
  EXPECT_THAT(Run({"sadd", "s"}), wrong("sadd"));
  EXPECT_THAT(Run({"srem", "s"}), wrong("srem"));
  EXPECT_THAT(Run({"smembers"}), wrong("smembers"));
  EXPECT_THAT(Run({"smembers", "s", "x"}), wrong("smembers"));
  EXPECT_THAT(Run({"sismember", "s"}), wrong("sismember"));
  EXPECT_THAT(Run({"smismember", "s"}), wrong("smismember"));
  EXPECT_THAT(Run({"scard"}), wrong("scard"));
  EXPECT_THAT(Run({"spop"}), wrong("spop"));
  EXPECT_THAT(Run({"srandmember"}), wrong("srandmember"));
  EXPECT_THAT(Run({"smove", "a", "b"}), wrong("smove"));
  EXPECT_THAT(Run({"sinter"}), wrong("sinter"));
  EXPECT_THAT(Run({"sintercard", "1"}), wrong("sintercard"));
  EXPECT_THAT(Run({"sinterstore", "d"}), wrong("sinterstore"));
  EXPECT_THAT(Run({"sunion"}), wrong("sunion"));
  EXPECT_THAT(Run({"sunionstore", "d"}), wrong("sunionstore"));
  EXPECT_THAT(Run({"sdiff"}), wrong("sdiff"));
  EXPECT_THAT(Run({"sdiffstore", "d"}), wrong("sdiffstore"));
  EXPECT_THAT(Run({"sscan", "s"}), wrong("sscan"));
}

TEST_P(SetFamilyTest, WrongType) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"set", "str", "x"}), OkArg());
    AddTestObject("l");
    EXPECT_THAT(Run({"zadd", "z", "1", "a"}), IntArg(1));
    for (const char* key : {"str", "l"}) {
      SCOPED_TRACE(key);
      const std::vector<std::vector<std::string>> cmds = {
          {"sadd", key, "a"}, {"srem", key, "a"}, {"smembers", key}, {"sismember", key, "a"},
          {"smismember", key, "a"}, {"scard", key}, {"spop", key}, {"spop", key, "2"},
          {"srandmember", key}, {"srandmember", key, "2"}, {"smove", key, "dst", "a"},
          {"sinter", key}, {"sintercard", "1", key}, {"sinterstore", "dst", key},
          {"sunion", key}, {"sunionstore", "dst", key}, {"sdiff", key},
          {"sdiffstore", "dst", key}, {"sscan", key, "0"}};
      for (const auto& cmd : cmds) {
        SCOPED_TRACE(cmd[0]);
        EXPECT_THAT(Run(cmd), ErrArg("WRONGTYPE"));
      }
    }
    EXPECT_THAT(Run({"get", "str"}), BulkArg("x"));
    EXPECT_THAT(Run({"exists", "dst"}), IntArg(0));
    EXPECT_THAT(Run({"sadd", "s", "a"}), IntArg(1));
    EXPECT_THAT(Run({"get", "s"}), ErrArg("WRONGTYPE"));
    EXPECT_THAT(Run({"hget", "s", "a"}), ErrArg("WRONGTYPE"));
    EXPECT_THAT(Run({"zadd", "s", "1", "a"}), ErrArg("WRONGTYPE"));
  });
}

TEST_P(SetFamilyTest, MissingKey) {
  EXPECT_THAT(Run({"scard", "none"}), IntArg(0));
  EXPECT_THAT(Run({"sismember", "none", "a"}), IntArg(0));
  EXPECT_THAT(Run({"smismember", "none", "a", "b"}), ArrArg(ElementsAre(IntArg(0), IntArg(0))));
  EXPECT_THAT(Run({"smembers", "none"}), ArrArg(IsEmpty()));
  EXPECT_THAT(Run({"srem", "none", "a"}), IntArg(0));
  EXPECT_THAT(Run({"spop", "none"}), NilArg());
  EXPECT_THAT(Run({"srandmember", "none"}), NilArg());
  EXPECT_THAT(Run({"smove", "none", "dst", "a"}), IntArg(0));
  EXPECT_THAT(Run({"sinter", "none", "none2"}), ArrArg(IsEmpty()));
  EXPECT_THAT(Run({"sunion", "none", "none2"}), ArrArg(IsEmpty()));
  EXPECT_THAT(Run({"sdiff", "none"}), ArrArg(IsEmpty()));
  EXPECT_THAT(Run({"sintercard", "2", "none", "none2"}), IntArg(0));
  EXPECT_THAT(Run({"sscan", "none", "0"}), ArrArg(ElementsAre(BulkArg("0"), ArrArg(IsEmpty()))));
  EXPECT_THAT(Run({"sinterstore", "dst", "none"}), IntArg(0));
  EXPECT_THAT(Run({"exists", "none", "dst"}), IntArg(0));
}

TEST_P(SetFamilyTest, ExpiryKeptAcrossWrites) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"sadd", "s", "1", "2", "3", "4", "5"}), IntArg(5));
    EXPECT_THAT(Run({"pexpire", "s", "1000"}), IntArg(1));
    EXPECT_THAT(Run({"sadd", "s", "6", "x"}), IntArg(2));
    EXPECT_THAT(Run({"srem", "s", "1"}), IntArg(1));
    EXPECT_THAT(Run({"spop", "s"}).type, Type::kBulk);
    EXPECT_THAT(Run({"spop", "s", "2"}), ArrArg(SizeIs(2)));
    EXPECT_THAT(Run({"smove", "s", "other", "x"}).type, Type::kInteger);
    EXPECT_THAT(Run({"pttl", "s"}), IntArg(1000));
    AdvanceTime(999);
    EXPECT_THAT(Run({"exists", "s"}), IntArg(1));
    AdvanceTime(1);
    EXPECT_THAT(Run({"scard", "s"}), IntArg(0));
    EXPECT_THAT(Run({"exists", "s"}), IntArg(0));
    EXPECT_THAT(Run({"sadd", "s", "1"}), IntArg(1));
    EXPECT_THAT(Run({"ttl", "s"}), IntArg(-1));
    // Lazy expiry on read, without the active wheel.
    EXPECT_THAT(Run({"pexpire", "s", "100"}), IntArg(1));
    clock_.Advance(100);
    EXPECT_THAT(Run({"sismember", "s", "1"}), IntArg(0));
    EXPECT_THAT(Run({"smembers", "s"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"sunion", "s"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"smove", "s", "other", "1"}), IntArg(0));
    EXPECT_THAT(Run({"sadd", "s", "2"}), IntArg(1));
    EXPECT_THAT(Run({"ttl", "s"}), IntArg(-1));
    EXPECT_THAT(Run({"smembers", "s"}), ArrArg(ElementsAre(BulkArg("2"))));
  });
}

TEST_P(SetFamilyTest, TypeScanAndDel) {
  EXPECT_THAT(Run({"sadd", "s1", "a"}), IntArg(1));
  EXPECT_THAT(Run({"sadd", "s2", "1"}), IntArg(1));
  EXPECT_THAT(Run({"zadd", "z", "1", "a"}), IntArg(1));
  EXPECT_THAT(Run({"set", "str", "v"}), OkArg());
  Value scan = Run({"scan", "0", "type", "set", "count", "1000"});
  ASSERT_THAT(scan, ArrArg(SizeIs(2)));
  EXPECT_THAT(StrArray(scan.elems[1]), UnorderedElementsAre("s1", "s2"));
  EXPECT_THAT(Run({"type", "s2"}), SimpleArg("set"));
  EXPECT_THAT(Run({"del", "s1", "s2"}), IntArg(2));
  EXPECT_THAT(Run({"exists", "s1", "s2"}), IntArg(0));
}

// Encodings and their limits -------------------------------------------------------------------

TEST_P(SetFamilyTest, ConfigLimits) {
  EXPECT_THAT(Run({"config", "get", "set-max-*"}),
              ArrArg(ElementsAre(BulkArg("set-max-intset-entries"), BulkArg("512"),
                                 BulkArg("set-max-listpack-entries"), BulkArg("128"),
                                 BulkArg("set-max-listpack-value"), BulkArg("64"))));
  EXPECT_THAT(Run({"config", "set", "set-max-intset-entries", "4"}), OkArg());
  EXPECT_THAT(Run({"config", "set", "set-max-listpack-entries", "3"}), OkArg());
  EXPECT_THAT(Run({"config", "set", "set-max-listpack-value", "2"}), OkArg());
  EXPECT_THAT(Run({"config", "get", "set-max-listpack-value"}),
              ArrArg(ElementsAre(BulkArg("set-max-listpack-value"), BulkArg("2"))));
  EXPECT_THAT(Run({"config", "set", "set-max-listpack-value", "-1"}), ErrArg("ERR CONFIG SET failed"));
  // intset up to 4 integers, then a hashtable (5 > 3 listpack entries).
  EXPECT_THAT(Run({"sadd", "i", "1", "2", "3", "4"}), IntArg(4));
  EXPECT_THAT(Run({"object", "encoding", "i"}), BulkArg("intset"));
  EXPECT_THAT(Run({"sadd", "i", "5"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "i"}), BulkArg("hashtable"));
  // listpack up to 3 members of at most 2 bytes.
  EXPECT_THAT(Run({"sadd", "l", "a", "bb", "c"}), IntArg(3));
  EXPECT_THAT(Run({"object", "encoding", "l"}), BulkArg("listpack"));
  EXPECT_THAT(Run({"sadd", "l", "d"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "l"}), BulkArg("hashtable"));
  EXPECT_THAT(Run({"sadd", "v", "a"}), IntArg(1));
  EXPECT_THAT(Run({"sadd", "v", "ccc"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "v"}), BulkArg("hashtable"));
  // An intset meeting a string: a listpack only if the widest integer fits the value limit.
  EXPECT_THAT(Run({"sadd", "w", "10"}), IntArg(1));
  EXPECT_THAT(Run({"sadd", "w", "x"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "w"}), BulkArg("listpack"));
  EXPECT_THAT(Run({"sadd", "w2", "100"}), IntArg(1));
  EXPECT_THAT(Run({"sadd", "w2", "x"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "w2"}), BulkArg("hashtable"));
  // More members in one SADD than a listpack may hold converts up front.
  EXPECT_THAT(Run({"sadd", "many", "a", "a", "a", "a"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "many"}), BulkArg("hashtable"));
  EXPECT_THAT(Run({"sadd", "few", "a"}), IntArg(1));
  EXPECT_THAT(Run({"sadd", "few", "b", "b", "b", "b"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "few"}), BulkArg("hashtable"));
}

TEST_P(SetFamilyTest, ConvertsAtDefaultLimits) {
  // 512 integers stay an intset; the 513th makes a hashtable.
  std::vector<std::string> args = {"sadd", "i"};
  for (int i = 0; i < 512; ++i) args.push_back(std::to_string(i));
  EXPECT_THAT(Run(args), IntArg(512));
  EXPECT_THAT(Run({"object", "encoding", "i"}), BulkArg("intset"));
  EXPECT_THAT(Run({"sadd", "i", "512"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "i"}), BulkArg("hashtable"));
  // Never back as it shrinks ...
  EXPECT_THAT(Run({"srem", "i", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}), IntArg(10));
  EXPECT_THAT(Run({"spop", "i", "400"}), ArrArg(SizeIs(400)));
  EXPECT_THAT(Run({"object", "encoding", "i"}), BulkArg("hashtable"));
  // ... except that SPOP with a count leaving at most a fifth of the count rebuilds the
  // set from a listpack, as Redis does (its case 3).
  EXPECT_THAT(Run({"spop", "i", "90"}), ArrArg(SizeIs(90)));
  EXPECT_THAT(Run({"object", "encoding", "i"}), BulkArg("listpack"));
  EXPECT_THAT(Run({"scard", "i"}), IntArg(13));
  // 128 strings stay a listpack; the 129th makes a hashtable.
  args = {"sadd", "l"};
  for (int i = 0; i < 128; ++i) args.push_back("m" + std::to_string(i));
  EXPECT_THAT(Run(args), IntArg(128));
  EXPECT_THAT(Run({"object", "encoding", "l"}), BulkArg("listpack"));
  EXPECT_THAT(Run({"sadd", "l", "m128"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "l"}), BulkArg("hashtable"));
  EXPECT_THAT(Run({"scard", "l"}), IntArg(129));
  // A member over 64 bytes makes a hashtable.
  EXPECT_THAT(Run({"sadd", "v", std::string(64, 'x')}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "v"}), BulkArg("listpack"));
  EXPECT_THAT(Run({"sadd", "v", std::string(65, 'y')}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "v"}), BulkArg("hashtable"));
  // An intset of 200 integers meeting a string: too many for a listpack.
  args = {"sadd", "j"};
  for (int i = 0; i < 200; ++i) args.push_back(std::to_string(i));
  EXPECT_THAT(Run(args), IntArg(200));
  EXPECT_THAT(Run({"object", "encoding", "j"}), BulkArg("intset"));
  EXPECT_THAT(Run({"sadd", "j", "x"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "j"}), BulkArg("hashtable"));
  EXPECT_THAT(Run({"sismember", "j", "199"}), IntArg(1));
  // A new key created by many members at once: the encoding follows the count.
  args = {"sadd", "k"};
  for (int i = 0; i < 200; ++i) args.push_back("s" + std::to_string(i));
  EXPECT_THAT(Run(args), IntArg(200));
  EXPECT_THAT(Run({"object", "encoding", "k"}), BulkArg("hashtable"));
}

TEST_P(SetFamilyTest, MemoryUsageGrows) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"sadd", "s", "a"}), IntArg(1));
    Value small = Run({"memory", "usage", "s"});
    ASSERT_EQ(small.type, Type::kInteger);
    std::vector<std::string> args = {"sadd", "s"};
    for (int i = 0; i < 100; ++i) args.push_back(std::string(40, 'm') + std::to_string(i));
    Run(args);
    Value big = Run({"memory", "usage", "s"});
    ASSERT_EQ(big.type, Type::kInteger);
    EXPECT_GT(big.integer, small.integer + 100 * 40);
  });
}

TEST_P(SetFamilyTest, CopyAndRename) {
  ForEachEncoding([&] {
    for (auto [from, to] : {std::pair<std::string, std::string>{"{t}a", "{t}b"},
                            std::pair<std::string, std::string>{"src", "dst"}}) {
      SCOPED_TRACE(from + " -> " + to);
      EXPECT_THAT(Run({"sadd", from, "1", "2", "3"}), IntArg(3));
      EXPECT_THAT(Run({"copy", from, to}), IntArg(1));
      EXPECT_THAT(Run({"srem", from, "1"}), IntArg(1));
      EXPECT_THAT(Sorted(Run({"smembers", to})), ElementsAre("1", "2", "3"));
      EXPECT_THAT(Run({"object", "encoding", to}), BulkArg(IntEncoding()));
      EXPECT_THAT(Run({"del", to}), IntArg(1));
      EXPECT_THAT(Run({"rename", from, to}), OkArg());
      EXPECT_THAT(Sorted(Run({"smembers", to})), ElementsAre("2", "3"));
      EXPECT_THAT(Run({"del", to}), IntArg(1));
    }
  });
}

// Multi-key commands over keys spread across shards, and their key specs ----------------------

TEST_P(SetFamilyTest, MultiKeyAcrossShards) {
  std::vector<std::string> keys;
  for (int i = 0; i < 8; ++i) {
    keys.push_back("multi" + std::to_string(i));
    EXPECT_THAT(Run({"sadd", keys.back(), "m" + std::to_string(i), "common"}), IntArg(2));
  }
  std::vector<std::string> cmd = {"sunionstore", "out"};
  cmd.insert(cmd.end(), keys.begin(), keys.end());
  EXPECT_THAT(Run(cmd), IntArg(9));
  cmd = {"sintercard", "8"};
  cmd.insert(cmd.end(), keys.begin(), keys.end());
  EXPECT_THAT(Run(cmd), IntArg(1));
  cmd = {"sinter"};
  cmd.insert(cmd.end(), keys.begin(), keys.end());
  EXPECT_THAT(StrArray(Run(cmd)), ElementsAre("common"));
  cmd = {"sdiffstore", "out2", "out"};
  cmd.insert(cmd.end(), keys.begin() + 1, keys.end());
  EXPECT_THAT(Run(cmd), IntArg(1));
  EXPECT_THAT(Run({"smembers", "out2"}), ArrArg(ElementsAre(BulkArg("m0"))));
  for (int i = 1; i < 8; ++i) {
    EXPECT_THAT(Run({"smove", keys[i], "out2", "m" + std::to_string(i)}), IntArg(1));
  }
  EXPECT_THAT(Run({"scard", "out2"}), IntArg(8));
  EXPECT_THAT(Run({"smove", keys[1], keys[2], "common"}), IntArg(1));
  EXPECT_THAT(Run({"exists", keys[1]}), IntArg(0));
  EXPECT_THAT(Run({"scard", keys[2]}), IntArg(1));
}

TEST_P(SetFamilyTest, KeySpecs) {
  const CommandTable& table = CommandTable::Get();
  auto keys_of = [&](std::vector<std::string_view> args) {
    KeyList keys;
    CollectKeys(*table.Find(args[0]), ArgList(args.data(), args.size()), &keys);
    return std::vector<std::string_view>(keys.begin(), keys.end());
  };
  EXPECT_THAT(keys_of({"smove", "a", "b", "m"}), ElementsAre("a", "b"));
  EXPECT_THAT(keys_of({"sinter", "a", "b", "c"}), ElementsAre("a", "b", "c"));
  EXPECT_THAT(keys_of({"sunionstore", "d", "a", "b"}), ElementsAre("d", "a", "b"));
  EXPECT_THAT(keys_of({"sintercard", "2", "a", "b", "limit", "1"}), ElementsAre("a", "b"));
  EXPECT_THAT(keys_of({"sintercard", "3", "a"}), IsEmpty());
  EXPECT_THAT(keys_of({"sintercard", "x", "a"}), IsEmpty());
  EXPECT_THAT(keys_of({"sscan", "s", "0", "match", "x"}), ElementsAre("s"));
  EXPECT_THAT(Run({"command", "getkeys", "sdiffstore", "d", "a", "b"}),
              ArrArg(ElementsAre(BulkArg("d"), BulkArg("a"), BulkArg("b"))));
}

// Random operations through the commands against a std::set model, in every pass (the
// default pass converts intset -> listpack -> hashtable on the way).
TEST_P(SetFamilyTest, RandomOpsMatchModel) {
  ForEachEncoding([&] {
    std::mt19937 rng(42);
    std::set<std::string> model;
    for (int step = 0; step < 1500; ++step) {
      // Integers first, so the intset grows before strings arrive.
      const std::string member = step < 600 || rng() % 2 ? std::to_string(rng() % 300)
                                                         : "m" + std::to_string(rng() % 300);
      switch (rng() % 6) {
        case 0:
        case 1:
        case 2:
          EXPECT_THAT(Run({"sadd", "s", member}), IntArg(model.insert(member).second ? 1 : 0));
          break;
        case 3:
          EXPECT_THAT(Run({"srem", "s", member}), IntArg(static_cast<int64_t>(model.erase(member))));
          break;
        case 4:
          EXPECT_THAT(Run({"sismember", "s", member}), IntArg(model.count(member) ? 1 : 0));
          break;
        case 5:
          if (rng() % 20 == 0) {
            EXPECT_EQ(Sorted(Run({"smembers", "s"})),
                      std::vector<std::string>(model.begin(), model.end()));
          }
          break;
      }
      ASSERT_THAT(Run({"scard", "s"}), IntArg(static_cast<int64_t>(model.size()))) << step;
    }
    EXPECT_EQ(Sorted(Run({"smembers", "s"})), std::vector<std::string>(model.begin(), model.end()));
    EXPECT_THAT(Run({"object", "encoding", "s"}), BulkArg("hashtable"));
  });
}

INSTANTIATE_TEST_SUITE_P(Shards, SetFamilyTest, ShardCounts());

}  // namespace
}  // namespace shoal::engine
