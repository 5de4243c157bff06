// Sorted sets, as Redis 7 behaves: every command with its options, wrong types, wrong
// arity, bad numbers, infinities, invalid ranges, missing keys and expiry, on 1 and 4
// shards. Every test body that says ForEachEncoding runs twice, as Redis runs its zset
// tests once per encoding: with the default limits (small sets are listpacks) and with
// zset-max-listpack-entries 0 (every set is a skiplist).
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
using Type = Value::Type;

class ZSetFamilyTest : public EngineTest {
 protected:
  // Runs `body` once per encoding, each time on a fresh engine.
  template <typename Fn>
  void ForEachEncoding(Fn body) {
    ForEachPass({{"listpack encoding", {}},
                 {"skiplist encoding", {{"zset-max-listpack-entries", "0"}}}},
                [&](size_t i) {
                  skiplist_ = i == 1;
                  body();
                });
  }
  std::string SmallEncoding() const { return skiplist_ ? "skiplist" : "listpack"; }
  // zadd key 1 a 2 b 3 c 4 d 5 e
  void AddFive(std::string_view key) {
    ASSERT_THAT(Run({"zadd", key, "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"}), IntArg(5));
  }

  bool skiplist_ = false;
};

// ZADD/ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE ------------------------------------------------

TEST_P(ZSetFamilyTest, ZAddBasics) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"zadd", "z", "1", "a"}), IntArg(1));
    EXPECT_THAT(Run({"zadd", "z", "2", "b", "3", "c", "1.5", "a"}), IntArg(2));
    EXPECT_THAT(Run({"zcard", "z"}), IntArg(3));
    EXPECT_THAT(Run({"zscore", "z", "a"}), BulkArg("1.5"));
    EXPECT_THAT(Run({"zscore", "z", "nope"}), NilArg());
    EXPECT_THAT(Run({"type", "z"}), SimpleArg("zset"));
    EXPECT_THAT(Run({"object", "encoding", "z"}), BulkArg(SmallEncoding()));
    // Same member twice in one call: counted once, the last score wins.
    EXPECT_THAT(Run({"zadd", "z", "5", "d", "6", "d"}), IntArg(1));
    EXPECT_THAT(Run({"zscore", "z", "d"}), BulkArg("6"));
    // CH counts updates too; an unchanged score is no change.
    EXPECT_THAT(Run({"zadd", "z", "ch", "10", "a", "2", "b", "7", "new"}), IntArg(2));
    EXPECT_THAT(Run({"zadd", "z", "CH", "10", "a"}), IntArg(0));
    // Infinities and signs are valid scores.
    EXPECT_THAT(Run({"zadd", "z", "+inf", "top", "-inf", "bottom", "-0", "zero"}), IntArg(3));
    EXPECT_THAT(Run({"zscore", "z", "top"}), BulkArg("inf"));
    EXPECT_THAT(Run({"zscore", "z", "bottom"}), BulkArg("-inf"));
    EXPECT_THAT(StrArray(Run({"zrange", "z", "0", "-1"})),
                ElementsAre("bottom", "zero", "b", "c", "d", "new", "a", "top"));
    std::string binary("a\0b", 3);
    EXPECT_THAT(Run({"zadd", "z", "0", binary}), IntArg(1));
    EXPECT_THAT(Run({"zscore", "z", binary}), BulkArg("0"));
    EXPECT_THAT(Run({"zmscore", "z", "a", "nope", "b"}),
                ArrArg(ElementsAre(BulkArg("10"), NilArg(), BulkArg("2"))));
  });
}

TEST_P(ZSetFamilyTest, ZAddOptions) {
  ForEachEncoding([&] {
    // XX on a missing key creates nothing.
    EXPECT_THAT(Run({"zadd", "z", "xx", "1", "a"}), IntArg(0));
    EXPECT_THAT(Run({"exists", "z"}), IntArg(0));
    EXPECT_THAT(Run({"zadd", "z", "xx", "incr", "1", "a"}), NilArg());
    EXPECT_THAT(Run({"exists", "z"}), IntArg(0));
    EXPECT_THAT(Run({"zadd", "z", "nx", "1", "a", "2", "b"}), IntArg(2));
    EXPECT_THAT(Run({"zadd", "z", "nx", "5", "a", "3", "c"}), IntArg(1));
    EXPECT_THAT(Run({"zscore", "z", "a"}), BulkArg("1"));
    EXPECT_THAT(Run({"zadd", "z", "xx", "5", "a", "4", "d"}), IntArg(0));
    EXPECT_THAT(Run({"zscore", "z", "a"}), BulkArg("5"));
    EXPECT_THAT(Run({"zscore", "z", "d"}), NilArg());
    // GT / LT only move an existing score one way, and still add new members.
    EXPECT_THAT(Run({"zadd", "z", "gt", "ch", "4", "a", "9", "b", "1", "new"}), IntArg(2));
    EXPECT_THAT(Run({"zmscore", "z", "a", "b", "new"}),
                ArrArg(ElementsAre(BulkArg("5"), BulkArg("9"), BulkArg("1"))));
    EXPECT_THAT(Run({"zadd", "z", "lt", "ch", "4", "a", "10", "b"}), IntArg(1));
    EXPECT_THAT(Run({"zmscore", "z", "a", "b"}), ArrArg(ElementsAre(BulkArg("4"), BulkArg("9"))));
    EXPECT_THAT(Run({"zadd", "z", "xx", "gt", "ch", "100", "a", "7", "zz"}), IntArg(1));
    EXPECT_THAT(Run({"zscore", "z", "zz"}), NilArg());
    // INCR replies the new score, nil when an option skipped it.
    EXPECT_THAT(Run({"zadd", "z", "incr", "2.5", "a"}), BulkArg("102.5"));
    EXPECT_THAT(Run({"zadd", "z", "incr", "3", "fresh"}), BulkArg("3"));
    EXPECT_THAT(Run({"zadd", "z", "nx", "incr", "3", "a"}), NilArg());
    EXPECT_THAT(Run({"zadd", "z", "gt", "incr", "-1", "a"}), NilArg());
    EXPECT_THAT(Run({"zadd", "z", "lt", "incr", "-1", "a"}), BulkArg("101.5"));
    EXPECT_THAT(Run({"zadd", "z", "incr", "0", "a"}), BulkArg("101.5"));
  });
}

TEST_P(ZSetFamilyTest, ZAddErrors) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"zadd", "z", "nx", "xx", "1", "a"}),
                ErrArg("ERR XX and NX options at the same time are not compatible"));
    for (auto opts : {std::pair<const char*, const char*>{"gt", "lt"}, {"gt", "nx"}, {"lt", "nx"}}) {
      EXPECT_THAT(Run({"zadd", "z", opts.first, opts.second, "1", "a"}),
                  ErrArg("ERR GT, LT, and/or NX options at the same time are not compatible"));
    }
    EXPECT_THAT(Run({"zadd", "z", "incr", "1", "a", "2", "b"}),
                ErrArg("ERR INCR option supports a single increment-element pair"));
    EXPECT_THAT(Run({"zadd", "z", "1", "a", "2"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"zadd", "z", "nx", "ch"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"zadd", "z", "1"}), ErrArg("ERR wrong number of arguments for 'zadd' command"));
    for (const char* bad : {"abc", "nan", "NaN", "", " 1", "1x", "(1"}) {
      SCOPED_TRACE(bad);
      EXPECT_THAT(Run({"zadd", "z", bad, "a"}), ErrArg("ERR value is not a valid float"));
    }
    // A bad score anywhere changes nothing.
    EXPECT_THAT(Run({"zadd", "z", "1", "a", "x", "b"}), ErrArg("ERR value is not a valid float"));
    EXPECT_THAT(Run({"exists", "z"}), IntArg(0));
    // inf + -inf is NaN: refused, the score stays.
    EXPECT_THAT(Run({"zadd", "z", "+inf", "a"}), IntArg(1));
    EXPECT_THAT(Run({"zadd", "z", "incr", "-inf", "a"}),
                ErrArg("ERR resulting score is not a number (NaN)"));
    EXPECT_THAT(Run({"zincrby", "z", "-inf", "a"}),
                ErrArg("ERR resulting score is not a number (NaN)"));
    EXPECT_THAT(Run({"zscore", "z", "a"}), BulkArg("inf"));
  });
}

TEST_P(ZSetFamilyTest, ZIncrBy) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"zincrby", "z", "5", "a"}), BulkArg("5"));
    EXPECT_THAT(Run({"zincrby", "z", "-7.5", "a"}), BulkArg("-2.5"));
    EXPECT_THAT(Run({"zincrby", "z", "1", "b"}), BulkArg("1"));
    EXPECT_THAT(StrArray(Run({"zrange", "z", "0", "-1"})), ElementsAre("a", "b"));
    EXPECT_THAT(Run({"zincrby", "z", "10", "a"}), BulkArg("7.5"));
    EXPECT_THAT(StrArray(Run({"zrange", "z", "0", "-1"})), ElementsAre("b", "a"));
    EXPECT_THAT(Run({"zincrby", "z", "abc", "a"}), ErrArg("ERR value is not a valid float"));
    EXPECT_THAT(Run({"zincrby", "z", "nan", "a"}), ErrArg("ERR value is not a valid float"));
    EXPECT_THAT(Run({"zincrby", "z", "+inf", "a"}), BulkArg("inf"));
    EXPECT_THAT(Run({"zincrby", "none", "x", "a"}), ErrArg("ERR value is not a valid float"));
    EXPECT_THAT(Run({"exists", "none"}), IntArg(0));
    // RESP3: a double.
    ASSERT_EQ(Run({"hello", "3"}).type, Type::kMap);
    EXPECT_THAT(Run({"zincrby", "z", "0.5", "b"}), DoubleArg(1.5));
    EXPECT_THAT(Run({"zscore", "z", "b"}), DoubleArg(1.5));
    EXPECT_THAT(Run({"zmscore", "z", "b", "x"}), ArrArg(ElementsAre(DoubleArg(1.5), NilArg())));
  });
}

TEST_P(ZSetFamilyTest, ZRemDeletesEmptiedSet) {
  ForEachEncoding([&] {
    AddFive("z");
    EXPECT_THAT(Run({"zrem", "z", "a", "nope", "a"}), IntArg(1));
    EXPECT_THAT(Run({"zcard", "z"}), IntArg(4));
    EXPECT_THAT(StrArray(Run({"zrange", "z", "0", "-1"})), ElementsAre("b", "c", "d", "e"));
    EXPECT_THAT(Run({"zrem", "z", "b", "c", "d", "e", "f"}), IntArg(4));
    EXPECT_THAT(Run({"exists", "z"}), IntArg(0));
    EXPECT_THAT(Run({"zrem", "z", "a"}), IntArg(0));
  });
}

// Arity, wrong type, missing keys ---------------------------------------------------------

TEST_P(ZSetFamilyTest, Arity) {
  ForEachEncoding([&] {
    auto wrong = [](const char* name) {
      return ErrArg(std::string("ERR wrong number of arguments for '") + name + "' command");
    };
    EXPECT_THAT(Run({"zadd", "z", "1"}), wrong("zadd"));
    EXPECT_THAT(Run({"zincrby", "z", "1"}), wrong("zincrby"));
    EXPECT_THAT(Run({"zrem", "z"}), wrong("zrem"));
    EXPECT_THAT(Run({"zcard"}), wrong("zcard"));
    EXPECT_THAT(Run({"zscore", "z"}), wrong("zscore"));
    EXPECT_THAT(Run({"zmscore", "z"}), wrong("zmscore"));
    EXPECT_THAT(Run({"zrank", "z"}), wrong("zrank"));
    EXPECT_THAT(Run({"zrank", "z", "a", "withscore", "x"}), wrong("zrank"));
    EXPECT_THAT(Run({"zrevrank", "z", "a", "withscore", "x"}), wrong("zrevrank"));
    EXPECT_THAT(Run({"zcount", "z", "1"}), wrong("zcount"));
    EXPECT_THAT(Run({"zlexcount", "z", "-"}), wrong("zlexcount"));
    EXPECT_THAT(Run({"zrange", "z", "0"}), wrong("zrange"));
    EXPECT_THAT(Run({"zrangestore", "d", "z", "0"}), wrong("zrangestore"));
    EXPECT_THAT(Run({"zrevrange", "z", "0"}), wrong("zrevrange"));
    EXPECT_THAT(Run({"zrangebyscore", "z", "0"}), wrong("zrangebyscore"));
    EXPECT_THAT(Run({"zrevrangebyscore", "z", "0"}), wrong("zrevrangebyscore"));
    EXPECT_THAT(Run({"zrangebylex", "z", "-"}), wrong("zrangebylex"));
    EXPECT_THAT(Run({"zrevrangebylex", "z", "-"}), wrong("zrevrangebylex"));
    EXPECT_THAT(Run({"zremrangebyscore", "z", "0"}), wrong("zremrangebyscore"));
    EXPECT_THAT(Run({"zremrangebyrank", "z", "0"}), wrong("zremrangebyrank"));
    EXPECT_THAT(Run({"zremrangebylex", "z", "-"}), wrong("zremrangebylex"));
    EXPECT_THAT(Run({"zpopmin"}), wrong("zpopmin"));
    EXPECT_THAT(Run({"zpopmax"}), wrong("zpopmax"));
    EXPECT_THAT(Run({"zmpop", "1", "z"}), wrong("zmpop"));
    EXPECT_THAT(Run({"zpopbyscore", "z"}), wrong("zpopbyscore"));
    EXPECT_THAT(Run({"zrandmember"}), wrong("zrandmember"));
    EXPECT_THAT(Run({"zscan", "z"}), wrong("zscan"));
    EXPECT_THAT(Run({"zunion", "1"}), wrong("zunion"));
    EXPECT_THAT(Run({"zinter", "1"}), wrong("zinter"));
    EXPECT_THAT(Run({"zdiff", "1"}), wrong("zdiff"));
    EXPECT_THAT(Run({"zunionstore", "d", "1"}), wrong("zunionstore"));
    EXPECT_THAT(Run({"zinterstore", "d", "1"}), wrong("zinterstore"));
    EXPECT_THAT(Run({"zdiffstore", "d", "1"}), wrong("zdiffstore"));
    EXPECT_THAT(Run({"zintercard", "1"}), wrong("zintercard"));
  });
}

TEST_P(ZSetFamilyTest, WrongType) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"set", "s", "x"}), OkArg());
    AddTestObject("l");
    for (const char* key : {"s", "l"}) {
      SCOPED_TRACE(key);
      const std::vector<std::vector<std::string>> cmds = {
          {"zadd", key, "1", "a"}, {"zincrby", key, "1", "a"}, {"zrem", key, "a"},
          {"zcard", key}, {"zscore", key, "a"}, {"zmscore", key, "a"}, {"zrank", key, "a"},
          {"zrevrank", key, "a"}, {"zcount", key, "0", "1"}, {"zlexcount", key, "-", "+"},
          {"zrange", key, "0", "-1"}, {"zrangestore", "dst", key, "0", "-1"},
          {"zrevrange", key, "0", "-1"}, {"zrangebyscore", key, "0", "1"},
          {"zrevrangebyscore", key, "1", "0"}, {"zrangebylex", key, "-", "+"},
          {"zrevrangebylex", key, "+", "-"}, {"zremrangebyscore", key, "0", "1"},
          {"zremrangebyrank", key, "0", "1"}, {"zremrangebylex", key, "-", "+"},
          {"zpopmin", key}, {"zpopmax", key, "2"}, {"zmpop", "1", key, "min"},
          {"zpopbyscore", key, "10"}, {"zrandmember", key}, {"zrandmember", key, "2"},
          {"zscan", key, "0"}, {"zunion", "1", key}, {"zinter", "1", key}, {"zdiff", "1", key},
          {"zunionstore", "dst", "1", key}, {"zinterstore", "dst", "1", key},
          {"zdiffstore", "dst", "1", key}, {"zintercard", "1", key}};
      for (const auto& cmd : cmds) {
        SCOPED_TRACE(cmd[0]);
        EXPECT_THAT(Run(cmd), ErrArg("WRONGTYPE"));
      }
    }
    EXPECT_THAT(Run({"get", "s"}), BulkArg("x"));
    EXPECT_THAT(Run({"exists", "dst"}), IntArg(0));
    EXPECT_THAT(Run({"zadd", "z", "1", "a"}), IntArg(1));
    EXPECT_THAT(Run({"get", "z"}), ErrArg("WRONGTYPE"));
    EXPECT_THAT(Run({"hget", "z", "a"}), ErrArg("WRONGTYPE"));
  });
}

TEST_P(ZSetFamilyTest, MissingKey) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"zcard", "none"}), IntArg(0));
    EXPECT_THAT(Run({"zscore", "none", "a"}), NilArg());
    EXPECT_THAT(Run({"zmscore", "none", "a", "b"}), ArrArg(ElementsAre(NilArg(), NilArg())));
    EXPECT_THAT(Run({"zrank", "none", "a"}), NilArg());
    EXPECT_THAT(Run({"zrank", "none", "a", "withscore"}), NilArg());
    EXPECT_THAT(Run({"zrevrank", "none", "a"}), NilArg());
    EXPECT_THAT(Run({"zcount", "none", "-inf", "+inf"}), IntArg(0));
    EXPECT_THAT(Run({"zlexcount", "none", "-", "+"}), IntArg(0));
    EXPECT_THAT(Run({"zrange", "none", "0", "-1"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"zrevrange", "none", "0", "-1"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"zrangebyscore", "none", "-inf", "+inf"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"zrevrangebyscore", "none", "+inf", "-inf"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"zrangebylex", "none", "-", "+"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"zrevrangebylex", "none", "+", "-"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"zremrangebyscore", "none", "-inf", "+inf"}), IntArg(0));
    EXPECT_THAT(Run({"zremrangebyrank", "none", "0", "-1"}), IntArg(0));
    EXPECT_THAT(Run({"zremrangebylex", "none", "-", "+"}), IntArg(0));
    EXPECT_THAT(Run({"zpopmin", "none"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"zpopmax", "none", "3"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"zmpop", "2", "none", "none2", "max"}), NilArg());
    EXPECT_THAT(Run({"zpopbyscore", "none", "+inf"}), NilArg());
    EXPECT_THAT(Run({"zpopbyscore", "none", "+inf", "count", "3"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"zrandmember", "none"}), NilArg());
    EXPECT_THAT(Run({"zrandmember", "none", "-3", "withscores"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"zscan", "none", "0"}), ArrArg(ElementsAre(BulkArg("0"), ArrArg(IsEmpty()))));
    EXPECT_THAT(Run({"zunion", "2", "none", "none2"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"zinter", "1", "none"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"zdiff", "1", "none"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"zintercard", "1", "none"}), IntArg(0));
    EXPECT_THAT(Run({"zrangestore", "dst", "none", "0", "-1"}), IntArg(0));
    EXPECT_THAT(Run({"zunionstore", "dst", "1", "none"}), IntArg(0));
    EXPECT_THAT(Run({"exists", "none", "dst"}), IntArg(0));
  });
}

// Ranks, counts, ranges ---------------------------------------------------------------------

TEST_P(ZSetFamilyTest, ZRank) {
  ForEachEncoding([&] {
    AddFive("z");
    EXPECT_THAT(Run({"zrank", "z", "a"}), IntArg(0));
    EXPECT_THAT(Run({"zrank", "z", "e"}), IntArg(4));
    EXPECT_THAT(Run({"zrevrank", "z", "a"}), IntArg(4));
    EXPECT_THAT(Run({"zrevrank", "z", "d"}), IntArg(1));
    EXPECT_THAT(Run({"zrank", "z", "nope"}), NilArg());
    EXPECT_THAT(Run({"zrank", "z", "c", "WITHSCORE"}), ArrArg(ElementsAre(IntArg(2), BulkArg("3"))));
    EXPECT_THAT(Run({"zrevrank", "z", "c", "withscore"}),
                ArrArg(ElementsAre(IntArg(2), BulkArg("3"))));
    EXPECT_THAT(Run({"zrank", "z", "nope", "withscore"}), NilArg());
    EXPECT_THAT(Run({"zrank", "z", "c", "withscores"}), ErrArg("ERR syntax error"));
    // Equal scores order by member bytes.
    EXPECT_THAT(Run({"zadd", "t", "1", "b", "1", "a", "1", "ab", "0", "z"}), IntArg(4));
    EXPECT_THAT(StrArray(Run({"zrange", "t", "0", "-1"})), ElementsAre("z", "a", "ab", "b"));
    EXPECT_THAT(Run({"zrank", "t", "ab"}), IntArg(2));
    ASSERT_EQ(Run({"hello", "3"}).type, Type::kMap);
    EXPECT_THAT(Run({"zrank", "z", "c", "withscore"}), ArrArg(ElementsAre(IntArg(2), DoubleArg(3))));
  });
}

TEST_P(ZSetFamilyTest, ZCountAndZLexCount) {
  ForEachEncoding([&] {
    AddFive("z");
    EXPECT_THAT(Run({"zcount", "z", "-inf", "+inf"}), IntArg(5));
    EXPECT_THAT(Run({"zcount", "z", "2", "4"}), IntArg(3));
    EXPECT_THAT(Run({"zcount", "z", "(2", "4"}), IntArg(2));
    EXPECT_THAT(Run({"zcount", "z", "(2", "(4"}), IntArg(1));
    EXPECT_THAT(Run({"zcount", "z", "4", "2"}), IntArg(0));
    EXPECT_THAT(Run({"zcount", "z", "(3", "3"}), IntArg(0));
    EXPECT_THAT(Run({"zcount", "z", "-inf", "(1"}), IntArg(0));
    EXPECT_THAT(Run({"zcount", "z", "inf", "+inf"}), IntArg(0));
    EXPECT_THAT(Run({"zcount", "z", "2.5", "1e1"}), IntArg(3));
    for (const char* bad : {"abc", "nan", "(nan", "1x", "(("}) {
      SCOPED_TRACE(bad);
      EXPECT_THAT(Run({"zcount", "z", bad, "1"}), ErrArg("ERR min or max is not a float"));
      EXPECT_THAT(Run({"zcount", "z", "1", bad}), ErrArg("ERR min or max is not a float"));
    }
    // The range is checked before the key.
    EXPECT_THAT(Run({"set", "s", "x"}), OkArg());
    EXPECT_THAT(Run({"zcount", "s", "x", "1"}), ErrArg("ERR min or max is not a float"));

    EXPECT_THAT(Run({"zadd", "l", "0", "a", "0", "b", "0", "c", "0", "d"}), IntArg(4));
    EXPECT_THAT(Run({"zlexcount", "l", "-", "+"}), IntArg(4));
    EXPECT_THAT(Run({"zlexcount", "l", "[b", "[c"}), IntArg(2));
    EXPECT_THAT(Run({"zlexcount", "l", "(b", "[c"}), IntArg(1));
    EXPECT_THAT(Run({"zlexcount", "l", "(a", "(d"}), IntArg(2));
    EXPECT_THAT(Run({"zlexcount", "l", "[c", "[b"}), IntArg(0));
    EXPECT_THAT(Run({"zlexcount", "l", "+", "-"}), IntArg(0));
    EXPECT_THAT(Run({"zlexcount", "l", "[bb", "+"}), IntArg(2));
    for (const char* bad : {"a", "", "-x"}) {
      SCOPED_TRACE(bad);
      EXPECT_THAT(Run({"zlexcount", "l", bad, "+"}),
                  ErrArg("ERR min or max not valid string range item"));
    }
  });
}

TEST_P(ZSetFamilyTest, ZRangeByRank) {
  ForEachEncoding([&] {
    AddFive("z");
    EXPECT_THAT(StrArray(Run({"zrange", "z", "0", "-1"})), ElementsAre("a", "b", "c", "d", "e"));
    EXPECT_THAT(StrArray(Run({"zrange", "z", "1", "2"})), ElementsAre("b", "c"));
    EXPECT_THAT(StrArray(Run({"zrange", "z", "-2", "100"})), ElementsAre("d", "e"));
    EXPECT_THAT(StrArray(Run({"zrange", "z", "-100", "0"})), ElementsAre("a"));
    EXPECT_THAT(Run({"zrange", "z", "3", "1"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"zrange", "z", "5", "10"}), ArrArg(IsEmpty()));
    EXPECT_THAT(StrArray(Run({"zrange", "z", "0", "1", "rev"})), ElementsAre("e", "d"));
    EXPECT_THAT(StrArray(Run({"zrevrange", "z", "0", "1"})), ElementsAre("e", "d"));
    EXPECT_THAT(StrArray(Run({"zrevrange", "z", "-1", "-1"})), ElementsAre("a"));
    EXPECT_THAT(StrArray(Run({"zrange", "z", "0", "1", "withscores"})),
                ElementsAre("a", "1", "b", "2"));
    EXPECT_THAT(StrArray(Run({"zrevrange", "z", "0", "0", "WITHSCORES"})), ElementsAre("e", "5"));
    EXPECT_THAT(Run({"zrange", "z", "a", "1"}), ErrArg("ERR value is not an integer"));
    EXPECT_THAT(Run({"zrange", "z", "0", "1.5"}), ErrArg("ERR value is not an integer"));
    EXPECT_THAT(Run({"zrange", "z", "0", "1", "limit", "0", "1"}),
                ErrArg("ERR syntax error, LIMIT is only supported in combination with either "
                       "BYSCORE or BYLEX"));
    EXPECT_THAT(Run({"zrevrange", "z", "0", "1", "rev"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"zrange", "z", "0", "1", "bogus"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"zrange", "z", "0", "1", "limit", "0"}), ErrArg("ERR syntax error"));
    // RESP3: WITHSCORES gives [member, score] pairs.
    ASSERT_EQ(Run({"hello", "3"}).type, Type::kMap);
    EXPECT_THAT(Run({"zrange", "z", "0", "1", "withscores"}),
                ArrArg(ElementsAre(ArrArg(ElementsAre(BulkArg("a"), DoubleArg(1))),
                                   ArrArg(ElementsAre(BulkArg("b"), DoubleArg(2))))));
    EXPECT_THAT(Run({"zrange", "z", "0", "1"}), ArrArg(ElementsAre(BulkArg("a"), BulkArg("b"))));
  });
}

TEST_P(ZSetFamilyTest, ZRangeByScore) {
  ForEachEncoding([&] {
    AddFive("z");
    EXPECT_THAT(StrArray(Run({"zrange", "z", "2", "4", "byscore"})), ElementsAre("b", "c", "d"));
    EXPECT_THAT(StrArray(Run({"zrange", "z", "(2", "+inf", "byscore"})),
                ElementsAre("c", "d", "e"));
    EXPECT_THAT(StrArray(Run({"zrange", "z", "4", "(2", "byscore", "rev"})),
                ElementsAre("d", "c"));
    EXPECT_THAT(StrArray(Run({"zrange", "z", "-inf", "+inf", "byscore", "limit", "1", "2"})),
                ElementsAre("b", "c"));
    EXPECT_THAT(StrArray(Run({"zrange", "z", "+inf", "-inf", "byscore", "rev", "limit", "1", "2"})),
                ElementsAre("d", "c"));
    // LIMIT: a negative count is "all", a negative offset "none"; an offset past the end none.
    EXPECT_THAT(StrArray(Run({"zrangebyscore", "z", "-inf", "+inf", "limit", "3", "-1"})),
                ElementsAre("d", "e"));
    EXPECT_THAT(Run({"zrangebyscore", "z", "-inf", "+inf", "limit", "-1", "2"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"zrangebyscore", "z", "-inf", "+inf", "limit", "5", "2"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"zrangebyscore", "z", "-inf", "+inf", "limit", "0", "0"}), ArrArg(IsEmpty()));
    EXPECT_THAT(StrArray(Run({"zrangebyscore", "z", "(1", "3", "withscores"})),
                ElementsAre("b", "2", "c", "3"));
    EXPECT_THAT(StrArray(Run({"zrevrangebyscore", "z", "3", "(1"})), ElementsAre("c", "b"));
    EXPECT_THAT(StrArray(Run({"zrevrangebyscore", "z", "+inf", "-inf", "withscores", "limit",
                              "0", "1"})),
                ElementsAre("e", "5"));
    EXPECT_THAT(Run({"zrevrangebyscore", "z", "1", "3"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"zrangebyscore", "z", "3", "1"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"zrangebyscore", "z", "abc", "1"}), ErrArg("ERR min or max is not a float"));
    EXPECT_THAT(Run({"zrange", "z", "0", "nan", "byscore"}),
                ErrArg("ERR min or max is not a float"));
    EXPECT_THAT(Run({"zrangebyscore", "z", "0", "1", "byscore"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"zrangebyscore", "z", "0", "1", "limit", "x", "1"}),
                ErrArg("ERR value is not an integer"));
  });
}

TEST_P(ZSetFamilyTest, ZRangeByLex) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"zadd", "z", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e"}), IntArg(5));
    EXPECT_THAT(StrArray(Run({"zrange", "z", "[b", "(d", "bylex"})), ElementsAre("b", "c"));
    EXPECT_THAT(StrArray(Run({"zrange", "z", "-", "+", "bylex", "limit", "1", "3"})),
                ElementsAre("b", "c", "d"));
    EXPECT_THAT(StrArray(Run({"zrange", "z", "+", "(c", "bylex", "rev"})), ElementsAre("e", "d"));
    EXPECT_THAT(StrArray(Run({"zrangebylex", "z", "(c", "+"})), ElementsAre("d", "e"));
    EXPECT_THAT(StrArray(Run({"zrevrangebylex", "z", "[c", "-"})), ElementsAre("c", "b", "a"));
    EXPECT_THAT(StrArray(Run({"zrevrangebylex", "z", "+", "-", "limit", "1", "1"})),
                ElementsAre("d"));
    EXPECT_THAT(Run({"zrangebylex", "z", "+", "-"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"zrangebylex", "z", "[d", "[b"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"zrangebylex", "z", "b", "+"}),
                ErrArg("ERR min or max not valid string range item"));
    EXPECT_THAT(Run({"zrange", "z", "-", "+", "bylex", "withscores"}),
                ErrArg("ERR syntax error, WITHSCORES not supported in combination with BYLEX"));
    EXPECT_THAT(Run({"zrangebylex", "z", "-", "+", "withscores"}),
                ErrArg("ERR syntax error, WITHSCORES not supported in combination with BYLEX"));
  });
}

TEST_P(ZSetFamilyTest, ZRangeStore) {
  ForEachEncoding([&] {
    for (auto [src, dst] : {std::pair<std::string, std::string>{"{t}src", "{t}dst"},
                            std::pair<std::string, std::string>{"src", "dst"}}) {
      SCOPED_TRACE(src + " -> " + dst);
      AddFive(src);
      EXPECT_THAT(Run({"set", dst, "old"}), OkArg());
      EXPECT_THAT(Run({"expire", dst, "100"}), IntArg(1));
      EXPECT_THAT(Run({"zrangestore", dst, src, "1", "3"}), IntArg(3));
      EXPECT_THAT(Run({"ttl", dst}), IntArg(-1));
      EXPECT_THAT(StrArray(Run({"zrange", dst, "0", "-1", "withscores"})),
                  ElementsAre("b", "2", "c", "3", "d", "4"));
      EXPECT_THAT(Run({"zrangestore", dst, src, "+inf", "(2", "byscore", "rev", "limit", "0", "2"}),
                  IntArg(2));
      EXPECT_THAT(StrArray(Run({"zrange", dst, "0", "-1"})), ElementsAre("d", "e"));
      EXPECT_THAT(Run({"zrangestore", dst, src, "0", "-1", "withscores"}),
                  ErrArg("ERR syntax error"));
      // An empty result deletes the destination.
      EXPECT_THAT(Run({"zrangestore", dst, src, "10", "20"}), IntArg(0));
      EXPECT_THAT(Run({"exists", dst}), IntArg(0));
      // Source and destination may be the same key.
      EXPECT_THAT(Run({"zrangestore", src, src, "0", "1"}), IntArg(2));
      EXPECT_THAT(StrArray(Run({"zrange", src, "0", "-1"})), ElementsAre("a", "b"));
      EXPECT_THAT(Run({"del", src}), IntArg(1));
    }
  });
}

TEST_P(ZSetFamilyTest, ZRemRange) {
  ForEachEncoding([&] {
    AddFive("z");
    EXPECT_THAT(Run({"zremrangebyscore", "z", "(1", "3"}), IntArg(2));
    EXPECT_THAT(StrArray(Run({"zrange", "z", "0", "-1"})), ElementsAre("a", "d", "e"));
    EXPECT_THAT(Run({"zremrangebyscore", "z", "10", "+inf"}), IntArg(0));
    EXPECT_THAT(Run({"zremrangebyscore", "z", "x", "+inf"}), ErrArg("ERR min or max is not a float"));
    EXPECT_THAT(Run({"zremrangebyrank", "z", "-1", "-1"}), IntArg(1));
    EXPECT_THAT(StrArray(Run({"zrange", "z", "0", "-1"})), ElementsAre("a", "d"));
    EXPECT_THAT(Run({"zremrangebyrank", "z", "5", "10"}), IntArg(0));
    EXPECT_THAT(Run({"zremrangebyrank", "z", "1", "0"}), IntArg(0));
    EXPECT_THAT(Run({"zremrangebyrank", "z", "x", "0"}), ErrArg("ERR value is not an integer"));
    EXPECT_THAT(Run({"zremrangebyscore", "z", "-inf", "+inf"}), IntArg(2));
    EXPECT_THAT(Run({"exists", "z"}), IntArg(0));

    EXPECT_THAT(Run({"zadd", "l", "0", "a", "0", "b", "0", "c", "0", "d"}), IntArg(4));
    EXPECT_THAT(Run({"zremrangebylex", "l", "(a", "[c"}), IntArg(2));
    EXPECT_THAT(StrArray(Run({"zrange", "l", "0", "-1"})), ElementsAre("a", "d"));
    EXPECT_THAT(Run({"zremrangebylex", "l", "a", "+"}),
                ErrArg("ERR min or max not valid string range item"));
    EXPECT_THAT(Run({"zremrangebyrank", "l", "0", "-1"}), IntArg(2));
    EXPECT_THAT(Run({"exists", "l"}), IntArg(0));
  });
}

// Pops --------------------------------------------------------------------------------------

TEST_P(ZSetFamilyTest, ZPopMinMax) {
  ForEachEncoding([&] {
    AddFive("z");
    EXPECT_THAT(StrArray(Run({"zpopmin", "z"})), ElementsAre("a", "1"));
    EXPECT_THAT(StrArray(Run({"zpopmax", "z"})), ElementsAre("e", "5"));
    EXPECT_THAT(StrArray(Run({"zpopmax", "z", "2"})), ElementsAre("d", "4", "c", "3"));
    EXPECT_THAT(Run({"zpopmin", "z", "0"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"zpopmin", "z", "-1"}),
                ErrArg("ERR value is out of range, must be positive"));
    EXPECT_THAT(Run({"zpopmin", "z", "x"}), ErrArg("ERR value is not an integer"));
    EXPECT_THAT(Run({"zpopmin", "z", "1", "2"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(StrArray(Run({"zpopmin", "z", "10"})), ElementsAre("b", "2"));
    EXPECT_THAT(Run({"exists", "z"}), IntArg(0));
    // RESP3: one pop is flat; with a count, nested pairs.
    AddFive("z");
    ASSERT_EQ(Run({"hello", "3"}).type, Type::kMap);
    EXPECT_THAT(Run({"zpopmin", "z"}), ArrArg(ElementsAre(BulkArg("a"), DoubleArg(1))));
    EXPECT_THAT(Run({"zpopmax", "z", "1"}),
                ArrArg(ElementsAre(ArrArg(ElementsAre(BulkArg("e"), DoubleArg(5))))));
  });
}

TEST_P(ZSetFamilyTest, ZMPop) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"zadd", "z2", "1", "a", "2", "b", "3", "c"}), IntArg(3));
    EXPECT_THAT(Run({"zadd", "z3", "9", "x"}), IntArg(1));
    EXPECT_THAT(Run({"zmpop", "3", "z1", "z2", "z3", "min"}),
                ArrArg(ElementsAre(BulkArg("z2"),
                                   ArrArg(ElementsAre(ArrArg(ElementsAre(BulkArg("a"), BulkArg("1"))))))));
    EXPECT_THAT(Run({"zmpop", "2", "z2", "z3", "MAX", "COUNT", "5"}),
                ArrArg(ElementsAre(BulkArg("z2"),
                                   ArrArg(ElementsAre(ArrArg(ElementsAre(BulkArg("c"), BulkArg("3"))),
                                                      ArrArg(ElementsAre(BulkArg("b"), BulkArg("2"))))))));
    EXPECT_THAT(Run({"exists", "z2"}), IntArg(0));
    EXPECT_THAT(Run({"zmpop", "2", "z2", "z3", "max"}),
                ArrArg(ElementsAre(BulkArg("z3"), ArrArg(SizeIs(1)))));
    EXPECT_THAT(Run({"zmpop", "1", "z3", "min"}), NilArg());
    EXPECT_THAT(Run({"zmpop", "0", "z", "min"}), ErrArg("ERR numkeys should be greater than 0"));
    EXPECT_THAT(Run({"zmpop", "x", "z", "min"}), ErrArg("ERR numkeys should be greater than 0"));
    EXPECT_THAT(Run({"zmpop", "2", "z", "min"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"zmpop", "5", "z", "min"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"zmpop", "1", "z", "middle"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"zmpop", "1", "z", "min", "count", "0"}),
                ErrArg("ERR count should be greater than 0"));
    EXPECT_THAT(Run({"zmpop", "1", "z", "min", "count", "1", "count", "2"}),
                ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"zmpop", "1", "z", "min", "count"}), ErrArg("ERR syntax error"));
  });
}

TEST_P(ZSetFamilyTest, ZPopByScore) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"zadd", "q", "10", "j1", "20", "j2", "30", "j3", "40", "j4"}), IntArg(4));
    EXPECT_THAT(Run({"zpopbyscore", "q", "5"}), NilArg());
    EXPECT_THAT(Run({"zpopbyscore", "q", "15"}), BulkArg("j1"));
    EXPECT_THAT(Run({"zpopbyscore", "q", "(20"}), NilArg());
    EXPECT_THAT(Run({"zpopbyscore", "q", "20", "withscores"}),
                ArrArg(ElementsAre(BulkArg("j2"), BulkArg("20"))));
    EXPECT_THAT(Run({"zpopbyscore", "q", "20", "withscores"}), NilArg());
    EXPECT_THAT(Run({"zpopbyscore", "q", "+inf", "min", "(30", "count", "5"}),
                ArrArg(ElementsAre(BulkArg("j4"))));
    EXPECT_THAT(Run({"zadd", "q", "50", "j5", "60", "j6"}), IntArg(2));
    EXPECT_THAT(StrArray(Run({"zpopbyscore", "q", "+inf", "COUNT", "2", "WITHSCORES"})),
                ElementsAre("j3", "30", "j5", "50"));
    EXPECT_THAT(Run({"zpopbyscore", "q", "+inf", "count", "0"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"zpopbyscore", "q", "abc"}), ErrArg("ERR min or max is not a float"));
    EXPECT_THAT(Run({"zpopbyscore", "q", "10", "min", "nan"}),
                ErrArg("ERR min or max is not a float"));
    EXPECT_THAT(Run({"zpopbyscore", "q", "10", "count", "-1"}),
                ErrArg("ERR value is out of range, must be positive"));
    EXPECT_THAT(Run({"zpopbyscore", "q", "10", "count", "x"}), ErrArg("ERR value is not an integer"));
    EXPECT_THAT(Run({"zpopbyscore", "q", "10", "count"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"zpopbyscore", "q", "10", "bogus"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"zpopbyscore", "q", "+inf"}), BulkArg("j6"));
    EXPECT_THAT(Run({"exists", "q"}), IntArg(0));
    // RESP3: pairs with a count, a flat pair without.
    EXPECT_THAT(Run({"zadd", "q", "1", "a", "2", "b"}), IntArg(2));
    ASSERT_EQ(Run({"hello", "3"}).type, Type::kMap);
    EXPECT_THAT(Run({"zpopbyscore", "q", "1", "withscores"}),
                ArrArg(ElementsAre(BulkArg("a"), DoubleArg(1))));
    EXPECT_THAT(Run({"zpopbyscore", "q", "5", "count", "5", "withscores"}),
                ArrArg(ElementsAre(ArrArg(ElementsAre(BulkArg("b"), DoubleArg(2))))));
  });
}

// Random members, scans ---------------------------------------------------------------------

TEST_P(ZSetFamilyTest, ZRandMember) {
  ForEachEncoding([&] {
    AddFive("z");
    const std::set<std::string> all = {"a", "b", "c", "d", "e"};
    for (int i = 0; i < 20; ++i) EXPECT_EQ(all.count(Run({"zrandmember", "z"}).str), 1u);
    std::vector<std::string> three = StrArray(Run({"zrandmember", "z", "3"}));
    EXPECT_EQ(std::set<std::string>(three.begin(), three.end()).size(), 3u);
    EXPECT_THAT(StrArray(Run({"zrandmember", "z", "10"})), UnorderedElementsAre("a", "b", "c", "d", "e"));
    EXPECT_THAT(Run({"zrandmember", "z", "-20"}), ArrArg(SizeIs(20)));
    EXPECT_THAT(Run({"zrandmember", "z", "0"}), ArrArg(IsEmpty()));
    Value ws = Run({"zrandmember", "z", "-4", "withscores"});
    ASSERT_THAT(ws, ArrArg(SizeIs(8)));
    for (size_t i = 0; i < 8; i += 2) {
      EXPECT_EQ(std::string(1, static_cast<char>('a' + std::stoi(ws.elems[i + 1].str) - 1)),
                ws.elems[i].str);
    }
    EXPECT_THAT(Run({"zrandmember", "z", "x"}), ErrArg("ERR value is not an integer"));
    EXPECT_THAT(Run({"zrandmember", "z", "1", "bogus"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"zrandmember", "z", "1", "withscores", "x"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"zrandmember", "z", "-9223372036854775808"}), ErrArg("ERR value is out of range"));
    EXPECT_THAT(Run({"zrandmember", "z", "9223372036854775807", "withscores"}),
                ErrArg("ERR value is out of range"));
    // A negative count repeats; one past 2^24 would only exhaust memory (Redis has no cap).
    EXPECT_THAT(Run({"zrandmember", "z", "-9223372036854775807"}), ErrArg("ERR value is out of range"));
    EXPECT_THAT(Run({"zrandmember", "z", "-16777217"}), ErrArg("ERR value is out of range"));
    ASSERT_EQ(Run({"hello", "3"}).type, Type::kMap);
    Value nested = Run({"zrandmember", "z", "2", "withscores"});
    ASSERT_THAT(nested, ArrArg(SizeIs(2)));
    EXPECT_EQ(nested.elems[0].elems[1].type, Type::kDouble);
  });
}

TEST_P(ZSetFamilyTest, ZScan) {
  ForEachEncoding([&] {
    std::vector<std::string> args = {"zadd", "z"};
    for (int i = 0; i < 60; ++i) {
      args.push_back(std::to_string(i) + ".5");
      args.push_back("m" + std::to_string(i));
    }
    EXPECT_THAT(Run(args), IntArg(60));
    for (const char* count : {"1", "7", "100"}) {
      SCOPED_TRACE(count);
      std::multiset<std::string> seen;
      std::string cursor = "0";
      int calls = 0;
      do {
        Value v = Run({"zscan", "z", cursor, "count", count});
        ASSERT_THAT(v, ArrArg(SizeIs(2)));
        cursor = v.elems[0].str;
        const auto& items = v.elems[1].elems;
        ASSERT_EQ(items.size() % 2, 0u);
        for (size_t i = 0; i < items.size(); i += 2) {
          EXPECT_EQ(items[i].str.substr(1) + ".5", items[i + 1].str);
          seen.insert(items[i].str);
        }
        ASSERT_LT(++calls, 1000);
      } while (cursor != "0");
      EXPECT_EQ(seen.size(), 60u);
      EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 60u);
    }
    Value m = Run({"zscan", "z", "0", "match", "m1*", "count", "1000"});
    EXPECT_THAT(m.elems[1], ArrArg(SizeIs(2 * 11)));  // m1, m10..m19
    EXPECT_THAT(Run({"zscan", "z", "x"}), ErrArg("ERR invalid cursor"));
    EXPECT_THAT(Run({"zscan", "z", "0", "count", "0"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"zscan", "z", "0", "type", "zset"}), ErrArg("ERR syntax error"));
  });
}

// Set operations ----------------------------------------------------------------------------

TEST_P(ZSetFamilyTest, ZUnionInterDiff) {
  ForEachEncoding([&] {
    // Keys on different shards when there are 4.
    EXPECT_THAT(Run({"zadd", "k1", "1", "a", "2", "b", "3", "c"}), IntArg(3));
    EXPECT_THAT(Run({"zadd", "k2", "10", "b", "20", "c", "30", "d"}), IntArg(3));
    EXPECT_THAT(Run({"zadd", "k3", "5", "c"}), IntArg(1));
    EXPECT_THAT(StrArray(Run({"zunion", "2", "k1", "k2", "withscores"})),
                ElementsAre("a", "1", "b", "12", "c", "23", "d", "30"));
    EXPECT_THAT(StrArray(Run({"zunion", "3", "k1", "k2", "nokey"})), ElementsAre("a", "b", "c", "d"));
    EXPECT_THAT(StrArray(Run({"zunion", "2", "k1", "k2", "weights", "2", "0.5", "aggregate", "max",
                              "withscores"})),
                ElementsAre("a", "2", "b", "5", "c", "10", "d", "15"));
    EXPECT_THAT(StrArray(Run({"zunion", "2", "k1", "k2", "aggregate", "min", "withscores"})),
                ElementsAre("a", "1", "b", "2", "c", "3", "d", "30"));
    EXPECT_THAT(StrArray(Run({"zinter", "2", "k1", "k2", "withscores"})),
                ElementsAre("b", "12", "c", "23"));
    EXPECT_THAT(StrArray(Run({"zinter", "3", "k1", "k2", "k3", "withscores"})),
                ElementsAre("c", "28"));
    EXPECT_THAT(Run({"zinter", "2", "k1", "nokey"}), ArrArg(IsEmpty()));
    EXPECT_THAT(StrArray(Run({"zdiff", "2", "k1", "k2", "withscores"})), ElementsAre("a", "1"));
    EXPECT_THAT(StrArray(Run({"zdiff", "3", "k2", "k1", "nokey"})), ElementsAre("d"));
    EXPECT_THAT(Run({"zintercard", "2", "k1", "k2"}), IntArg(2));
    EXPECT_THAT(Run({"zintercard", "2", "k1", "k2", "limit", "1"}), IntArg(1));
    EXPECT_THAT(Run({"zintercard", "2", "k1", "k2", "limit", "0"}), IntArg(2));
    EXPECT_THAT(Run({"zintercard", "2", "k1", "k2", "limit", "-1"}),
                ErrArg("ERR LIMIT can't be negative"));
    EXPECT_THAT(Run({"zintercard", "2", "k1", "k2", "withscores"}), ErrArg("ERR syntax error"));
    // inf * 0 is NaN and counts as 0; inf + -inf sums to 0.
    EXPECT_THAT(Run({"zadd", "i1", "+inf", "x"}), IntArg(1));
    EXPECT_THAT(Run({"zadd", "i2", "-inf", "x"}), IntArg(1));
    EXPECT_THAT(StrArray(Run({"zunion", "2", "i1", "i2", "withscores"})), ElementsAre("x", "0"));
    EXPECT_THAT(StrArray(Run({"zunion", "1", "i1", "weights", "0", "withscores"})),
                ElementsAre("x", "0"));
    // Errors, in Redis's order.
    EXPECT_THAT(Run({"zunion", "0", "k1"}),
                ErrArg("ERR at least 1 input key is needed for 'zunion' command"));
    EXPECT_THAT(Run({"zinterstore", "d", "0", "k1"}),
                ErrArg("ERR at least 1 input key is needed for 'zinterstore' command"));
    EXPECT_THAT(Run({"zunion", "x", "k1"}), ErrArg("ERR value is not an integer"));
    EXPECT_THAT(Run({"zunion", "3", "k1", "k2"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"zunion", "2", "k1", "k2", "weights", "1"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"zunion", "2", "k1", "k2", "weights", "1", "x"}),
                ErrArg("ERR weight value is not a float"));
    EXPECT_THAT(Run({"zunion", "2", "k1", "k2", "aggregate", "avg"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"zdiff", "2", "k1", "k2", "weights", "1", "1"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"zunionstore", "d", "2", "k1", "k2", "withscores"}), ErrArg("ERR syntax error"));
    // RESP3 pairs.
    ASSERT_EQ(Run({"hello", "3"}).type, Type::kMap);
    EXPECT_THAT(Run({"zdiff", "2", "k1", "k2", "withscores"}),
                ArrArg(ElementsAre(ArrArg(ElementsAre(BulkArg("a"), DoubleArg(1))))));
  });
}

TEST_P(ZSetFamilyTest, ZStoreOps) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"zadd", "k1", "1", "a", "2", "b", "3", "c"}), IntArg(3));
    EXPECT_THAT(Run({"zadd", "k2", "10", "b", "20", "c", "30", "d"}), IntArg(3));
    EXPECT_THAT(Run({"set", "dst", "string"}), OkArg());
    EXPECT_THAT(Run({"expire", "dst", "100"}), IntArg(1));
    EXPECT_THAT(Run({"zunionstore", "dst", "2", "k1", "k2"}), IntArg(4));
    EXPECT_THAT(Run({"ttl", "dst"}), IntArg(-1));
    EXPECT_THAT(StrArray(Run({"zrange", "dst", "0", "-1", "withscores"})),
                ElementsAre("a", "1", "b", "12", "c", "23", "d", "30"));
    EXPECT_THAT(Run({"object", "encoding", "dst"}), BulkArg(SmallEncoding()));
    EXPECT_THAT(Run({"zinterstore", "dst", "2", "k1", "k2", "weights", "1", "-1"}), IntArg(2));
    EXPECT_THAT(StrArray(Run({"zrange", "dst", "0", "-1", "withscores"})),
                ElementsAre("c", "-17", "b", "-8"));
    EXPECT_THAT(Run({"zdiffstore", "dst", "2", "k2", "k1"}), IntArg(1));
    EXPECT_THAT(StrArray(Run({"zrange", "dst", "0", "-1"})), ElementsAre("d"));
    // The destination may be a source.
    EXPECT_THAT(Run({"zunionstore", "k1", "2", "k1", "k2", "aggregate", "max"}), IntArg(4));
    EXPECT_THAT(StrArray(Run({"zrange", "k1", "0", "-1", "withscores"})),
                ElementsAre("a", "1", "b", "10", "c", "20", "d", "30"));
    // An empty result deletes the destination.
    EXPECT_THAT(Run({"zinterstore", "dst", "2", "k1", "nokey"}), IntArg(0));
    EXPECT_THAT(Run({"exists", "dst"}), IntArg(0));
  });
}

// Plain sets are sources too: every member scores 1 (times its weight), as in Redis; any
// other type is WRONGTYPE. The set runs in each of its encodings.
TEST_P(ZSetFamilyTest, SetOpsAcceptSets) {
  for (const char* encoding : {"intset", "listpack", "hashtable"}) {
    SCOPED_TRACE(encoding);
    TearDown();
    SetUp();
    if (std::string(encoding) != "intset") {
      ASSERT_THAT(Run({"config", "set", "set-max-intset-entries", "0"}), OkArg());
    }
    if (std::string(encoding) == "hashtable") {
      ASSERT_THAT(Run({"config", "set", "set-max-listpack-entries", "0"}), OkArg());
    }
    EXPECT_THAT(Run({"zadd", "z", "1", "1", "2", "2", "5", "5"}), IntArg(3));
    EXPECT_THAT(Run({"sadd", "s", "2", "3", "5"}), IntArg(3));
    EXPECT_THAT(Run({"object", "encoding", "s"}), BulkArg(encoding));
    EXPECT_THAT(StrArray(Run({"zunion", "2", "z", "s", "withscores"})),
                ElementsAre("1", "1", "3", "1", "2", "3", "5", "6"));
    EXPECT_THAT(StrArray(Run({"zunion", "2", "z", "s", "weights", "1", "10", "withscores"})),
                ElementsAre("1", "1", "3", "10", "2", "12", "5", "15"));
    EXPECT_THAT(StrArray(Run({"zinter", "2", "s", "z", "aggregate", "max", "withscores"})),
                ElementsAre("2", "2", "5", "5"));
    EXPECT_THAT(StrArray(Run({"zinter", "1", "s", "withscores"})),
                ElementsAre("2", "1", "3", "1", "5", "1"));
    EXPECT_THAT(StrArray(Run({"zdiff", "2", "s", "z", "withscores"})), ElementsAre("3", "1"));
    EXPECT_THAT(StrArray(Run({"zdiff", "2", "z", "s"})), ElementsAre("1"));
    EXPECT_THAT(Run({"zintercard", "2", "z", "s"}), IntArg(2));
    EXPECT_THAT(Run({"zintercard", "2", "s", "s", "limit", "1"}), IntArg(1));
    EXPECT_THAT(Run({"zunionstore", "d", "2", "s", "z"}), IntArg(4));
    EXPECT_THAT(Run({"type", "d"}), SimpleArg("zset"));
    EXPECT_THAT(StrArray(Run({"zrange", "d", "0", "-1", "withscores"})),
                ElementsAre("1", "1", "3", "1", "2", "3", "5", "6"));
    EXPECT_THAT(Run({"zinterstore", "d", "2", "s", "z", "weights", "2", "1"}), IntArg(2));
    EXPECT_THAT(StrArray(Run({"zrange", "d", "0", "-1", "withscores"})),
                ElementsAre("2", "4", "5", "7"));
    EXPECT_THAT(Run({"zdiffstore", "d", "1", "s"}), IntArg(3));
    EXPECT_THAT(StrArray(Run({"zrange", "d", "0", "-1", "withscores"})),
                ElementsAre("2", "1", "3", "1", "5", "1"));
    // A set as destination is replaced by a sorted set; the source set is untouched.
    EXPECT_THAT(Run({"zunionstore", "s", "2", "s", "z"}), IntArg(4));
    EXPECT_THAT(Run({"type", "s"}), SimpleArg("zset"));
    // Other types are still refused.
    EXPECT_THAT(Run({"set", "str", "v"}), OkArg());
    EXPECT_THAT(Run({"zunion", "2", "z", "str"}), ErrArg("WRONGTYPE"));
    EXPECT_THAT(Run({"zintercard", "2", "none", "str"}), ErrArg("WRONGTYPE"));
  }
}

// Keys spread over shards: every multi-key command runs with all of them.
TEST_P(ZSetFamilyTest, MultiKeyAcrossShards) {
  std::vector<std::string> keys;
  for (int i = 0; i < 8; ++i) {
    keys.push_back("multi" + std::to_string(i));
    EXPECT_THAT(Run({"zadd", keys.back(), std::to_string(i), "m" + std::to_string(i), "0", "common"}),
                IntArg(2));
  }
  std::vector<std::string> cmd = {"zunionstore", "out", "8"};
  cmd.insert(cmd.end(), keys.begin(), keys.end());
  EXPECT_THAT(Run(cmd), IntArg(9));
  cmd = {"zintercard", "8"};
  cmd.insert(cmd.end(), keys.begin(), keys.end());
  EXPECT_THAT(Run(cmd), IntArg(1));
  cmd = {"zinter", "8"};
  cmd.insert(cmd.end(), keys.begin(), keys.end());
  EXPECT_THAT(StrArray(Run(cmd)), ElementsAre("common"));
  cmd = {"zmpop", "8"};
  cmd.insert(cmd.end(), keys.begin(), keys.end());
  cmd.push_back("max");
  cmd.push_back("count");
  cmd.push_back("10");
  EXPECT_THAT(Run(cmd), ArrArg(ElementsAre(BulkArg("multi0"), ArrArg(SizeIs(2)))));
  EXPECT_THAT(Run({"exists", "multi0"}), IntArg(0));
  EXPECT_THAT(Run(cmd), ArrArg(ElementsAre(BulkArg("multi1"), ArrArg(SizeIs(2)))));
  EXPECT_THAT(Run({"zrangestore", "multi0", "out", "0", "2"}), IntArg(3));
  EXPECT_THAT(StrArray(Run({"zrange", "multi0", "0", "-1"})), ElementsAre("common", "m0", "m1"));
  EXPECT_THAT(Run({"zcard", "out"}), IntArg(9));
}

TEST_P(ZSetFamilyTest, KeySpecs) {
  const CommandTable& table = CommandTable::Get();
  auto keys_of = [&](std::vector<std::string_view> args) {
    KeyList keys;
    CollectKeys(*table.Find(args[0]), ArgList(args.data(), args.size()), &keys);
    return std::vector<std::string_view>(keys.begin(), keys.end());
  };
  EXPECT_THAT(keys_of({"zunionstore", "d", "2", "a", "b", "weights", "1", "2"}),
              ElementsAre("d", "a", "b"));
  EXPECT_THAT(keys_of({"zunion", "2", "a", "b", "withscores"}), ElementsAre("a", "b"));
  EXPECT_THAT(keys_of({"zmpop", "1", "a", "min"}), ElementsAre("a"));
  EXPECT_THAT(keys_of({"zintercard", "x", "a"}), IsEmpty());
  EXPECT_THAT(keys_of({"zintercard", "3", "a"}), IsEmpty());
  EXPECT_THAT(keys_of({"zdiffstore", "d", "-1", "a"}), ElementsAre("d"));
  EXPECT_THAT(keys_of({"zrangestore", "d", "s", "0", "1"}), ElementsAre("d", "s"));
  EXPECT_THAT(Run({"command", "getkeys", "zinterstore", "d", "2", "a", "b"}),
              ArrArg(ElementsAre(BulkArg("d"), BulkArg("a"), BulkArg("b"))));
}

// Expiry, encodings, moving -----------------------------------------------------------------

TEST_P(ZSetFamilyTest, ExpiryKeptAcrossWrites) {
  ForEachEncoding([&] {
    AddFive("z");
    EXPECT_THAT(Run({"pexpire", "z", "1000"}), IntArg(1));
    EXPECT_THAT(Run({"zadd", "z", "6", "f"}), IntArg(1));
    EXPECT_THAT(Run({"zincrby", "z", "1", "a"}), BulkArg("2"));
    EXPECT_THAT(Run({"zrem", "z", "b"}), IntArg(1));
    EXPECT_THAT(Run({"zpopmin", "z"}), ArrArg(SizeIs(2)));
    EXPECT_THAT(Run({"zremrangebyrank", "z", "0", "0"}), IntArg(1));
    EXPECT_THAT(Run({"pttl", "z"}), IntArg(1000));
    AdvanceTime(999);
    EXPECT_THAT(Run({"zcard", "z"}), IntArg(3));
    AdvanceTime(1);
    EXPECT_THAT(Run({"zcard", "z"}), IntArg(0));
    EXPECT_THAT(Run({"exists", "z"}), IntArg(0));
    EXPECT_THAT(Run({"zadd", "z", "1", "x"}), IntArg(1));
    EXPECT_THAT(Run({"ttl", "z"}), IntArg(-1));
    // Lazy expiry on read, without the active wheel.
    EXPECT_THAT(Run({"pexpire", "z", "100"}), IntArg(1));
    clock_.Advance(100);
    EXPECT_THAT(Run({"zscore", "z", "x"}), NilArg());
    EXPECT_THAT(Run({"zrange", "z", "0", "-1"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"zunion", "1", "z"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"zincrby", "z", "2", "x"}), BulkArg("2"));
    EXPECT_THAT(Run({"ttl", "z"}), IntArg(-1));
  });
}

TEST_P(ZSetFamilyTest, ConvertsOnEntryCountAndLength) {
  EXPECT_THAT(Run({"config", "set", "zset-max-listpack-entries", "4"}), OkArg());
  EXPECT_THAT(Run({"zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d"}), IntArg(4));
  EXPECT_THAT(Run({"object", "encoding", "z"}), BulkArg("listpack"));
  EXPECT_THAT(Run({"zadd", "z", "9", "a"}), IntArg(0));
  EXPECT_THAT(Run({"object", "encoding", "z"}), BulkArg("listpack"));
  EXPECT_THAT(Run({"zadd", "z", "5", "e"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "z"}), BulkArg("skiplist"));
  EXPECT_THAT(StrArray(Run({"zrange", "z", "0", "-1"})), ElementsAre("b", "c", "d", "e", "a"));
  // Never back, even when it shrinks.
  EXPECT_THAT(Run({"zpopmin", "z", "4"}), ArrArg(SizeIs(8)));
  EXPECT_THAT(Run({"object", "encoding", "z"}), BulkArg("skiplist"));
  // More pairs in one ZADD than the limit converts up front, as Redis does.
  EXPECT_THAT(Run({"zadd", "g", "1", "x", "2", "x", "3", "x", "4", "x", "5", "x"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "g"}), BulkArg("skiplist"));
  // A member longer than zset-max-listpack-value converts.
  const std::string at_limit(64, 'x'), over(65, 'y');
  EXPECT_THAT(Run({"zadd", "v", "1", at_limit}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "v"}), BulkArg("listpack"));
  EXPECT_THAT(Run({"zadd", "v", "2", over}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "v"}), BulkArg("skiplist"));
  EXPECT_THAT(StrArray(Run({"zrange", "v", "0", "-1"})), ElementsAre(at_limit, over));
  // A stored result small enough is a listpack again.
  EXPECT_THAT(Run({"zrangestore", "small", "z", "0", "0"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "small"}), BulkArg("listpack"));
}

TEST_P(ZSetFamilyTest, ConvertsAtDefaultEntryLimit) {
  std::vector<std::string> args = {"zadd", "z"};
  for (int i = 0; i < 128; ++i) {
    args.push_back(std::to_string(i));
    args.push_back("m" + std::to_string(i));
  }
  EXPECT_THAT(Run(args), IntArg(128));
  EXPECT_THAT(Run({"object", "encoding", "z"}), BulkArg("listpack"));
  EXPECT_THAT(Run({"zadd", "z", "-1", "m128"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "z"}), BulkArg("skiplist"));
  EXPECT_THAT(Run({"zcard", "z"}), IntArg(129));
  EXPECT_THAT(Run({"zrank", "z", "m128"}), IntArg(0));
  EXPECT_THAT(Run({"zrank", "z", "m127"}), IntArg(128));
}

TEST_P(ZSetFamilyTest, MemoryUsageGrows) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"zadd", "z", "1", "a"}), IntArg(1));
    Value small = Run({"memory", "usage", "z"});
    ASSERT_EQ(small.type, Type::kInteger);
    std::vector<std::string> args = {"zadd", "z"};
    for (int i = 0; i < 100; ++i) {
      args.push_back(std::to_string(i));
      args.push_back(std::string(40, 'm') + std::to_string(i));
    }
    Run(args);
    Value big = Run({"memory", "usage", "z"});
    ASSERT_EQ(big.type, Type::kInteger);
    EXPECT_GT(big.integer, small.integer + 100 * 40);
  });
}

TEST_P(ZSetFamilyTest, CopyAndRename) {
  ForEachEncoding([&] {
    for (auto [from, to] : {std::pair<std::string, std::string>{"{t}a", "{t}b"},
                            std::pair<std::string, std::string>{"src", "dst"}}) {
      SCOPED_TRACE(from + " -> " + to);
      AddFive(from);
      EXPECT_THAT(Run({"copy", from, to}), IntArg(1));
      EXPECT_THAT(Run({"zadd", from, "100", "a"}), IntArg(0));
      EXPECT_THAT(Run({"zrem", from, "b"}), IntArg(1));
      EXPECT_THAT(StrArray(Run({"zrange", to, "0", "-1"})), ElementsAre("a", "b", "c", "d", "e"));
      EXPECT_THAT(Run({"object", "encoding", to}), BulkArg(SmallEncoding()));
      EXPECT_THAT(Run({"zadd", to, "0", "z"}), IntArg(1));
      EXPECT_THAT(Run({"zrank", to, "z"}), IntArg(0));
      EXPECT_THAT(Run({"del", to}), IntArg(1));
      EXPECT_THAT(Run({"rename", from, to}), OkArg());
      EXPECT_THAT(StrArray(Run({"zrange", to, "0", "-1"})), ElementsAre("c", "d", "e", "a"));
      EXPECT_THAT(Run({"del", to}), IntArg(1));
    }
  });
}

// Random operations against a std::map model, in both encodings (the listpack pass
// converts on the way, past 128 members), checking ranges, ranks and removals.
TEST_P(ZSetFamilyTest, RandomOpsMatchModel) {
  ForEachEncoding([&] {
    std::mt19937 rng(42);
    std::map<std::string, double> model;
    auto ordered = [&] {
      std::vector<std::pair<double, std::string>> v;
      for (const auto& [m, s] : model) v.emplace_back(s, m);
      std::sort(v.begin(), v.end());
      std::vector<std::string> out;
      for (const auto& [s, m] : v) out.push_back(m);
      return out;
    };
    for (int step = 0; step < 1500; ++step) {
      const std::string member = "m" + std::to_string(rng() % 300);
      const int score = static_cast<int>(rng() % 40);
      switch (rng() % 8) {
        case 0:
        case 1:
        case 2:
          Run({"zadd", "z", std::to_string(score), member});
          model[member] = score;
          break;
        case 3:
          EXPECT_THAT(Run({"zrem", "z", member}),
                      IntArg(static_cast<int64_t>(model.erase(member))));
          break;
        case 4: {
          std::vector<std::string> expect;
          for (const std::string& m : ordered()) {
            if (model[m] >= 5 && model[m] < 12) expect.push_back(m);
          }
          EXPECT_EQ(StrArray(Run({"zrange", "z", "5", "(12", "byscore"})), expect);
          std::reverse(expect.begin(), expect.end());
          EXPECT_EQ(StrArray(Run({"zrevrangebyscore", "z", "(12", "5"})), expect);
          break;
        }
        case 5: {
          auto it = model.find(member);
          std::vector<std::string> all = ordered();
          if (it == model.end()) {
            EXPECT_THAT(Run({"zrank", "z", member}), NilArg());
          } else {
            const auto rank = std::find(all.begin(), all.end(), member) - all.begin();
            EXPECT_THAT(Run({"zrank", "z", member}), IntArg(rank));
            EXPECT_THAT(Run({"zrevrank", "z", member}),
                        IntArg(static_cast<int64_t>(all.size()) - 1 - rank));
          }
          break;
        }
        case 6:
          if (rng() % 10 == 0) {  // remove a random score band now and then
            std::vector<std::string> gone;
            for (const auto& [m, s] : model) {
              if (s >= score && s <= score + 1) gone.push_back(m);
            }
            EXPECT_THAT(Run({"zremrangebyscore", "z", std::to_string(score),
                             std::to_string(score + 1)}),
                        IntArg(static_cast<int64_t>(gone.size())));
            for (const std::string& m : gone) model.erase(m);
          }
          break;
        case 7: {
          std::vector<std::string> all = ordered();
          const size_t from = all.empty() ? 0 : rng() % all.size();
          std::vector<std::string> expect(all.begin() + static_cast<ptrdiff_t>(from),
                                          all.begin() + static_cast<ptrdiff_t>(
                                                            std::min(all.size(), from + 5)));
          EXPECT_EQ(StrArray(Run({"zrange", "z", std::to_string(from), std::to_string(from + 4)})),
                    expect);
          break;
        }
      }
      ASSERT_THAT(Run({"zcard", "z"}), IntArg(static_cast<int64_t>(model.size()))) << step;
    }
    EXPECT_EQ(StrArray(Run({"zrange", "z", "0", "-1"})), ordered());
    EXPECT_THAT(Run({"object", "encoding", "z"}), BulkArg("skiplist"));
  });
}

INSTANTIATE_TEST_SUITE_P(Shards, ZSetFamilyTest, ShardCounts());

}  // namespace
}  // namespace shoal::engine
