// Strings, as Redis 7 behaves: every command with its options, wrong types, wrong arity,
// bad numbers, missing keys and expiry, on 1 and 4 shards.
#include "tests/engine/test_util.h"

namespace shoal::engine {
namespace {

using ::testing::ElementsAre;

class StringFamilyTest : public EngineTest {};

TEST_P(StringFamilyTest, SetGet) {
  EXPECT_THAT(Run({"get", "k"}), NilArg());
  EXPECT_THAT(Run({"set", "k", "v"}), OkArg());
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v"));
  EXPECT_THAT(Run({"SET", "k", "other"}), OkArg());
  EXPECT_THAT(Run({"GET", "k"}), BulkArg("other"));
  std::string binary("a\0b\r\nc", 6);
  EXPECT_THAT(Run({"set", "bin", binary}), OkArg());
  EXPECT_THAT(Run({"get", "bin"}), BulkArg(binary));
  EXPECT_THAT(Run({"set", "empty", ""}), OkArg());
  EXPECT_THAT(Run({"get", "empty"}), BulkArg(""));
  std::string big(1 << 20, 'x');
  EXPECT_THAT(Run({"set", "big", big}), OkArg());
  EXPECT_THAT(Run({"strlen", "big"}), IntArg(1 << 20));
}

TEST_P(StringFamilyTest, Arity) {
  EXPECT_THAT(Run({"get"}), ErrArg("ERR wrong number of arguments for 'get' command"));
  EXPECT_THAT(Run({"get", "a", "b"}), ErrArg("ERR wrong number of arguments for 'get' command"));
  EXPECT_THAT(Run({"set", "a"}), ErrArg("ERR wrong number of arguments for 'set' command"));
  EXPECT_THAT(Run({"mset", "a", "1", "b"}), ErrArg("ERR wrong number of arguments for 'mset' command"));
  EXPECT_THAT(Run({"msetnx", "a"}), ErrArg("ERR wrong number of arguments for 'msetnx' command"));
  EXPECT_THAT(Run({"incrby", "a"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"setrange", "a", "1"}), ErrArg("ERR wrong number of arguments"));
}

TEST_P(StringFamilyTest, SetNxXx) {
  EXPECT_THAT(Run({"set", "k", "1", "xx"}), NilArg());
  EXPECT_THAT(Run({"get", "k"}), NilArg());
  EXPECT_THAT(Run({"set", "k", "1", "nx"}), OkArg());
  EXPECT_THAT(Run({"set", "k", "2", "nx"}), NilArg());
  EXPECT_THAT(Run({"get", "k"}), BulkArg("1"));
  EXPECT_THAT(Run({"set", "k", "3", "XX"}), OkArg());
  EXPECT_THAT(Run({"get", "k"}), BulkArg("3"));
  EXPECT_THAT(Run({"set", "k", "4", "nx", "xx"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"set", "k", "4", "bogus"}), ErrArg("ERR syntax error"));
}

TEST_P(StringFamilyTest, SetGetOption) {
  EXPECT_THAT(Run({"set", "k", "1", "get"}), NilArg());
  EXPECT_THAT(Run({"set", "k", "2", "get"}), BulkArg("1"));
  EXPECT_THAT(Run({"set", "k", "3", "nx", "get"}), BulkArg("2"));  // not set, old value
  EXPECT_THAT(Run({"get", "k"}), BulkArg("2"));
  EXPECT_THAT(Run({"set", "new", "3", "xx", "get"}), NilArg());
  EXPECT_THAT(Run({"get", "new"}), NilArg());
}

TEST_P(StringFamilyTest, SetExpiryOptions) {
  EXPECT_THAT(Run({"set", "k", "v", "ex", "10"}), OkArg());
  EXPECT_THAT(Run({"pttl", "k"}), IntArg(10000));
  EXPECT_THAT(Run({"set", "k", "v", "px", "1500"}), OkArg());
  EXPECT_THAT(Run({"pttl", "k"}), IntArg(1500));
  int64_t at = NowMs() + 5000;
  EXPECT_THAT(Run({"set", "k", "v", "pxat", std::to_string(at)}), OkArg());
  EXPECT_THAT(Run({"pexpiretime", "k"}), IntArg(at));
  EXPECT_THAT(Run({"set", "k", "v", "exat", std::to_string(at / 1000 + 100)}), OkArg());
  EXPECT_THAT(Run({"expiretime", "k"}), IntArg(at / 1000 + 100));
  EXPECT_THAT(Run({"set", "k", "w", "keepttl"}), OkArg());
  EXPECT_THAT(Run({"expiretime", "k"}), IntArg(at / 1000 + 100));
  EXPECT_THAT(Run({"set", "k", "x"}), OkArg());
  EXPECT_THAT(Run({"ttl", "k"}), IntArg(-1));
}

TEST_P(StringFamilyTest, SetExpiryErrors) {
  EXPECT_THAT(Run({"set", "k", "v", "ex", "0"}), ErrArg("ERR invalid expire time in 'set' command"));
  EXPECT_THAT(Run({"set", "k", "v", "px", "-5"}), ErrArg("ERR invalid expire time in 'set' command"));
  EXPECT_THAT(Run({"set", "k", "v", "ex", "abc"}), ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"set", "k", "v", "ex", "9223372036854775807"}),
              ErrArg("ERR invalid expire time in 'set' command"));
  EXPECT_THAT(Run({"set", "k", "v", "px", "9223372036854775807"}),
              ErrArg("ERR invalid expire time in 'set' command"));
  EXPECT_THAT(Run({"set", "k", "v", "ex", "10", "px", "10"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"set", "k", "v", "ex", "10", "keepttl"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"set", "k", "v", "keepttl", "ex", "10"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"set", "k", "v", "ex"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"get", "k"}), NilArg());
}

TEST_P(StringFamilyTest, SetPastExpiryDeletes) {
  Run({"set", "k", "v"});
  EXPECT_THAT(Run({"set", "k", "v", "pxat", "1"}), OkArg());
  EXPECT_THAT(Run({"exists", "k"}), IntArg(0));
}

TEST_P(StringFamilyTest, ExpiryIsLazyAndActive) {
  Run({"set", "lazy", "v", "px", "100"});
  Run({"set", "active", "v", "px", "100"});
  Run({"set", "forever", "v"});
  clock_.Advance(100);
  EXPECT_THAT(Run({"get", "lazy"}), NilArg());  // lazy: found expired on access
  RunExpiry();                                   // active: the wheel frees the other one
  EXPECT_THAT(Run({"dbsize"}), IntArg(1));
}

TEST_P(StringFamilyTest, ResetTtlDoesNotExpireNewValue) {
  Run({"set", "k", "v1", "px", "100"});
  Run({"set", "k", "v2", "px", "1000"});  // extended: the early wheel entry must not delete it
  AdvanceTime(150);
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v2"));
  Run({"set", "k", "v3", "px", "50"});    // shortened
  AdvanceTime(60);
  EXPECT_THAT(Run({"dbsize"}), IntArg(0));
  Run({"set", "k", "v4", "px", "100"});
  Run({"persist", "k"});
  AdvanceTime(1000);
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v4"));
  Run({"set", "k", "v5", "ex", "1"});
  Run({"set", "k", "v6"});                // plain SET drops the TTL
  AdvanceTime(2000);
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v6"));
}

TEST_P(StringFamilyTest, WrongType) {
  AddTestObject("obj");
  const char* kWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
  for (auto cmd : std::vector<std::vector<std::string>>{
           {"get", "obj"}, {"getset", "obj", "v"}, {"getdel", "obj"}, {"getex", "obj"},
           {"incr", "obj"}, {"decr", "obj"}, {"incrby", "obj", "1"}, {"decrby", "obj", "1"},
           {"incrbyfloat", "obj", "1"}, {"append", "obj", "x"}, {"strlen", "obj"},
           {"getrange", "obj", "0", "1"}, {"setrange", "obj", "0", "x"},
           {"set", "obj", "v", "get"}}) {
    EXPECT_THAT(Run(cmd), ErrArg(kWrongType)) << cmd[0];
  }
  EXPECT_THAT(Run({"mget", "obj"}), ArrArg(ElementsAre(NilArg())));  // MGET: nil, no error
  EXPECT_THAT(Run({"setnx", "obj", "v"}), IntArg(0));
  EXPECT_THAT(Run({"set", "obj", "v"}), OkArg());  // SET replaces any type
  EXPECT_THAT(Run({"get", "obj"}), BulkArg("v"));
}

TEST_P(StringFamilyTest, SetNxSetExPSetEx) {
  EXPECT_THAT(Run({"setnx", "k", "1"}), IntArg(1));
  EXPECT_THAT(Run({"setnx", "k", "2"}), IntArg(0));
  EXPECT_THAT(Run({"get", "k"}), BulkArg("1"));
  EXPECT_THAT(Run({"setex", "k", "10", "v"}), OkArg());
  EXPECT_THAT(Run({"ttl", "k"}), IntArg(10));
  EXPECT_THAT(Run({"psetex", "k", "2500", "w"}), OkArg());
  EXPECT_THAT(Run({"pttl", "k"}), IntArg(2500));
  EXPECT_THAT(Run({"get", "k"}), BulkArg("w"));
  EXPECT_THAT(Run({"setex", "k", "0", "v"}), ErrArg("ERR invalid expire time in 'setex' command"));
  EXPECT_THAT(Run({"psetex", "k", "-1", "v"}), ErrArg("ERR invalid expire time in 'psetex' command"));
  EXPECT_THAT(Run({"setex", "k", "x", "v"}), ErrArg("ERR value is not an integer or out of range"));
  AdvanceTime(2500);
  EXPECT_THAT(Run({"get", "k"}), NilArg());
}

TEST_P(StringFamilyTest, GetSetGetDel) {
  EXPECT_THAT(Run({"getset", "k", "1"}), NilArg());
  Run({"expire", "k", "100"});
  EXPECT_THAT(Run({"getset", "k", "2"}), BulkArg("1"));
  EXPECT_THAT(Run({"ttl", "k"}), IntArg(-1));
  EXPECT_THAT(Run({"getdel", "k"}), BulkArg("2"));
  EXPECT_THAT(Run({"getdel", "k"}), NilArg());
  EXPECT_THAT(Run({"exists", "k"}), IntArg(0));
}

TEST_P(StringFamilyTest, GetEx) {
  EXPECT_THAT(Run({"getex", "k"}), NilArg());
  Run({"set", "k", "v"});
  EXPECT_THAT(Run({"getex", "k", "ex", "100"}), BulkArg("v"));
  EXPECT_THAT(Run({"ttl", "k"}), IntArg(100));
  EXPECT_THAT(Run({"getex", "k", "px", "5000"}), BulkArg("v"));
  EXPECT_THAT(Run({"pttl", "k"}), IntArg(5000));
  EXPECT_THAT(Run({"getex", "k", "persist"}), BulkArg("v"));
  EXPECT_THAT(Run({"ttl", "k"}), IntArg(-1));
  EXPECT_THAT(Run({"getex", "k", "exat", std::to_string(NowMs() / 1000 + 50)}), BulkArg("v"));
  EXPECT_THAT(Run({"getex", "k", "pxat", std::to_string(NowMs() + 700)}), BulkArg("v"));
  EXPECT_THAT(Run({"pttl", "k"}), IntArg(700));
  EXPECT_THAT(Run({"getex", "k", "ex", "0"}), ErrArg("ERR invalid expire time in 'getex' command"));
  EXPECT_THAT(Run({"getex", "k", "ex", "1", "persist"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"getex", "k", "bogus"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"getex", "k", "pxat", "1"}), BulkArg("v"));  // in the past: deleted
  EXPECT_THAT(Run({"exists", "k"}), IntArg(0));
}

TEST_P(StringFamilyTest, MSetMGetAcrossShards) {
  EXPECT_THAT(Run({"mset", "a", "1", "b", "2", "c", "3", "{t}x", "4", "{t}y", "5"}), OkArg());
  EXPECT_THAT(Run({"mget", "a", "b", "c", "missing", "{t}x", "{t}y"}),
              ArrArg(ElementsAre(BulkArg("1"), BulkArg("2"), BulkArg("3"), NilArg(), BulkArg("4"),
                                 BulkArg("5"))));
  EXPECT_THAT(Run({"mset", "a", "9", "a", "10"}), OkArg());  // the last one wins
  EXPECT_THAT(Run({"get", "a"}), BulkArg("10"));
}

TEST_P(StringFamilyTest, MSetNx) {
  EXPECT_THAT(Run({"msetnx", "a", "1", "b", "2"}), IntArg(1));
  EXPECT_THAT(Run({"msetnx", "b", "3", "c", "4"}), IntArg(0));
  EXPECT_THAT(Run({"mget", "a", "b", "c"}),
              ArrArg(ElementsAre(BulkArg("1"), BulkArg("2"), NilArg())));
}

TEST_P(StringFamilyTest, IncrDecr) {
  EXPECT_THAT(Run({"incr", "n"}), IntArg(1));
  EXPECT_THAT(Run({"incrby", "n", "10"}), IntArg(11));
  EXPECT_THAT(Run({"decr", "n"}), IntArg(10));
  EXPECT_THAT(Run({"decrby", "n", "20"}), IntArg(-10));
  EXPECT_THAT(Run({"get", "n"}), BulkArg("-10"));
  EXPECT_THAT(Run({"incrby", "n", "-5"}), IntArg(-15));
  Run({"set", "n", "  1"});
  EXPECT_THAT(Run({"incr", "n"}), ErrArg("ERR value is not an integer or out of range"));
  Run({"set", "n", "01"});
  EXPECT_THAT(Run({"incr", "n"}), ErrArg("ERR value is not an integer or out of range"));
  Run({"set", "n", "1.5"});
  EXPECT_THAT(Run({"incr", "n"}), ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"incrby", "m", "abc"}), ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"incrby", "m", "99999999999999999999"}),
              ErrArg("ERR value is not an integer or out of range"));
  Run({"set", "max", "9223372036854775807"});
  EXPECT_THAT(Run({"incr", "max"}), ErrArg("ERR increment or decrement would overflow"));
  Run({"set", "min", "-9223372036854775808"});
  EXPECT_THAT(Run({"decr", "min"}), ErrArg("ERR increment or decrement would overflow"));
  EXPECT_THAT(Run({"decrby", "x", "-9223372036854775808"}), ErrArg("ERR decrement would overflow"));
  EXPECT_THAT(Run({"get", "max"}), BulkArg("9223372036854775807"));
}

TEST_P(StringFamilyTest, IncrKeepsTtl) {
  Run({"set", "n", "1", "ex", "100"});
  Run({"incr", "n"});
  EXPECT_THAT(Run({"ttl", "n"}), IntArg(100));
  Run({"append", "n", "0"});
  EXPECT_THAT(Run({"ttl", "n"}), IntArg(100));
  EXPECT_THAT(Run({"get", "n"}), BulkArg("20"));
}

TEST_P(StringFamilyTest, IncrByFloat) {
  EXPECT_THAT(Run({"incrbyfloat", "f", "10.5"}), BulkArg("10.5"));
  EXPECT_THAT(Run({"incrbyfloat", "f", "0.1"}), BulkArg("10.6"));
  EXPECT_THAT(Run({"incrbyfloat", "f", "-5"}), BulkArg("5.6"));
  // Redis prints the long double with %.17Lf: this is what redis-server 7 replies too.
  EXPECT_THAT(Run({"incrbyfloat", "f", "5.0e3"}), BulkArg("5005.60000000000000009"));
  Run({"set", "i", "3"});
  EXPECT_THAT(Run({"incrbyfloat", "i", "1"}), BulkArg("4"));
  EXPECT_THAT(Run({"incrbyfloat", "f", "abc"}), ErrArg("ERR value is not a valid float"));
  EXPECT_THAT(Run({"incrbyfloat", "f", "nan"}), ErrArg("ERR value is not a valid float"));
  EXPECT_THAT(Run({"incrbyfloat", "f", "inf"}), ErrArg("ERR increment would produce NaN or Infinity"));
  Run({"set", "s", "hello"});
  EXPECT_THAT(Run({"incrbyfloat", "s", "1"}), ErrArg("ERR value is not a valid float"));
}

TEST_P(StringFamilyTest, Append) {
  EXPECT_THAT(Run({"append", "k", "hello"}), IntArg(5));
  EXPECT_THAT(Run({"append", "k", " world"}), IntArg(11));
  EXPECT_THAT(Run({"get", "k"}), BulkArg("hello world"));
  EXPECT_THAT(Run({"append", "k", ""}), IntArg(11));
  std::string big(100000, 'y');
  EXPECT_THAT(Run({"append", "k", big}), IntArg(100011));
  EXPECT_THAT(Run({"strlen", "k"}), IntArg(100011));
}

TEST_P(StringFamilyTest, GetRange) {
  Run({"set", "k", "This is a string"});
  EXPECT_THAT(Run({"getrange", "k", "0", "3"}), BulkArg("This"));
  EXPECT_THAT(Run({"getrange", "k", "-3", "-1"}), BulkArg("ing"));
  EXPECT_THAT(Run({"getrange", "k", "0", "-1"}), BulkArg("This is a string"));
  EXPECT_THAT(Run({"getrange", "k", "10", "100"}), BulkArg("string"));
  EXPECT_THAT(Run({"getrange", "k", "5", "3"}), BulkArg(""));
  EXPECT_THAT(Run({"getrange", "k", "-1", "-5"}), BulkArg(""));
  EXPECT_THAT(Run({"getrange", "k", "-100", "2"}), BulkArg("Thi"));
  EXPECT_THAT(Run({"substr", "k", "0", "3"}), BulkArg("This"));
  EXPECT_THAT(Run({"getrange", "k", "a", "3"}), ErrArg("ERR value is not an integer or out of range"));
}

TEST_P(StringFamilyTest, SetRange) {
  Run({"set", "k", "Hello World"});
  EXPECT_THAT(Run({"setrange", "k", "6", "Redis"}), IntArg(11));
  EXPECT_THAT(Run({"get", "k"}), BulkArg("Hello Redis"));
  EXPECT_THAT(Run({"setrange", "pad", "5", "x"}), IntArg(6));
  EXPECT_THAT(Run({"get", "pad"}), BulkArg(std::string("\0\0\0\0\0x", 6)));
  EXPECT_THAT(Run({"setrange", "none", "5", ""}), IntArg(0));
  EXPECT_THAT(Run({"exists", "none"}), IntArg(0));
  EXPECT_THAT(Run({"setrange", "k", "0", ""}), IntArg(11));
  EXPECT_THAT(Run({"setrange", "k", "-1", "x"}), ErrArg("ERR offset is out of range"));
  EXPECT_THAT(Run({"setrange", "k", "536870911", "xx"}),
              ErrArg("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
  EXPECT_THAT(Run({"setrange", "k", "x", "y"}), ErrArg("ERR value is not an integer or out of range"));
}

TEST_P(StringFamilyTest, StrLen) {
  EXPECT_THAT(Run({"strlen", "k"}), IntArg(0));
  Run({"set", "k", "12345"});
  EXPECT_THAT(Run({"strlen", "k"}), IntArg(5));
}

INSTANTIATE_TEST_SUITE_P(Shards, StringFamilyTest, ShardCounts());

}  // namespace
}  // namespace shoal::engine
