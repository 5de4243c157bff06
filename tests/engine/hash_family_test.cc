// Hashes, as Redis 7 behaves: every command with its options, wrong types, wrong arity,
// bad numbers, missing keys and expiry, on 1 and 4 shards. Every test body runs twice,
// as Redis runs its hash tests once per encoding: with the default limits (small hashes
// are listpacks) and with hash-max-listpack-entries 0 (every hash is a hashtable).
#include <set>
#include <string>
#include <vector>

#include "tests/engine/test_util.h"

namespace shoal::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;
using Type = Value::Type;

class HashFamilyTest : public EngineTest {
 protected:
  // Runs `body` once per encoding, each time on a fresh engine.
  template <typename Fn>
  void ForEachEncoding(Fn body) {
    ForEachPass({{"listpack encoding", {}},
                 {"hashtable encoding", {{"hash-max-listpack-entries", "0"}}}},
                [&](size_t i) {
                  table_ = i == 1;
                  body();
                });
  }
  // What OBJECT ENCODING says of a small hash in the current pass.
  std::string SmallEncoding() const { return table_ ? "hashtable" : "listpack"; }

  bool table_ = false;
};

// A RESP2 flat field/value array (or RESP3 map) as (field, value) pairs.
std::vector<std::pair<std::string, std::string>> Pairs(const Value& v) {
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i + 1 < v.elems.size(); i += 2)
    out.emplace_back(v.elems[i].str, v.elems[i + 1].str);
  return out;
}

TEST_P(HashFamilyTest, HSetHGet) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"hget", "h", "f"}), NilArg());
    EXPECT_THAT(Run({"hset", "h", "f1", "v1"}), IntArg(1));
    EXPECT_THAT(Run({"hset", "h", "f1", "v1b", "f2", "v2", "f3", "v3"}), IntArg(2));
    EXPECT_THAT(Run({"hget", "h", "f1"}), BulkArg("v1b"));
    EXPECT_THAT(Run({"hget", "h", "f2"}), BulkArg("v2"));
    EXPECT_THAT(Run({"hget", "h", "nope"}), NilArg());
    EXPECT_THAT(Run({"type", "h"}), SimpleArg("hash"));
    EXPECT_THAT(Run({"object", "encoding", "h"}), BulkArg(SmallEncoding()));
    // A field given twice in one HSET counts once; the last value wins.
    EXPECT_THAT(Run({"hset", "h", "dup", "a", "dup", "b"}), IntArg(1));
    EXPECT_THAT(Run({"hget", "h", "dup"}), BulkArg("b"));
    std::string binary("a\0b\r\n", 5);
    EXPECT_THAT(Run({"hset", "h", binary, binary}), IntArg(1));
    EXPECT_THAT(Run({"hget", "h", binary}), BulkArg(binary));
    EXPECT_THAT(Run({"hset", "h", "", ""}), IntArg(1));
    EXPECT_THAT(Run({"hget", "h", ""}), BulkArg(""));
    EXPECT_THAT(Run({"hlen", "h"}), IntArg(6));
  });
}

TEST_P(HashFamilyTest, HSetArity) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"hset", "h", "f"}),
                ErrArg("ERR wrong number of arguments for 'hset' command"));
    EXPECT_THAT(Run({"hset", "h", "f", "v", "g"}),
                ErrArg("ERR wrong number of arguments for 'hset' command"));
    EXPECT_THAT(Run({"hmset", "h", "f", "v", "g"}),
                ErrArg("ERR wrong number of arguments for 'hmset' command"));
    EXPECT_THAT(Run({"exists", "h"}), IntArg(0));
    EXPECT_THAT(Run({"hget", "h"}), ErrArg("ERR wrong number of arguments for 'hget' command"));
    EXPECT_THAT(Run({"hsetnx", "h", "f"}),
                ErrArg("ERR wrong number of arguments for 'hsetnx' command"));
    EXPECT_THAT(Run({"hmget", "h"}), ErrArg("ERR wrong number of arguments for 'hmget' command"));
    EXPECT_THAT(Run({"hgetall"}), ErrArg("ERR wrong number of arguments for 'hgetall' command"));
    EXPECT_THAT(Run({"hdel", "h"}), ErrArg("ERR wrong number of arguments for 'hdel' command"));
    EXPECT_THAT(Run({"hlen", "h", "x"}),
                ErrArg("ERR wrong number of arguments for 'hlen' command"));
    EXPECT_THAT(Run({"hexists", "h"}),
                ErrArg("ERR wrong number of arguments for 'hexists' command"));
    EXPECT_THAT(Run({"hkeys"}), ErrArg("ERR wrong number of arguments for 'hkeys' command"));
    EXPECT_THAT(Run({"hvals", "h", "x"}),
                ErrArg("ERR wrong number of arguments for 'hvals' command"));
    EXPECT_THAT(Run({"hincrby", "h", "f"}),
                ErrArg("ERR wrong number of arguments for 'hincrby' command"));
    EXPECT_THAT(Run({"hincrbyfloat", "h", "f"}),
                ErrArg("ERR wrong number of arguments for 'hincrbyfloat' command"));
    EXPECT_THAT(Run({"hstrlen", "h"}),
                ErrArg("ERR wrong number of arguments for 'hstrlen' command"));
    EXPECT_THAT(Run({"hrandfield"}),
                ErrArg("ERR wrong number of arguments for 'hrandfield' command"));
    EXPECT_THAT(Run({"hscan", "h"}), ErrArg("ERR wrong number of arguments for 'hscan' command"));
  });
}

TEST_P(HashFamilyTest, WrongType) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"set", "s", "x"}), OkArg());
    AddTestObject("l");
    for (const char* key : {"s", "l"}) {
      SCOPED_TRACE(key);
      EXPECT_THAT(Run({"hset", key, "f", "v"}), ErrArg("WRONGTYPE"));
      EXPECT_THAT(Run({"hmset", key, "f", "v"}), ErrArg("WRONGTYPE"));
      EXPECT_THAT(Run({"hsetnx", key, "f", "v"}), ErrArg("WRONGTYPE"));
      EXPECT_THAT(Run({"hget", key, "f"}), ErrArg("WRONGTYPE"));
      EXPECT_THAT(Run({"hmget", key, "f"}), ErrArg("WRONGTYPE"));
      EXPECT_THAT(Run({"hgetall", key}), ErrArg("WRONGTYPE"));
      EXPECT_THAT(Run({"hdel", key, "f"}), ErrArg("WRONGTYPE"));
      EXPECT_THAT(Run({"hlen", key}), ErrArg("WRONGTYPE"));
      EXPECT_THAT(Run({"hexists", key, "f"}), ErrArg("WRONGTYPE"));
      EXPECT_THAT(Run({"hkeys", key}), ErrArg("WRONGTYPE"));
      EXPECT_THAT(Run({"hvals", key}), ErrArg("WRONGTYPE"));
      EXPECT_THAT(Run({"hincrby", key, "f", "1"}), ErrArg("WRONGTYPE"));
      EXPECT_THAT(Run({"hincrbyfloat", key, "f", "1"}), ErrArg("WRONGTYPE"));
      EXPECT_THAT(Run({"hstrlen", key, "f"}), ErrArg("WRONGTYPE"));
      EXPECT_THAT(Run({"hrandfield", key}), ErrArg("WRONGTYPE"));
      EXPECT_THAT(Run({"hrandfield", key, "2"}), ErrArg("WRONGTYPE"));
      EXPECT_THAT(Run({"hscan", key, "0"}), ErrArg("WRONGTYPE"));
    }
    EXPECT_THAT(Run({"get", "s"}), BulkArg("x"));
    EXPECT_THAT(Run({"hset", "h", "f", "v"}), IntArg(1));
    EXPECT_THAT(Run({"get", "h"}), ErrArg("WRONGTYPE"));
  });
}

TEST_P(HashFamilyTest, MissingKey) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"hget", "none", "f"}), NilArg());
    EXPECT_THAT(Run({"hmget", "none", "a", "b"}), ArrArg(ElementsAre(NilArg(), NilArg())));
    EXPECT_THAT(Run({"hgetall", "none"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"hdel", "none", "f"}), IntArg(0));
    EXPECT_THAT(Run({"hlen", "none"}), IntArg(0));
    EXPECT_THAT(Run({"hexists", "none", "f"}), IntArg(0));
    EXPECT_THAT(Run({"hkeys", "none"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"hvals", "none"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"hstrlen", "none", "f"}), IntArg(0));
    EXPECT_THAT(Run({"hrandfield", "none"}), NilArg());
    EXPECT_THAT(Run({"hrandfield", "none", "3"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"hrandfield", "none", "-3", "withvalues"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"hscan", "none", "0"}), ArrArg(ElementsAre(BulkArg("0"), ArrArg(IsEmpty()))));
    EXPECT_THAT(Run({"exists", "none"}), IntArg(0));
  });
}

TEST_P(HashFamilyTest, HSetNx) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"hsetnx", "h", "f", "1"}), IntArg(1));
    EXPECT_THAT(Run({"hsetnx", "h", "f", "2"}), IntArg(0));
    EXPECT_THAT(Run({"hget", "h", "f"}), BulkArg("1"));
    EXPECT_THAT(Run({"hsetnx", "h", "g", "2"}), IntArg(1));
    EXPECT_THAT(Run({"hlen", "h"}), IntArg(2));
    EXPECT_THAT(Run({"object", "encoding", "h"}), BulkArg(SmallEncoding()));
  });
}

TEST_P(HashFamilyTest, HMSetHMGet) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"hmset", "h", "a", "1", "b", "2"}), OkArg());
    EXPECT_THAT(Run({"hmset", "h", "a", "3"}), OkArg());
    EXPECT_THAT(Run({"hmget", "h", "a", "nope", "b", "a"}),
                ArrArg(ElementsAre(BulkArg("3"), NilArg(), BulkArg("2"), BulkArg("3"))));
  });
}

TEST_P(HashFamilyTest, HGetAllKeysVals) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"hset", "h", "a", "1", "b", "2", "c", "3"}), IntArg(3));
    Value all = Run({"hgetall", "h"});
    EXPECT_EQ(all.type, Type::kArray) << all.ToString();
    EXPECT_THAT(Pairs(all), UnorderedElementsAre(std::pair<std::string, std::string>("a", "1"),
                                                 std::pair<std::string, std::string>("b", "2"),
                                                 std::pair<std::string, std::string>("c", "3")));
    EXPECT_THAT(StrArray(Run({"hkeys", "h"})), UnorderedElementsAre("a", "b", "c"));
    EXPECT_THAT(StrArray(Run({"hvals", "h"})), UnorderedElementsAre("1", "2", "3"));
    if (!table_) {  // a listpack keeps insertion order, as Redis's does
      EXPECT_THAT(StrArray(Run({"hkeys", "h"})), ElementsAre("a", "b", "c"));
      EXPECT_THAT(StrArray(Run({"hvals", "h"})), ElementsAre("1", "2", "3"));
    }
    // RESP3: HGETALL is a map; HKEYS and HVALS stay arrays.
    ASSERT_EQ(Run({"hello", "3"}).type, Type::kMap);
    Value map = Run({"hgetall", "h"});
    EXPECT_EQ(map.type, Type::kMap) << map.ToString();
    EXPECT_THAT(Pairs(map), SizeIs(3));
    EXPECT_EQ(Run({"hgetall", "none"}).type, Type::kMap);
    EXPECT_EQ(Run({"hkeys", "h"}).type, Type::kArray);
  });
}

TEST_P(HashFamilyTest, HDelDeletesEmptiedHash) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"hset", "h", "a", "1", "b", "2", "c", "3"}), IntArg(3));
    EXPECT_THAT(Run({"hdel", "h", "a", "nope", "a"}), IntArg(1));
    EXPECT_THAT(Run({"hexists", "h", "a"}), IntArg(0));
    EXPECT_THAT(Run({"hexists", "h", "b"}), IntArg(1));
    EXPECT_THAT(Run({"hlen", "h"}), IntArg(2));
    if (!table_) {
      EXPECT_THAT(StrArray(Run({"hkeys", "h"})), ElementsAre("b", "c"));
    }
    EXPECT_THAT(Run({"hdel", "h", "b", "c", "d"}), IntArg(2));
    EXPECT_THAT(Run({"exists", "h"}), IntArg(0));
    EXPECT_THAT(Run({"type", "h"}), SimpleArg("none"));
  });
}

TEST_P(HashFamilyTest, HStrLen) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"hset", "h", "f", "hello", "e", ""}), IntArg(2));
    EXPECT_THAT(Run({"hstrlen", "h", "f"}), IntArg(5));
    EXPECT_THAT(Run({"hstrlen", "h", "e"}), IntArg(0));
    EXPECT_THAT(Run({"hstrlen", "h", "nope"}), IntArg(0));
    EXPECT_THAT(Run({"hincrby", "h", "n", "-12"}), IntArg(-12));
    EXPECT_THAT(Run({"hstrlen", "h", "n"}), IntArg(3));
  });
}

TEST_P(HashFamilyTest, HIncrBy) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"hincrby", "h", "n", "5"}), IntArg(5));
    EXPECT_THAT(Run({"hincrby", "h", "n", "-7"}), IntArg(-2));
    EXPECT_THAT(Run({"hget", "h", "n"}), BulkArg("-2"));
    EXPECT_THAT(Run({"hincrby", "h", "n", "x"}),
                ErrArg("ERR value is not an integer or out of range"));
    EXPECT_THAT(Run({"hincrby", "h", "n", "1.5"}),
                ErrArg("ERR value is not an integer or out of range"));
    EXPECT_THAT(Run({"hincrby", "none", "n", "x"}),
                ErrArg("ERR value is not an integer or out of range"));
    EXPECT_THAT(Run({"exists", "none"}), IntArg(0));
    EXPECT_THAT(Run({"hset", "h", "s", "abc", "sp", " 1", "big", "9223372036854775807"}),
                IntArg(3));
    EXPECT_THAT(Run({"hincrby", "h", "s", "1"}), ErrArg("ERR hash value is not an integer"));
    EXPECT_THAT(Run({"hincrby", "h", "sp", "1"}), ErrArg("ERR hash value is not an integer"));
    EXPECT_THAT(Run({"hincrby", "h", "big", "1"}),
                ErrArg("ERR increment or decrement would overflow"));
    EXPECT_THAT(Run({"hget", "h", "big"}), BulkArg("9223372036854775807"));
    EXPECT_THAT(Run({"hincrby", "h", "big", "-1"}), IntArg(9223372036854775806));
    EXPECT_THAT(Run({"hset", "h", "small", "-9223372036854775807"}), IntArg(1));
    EXPECT_THAT(Run({"hincrby", "h", "small", "-1"}), IntArg(INT64_MIN));
    EXPECT_THAT(Run({"hincrby", "h", "small", "-1"}),
                ErrArg("ERR increment or decrement would overflow"));
    EXPECT_THAT(Run({"object", "encoding", "h"}), BulkArg(SmallEncoding()));
  });
}

TEST_P(HashFamilyTest, HIncrByFloat) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"hincrbyfloat", "h", "f", "10.5"}), BulkArg("10.5"));
    EXPECT_THAT(Run({"hincrbyfloat", "h", "f", "0.1"}), BulkArg("10.6"));
    EXPECT_THAT(Run({"hincrbyfloat", "h", "f", "-5"}), BulkArg("5.6"));
    EXPECT_THAT(Run({"hget", "h", "f"}), BulkArg("5.6"));
    EXPECT_THAT(Run({"hincrbyfloat", "h", "g", "5.0e3"}), BulkArg("5000"));
    EXPECT_THAT(Run({"hset", "h", "i", "3"}), IntArg(1));
    EXPECT_THAT(Run({"hincrbyfloat", "h", "i", "1.5"}), BulkArg("4.5"));
    EXPECT_THAT(Run({"hincrbyfloat", "h", "f", "abc"}), ErrArg("ERR value is not a valid float"));
    EXPECT_THAT(Run({"hincrbyfloat", "h", "f", "nan"}), ErrArg("ERR value is not a valid float"));
    EXPECT_THAT(Run({"hincrbyfloat", "h", "f", "inf"}), ErrArg("ERR value is NaN or Infinity"));
    EXPECT_THAT(Run({"hincrbyfloat", "h", "f", "-inf"}), ErrArg("ERR value is NaN or Infinity"));
    EXPECT_THAT(Run({"hset", "h", "s", "abc", "huge", "1e4932"}), IntArg(2));
    EXPECT_THAT(Run({"hincrbyfloat", "h", "s", "1"}), ErrArg("ERR hash value is not a float"));
    EXPECT_THAT(Run({"hincrbyfloat", "h", "huge", "1e4932"}),
                ErrArg("ERR increment would produce NaN or Infinity"));
    EXPECT_THAT(Run({"hget", "h", "huge"}), BulkArg("1e4932"));
    EXPECT_THAT(Run({"hincrbyfloat", "none", "f", "x"}), ErrArg("ERR value is not a valid float"));
    EXPECT_THAT(Run({"exists", "none"}), IntArg(0));
  });
}

TEST_P(HashFamilyTest, HRandFieldSingle) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"hset", "h", "a", "1", "b", "2", "c", "3"}), IntArg(3));
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
      Value v = Run({"hrandfield", "h"});
      ASSERT_EQ(v.type, Type::kBulk) << v.ToString();
      seen.insert(v.str);
    }
    EXPECT_THAT(seen, ElementsAre("a", "b", "c"));  // 200 draws miss one with p ~ 3e-35
  });
}

TEST_P(HashFamilyTest, HRandFieldCount) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"hset", "h", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5"}), IntArg(5));
    EXPECT_THAT(Run({"hrandfield", "h", "0"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"hrandfield", "h", "0", "withvalues"}), ArrArg(IsEmpty()));
    // Positive: distinct fields, at most the hash's size.
    for (int i = 0; i < 20; ++i) {
      std::vector<std::string> three = StrArray(Run({"hrandfield", "h", "3"}));
      ASSERT_THAT(three, SizeIs(3));
      EXPECT_EQ(std::set<std::string>(three.begin(), three.end()).size(), 3u);
    }
    EXPECT_THAT(StrArray(Run({"hrandfield", "h", "5"})),
                UnorderedElementsAre("a", "b", "c", "d", "e"));
    EXPECT_THAT(StrArray(Run({"hrandfield", "h", "100"})),
                UnorderedElementsAre("a", "b", "c", "d", "e"));
    // Negative: exactly -count fields, repeats allowed.
    std::vector<std::string> many = StrArray(Run({"hrandfield", "h", "-50"}));
    EXPECT_THAT(many, SizeIs(50));
    for (const std::string& f : many) EXPECT_TRUE(f >= "a" && f <= "e") << f;
    EXPECT_GT(std::set<std::string>(many.begin(), many.end()).size(), 1u);
    // WITHVALUES, RESP2: a flat field/value array.
    Value wv = Run({"hrandfield", "h", "2", "WITHVALUES"});
    ASSERT_THAT(wv.elems, SizeIs(4)) << wv.ToString();
    for (const auto& [f, v] : Pairs(wv)) EXPECT_EQ(v[0] - '1', f[0] - 'a') << f << "=" << v;
    EXPECT_THAT(Run({"hrandfield", "h", "-7", "withvalues"}), ArrArg(SizeIs(14)));
    EXPECT_THAT(Run({"hrandfield", "h", "9", "withvalues"}), ArrArg(SizeIs(10)));
    // WITHVALUES, RESP3: an array of [field, value] pairs.
    ASSERT_EQ(Run({"hello", "3"}).type, Type::kMap);
    Value pairs = Run({"hrandfield", "h", "-3", "withvalues"});
    ASSERT_EQ(pairs.type, Type::kArray);
    ASSERT_THAT(pairs.elems, SizeIs(3)) << pairs.ToString();
    for (const Value& p : pairs.elems) {
      ASSERT_EQ(p.type, Type::kArray);
      ASSERT_THAT(p.elems, SizeIs(2));
      EXPECT_EQ(p.elems[1].str[0] - '1', p.elems[0].str[0] - 'a');
    }
    Value plain = Run({"hrandfield", "h", "2"});  // without WITHVALUES: bulk fields
    ASSERT_THAT(plain.elems, SizeIs(2)) << plain.ToString();
    for (const Value& f : plain.elems) EXPECT_EQ(f.type, Type::kBulk);
  });
}

TEST_P(HashFamilyTest, HRandFieldErrors) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"hset", "h", "a", "1"}), IntArg(1));
    EXPECT_THAT(Run({"hrandfield", "h", "x"}),
                ErrArg("ERR value is not an integer or out of range"));
    EXPECT_THAT(Run({"hrandfield", "h", "1", "bogus"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"hrandfield", "h", "1", "withvalues", "x"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"hrandfield", "h", "-9223372036854775808"}),
                ErrArg("ERR value is out of range, must be between -9223372036854775807 and "
                       "9223372036854775807"));
    EXPECT_THAT(Run({"hrandfield", "h", "-9223372036854775807", "withvalues"}),
                ErrArg("ERR value is out of range"));
    EXPECT_THAT(Run({"hrandfield", "h", "9223372036854775807", "withvalues"}),
                ErrArg("ERR value is out of range"));
    // Without WITHVALUES a huge positive count is just "everything".
    EXPECT_THAT(Run({"hrandfield", "h", "9223372036854775807"}), ArrArg(ElementsAre(BulkArg("a"))));
    // A negative count repeats; one past 2^24 would only exhaust memory (Redis has no cap).
    EXPECT_THAT(Run({"hrandfield", "h", "-9223372036854775807"}), ErrArg("ERR value is out of range"));
    EXPECT_THAT(Run({"hrandfield", "h", "-16777217"}), ErrArg("ERR value is out of range"));
    EXPECT_THAT(Run({"hrandfield", "h", "-3"}),
                ArrArg(ElementsAre(BulkArg("a"), BulkArg("a"), BulkArg("a"))));
    // The count is checked before the key's type, as in Redis.
    EXPECT_THAT(Run({"set", "s", "x"}), OkArg());
    EXPECT_THAT(Run({"hrandfield", "s", "x"}), ErrArg("ERR value is not an integer"));
  });
}

TEST_P(HashFamilyTest, HScanReturnsAllFields) {
  ForEachEncoding([&] {
    std::vector<std::string> args = {"hset", "h"};
    for (int i = 0; i < 50; ++i) {
      args.push_back("f" + std::to_string(i));
      args.push_back("v" + std::to_string(i));
    }
    EXPECT_THAT(Run(args), IntArg(50));
    // Every COUNT, including pages of one: every field exactly once, with its value.
    for (const char* count : {"1", "7", "10", "1000"}) {
      SCOPED_TRACE(count);
      std::multiset<std::string> fields;
      std::string cursor = "0";
      int calls = 0;
      do {
        Value v = Run({"hscan", "h", cursor, "count", count});
        ASSERT_EQ(v.type, Type::kArray) << v.ToString();
        ASSERT_THAT(v.elems, SizeIs(2));
        cursor = v.elems[0].str;
        for (const auto& [f, val] : Pairs(v.elems[1])) {
          EXPECT_EQ(f.substr(1), val.substr(1));
          fields.insert(f);
        }
        ASSERT_LT(++calls, 1000);
      } while (cursor != "0");
      EXPECT_EQ(fields.size(), 50u);
      EXPECT_EQ(std::set<std::string>(fields.begin(), fields.end()).size(), 50u);
    }
  });
}

TEST_P(HashFamilyTest, HScanListpackIsOnePage) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"hset", "h", "a", "1", "b", "2", "c", "3"}), IntArg(3));
    Value v = Run({"hscan", "h", "0", "count", "1"});
    if (!table_) {
      EXPECT_THAT(v, ArrArg(ElementsAre(BulkArg("0"), ArrArg(SizeIs(6)))));
    } else {
      EXPECT_THAT(v.elems[1].elems, SizeIs(2));  // a hashtable pages by COUNT
      EXPECT_NE(v.elems[0].str, "0");
    }
  });
}

TEST_P(HashFamilyTest, HScanSurvivesChangesBetweenCalls) {
  ForEachEncoding([&] {
    std::vector<std::string> args = {"hset", "h"};
    for (int i = 0; i < 200; ++i) {
      args.push_back("k" + std::to_string(i));
      args.push_back("v");
    }
    EXPECT_THAT(Run(args), IntArg(200));
    // Fields k0..k99 stay all along; k100.. are deleted and others added between pages,
    // which grows and shrinks the table. The stable fields still come back.
    std::set<std::string> seen;
    std::string cursor = "0";
    int step = 0;
    do {
      Value v = Run({"hscan", "h", cursor, "count", "15"});
      cursor = v.elems[0].str;
      for (const auto& [f, val] : Pairs(v.elems[1])) seen.insert(f);
      for (int j = 0; j < 10; ++j) {
        Run({"hdel", "h", "k" + std::to_string(100 + step * 10 + j)});
        Run({"hset", "h", "new" + std::to_string(step * 10 + j), "x"});
      }
      ++step;
      ASSERT_LT(step, 1000);
    } while (cursor != "0");
    for (int i = 0; i < 100; ++i) EXPECT_EQ(seen.count("k" + std::to_string(i)), 1u) << i;
  });
}

TEST_P(HashFamilyTest, HScanOptions) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"hset", "h", "foo1", "a", "foo2", "b", "bar", "c"}), IntArg(3));
    Value v = Run({"hscan", "h", "0", "MATCH", "foo*", "COUNT", "100"});
    EXPECT_THAT(v, ArrArg(ElementsAre(BulkArg("0"), ::testing::_)));
    EXPECT_THAT(Pairs(v.elems[1]),
                UnorderedElementsAre(std::pair<std::string, std::string>("foo1", "a"),
                                     std::pair<std::string, std::string>("foo2", "b")));
    EXPECT_THAT(Run({"hscan", "h", "0", "match", "zz*", "count", "100"}),
                ArrArg(ElementsAre(BulkArg("0"), ArrArg(IsEmpty()))));
    EXPECT_THAT(Run({"hscan", "h", "x"}), ErrArg("ERR invalid cursor"));
    EXPECT_THAT(Run({"hscan", "h", "0", "count", "0"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"hscan", "h", "0", "count", "x"}), ErrArg("ERR value is not an integer"));
    EXPECT_THAT(Run({"hscan", "h", "0", "count"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"hscan", "h", "0", "type", "hash"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"hscan", "h", "0", "novalues"}), ErrArg("ERR syntax error"));
    // A missing key answers an empty scan before the options are looked at, as Redis.
    EXPECT_THAT(Run({"hscan", "none", "0", "count", "0"}),
                ArrArg(ElementsAre(BulkArg("0"), ArrArg(IsEmpty()))));
    // SCAN still parses its options through the shared helper.
    EXPECT_THAT(Run({"scan", "0", "count", "0"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"scan", "0", "type", "hash", "count", "100"}),
                ArrArg(ElementsAre(BulkArg("0"), ArrArg(ElementsAre(BulkArg("h"))))));
  });
}

TEST_P(HashFamilyTest, ExpiryKeptAcrossWrites) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"hset", "h", "a", "1", "b", "2"}), IntArg(2));
    EXPECT_THAT(Run({"pexpire", "h", "1000"}), IntArg(1));
    EXPECT_THAT(Run({"hset", "h", "c", "3"}), IntArg(1));
    EXPECT_THAT(Run({"hsetnx", "h", "d", "4"}), IntArg(1));
    EXPECT_THAT(Run({"hmset", "h", "e", "5"}), OkArg());
    EXPECT_THAT(Run({"hincrby", "h", "a", "1"}), IntArg(2));
    EXPECT_THAT(Run({"hincrbyfloat", "h", "a", "1"}), BulkArg("3"));
    EXPECT_THAT(Run({"hdel", "h", "b"}), IntArg(1));
    EXPECT_THAT(Run({"pttl", "h"}), IntArg(1000));
    AdvanceTime(999);
    EXPECT_THAT(Run({"hlen", "h"}), IntArg(4));
    AdvanceTime(1);
    EXPECT_THAT(Run({"hlen", "h"}), IntArg(0));
    EXPECT_THAT(Run({"hget", "h", "a"}), NilArg());
    EXPECT_THAT(Run({"exists", "h"}), IntArg(0));
    // A write after expiry starts a new hash without a TTL.
    EXPECT_THAT(Run({"hset", "h", "z", "1"}), IntArg(1));
    EXPECT_THAT(Run({"ttl", "h"}), IntArg(-1));
    EXPECT_THAT(Run({"hgetall", "h"}), ArrArg(ElementsAre(BulkArg("z"), BulkArg("1"))));
  });
}

TEST_P(HashFamilyTest, LazyExpiryOnRead) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"hset", "h", "a", "1"}), IntArg(1));
    EXPECT_THAT(Run({"pexpire", "h", "100"}), IntArg(1));
    clock_.Advance(100);  // no active expiry: reads must drop the key themselves
    EXPECT_THAT(Run({"hget", "h", "a"}), NilArg());
    EXPECT_THAT(Run({"hincrby", "h", "a", "5"}), IntArg(5));
    EXPECT_THAT(Run({"ttl", "h"}), IntArg(-1));
  });
}

// --- Encodings -----------------------------------------------------------------------------

TEST_P(HashFamilyTest, ConvertsOnEntryCount) {
  EXPECT_THAT(Run({"config", "set", "hash-max-listpack-entries", "4"}), OkArg());
  EXPECT_THAT(Run({"hset", "h", "a", "1", "b", "2", "c", "3", "d", "4"}), IntArg(4));
  EXPECT_THAT(Run({"object", "encoding", "h"}), BulkArg("listpack"));
  EXPECT_THAT(Run({"hset", "h", "a", "9"}), IntArg(0));  // an update adds no entry
  EXPECT_THAT(Run({"object", "encoding", "h"}), BulkArg("listpack"));
  EXPECT_THAT(Run({"hset", "h", "e", "5"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "h"}), BulkArg("hashtable"));
  EXPECT_THAT(Run({"hmget", "h", "a", "e"}), ArrArg(ElementsAre(BulkArg("9"), BulkArg("5"))));
  EXPECT_THAT(Run({"hlen", "h"}), IntArg(5));
  // Never back, even when it shrinks.
  EXPECT_THAT(Run({"hdel", "h", "a", "b", "c", "d"}), IntArg(4));
  EXPECT_THAT(Run({"object", "encoding", "h"}), BulkArg("hashtable"));
  // More pairs in one HSET than the limit converts up front, as Redis does, even when
  // they name the same field.
  EXPECT_THAT(Run({"hset", "g", "x", "1", "x", "2", "x", "3", "x", "4", "x", "5"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "g"}), BulkArg("hashtable"));
  // HINCRBY and HSETNX add entries too.
  EXPECT_THAT(Run({"hset", "i", "a", "1", "b", "2", "c", "3", "d", "4"}), IntArg(4));
  EXPECT_THAT(Run({"hincrby", "i", "e", "1"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "i"}), BulkArg("hashtable"));
  EXPECT_THAT(Run({"hset", "j", "a", "1", "b", "2", "c", "3", "d", "4"}), IntArg(4));
  EXPECT_THAT(Run({"hsetnx", "j", "e", "1"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "j"}), BulkArg("hashtable"));
}

TEST_P(HashFamilyTest, ConvertsAtDefaultEntryLimit) {
  std::vector<std::string> args = {"hset", "h"};
  for (int i = 0; i < 128; ++i) {
    args.push_back("f" + std::to_string(i));
    args.push_back("v");
  }
  EXPECT_THAT(Run(args), IntArg(128));
  EXPECT_THAT(Run({"object", "encoding", "h"}), BulkArg("listpack"));
  EXPECT_THAT(Run({"hset", "h", "f128", "v"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "h"}), BulkArg("hashtable"));
  EXPECT_THAT(Run({"hlen", "h"}), IntArg(129));
  EXPECT_THAT(Run({"hget", "h", "f0"}), BulkArg("v"));
}

TEST_P(HashFamilyTest, ConvertsOnValueLength) {
  const std::string at_limit(64, 'x'), over(65, 'x');
  EXPECT_THAT(Run({"hset", "h", "f", at_limit, at_limit, "v"}), IntArg(2));
  EXPECT_THAT(Run({"object", "encoding", "h"}), BulkArg("listpack"));
  EXPECT_THAT(Run({"hset", "h", "g", over}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "h"}), BulkArg("hashtable"));
  EXPECT_THAT(Run({"hget", "h", "g"}), BulkArg(over));
  EXPECT_THAT(Run({"hget", "h", at_limit}), BulkArg("v"));
  // A long field converts as a long value does.
  EXPECT_THAT(Run({"hset", "k", over, "v"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "k"}), BulkArg("hashtable"));
  // The limit is read per command: lowering it affects the next write.
  EXPECT_THAT(Run({"config", "set", "hash-max-listpack-value", "3"}), OkArg());
  EXPECT_THAT(Run({"hset", "m", "abc", "def"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "m"}), BulkArg("listpack"));
  // HINCRBYFLOAT's result is checked like any value (Redis's hashTypeSet).
  EXPECT_THAT(Run({"hincrbyfloat", "m", "n", "1.25"}), BulkArg("1.25"));
  EXPECT_THAT(Run({"object", "encoding", "m"}), BulkArg("hashtable"));
  // HSETNX converts by argument length even when the field exists (Redis's order).
  EXPECT_THAT(Run({"hset", "p", "a", "b"}), IntArg(1));
  EXPECT_THAT(Run({"hsetnx", "p", "a", "longer"}), IntArg(0));
  EXPECT_THAT(Run({"object", "encoding", "p"}), BulkArg("hashtable"));
}

TEST_P(HashFamilyTest, ForcedHashtableEncoding) {
  EXPECT_THAT(Run({"config", "set", "hash-max-listpack-entries", "0"}), OkArg());
  EXPECT_THAT(Run({"hset", "h", "a", "1"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "h"}), BulkArg("hashtable"));
  EXPECT_THAT(Run({"hincrby", "n", "a", "1"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "n"}), BulkArg("hashtable"));
}

TEST_P(HashFamilyTest, MemoryUsageGrows) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"hset", "h", "a", "1"}), IntArg(1));
    Value small = Run({"memory", "usage", "h"});
    ASSERT_EQ(small.type, Type::kInteger);
    std::vector<std::string> args = {"hset", "h"};
    for (int i = 0; i < 100; ++i) {
      args.push_back("field-" + std::to_string(i));
      args.push_back(std::string(40, 'v'));
    }
    Run(args);
    Value big = Run({"memory", "usage", "h"});
    ASSERT_EQ(big.type, Type::kInteger);
    // 100 values of 40 bytes live on the heap (past std::string's inline buffer).
    EXPECT_GT(big.integer, small.integer + 100 * 40);
  });
}

// --- Moving hashes -------------------------------------------------------------------------

TEST_P(HashFamilyTest, CopyIsDeep) {
  ForEachEncoding([&] {
    for (auto [from, to] : {std::pair<std::string, std::string>{"{t}a", "{t}b"},
                            std::pair<std::string, std::string>{"src", "dst"}}) {
      SCOPED_TRACE(from + " -> " + to);
      EXPECT_THAT(Run({"hset", from, "f", "1", "g", "2"}), IntArg(2));
      EXPECT_THAT(Run({"pexpire", from, "5000"}), IntArg(1));
      EXPECT_THAT(Run({"copy", from, to}), IntArg(1));
      EXPECT_THAT(Run({"hset", from, "f", "changed"}), IntArg(0));
      EXPECT_THAT(Run({"hdel", from, "g"}), IntArg(1));
      EXPECT_THAT(Run({"hget", to, "f"}), BulkArg("1"));
      EXPECT_THAT(Run({"hget", to, "g"}), BulkArg("2"));
      EXPECT_THAT(Run({"hlen", to}), IntArg(2));
      EXPECT_THAT(Run({"pttl", to}), IntArg(5000));
      EXPECT_THAT(Run({"object", "encoding", to}), BulkArg(SmallEncoding()));
      EXPECT_THAT(Run({"hset", to, "h", "3"}), IntArg(1));
      EXPECT_THAT(Run({"hlen", from}), IntArg(1));
    }
  });
}

TEST_P(HashFamilyTest, CopyKeepsHashtableEncoding) {
  EXPECT_THAT(Run({"hset", "a", "f", std::string(100, 'x')}), IntArg(1));
  EXPECT_THAT(Run({"copy", "a", "b"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "b"}), BulkArg("hashtable"));
  EXPECT_THAT(Run({"hstrlen", "b", "f"}), IntArg(100));
}

TEST_P(HashFamilyTest, RenameAcrossShards) {
  ForEachEncoding([&] {
    for (auto [from, to] : {std::pair<std::string, std::string>{"{t}a", "{t}b"},
                            std::pair<std::string, std::string>{"one", "two"},
                            std::pair<std::string, std::string>{"x1", "y2"}}) {
      SCOPED_TRACE(from + " -> " + to);
      EXPECT_THAT(Run({"hset", from, "f", "1", "g", "2"}), IntArg(2));
      EXPECT_THAT(Run({"expire", from, "100"}), IntArg(1));
      EXPECT_THAT(Run({"rename", from, to}), OkArg());
      EXPECT_THAT(Run({"exists", from}), IntArg(0));
      EXPECT_THAT(Run({"hmget", to, "f", "g"}), ArrArg(ElementsAre(BulkArg("1"), BulkArg("2"))));
      EXPECT_THAT(Run({"ttl", to}), IntArg(100));
      EXPECT_THAT(Run({"hincrby", to, "f", "1"}), IntArg(2));
      EXPECT_THAT(Run({"del", to}), IntArg(1));
    }
  });
}

INSTANTIATE_TEST_SUITE_P(Shards, HashFamilyTest, ShardCounts());

}  // namespace
}  // namespace shoal::engine
