// Lists, as Redis 7 behaves: every command with its options, wrong types, wrong arity, bad
// numbers, missing keys and expiry, on 1 and 4 shards. Test bodies that say ForEachEncoding
// run twice: with the default limit (small lists are one listpack-sized node) and with
// list-max-listpack-size 1 (one element per node, so every multi-node path is taken).
// Blocking commands are tested with clients on other sessions, woken by writes or timed out
// on the fake clock.
#include <algorithm>
#include <chrono>
#include <deque>
#include <future>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/command_table.h"
#include "engine/shard.h"
#include "tests/engine/test_util.h"

namespace shoal::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Type = Value::Type;

class ListFamilyTest : public EngineTest {
 protected:
  // Runs `body` once per encoding, each time on a fresh engine.
  template <typename Fn>
  void ForEachEncoding(Fn body) {
    ForEachPass({{"default node size", {}},
                 {"one element per node", {{"list-max-listpack-size", "1"}}}},
                [&](size_t i) {
                  small_nodes_ = i == 1;
                  body();
                });
  }
  // OBJECT ENCODING of a list of 2+ small elements.
  std::string SmallEncoding() const { return small_nodes_ ? "quicklist" : "listpack"; }
  std::vector<std::string> All(std::string_view key) {
    return StrArray(Run({"lrange", key, "0", "-1"}));
  }
  std::string Raw(std::vector<std::string> args) { return session_->ExecuteRaw(args); }

  static bool StillWaiting(std::future<Value>& f) {
    return f.wait_for(std::chrono::milliseconds(30)) == std::future_status::timeout;
  }
  // Two keys that live on different shards when there are several.
  std::pair<std::string, std::string> KeysOnTwoShards() {
    std::string a = "src";
    for (int i = 0; i < 1000; ++i) {
      std::string b = "dst" + std::to_string(i);
      if (shards() == 1 || engine_->ShardOf(b) != engine_->ShardOf(a)) return {a, b};
    }
    return {a, "dst"};
  }
  bool small_nodes_ = false;
};

// --- Push, pop, length, range -------------------------------------------------------------

TEST_P(ListFamilyTest, PushAndRange) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"rpush", "l", "a", "b", "c"}), IntArg(3));
    EXPECT_THAT(Run({"lpush", "l", "x", "y"}), IntArg(5));
    EXPECT_THAT(All("l"), ElementsAre("y", "x", "a", "b", "c"));
    EXPECT_THAT(Run({"llen", "l"}), IntArg(5));
    EXPECT_THAT(Run({"type", "l"}), SimpleArg("list"));
    EXPECT_THAT(Run({"object", "encoding", "l"}), BulkArg(SmallEncoding()));
    EXPECT_THAT(Run({"llen", "missing"}), IntArg(0));
    std::string binary("a\0b", 3);
    EXPECT_THAT(Run({"rpush", "l", binary, ""}), IntArg(7));
    EXPECT_THAT(Run({"rpop", "l"}), BulkArg(""));
    EXPECT_THAT(Run({"rpop", "l"}), BulkArg(binary));
  });
}

TEST_P(ListFamilyTest, PushX) {
  ForEachEncoding([&] {
    EXPECT_THAT(Run({"lpushx", "l", "a"}), IntArg(0));
    EXPECT_THAT(Run({"rpushx", "l", "a", "b"}), IntArg(0));
    EXPECT_THAT(Run({"exists", "l"}), IntArg(0));
    Run({"rpush", "l", "m"});
    EXPECT_THAT(Run({"lpushx", "l", "a", "b"}), IntArg(3));
    EXPECT_THAT(Run({"rpushx", "l", "y", "z"}), IntArg(5));
    EXPECT_THAT(All("l"), ElementsAre("b", "a", "m", "y", "z"));
  });
}

TEST_P(ListFamilyTest, PopOneAndWithCount) {
  ForEachEncoding([&] {
    Run({"rpush", "l", "a", "b", "c", "d", "e"});
    EXPECT_THAT(Run({"lpop", "l"}), BulkArg("a"));
    EXPECT_THAT(Run({"rpop", "l"}), BulkArg("e"));
    EXPECT_THAT(Run({"lpop", "l", "2"}), ArrArg(ElementsAre(BulkArg("b"), BulkArg("c"))));
    EXPECT_THAT(Run({"lpop", "l", "0"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"rpop", "l", "10"}), ArrArg(ElementsAre(BulkArg("d"))));
    EXPECT_THAT(Run({"exists", "l"}), IntArg(0));  // the last pop deleted the key
    Run({"rpush", "l", "1", "2", "3"});
    EXPECT_THAT(Run({"rpop", "l", "2"}), ArrArg(ElementsAre(BulkArg("3"), BulkArg("2"))));
    // Missing key: nil without a count, a null array with one (even 0).
    EXPECT_EQ(Raw({"lpop", "missing"}), "$-1\r\n");
    EXPECT_EQ(Raw({"rpop", "missing", "3"}), "*-1\r\n");
    EXPECT_EQ(Raw({"lpop", "missing", "0"}), "*-1\r\n");
    EXPECT_THAT(Run({"lpop", "l", "-1"}), ErrArg("ERR value is out of range, must be positive"));
    EXPECT_THAT(Run({"lpop", "l", "x"}), ErrArg("ERR value is out of range, must be positive"));
    EXPECT_THAT(Run({"lpop", "l", "1", "2"}),
                ErrArg("ERR wrong number of arguments for 'lpop' command"));
    Run({"hello", "3"});
    EXPECT_EQ(Raw({"rpop", "missing", "3"}), "_\r\n");
    EXPECT_EQ(Raw({"lpop", "missing"}), "_\r\n");
  });
}

TEST_P(ListFamilyTest, LRange) {
  ForEachEncoding([&] {
    Run({"rpush", "l", "0", "1", "2", "3", "4", "5"});
    EXPECT_THAT(StrArray(Run({"lrange", "l", "1", "3"})), ElementsAre("1", "2", "3"));
    EXPECT_THAT(StrArray(Run({"lrange", "l", "-2", "-1"})), ElementsAre("4", "5"));
    EXPECT_THAT(StrArray(Run({"lrange", "l", "-100", "1"})), ElementsAre("0", "1"));
    EXPECT_THAT(StrArray(Run({"lrange", "l", "4", "100"})), ElementsAre("4", "5"));
    EXPECT_THAT(Run({"lrange", "l", "3", "2"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"lrange", "l", "6", "10"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"lrange", "l", "0", "-7"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"lrange", "missing", "0", "-1"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"lrange", "l", "a", "1"}), ErrArg("ERR value is not an integer or out of range"));
    EXPECT_THAT(Run({"lrange", "missing", "0", "1.5"}), ErrArg("ERR value is not an integer"));
  });
}

TEST_P(ListFamilyTest, LIndexAndLSet) {
  ForEachEncoding([&] {
    Run({"rpush", "l", "a", "b", "c"});
    EXPECT_THAT(Run({"lindex", "l", "0"}), BulkArg("a"));
    EXPECT_THAT(Run({"lindex", "l", "-1"}), BulkArg("c"));
    EXPECT_THAT(Run({"lindex", "l", "3"}), NilArg());
    EXPECT_THAT(Run({"lindex", "l", "-4"}), NilArg());
    EXPECT_THAT(Run({"lindex", "l", "x"}), ErrArg("ERR value is not an integer or out of range"));
    EXPECT_THAT(Run({"lindex", "missing", "x"}), NilArg());  // the key is looked up first
    EXPECT_THAT(Run({"lset", "l", "1", "B"}), OkArg());
    EXPECT_THAT(Run({"lset", "l", "-1", "C"}), OkArg());
    EXPECT_THAT(All("l"), ElementsAre("a", "B", "C"));
    EXPECT_THAT(Run({"lset", "l", "3", "x"}), ErrArg("ERR index out of range"));
    EXPECT_THAT(Run({"lset", "l", "-4", "x"}), ErrArg("ERR index out of range"));
    EXPECT_THAT(Run({"lset", "l", "x", "x"}), ErrArg("ERR value is not an integer or out of range"));
    EXPECT_THAT(Run({"lset", "missing", "0", "x"}), ErrArg("ERR no such key"));
    // A big value replaces a small one (and back), in the middle of the list.
    std::string big(10000, 'z');
    EXPECT_THAT(Run({"lset", "l", "1", big}), OkArg());
    EXPECT_THAT(Run({"lindex", "l", "1"}), BulkArg(big));
    EXPECT_THAT(Run({"object", "encoding", "l"}), BulkArg("quicklist"));
    EXPECT_THAT(Run({"lset", "l", "1", "b"}), OkArg());
    EXPECT_THAT(All("l"), ElementsAre("a", "b", "C"));
  });
}

TEST_P(ListFamilyTest, LInsert) {
  ForEachEncoding([&] {
    Run({"rpush", "l", "a", "c", "c"});
    EXPECT_THAT(Run({"linsert", "l", "before", "c", "b"}), IntArg(4));
    EXPECT_THAT(Run({"linsert", "l", "AFTER", "c", "d"}), IntArg(5));
    EXPECT_THAT(Run({"linsert", "l", "after", "c", "e"}), IntArg(6));  // the first pivot
    EXPECT_THAT(Run({"linsert", "l", "before", "a", "0"}), IntArg(7));
    EXPECT_THAT(All("l"), ElementsAre("0", "a", "b", "c", "e", "d", "c"));
    EXPECT_THAT(Run({"linsert", "l", "before", "nope", "x"}), IntArg(-1));
    EXPECT_THAT(Run({"linsert", "missing", "before", "a", "x"}), IntArg(0));
    EXPECT_THAT(Run({"exists", "missing"}), IntArg(0));
    EXPECT_THAT(Run({"linsert", "l", "middle", "a", "x"}), ErrArg("ERR syntax error"));
  });
}

TEST_P(ListFamilyTest, LRem) {
  ForEachEncoding([&] {
    Run({"rpush", "l", "x", "a", "x", "b", "x", "c", "x"});
    EXPECT_THAT(Run({"lrem", "l", "2", "x"}), IntArg(2));
    EXPECT_THAT(All("l"), ElementsAre("a", "b", "x", "c", "x"));
    EXPECT_THAT(Run({"lrem", "l", "-1", "x"}), IntArg(1));
    EXPECT_THAT(All("l"), ElementsAre("a", "b", "x", "c"));
    EXPECT_THAT(Run({"lrem", "l", "0", "x"}), IntArg(1));
    EXPECT_THAT(Run({"lrem", "l", "0", "nope"}), IntArg(0));
    EXPECT_THAT(Run({"lrem", "missing", "0", "x"}), IntArg(0));
    EXPECT_THAT(Run({"lrem", "l", "0", "a"}), IntArg(1));
    EXPECT_THAT(Run({"lrem", "l", "-5", "b"}), IntArg(1));
    EXPECT_THAT(Run({"lrem", "l", "1", "c"}), IntArg(1));
    EXPECT_THAT(Run({"exists", "l"}), IntArg(0));
    EXPECT_THAT(Run({"lrem", "l", "x", "a"}), ErrArg("ERR value is not an integer or out of range"));
    EXPECT_THAT(Run({"lrem", "l", "-9223372036854775808", "a"}),
                ErrArg("ERR value is out of range, must be between -9223372036854775807 and "
                       "9223372036854775807"));
  });
}

TEST_P(ListFamilyTest, LTrim) {
  ForEachEncoding([&] {
    Run({"rpush", "l", "0", "1", "2", "3", "4", "5"});
    EXPECT_THAT(Run({"ltrim", "l", "1", "-2"}), OkArg());
    EXPECT_THAT(All("l"), ElementsAre("1", "2", "3", "4"));
    EXPECT_THAT(Run({"ltrim", "l", "-100", "100"}), OkArg());
    EXPECT_THAT(All("l"), ElementsAre("1", "2", "3", "4"));
    EXPECT_THAT(Run({"ltrim", "l", "2", "2"}), OkArg());
    EXPECT_THAT(All("l"), ElementsAre("3"));
    EXPECT_THAT(Run({"ltrim", "l", "1", "0"}), OkArg());
    EXPECT_THAT(Run({"exists", "l"}), IntArg(0));
    EXPECT_THAT(Run({"ltrim", "missing", "0", "1"}), OkArg());
    EXPECT_THAT(Run({"ltrim", "l", "0", "x"}), ErrArg("ERR value is not an integer or out of range"));
  });
}

TEST_P(ListFamilyTest, LPos) {
  ForEachEncoding([&] {
    Run({"rpush", "l", "a", "b", "c", "1", "2", "3", "c", "c"});
    EXPECT_THAT(Run({"lpos", "l", "c"}), IntArg(2));
    EXPECT_THAT(Run({"lpos", "l", "c", "rank", "2"}), IntArg(6));
    EXPECT_THAT(Run({"lpos", "l", "c", "rank", "-1"}), IntArg(7));
    EXPECT_THAT(Run({"lpos", "l", "c", "rank", "-2"}), IntArg(6));
    EXPECT_THAT(Run({"lpos", "l", "c", "rank", "4"}), NilArg());
    EXPECT_THAT(Run({"lpos", "l", "c", "count", "0"}),
                ArrArg(ElementsAre(IntArg(2), IntArg(6), IntArg(7))));
    EXPECT_THAT(Run({"lpos", "l", "c", "count", "2"}), ArrArg(ElementsAre(IntArg(2), IntArg(6))));
    EXPECT_THAT(Run({"lpos", "l", "c", "rank", "-1", "count", "2"}),
                ArrArg(ElementsAre(IntArg(7), IntArg(6))));
    EXPECT_THAT(Run({"lpos", "l", "c", "rank", "2", "count", "0"}),
                ArrArg(ElementsAre(IntArg(6), IntArg(7))));
    EXPECT_THAT(Run({"lpos", "l", "c", "count", "0", "maxlen", "7"}),
                ArrArg(ElementsAre(IntArg(2), IntArg(6))));
    EXPECT_THAT(Run({"lpos", "l", "c", "maxlen", "1"}), NilArg());
    EXPECT_THAT(Run({"lpos", "l", "c", "rank", "-1", "maxlen", "1"}), IntArg(7));
    EXPECT_THAT(Run({"lpos", "l", "nope"}), NilArg());
    EXPECT_THAT(Run({"lpos", "l", "nope", "count", "1"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"lpos", "missing", "a"}), NilArg());
    EXPECT_THAT(Run({"lpos", "missing", "a", "count", "0"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"lpos", "l", "a", "rank", "0"}),
                ErrArg("ERR RANK can't be zero: use 1 to start from the first match, 2 from the "
                       "second ... or use negative to start from the end of the list"));
    EXPECT_THAT(Run({"lpos", "l", "a", "rank", "x"}), ErrArg("ERR value is not an integer"));
    EXPECT_THAT(Run({"lpos", "l", "a", "rank", "-9223372036854775808"}),
                ErrArg("ERR value is out of range, must be between"));
    EXPECT_THAT(Run({"lpos", "l", "a", "count", "-1"}), ErrArg("ERR COUNT can't be negative"));
    EXPECT_THAT(Run({"lpos", "l", "a", "count", "x"}), ErrArg("ERR COUNT can't be negative"));
    EXPECT_THAT(Run({"lpos", "l", "a", "maxlen", "-1"}), ErrArg("ERR MAXLEN can't be negative"));
    EXPECT_THAT(Run({"lpos", "l", "a", "count"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"lpos", "l", "a", "bogus", "1"}), ErrArg("ERR syntax error"));
  });
}

// --- Moves and multi-key pops --------------------------------------------------------------

TEST_P(ListFamilyTest, LMoveAndRPopLPush) {
  ForEachEncoding([&] {
    Run({"rpush", "src", "a", "b", "c"});
    EXPECT_THAT(Run({"lmove", "src", "dst", "left", "right"}), BulkArg("a"));
    EXPECT_THAT(Run({"lmove", "src", "dst", "RIGHT", "LEFT"}), BulkArg("c"));
    EXPECT_THAT(All("dst"), ElementsAre("c", "a"));
    EXPECT_THAT(Run({"lmove", "dst", "src", "left", "left"}), BulkArg("c"));
    EXPECT_THAT(Run({"lmove", "dst", "src", "right", "right"}), BulkArg("a"));
    EXPECT_THAT(All("src"), ElementsAre("c", "b", "a"));
    EXPECT_THAT(Run({"exists", "dst"}), IntArg(0));
    EXPECT_THAT(Run({"rpoplpush", "src", "dst"}), BulkArg("a"));
    EXPECT_THAT(Run({"rpoplpush", "src", "dst"}), BulkArg("b"));
    EXPECT_THAT(All("dst"), ElementsAre("b", "a"));
    // The same key rotates; a one-element list keeps its key (and TTL).
    EXPECT_THAT(Run({"rpoplpush", "dst", "dst"}), BulkArg("a"));
    EXPECT_THAT(All("dst"), ElementsAre("a", "b"));
    Run({"rpush", "one", "x"});
    Run({"pexpire", "one", "5000"});
    EXPECT_THAT(Run({"lmove", "one", "one", "left", "right"}), BulkArg("x"));
    EXPECT_THAT(All("one"), ElementsAre("x"));
    EXPECT_GT(Run({"pttl", "one"}).integer, 0);
    // Missing source: nil, and the destination's type is not even checked.
    Run({"set", "str", "v"});
    EXPECT_THAT(Run({"lmove", "missing", "str", "left", "left"}), NilArg());
    EXPECT_THAT(Run({"rpoplpush", "missing", "dst"}), NilArg());
    // A destination of another type: WRONGTYPE, the source untouched.
    EXPECT_THAT(Run({"lmove", "src", "str", "left", "left"}), ErrArg("WRONGTYPE"));
    EXPECT_THAT(Run({"rpoplpush", "src", "str"}), ErrArg("WRONGTYPE"));
    EXPECT_THAT(All("src"), ElementsAre("c"));
    EXPECT_THAT(Run({"lmove", "str", "src", "left", "left"}), ErrArg("WRONGTYPE"));
    EXPECT_THAT(Run({"lmove", "src", "dst", "up", "left"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"lmove", "src", "dst", "left", "down"}), ErrArg("ERR syntax error"));
  });
}

TEST_P(ListFamilyTest, LMPop) {
  ForEachEncoding([&] {
    Run({"rpush", "l2", "a", "b", "c"});
    EXPECT_THAT(Run({"lmpop", "2", "l1", "l2", "left"}),
                ArrArg(ElementsAre(BulkArg("l2"), ArrArg(ElementsAre(BulkArg("a"))))));
    EXPECT_THAT(Run({"lmpop", "2", "l1", "l2", "RIGHT", "count", "5"}),
                ArrArg(ElementsAre(BulkArg("l2"), ArrArg(ElementsAre(BulkArg("c"), BulkArg("b"))))));
    EXPECT_THAT(Run({"exists", "l2"}), IntArg(0));
    EXPECT_EQ(Raw({"lmpop", "2", "l1", "l2", "left"}), "*-1\r\n");
    Run({"set", "s", "x"});
    EXPECT_THAT(Run({"lmpop", "2", "l1", "s", "left"}), ErrArg("WRONGTYPE"));
    EXPECT_THAT(Run({"lmpop", "0", "l1", "left"}), ErrArg("ERR numkeys should be greater than 0"));
    EXPECT_THAT(Run({"lmpop", "x", "l1", "left"}), ErrArg("ERR numkeys should be greater than 0"));
    EXPECT_THAT(Run({"lmpop", "3", "l1", "left"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"lmpop", "1", "l1", "middle"}), ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"lmpop", "1", "l1", "left", "count", "0"}),
                ErrArg("ERR count should be greater than 0"));
    EXPECT_THAT(Run({"lmpop", "1", "l1", "left", "count", "1", "count", "1"}),
                ErrArg("ERR syntax error"));
    EXPECT_THAT(Run({"lmpop", "1", "l1", "left", "count"}), ErrArg("ERR syntax error"));
  });
}

TEST_P(ListFamilyTest, MultiShardMovesAreAtomic) {
  // Keys on several shards with 4 shards: the transaction path.
  for (int i = 0; i < 20; ++i) Run({"rpush", "k" + std::to_string(i), std::to_string(i)});
  for (int i = 0; i < 19; ++i) {
    EXPECT_THAT(Run({"lmove", "k" + std::to_string(i), "k" + std::to_string(i + 1), "right", "left"}),
                BulkArg(std::to_string(i)));
  }
  EXPECT_THAT(Run({"exists", "k0"}), IntArg(0));
  EXPECT_THAT(All("k5"), ElementsAre("4"));
  EXPECT_THAT(All("k19"), ElementsAre("18", "19"));
  EXPECT_THAT(Run({"lmpop", "2", "k0", "k19", "left", "count", "2"}),
              ArrArg(ElementsAre(BulkArg("k19"), ArrArg(ElementsAre(BulkArg("18"), BulkArg("19"))))));
}

TEST_P(ListFamilyTest, WrongTypeAndArity) {
  Run({"set", "s", "x"});
  for (std::vector<std::string> cmd : std::vector<std::vector<std::string>>{
           {"lpush", "s", "a"}, {"rpush", "s", "a"}, {"lpushx", "s", "a"}, {"rpushx", "s", "a"},
           {"lpop", "s"}, {"rpop", "s", "1"}, {"llen", "s"}, {"lrange", "s", "0", "1"},
           {"lindex", "s", "0"}, {"lset", "s", "0", "a"}, {"linsert", "s", "before", "a", "b"},
           {"lrem", "s", "0", "a"}, {"ltrim", "s", "0", "1"}, {"lpos", "s", "a"},
           {"blpop", "s", "0"}, {"brpop", "s", "0"}, {"blmove", "s", "d", "left", "left", "0"},
           {"brpoplpush", "s", "d", "0"}, {"blmpop", "0", "1", "s", "left"}}) {
    EXPECT_THAT(Run(cmd), ErrArg("WRONGTYPE")) << cmd[0];
  }
  EXPECT_THAT(Run({"get", "s"}), BulkArg("x"));
  EXPECT_THAT(Run({"lpush", "l"}), ErrArg("ERR wrong number of arguments for 'lpush' command"));
  EXPECT_THAT(Run({"rpushx", "l"}), ErrArg("ERR wrong number of arguments for 'rpushx' command"));
  EXPECT_THAT(Run({"llen"}), ErrArg("ERR wrong number of arguments for 'llen' command"));
  EXPECT_THAT(Run({"lrange", "l", "0"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"lindex", "l"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"lset", "l", "0"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"linsert", "l", "before", "a"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"lrem", "l", "0"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"ltrim", "l", "0"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"lpos", "l"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"lmove", "a", "b", "left"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"rpoplpush", "a"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"lmpop", "1", "a"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"blpop", "a"}), ErrArg("ERR wrong number of arguments for 'blpop' command"));
  EXPECT_THAT(Run({"brpop", "a"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"blmove", "a", "b", "left", "left"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"brpoplpush", "a", "b"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"blmpop", "0", "1", "a"}), ErrArg("ERR wrong number of arguments"));
}

TEST_P(ListFamilyTest, KeySpecs) {
  const CommandTable& table = CommandTable::Get();
  auto keys_of = [&](std::vector<std::string_view> args) {
    KeyList keys;
    CollectKeys(*table.Find(args[0]), ArgList(args.data(), args.size()), &keys);
    return std::vector<std::string_view>(keys.begin(), keys.end());
  };
  EXPECT_THAT(keys_of({"lmpop", "2", "a", "b", "left"}), ElementsAre("a", "b"));
  EXPECT_THAT(keys_of({"blmpop", "0", "2", "a", "b", "left"}), ElementsAre("a", "b"));
  EXPECT_THAT(keys_of({"lmpop", "x", "a", "left"}), IsEmpty());
  EXPECT_THAT(keys_of({"blmpop", "0", "5", "a", "left"}), IsEmpty());
  EXPECT_THAT(keys_of({"blpop", "a", "b", "0"}), ElementsAre("a", "b"));
  EXPECT_THAT(keys_of({"blmove", "a", "b", "left", "left", "0"}), ElementsAre("a", "b"));
  EXPECT_THAT(keys_of({"brpoplpush", "a", "b", "0"}), ElementsAre("a", "b"));
  EXPECT_THAT(keys_of({"lmove", "a", "b", "left", "left"}), ElementsAre("a", "b"));
  EXPECT_THAT(Run({"command", "getkeys", "rpoplpush", "a", "b"}),
              ArrArg(ElementsAre(BulkArg("a"), BulkArg("b"))));
}

// --- TTL, encodings, config ----------------------------------------------------------------

TEST_P(ListFamilyTest, ExpiryKeptAcrossWrites) {
  ForEachEncoding([&] {
    Run({"rpush", "l", "a", "b", "c", "d"});
    EXPECT_THAT(Run({"pexpire", "l", "1000"}), IntArg(1));
    Run({"lpush", "l", "z"});
    Run({"rpop", "l"});
    Run({"lset", "l", "0", "y"});
    Run({"linsert", "l", "after", "y", "x"});
    Run({"lrem", "l", "1", "x"});
    Run({"ltrim", "l", "0", "-1"});
    EXPECT_THAT(Run({"pttl", "l"}), IntArg(1000));
    AdvanceTime(1000);
    EXPECT_THAT(Run({"llen", "l"}), IntArg(0));
    EXPECT_THAT(Run({"lrange", "l", "0", "-1"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run({"rpushx", "l", "a"}), IntArg(0));
  });
}

TEST_P(ListFamilyTest, EncodingFollowsRedis72) {
  // Default (-2, 8 KB): a listpack until the bytes pass 8 KB, back when under 4 KB.
  Run({"rpush", "l", "a", "b"});
  EXPECT_THAT(Run({"object", "encoding", "l"}), BulkArg("listpack"));
  std::string big(5000, 'x');
  Run({"rpush", "l", big});
  EXPECT_THAT(Run({"object", "encoding", "l"}), BulkArg("listpack"));
  Run({"rpush", "l", big});
  EXPECT_THAT(Run({"object", "encoding", "l"}), BulkArg("quicklist"));
  Run({"rpop", "l"});  // about 5 KB left: still above half the limit
  EXPECT_THAT(Run({"object", "encoding", "l"}), BulkArg("quicklist"));
  Run({"rpop", "l"});
  EXPECT_THAT(Run({"object", "encoding", "l"}), BulkArg("listpack"));
  // One value over the limit makes a quicklist at once.
  Run({"rpush", "big", std::string(9000, 'y')});
  EXPECT_THAT(Run({"object", "encoding", "big"}), BulkArg("quicklist"));
  // An entry count: more than 4 is a quicklist, back at 2 (half of 4).
  EXPECT_THAT(Run({"config", "set", "list-max-listpack-size", "4"}), OkArg());
  Run({"rpush", "n", "1", "2", "3", "4"});
  EXPECT_THAT(Run({"object", "encoding", "n"}), BulkArg("listpack"));
  Run({"rpush", "n", "5"});
  EXPECT_THAT(Run({"object", "encoding", "n"}), BulkArg("quicklist"));
  Run({"rpop", "n", "2"});
  EXPECT_THAT(Run({"object", "encoding", "n"}), BulkArg("quicklist"));
  Run({"rpop", "n"});
  EXPECT_THAT(Run({"object", "encoding", "n"}), BulkArg("listpack"));
  EXPECT_THAT(All("n"), ElementsAre("1", "2"));
  // COPY keeps the encoding and the elements.
  Run({"rpush", "n", "3", "4", "5"});
  EXPECT_THAT(Run({"copy", "n", "n2"}), IntArg(1));
  EXPECT_THAT(Run({"object", "encoding", "n2"}), BulkArg("quicklist"));
  EXPECT_THAT(All("n2"), ElementsAre("1", "2", "3", "4", "5"));
  EXPECT_GT(Run({"memory", "usage", "n2"}).integer, 0);
}

// Redis's own conversion tests (tests/unit/type/list.tcl), one push per element as its
// create_listpack / create_quicklist do.
TEST_P(ListFamilyTest, EncodingConversionsAsRedisTestsThem) {
  auto create = [&](std::string key, std::vector<std::string> elements, std::string encoding) {
    Run({"del", key});
    for (const std::string& e : elements) Run({"rpush", key, e});
    ASSERT_THAT(Run({"object", "encoding", key}), BulkArg(encoding)) << key;
  };
  const std::string large_lp = "hello", large_ql(8192, 'x');
  for (auto [fill, large] : {std::pair<std::string, std::string>{"3", large_lp}, {"-1", large_ql}}) {
    SCOPED_TRACE(fill);
    ASSERT_THAT(Run({"config", "set", "list-max-listpack-size", fill}), OkArg());
    create("lst", {"a", "b", "c"}, "listpack");
    Run({"rpush", "lst", large});
    EXPECT_THAT(Run({"object", "encoding", "lst"}), BulkArg("quicklist"));
    create("lst", {"a", "b", "c"}, "listpack");
    Run({"linsert", "lst", "after", "b", large});
    EXPECT_THAT(Run({"object", "encoding", "lst"}), BulkArg("quicklist"));
    create("lst", {"a", "b", "c"}, "listpack");
    Run({"lset", "lst", "0", large});
    EXPECT_THAT(Run({"object", "encoding", "lst"}), BulkArg("quicklist"));
    create("{t}src", {"a", "b", "c", large}, "quicklist");
    create("{t}dst", {"d", "e", "f"}, "listpack");
    Run({"lmove", "{t}src", "{t}dst", "right", "right"});
    EXPECT_THAT(Run({"object", "encoding", "{t}dst"}), BulkArg("quicklist"));
  }
  ASSERT_THAT(Run({"config", "set", "list-max-listpack-size", "3"}), OkArg());
  create("lst", {"a", "b", "c", "d"}, "quicklist");
  Run({"rpop", "lst", "3"});
  EXPECT_THAT(Run({"object", "encoding", "lst"}), BulkArg("listpack"));
  create("lst", {"a", "a", "a", "d"}, "quicklist");
  Run({"lrem", "lst", "3", "a"});
  EXPECT_THAT(Run({"object", "encoding", "lst"}), BulkArg("listpack"));
  create("lst", {"a", "b", "c", "d"}, "quicklist");
  Run({"ltrim", "lst", "1", "1"});
  EXPECT_THAT(Run({"object", "encoding", "lst"}), BulkArg("listpack"));
  ASSERT_THAT(Run({"config", "set", "list-max-listpack-size", "-1"}), OkArg());
  create("lst", {"a", "b", "c", large_ql}, "quicklist");
  Run({"rpop", "lst", "1"});
  EXPECT_THAT(Run({"object", "encoding", "lst"}), BulkArg("listpack"));
  create("lst", {"a", large_ql}, "quicklist");
  Run({"lrem", "lst", "1", large_ql});
  EXPECT_THAT(Run({"object", "encoding", "lst"}), BulkArg("listpack"));
  create("lst", {"a", "b", large_ql}, "quicklist");
  Run({"ltrim", "lst", "0", "1"});
  EXPECT_THAT(Run({"object", "encoding", "lst"}), BulkArg("listpack"));
  create("lst", {large_ql, "a", "b"}, "quicklist");
  Run({"rpop", "lst", "2"});
  EXPECT_THAT(Run({"object", "encoding", "lst"}), BulkArg("quicklist"));
  Run({"lset", "lst", "-1", "c"});
  EXPECT_THAT(Run({"object", "encoding", "lst"}), BulkArg("listpack"));
  // Out-of-range fills: 0 counts as 1, below -5 as -5 (64 KB).
  ASSERT_THAT(Run({"config", "set", "list-max-listpack-size", "0"}), OkArg());
  create("lst", {"a"}, "listpack");
  Run({"rpush", "lst", "b"});
  EXPECT_THAT(Run({"object", "encoding", "lst"}), BulkArg("quicklist"));
  ASSERT_THAT(Run({"config", "set", "list-max-listpack-size", "-6"}), OkArg());
  create("lst", {std::string(60000, 'x')}, "listpack");
  Run({"rpush", "lst", std::string(5536, 'x')});
  EXPECT_THAT(Run({"object", "encoding", "lst"}), BulkArg("quicklist"));
}

TEST_P(ListFamilyTest, ConfigNamesAndAliases) {
  EXPECT_THAT(StrArray(Run({"config", "get", "list-max-listpack-size"})),
              ElementsAre("list-max-listpack-size", "-2"));
  EXPECT_THAT(Run({"config", "set", "list-max-ziplist-size", "7"}), OkArg());
  EXPECT_THAT(StrArray(Run({"config", "get", "list-max-listpack-size"})),
              ElementsAre("list-max-listpack-size", "7"));
  EXPECT_THAT(StrArray(Run({"config", "get", "list-max-ziplist-size"})),
              ElementsAre("list-max-ziplist-size", "7"));
  EXPECT_THAT(Run({"config", "set", "list-max-listpack-size", "-5"}), OkArg());
  EXPECT_THAT(Run({"config", "set", "list-max-listpack-size", "x"}), ErrArg("ERR CONFIG SET failed"));
  EXPECT_THAT(StrArray(Run({"config", "get", "list-compress-depth"})),
              ElementsAre("list-compress-depth", "0"));
  EXPECT_THAT(Run({"config", "set", "list-compress-depth", "2"}), OkArg());
  EXPECT_THAT(StrArray(Run({"config", "get", "list-compress-depth"})),
              ElementsAre("list-compress-depth", "2"));
  EXPECT_THAT(Run({"config", "set", "list-compress-depth", "-1"}), ErrArg("ERR CONFIG SET failed"));
  // Lists still work with the largest nodes.
  Run({"rpush", "l", "a", "b"});
  EXPECT_THAT(All("l"), ElementsAre("a", "b"));
}

// Random commands against a std::deque model, with small nodes so that every path of the
// quicklist runs through the family.
TEST_P(ListFamilyTest, RandomCommandsMatchAModel) {
  ForEachEncoding([&] {
    std::mt19937 rng(7);
    std::deque<std::string> model;
    for (int step = 0; step < 600; ++step) {
      std::string v = std::to_string(rng() % 10);
      const int64_t size = static_cast<int64_t>(model.size());
      switch (rng() % 8) {
        case 0:
          Run({"lpush", "m", v});
          model.push_front(v);
          break;
        case 1:
          Run({"rpush", "m", v, v + "x"});
          model.push_back(v);
          model.push_back(v + "x");
          break;
        case 2:
          if (size > 0) {
            EXPECT_THAT(Run({"lpop", "m"}), BulkArg(model.front()));
            model.pop_front();
          }
          break;
        case 3:
          if (size > 0) {
            EXPECT_THAT(Run({"rpop", "m"}), BulkArg(model.back()));
            model.pop_back();
          }
          break;
        case 4:
          if (size > 0) {
            int64_t i = static_cast<int64_t>(rng() % static_cast<uint32_t>(size));
            Run({"lset", "m", std::to_string(i), v + "s"});
            model[static_cast<size_t>(i)] = v + "s";
          }
          break;
        case 5: {
          auto it = std::find(model.begin(), model.end(), v);
          EXPECT_THAT(Run({"linsert", "m", "before", v, "i"}),
                      IntArg(it == model.end() ? (size == 0 ? 0 : -1) : size + 1));
          if (it != model.end()) model.insert(it, "i");
          break;
        }
        case 6: {
          int64_t removed = 0;
          for (auto it = model.begin(); it != model.end() && removed < 2;) {
            if (*it == v) {
              it = model.erase(it);
              ++removed;
            } else {
              ++it;
            }
          }
          EXPECT_THAT(Run({"lrem", "m", "2", v}), IntArg(removed));
          break;
        }
        case 7:
          if (size > 6) {
            Run({"ltrim", "m", "1", "-2"});
            model.pop_front();
            model.pop_back();
          }
          break;
      }
      if (step % 25 == 0) {
        ASSERT_EQ(All("m"), std::vector<std::string>(model.begin(), model.end())) << step;
      }
    }
    ASSERT_EQ(All("m"), std::vector<std::string>(model.begin(), model.end()));
  });
}

// --- Blocking ------------------------------------------------------------------------------

TEST_P(ListFamilyTest, BlockingPopsAtOnceWhenAvailable) {
  Run({"rpush", "l", "a", "b", "c"});
  EXPECT_THAT(Run({"blpop", "missing", "l", "0"}), ArrArg(ElementsAre(BulkArg("l"), BulkArg("a"))));
  EXPECT_THAT(Run({"brpop", "l", "0"}), ArrArg(ElementsAre(BulkArg("l"), BulkArg("c"))));
  EXPECT_THAT(Run({"blmpop", "0", "2", "missing", "l", "right", "count", "3"}),
              ArrArg(ElementsAre(BulkArg("l"), ArrArg(ElementsAre(BulkArg("b"))))));
  Run({"rpush", "l", "x", "y"});
  EXPECT_THAT(Run({"blmove", "l", "d", "right", "left", "0"}), BulkArg("y"));
  EXPECT_THAT(Run({"brpoplpush", "l", "d", "0"}), BulkArg("x"));
  EXPECT_THAT(All("d"), ElementsAre("x", "y"));
  EXPECT_THAT(Run({"exists", "l"}), IntArg(0));
}

TEST_P(ListFamilyTest, BlockingErrors) {
  EXPECT_THAT(Run({"blpop", "l", "abc"}), ErrArg("ERR timeout is not a float or out of range"));
  EXPECT_THAT(Run({"brpop", "l", "-1"}), ErrArg("ERR timeout is negative"));
  EXPECT_THAT(Run({"blmove", "a", "b", "left", "left", "x"}),
              ErrArg("ERR timeout is not a float or out of range"));
  EXPECT_THAT(Run({"blmove", "a", "b", "top", "left", "x"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"brpoplpush", "a", "b", "-1"}), ErrArg("ERR timeout is negative"));
  EXPECT_THAT(Run({"blmpop", "x", "1", "a", "left"}),
              ErrArg("ERR timeout is not a float or out of range"));
  // BLMPOP checks its other arguments before the timeout, as Redis does.
  EXPECT_THAT(Run({"blmpop", "x", "0", "a", "left"}), ErrArg("ERR numkeys should be greater than 0"));
  EXPECT_THAT(Run({"blmpop", "0", "1", "a", "left", "count", "0"}),
              ErrArg("ERR count should be greater than 0"));
  EXPECT_EQ(Waiters(), 0u);
}

TEST_P(ListFamilyTest, BlockedClientsServedInOrder) {
  auto first = Start({"blpop", "q", "0"});
  AwaitWaiters(1);
  auto second = Start({"brpop", "other", "q", "0"});
  AwaitWaiters(3);
  auto third = Start({"blmpop", "0", "1", "q", "left", "count", "2"});
  AwaitWaiters(4);
  EXPECT_TRUE(StillWaiting(first));
  EXPECT_THAT(Run({"rpush", "q", "a", "b", "c", "d"}), IntArg(4));
  ASSERT_TRUE(Ready(first));
  ASSERT_TRUE(Ready(second));
  ASSERT_TRUE(Ready(third));
  EXPECT_THAT(first.get(), ArrArg(ElementsAre(BulkArg("q"), BulkArg("a"))));
  EXPECT_THAT(second.get(), ArrArg(ElementsAre(BulkArg("q"), BulkArg("d"))));
  EXPECT_THAT(third.get(),
              ArrArg(ElementsAre(BulkArg("q"), ArrArg(ElementsAre(BulkArg("b"), BulkArg("c"))))));
  EXPECT_THAT(Run({"exists", "q"}), IntArg(0));  // every element went to a client
}

TEST_P(ListFamilyTest, BlockedPopTimesOutOnTheFakeClock) {
  auto waiting = Start({"blpop", "q", "1.5"});
  auto moving = Start({"blmove", "q2", "d", "left", "left", "1"});
  AwaitWaiters(2);
  AdvanceTime(1000);
  ASSERT_TRUE(Ready(moving));
  EXPECT_THAT(moving.get(), NilArg());  // a null array, as Redis replies
  EXPECT_TRUE(StillWaiting(waiting));
  AdvanceTime(600);
  ASSERT_TRUE(Ready(waiting));
  EXPECT_THAT(waiting.get(), NilArg());
  for (int i = 0; i < 1000 && Waiters() > 0; ++i) RunExpiry();
  EXPECT_EQ(Waiters(), 0u);
  Run({"rpush", "q", "a"});
  EXPECT_THAT(Run({"llen", "q"}), IntArg(1));
}

TEST_P(ListFamilyTest, RenameIntoPlaceWakesABlockedPop) {
  auto waiting = Start({"blpop", "foo", "5"});
  AwaitWaiters(1);
  Run({"lpush", "bob", "abc", "def", "hij"});
  Run({"rename", "bob", "foo"});
  ASSERT_TRUE(Ready(waiting));
  EXPECT_THAT(waiting.get(), ArrArg(ElementsAre(BulkArg("foo"), BulkArg("hij"))));
  EXPECT_THAT(All("foo"), ElementsAre("def", "abc"));
}

TEST_P(ListFamilyTest, AnotherTypeDoesNotWakeABlockedPop) {
  auto waiting = Start({"blpop", "q", "0"});
  AwaitWaiters(1);
  Run({"set", "q", "x"});
  EXPECT_TRUE(StillWaiting(waiting));
  Run({"del", "q"});
  Run({"lpush", "q", "v"});
  ASSERT_TRUE(Ready(waiting));
  EXPECT_THAT(waiting.get(), ArrArg(ElementsAre(BulkArg("q"), BulkArg("v"))));
}

TEST_P(ListFamilyTest, BlockedMoveOnOneShard) {
  // A hash tag keeps both keys on one shard: the serve moves the element itself.
  auto moving = Start({"blmove", "{t}src", "{t}dst", "right", "left", "0"});
  AwaitWaiters(1);
  Run({"rpush", "{t}src", "a", "b"});
  ASSERT_TRUE(Ready(moving));
  EXPECT_THAT(moving.get(), BulkArg("b"));
  EXPECT_THAT(All("{t}dst"), ElementsAre("b"));
  EXPECT_THAT(All("{t}src"), ElementsAre("a"));
  // A destination that became another type: the woken client gets WRONGTYPE.
  Run({"del", "{t}src"});
  auto failing = Start({"brpoplpush", "{t}src", "{t}str", "0"});
  AwaitWaiters(1);
  Run({"set", "{t}str", "x"});
  Run({"rpush", "{t}src", "v"});
  ASSERT_TRUE(Ready(failing));
  EXPECT_THAT(failing.get(), ErrArg("WRONGTYPE"));
  EXPECT_THAT(All("{t}src"), ElementsAre("v"));
}

TEST_P(ListFamilyTest, BlockedMoveAcrossShards) {
  auto [src, dst] = KeysOnTwoShards();
  auto moving = Start({"blmove", src, dst, "left", "right", "0"});
  AwaitWaiters(1);
  Run({"rpush", src, "a", "b"});
  ASSERT_TRUE(Ready(moving));
  EXPECT_THAT(moving.get(), BulkArg("a"));
  EXPECT_THAT(All(dst), ElementsAre("a"));
  EXPECT_THAT(All(src), ElementsAre("b"));
  Run({"del", src});
  auto second = Start({"brpoplpush", src, dst, "0"});
  AwaitWaiters(1);
  Run({"lpush", src, "c"});
  ASSERT_TRUE(Ready(second));
  EXPECT_THAT(second.get(), BulkArg("c"));
  EXPECT_THAT(All(dst), ElementsAre("c", "a"));
  EXPECT_THAT(Run({"exists", src}), IntArg(0));
}

TEST_P(ListFamilyTest, BlockedMoveAcrossShardsKeepsTheOrderOfWaiters) {
  // The woken BLMOVE re-runs as a transaction; the BLPOP behind it waits for that re-run,
  // so each element goes to the oldest waiter, and one push wakes one re-run.
  auto [src, dst] = KeysOnTwoShards();
  auto first = Start({"blmove", src, dst, "left", "right", "0"});
  AwaitWaiters(1);
  auto second = Start({"blpop", src, "0"});
  AwaitWaiters(2);
  auto third = Start({"brpoplpush", src, dst, "0"});
  AwaitWaiters(3);
  Run({"rpush", src, "a"});
  ASSERT_TRUE(Ready(first));
  EXPECT_THAT(first.get(), BulkArg("a"));
  EXPECT_TRUE(StillWaiting(second));
  Run({"rpush", src, "b", "c"});
  ASSERT_TRUE(Ready(second));
  EXPECT_THAT(second.get(), ArrArg(ElementsAre(BulkArg(src), BulkArg("b"))));
  ASSERT_TRUE(Ready(third));
  EXPECT_THAT(third.get(), BulkArg("c"));
  EXPECT_THAT(All(dst), ElementsAre("c", "a"));
  EXPECT_THAT(Run({"exists", src}), IntArg(0));
}

TEST_P(ListFamilyTest, BlockedMoveThatLosesTheRaceKeepsItsDeadline) {
  // A pipeline pushes and pops in one go on the source's shard: the push wakes the BLMOVE,
  // whose re-run (a transaction across shards) can only run after the pop, finds nothing
  // and blocks again with the deadline of its first wait.
  auto [src, dst] = KeysOnTwoShards();
  auto moving = Start({"blmove", src, dst, "left", "right", "2"});
  AwaitWaiters(1);
  AdvanceTime(1500);
  std::vector<CmdArgs> cmds = {{"rpush", src, "x"}, {"rpop", src}};
  std::string out;
  std::promise<void> done;
  engine_->shard(session_->home()).executor().Post([&] {
    if (session_->Run(cmds, &out, [&] { done.set_value(); })) done.set_value();
  });
  done.get_future().wait();
  if (shards() == 1) {  // one shard: the serve moved the element before the pop
    EXPECT_EQ(out, ":1\r\n$-1\r\n");
    ASSERT_TRUE(Ready(moving));
    EXPECT_THAT(moving.get(), BulkArg("x"));
    return;
  }
  EXPECT_EQ(out, ":1\r\n$1\r\nx\r\n");
  EXPECT_TRUE(StillWaiting(moving));
  AwaitWaiters(1);   // blocked again
  AdvanceTime(600);  // past the first deadline (a fresh one would be 2 s from the re-run)
  ASSERT_TRUE(Ready(moving));
  EXPECT_THAT(moving.get(), NilArg());
  EXPECT_THAT(Run({"exists", dst}), IntArg(0));
}

TEST_P(ListFamilyTest, ClosingBeforeItsReRunPassesTheElementOn) {
  if (shards() == 1) GTEST_SKIP() << "one shard: the serve moves the element itself";
  auto [src, dst] = KeysOnTwoShards();
  auto closing = std::shared_ptr<Session>(engine_->NewSession().release());
  sessions_.push_back(closing);
  auto moving = std::async(std::launch::async, [closing, src = src, dst = dst] {
    return closing->Execute({"blmove", src, dst, "left", "right", "0"});
  });
  AwaitWaiters(1);
  auto popping = Start({"blpop", src, "0"});
  AwaitWaiters(2);
  closing->RequestClose();  // the client goes away: its re-run will not run
  Run({"rpush", src, "x"});
  ASSERT_EQ(moving.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(moving.get().type, Type::kNull);  // no reply: the connection is closing
  ASSERT_TRUE(Ready(popping));  // the key was marked ready again for the next waiter
  EXPECT_THAT(popping.get(), ArrArg(ElementsAre(BulkArg(src), BulkArg("x"))));
  EXPECT_THAT(Run({"exists", dst}), IntArg(0));
}

TEST_P(ListFamilyTest, AMoveWakesClientsBlockedOnItsDestination) {
  auto [src, dst] = KeysOnTwoShards();
  auto moving = Start({"blmove", src, dst, "right", "left", "0"});
  AwaitWaiters(1);
  auto popping = Start({"brpop", dst, "0"});
  AwaitWaiters(2);
  Run({"rpush", src, "chained"});
  ASSERT_TRUE(Ready(moving));
  EXPECT_THAT(moving.get(), BulkArg("chained"));
  ASSERT_TRUE(Ready(popping));
  EXPECT_THAT(popping.get(), ArrArg(ElementsAre(BulkArg(dst), BulkArg("chained"))));
  EXPECT_THAT(Run({"exists", src, dst}), IntArg(0));
}

TEST_P(ListFamilyTest, BlockingRepliesInResp3) {
  auto s = std::shared_ptr<Session>(engine_->NewSession().release());
  sessions_.push_back(s);
  ASSERT_EQ(s->Execute({"hello", "3"}).type, Type::kMap);
  auto waiting = std::async(std::launch::async, [s] { return s->ExecuteRaw({"blpop", "q", "0"}); });
  AwaitWaiters(1);
  Run({"rpush", "q", "v"});
  ASSERT_EQ(waiting.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(waiting.get(), "*2\r\n$1\r\nq\r\n$1\r\nv\r\n");
  auto timing_out =
      std::async(std::launch::async, [s] { return s->ExecuteRaw({"brpoplpush", "q", "d", "1"}); });
  AwaitWaiters(1);
  AdvanceTime(1000);
  ASSERT_EQ(timing_out.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(timing_out.get(), "_\r\n");
}

TEST_P(ListFamilyTest, ManyConsumersEachElementOnce) {
  constexpr int kConsumers = 4, kItems = 40;
  std::vector<std::future<Value>> got;
  std::vector<std::string> received;
  for (int round = 0; round < kItems / kConsumers; ++round) {
    got.clear();
    for (int c = 0; c < kConsumers; ++c) got.push_back(Start({"brpop", "jobs", "other", "0"}));
    AwaitWaiters(2 * kConsumers);
    for (int c = 0; c < kConsumers; ++c) {
      Run({"lpush", "jobs", "job" + std::to_string(round * kConsumers + c)});
    }
    for (auto& f : got) {
      ASSERT_TRUE(Ready(f));
      Value v = f.get();
      ASSERT_EQ(v.elems.size(), 2u);
      received.push_back(v.elems[1].str);
    }
    for (int i = 0; i < 1000 && Waiters() > 0; ++i) RunExpiry();
  }
  std::sort(received.begin(), received.end());
  EXPECT_EQ(std::unique(received.begin(), received.end()), received.end());
  EXPECT_EQ(received.size(), static_cast<size_t>(kItems));
  EXPECT_THAT(Run({"exists", "jobs"}), IntArg(0));
}

INSTANTIATE_TEST_SUITE_P(Shards, ListFamilyTest, ShardCounts());

}  // namespace
}  // namespace shoal::engine
