// Key tags (TAG.*), retention locks (RETAIN) and legal holds (LEGALHOLD), on 1 and 4
// shards. The retention test walks the command table's write flag, so that a new write
// command cannot slip past a retention.
#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/command_table.h"
#include "tests/engine/test_util.h"

namespace shoal::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class TagFamilyTest : public EngineTest {};

std::vector<std::string> Strings(const Value& v) {
  std::vector<std::string> out;
  for (const Value& e : v.elems) out.push_back(e.str);
  return out;
}

TEST_P(TagFamilyTest, SetGetDel) {
  EXPECT_THAT(Run({"tag.set", "k", "env", "prod"}), ErrArg("ERR no such key"));
  EXPECT_THAT(Run({"tag.get", "k"}), NilArg());
  Run({"set", "k", "v"});
  EXPECT_THAT(Run({"tag.get", "k"}).elems, IsEmpty());
  EXPECT_THAT(Run({"tag.set", "k", "env", "prod", "team", "ops"}), IntArg(2));
  EXPECT_THAT(Run({"tag.set", "k", "env", "dev"}), IntArg(0));  // replaced
  EXPECT_THAT(Strings(Run({"tag.get", "k"})), ElementsAre("env", "dev", "team", "ops"));
  EXPECT_THAT(Run({"tag.del", "k", "env", "nope"}), IntArg(1));
  EXPECT_THAT(Strings(Run({"tag.get", "k"})), ElementsAre("team", "ops"));
  EXPECT_THAT(Run({"tag.del", "missing", "env"}), IntArg(0));
  // Arity and limits.
  EXPECT_THAT(Run({"tag.set", "k", "a"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"tag.set", "k", "a", "1", "b"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"tag.get", "k", "x"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"tag.set", "k", std::string(129, 'n'), "v"}), ErrArg("ERR tag names are 1 to 128"));
  EXPECT_THAT(Run({"tag.set", "k", "", "v"}), ErrArg("ERR tag names are"));
  EXPECT_THAT(Run({"tag.set", "k", "n", std::string(257, 'v')}), ErrArg("ERR tag names are"));
  std::vector<std::string> ten = {"tag.set", "k"};
  for (int i = 0; i < 9; ++i) ten.insert(ten.end(), {"t" + std::to_string(i), "v"});
  EXPECT_THAT(Run(ten), IntArg(9));  // with "team": 10
  EXPECT_THAT(Run({"tag.set", "k", "one-more", "v"}), ErrArg("ERR a key holds at most 10 tags"));
  EXPECT_THAT(Run({"tag.set", "k", "t0", "changed"}), IntArg(0));  // replacing stays at 10
  EXPECT_THAT(Run({"config", "set", "tag-max-per-key", "11"}), OkArg());
  EXPECT_THAT(Run({"tag.set", "k", "one-more", "v"}), IntArg(1));
  // RESP3: a map.
  Run({"hello", "3"});
  EXPECT_EQ(Run({"tag.get", "k"}).type, Value::Type::kMap);
}

TEST_P(TagFamilyTest, TagsFollowTheKey) {
  Run({"set", "k", "v"});
  Run({"tag.set", "k", "env", "prod"});
  // In-place changes keep the tags.
  Run({"append", "k", "x"});
  Run({"set", "n", "1"});
  Run({"tag.set", "n", "env", "prod"});
  Run({"incr", "n"});
  Run({"incrbyfloat", "n", "1.5"});
  EXPECT_THAT(Strings(Run({"tag.get", "n"})), ElementsAre("env", "prod"));
  Run({"hset", "h", "f", "v"});
  Run({"tag.set", "h", "env", "prod"});
  Run({"hset", "h", "g", "w"});
  Run({"expire", "h", "100"});
  EXPECT_THAT(Strings(Run({"tag.get", "h"})), ElementsAre("env", "prod"));
  // RENAME, MOVE and COPY carry them.
  EXPECT_THAT(Run({"rename", "k", "k2"}), OkArg());
  EXPECT_THAT(Strings(Run({"tag.get", "k2"})), ElementsAre("env", "prod"));
  EXPECT_THAT(Run({"copy", "k2", "k3"}), IntArg(1));
  EXPECT_THAT(Strings(Run({"tag.get", "k3"})), ElementsAre("env", "prod"));
  EXPECT_THAT(Run({"move", "k3", "1"}), IntArg(1));
  Run({"select", "1"});
  EXPECT_THAT(Strings(Run({"tag.get", "k3"})), ElementsAre("env", "prod"));
  EXPECT_THAT(Strings(Run({"tag.find", "env", "prod"}).elems[1]), ElementsAre("k3"));
  Run({"select", "0"});
  EXPECT_THAT(Strings(Run({"tag.find", "env", "prod"}).elems[1]), ElementsAre("h", "k2", "n"));
  // A whole new value drops them: SET, and RENAME onto the key.
  Run({"set", "k2", "new"});
  EXPECT_THAT(Run({"tag.get", "k2"}).elems, IsEmpty());
  Run({"set", "o", "v"});
  Run({"tag.set", "o", "env", "old"});
  Run({"set", "src", "v"});
  Run({"rename", "src", "o"});
  EXPECT_THAT(Run({"tag.get", "o"}).elems, IsEmpty());
  // They go with the key: DEL and expiry.
  Run({"del", "n"});
  Run({"set", "n", "fresh"});
  EXPECT_THAT(Run({"tag.get", "n"}).elems, IsEmpty());
  AdvanceTime(101 * 1000);
  EXPECT_THAT(Run({"tag.find", "env", "prod"}).elems[1].elems, IsEmpty());
  Run({"hset", "h", "f", "v"});
  EXPECT_THAT(Run({"tag.get", "h"}).elems, IsEmpty());
}

TEST_P(TagFamilyTest, FindWithCursor) {
  for (int i = 0; i < 25; ++i) {
    std::string key = "key:" + std::to_string(100 + i);
    Run({"set", key, "v"});
    if (i % 2 == 0) Run({"tag.set", key, "color", "red"});
  }
  Value all = Run({"tag.find", "color", "red"});
  EXPECT_EQ(all.elems[0].str, "0");
  ASSERT_EQ(all.elems[1].elems.size(), 13u);
  EXPECT_EQ(all.elems[1].elems[0].str, "key:100");
  // Pages of 5: every match once, in order.
  std::vector<std::string> paged;
  std::string cursor = "0";
  for (int page = 0; page < 10; ++page) {
    Value v = Run({"tag.find", "color", "red", "CURSOR", cursor, "COUNT", "5"});
    for (const Value& k : v.elems[1].elems) paged.push_back(k.str);
    cursor = v.elems[0].str;
    if (cursor == "0") break;
    // A key added before the cursor is not returned; one after it is.
    if (page == 0) {
      Run({"set", "key:000", "v"});
      Run({"tag.set", "key:000", "color", "red"});
      Run({"set", "key:999", "v"});
      Run({"tag.set", "key:999", "color", "red"});
    }
  }
  EXPECT_EQ(cursor, "0");
  EXPECT_EQ(paged.size(), 14u);
  EXPECT_EQ(paged.back(), "key:999");
  EXPECT_THAT(Run({"tag.find", "color", "blue"}).elems[1].elems, IsEmpty());
  EXPECT_THAT(Run({"tag.find", "color", "red", "CURSOR", "bad"}), ErrArg("ERR invalid cursor"));
  EXPECT_THAT(Run({"tag.find", "color", "red", "COUNT", "0"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"tag.find", "color", "red", "COUNT", "x"}), ErrArg("ERR value is not an integer"));
  EXPECT_THAT(Run({"tag.find", "color", "red", "COUNT"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"tag.find", "color"}), ErrArg("ERR wrong number of arguments"));
}

std::vector<int64_t> Ints(const Value& v) {
  std::vector<int64_t> out;
  for (const Value& e : v.elems) out.push_back(e.integer);
  return out;
}

TEST_P(TagFamilyTest, SetPrefixAndDelKeys) {
  for (const char* k : {"logs:1", "logs:2", "logs:3", "other"}) Run({"set", k, "v"});
  EXPECT_THAT(Ints(Run({"tag.setprefix", "logs:", "tier", "cold"})), ElementsAre(3, 0));
  EXPECT_THAT(Strings(Run({"tag.find", "tier", "cold"}).elems[1]),
              ElementsAre("logs:1", "logs:2", "logs:3"));
  // A key that would exceed the limit is skipped.
  Run({"config", "set", "tag-max-per-key", "1"});
  EXPECT_THAT(Ints(Run({"tag.setprefix", "logs:", "tier", "warm"})), ElementsAre(3, 0));
  EXPECT_THAT(Ints(Run({"tag.setprefix", "logs:", "owner", "me"})), ElementsAre(0, 3));
  Run({"config", "set", "tag-max-per-key", "10"});
  Run({"tag.setprefix", "logs:", "tier", "cold"});
  Run({"legalhold", "logs:2", "on"});
  Run({"set", "r", "v"});
  Run({"tag.set", "r", "tier", "cold"});
  Run({"retain", "r", "100"});
  EXPECT_THAT(Ints(Run({"tag.delkeys", "tier", "cold"})), ElementsAre(2, 2));
  EXPECT_THAT(Run({"exists", "logs:1", "logs:2", "logs:3", "other", "r"}), IntArg(3));
  EXPECT_THAT(Strings(Run({"tag.find", "tier", "cold"}).elems[1]), ElementsAre("logs:2", "r"));
  EXPECT_THAT(Ints(Run({"tag.delkeys", "tier", "none"})), ElementsAre(0, 0));
  EXPECT_THAT(Run({"tag.setprefix", "x", "a"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"tag.delkeys", "x"}), ErrArg("ERR wrong number of arguments"));
}

TEST_P(TagFamilyTest, Retain) {
  EXPECT_THAT(Run({"retain", "k", "10"}), ErrArg("ERR no such key"));
  Run({"set", "k", "v"});
  EXPECT_THAT(Run({"retain", "k"}), IntArg(0));
  const int64_t now = Run({"time"}).elems[0].integer * 1000;
  EXPECT_THAT(Run({"retain", "k", "10"}), OkArg());
  const int64_t until = Run({"retain", "k"}).integer;
  EXPECT_GE(until, now + 10000);
  // Writes and deletes are refused; reads work.
  EXPECT_THAT(Run({"set", "k", "w"}), ErrArg("LOCKED key 'k' is retained"));
  EXPECT_THAT(Run({"append", "k", "w"}), ErrArg("LOCKED"));
  EXPECT_THAT(Run({"del", "k"}), ErrArg("LOCKED"));
  EXPECT_THAT(Run({"unlink", "k"}), ErrArg("LOCKED"));
  EXPECT_THAT(Run({"rename", "k", "k2"}), ErrArg("LOCKED"));
  EXPECT_THAT(Run({"expire", "k", "1"}), ErrArg("LOCKED"));
  EXPECT_THAT(Run({"flushdb"}), ErrArg("LOCKED the database holds retained or held keys"));
  EXPECT_THAT(Run({"flushall"}), ErrArg("LOCKED"));
  Run({"set", "other", "v"});
  EXPECT_THAT(Run({"rename", "other", "k"}), ErrArg("LOCKED"));
  EXPECT_THAT(Run({"copy", "other", "k", "replace"}), ErrArg("LOCKED"));
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v"));
  // A retained key may be read from and copied.
  EXPECT_THAT(Run({"copy", "k", "c"}), IntArg(1));
  EXPECT_THAT(Run({"sunionstore", "dst", "nokey"}), IntArg(0));
  // Tags may change.
  EXPECT_THAT(Run({"tag.set", "k", "a", "b"}), IntArg(1));
  // Extended, never shortened; UNTIL takes unix ms.
  EXPECT_THAT(Run({"retain", "k", "5"}), ErrArg("ERR a retention can be extended, not shortened"));
  EXPECT_THAT(Run({"retain", "k", "until", std::to_string(until + 5000)}), OkArg());
  EXPECT_THAT(Run({"retain", "k"}), IntArg(until + 5000));
  EXPECT_THAT(Run({"retain", "k", "until", "1"}), ErrArg("ERR invalid retention"));
  EXPECT_THAT(Run({"retain", "k", "0"}), ErrArg("ERR invalid retention"));
  EXPECT_THAT(Run({"retain", "k", "x"}), ErrArg("ERR invalid retention"));
  EXPECT_THAT(Run({"retain", "k", "bogus", "1"}), ErrArg("ERR syntax error"));
  // It ends by itself.
  AdvanceTime(16000);
  EXPECT_THAT(Run({"retain", "k"}), IntArg(0));
  EXPECT_THAT(Run({"set", "k", "w"}), OkArg());
  EXPECT_THAT(Run({"flushdb"}), OkArg());
}

TEST_P(TagFamilyTest, RetainClearNeedsAdmin) {
  Run({"set", "k", "v"});
  Run({"retain", "k", "100"});
  // Without admin-password, every connection is admin.
  EXPECT_THAT(Run({"retain", "k", "clear"}), OkArg());
  EXPECT_THAT(Run({"del", "k"}), IntArg(1));
  Run({"set", "k", "v"});
  Run({"retain", "k", "100"});
  Run({"config", "set", "admin-password", "s3cret"});
  EXPECT_THAT(Run({"retain", "k", "clear"}), ErrArg("NOPERM RETAIN CLEAR needs admin rights"));
  EXPECT_THAT(Run({"auth", "admin", "wrong"}), ErrArg("WRONGPASS"));
  EXPECT_THAT(Run({"auth", "admin", "s3cret"}), OkArg());
  EXPECT_THAT(Run({"retain", "k", "clear"}), OkArg());
  EXPECT_THAT(Run({"set", "k", "w"}), OkArg());
  Run({"reset"});
  Run({"retain", "k", "100"});
  EXPECT_THAT(Run({"retain", "k", "clear"}), ErrArg("NOPERM"));
}

TEST_P(TagFamilyTest, ExpiryWaitsForRetentionAndHold) {
  Run({"set", "k", "v", "px", "100"});
  Run({"retain", "k", "1"});
  AdvanceTime(500);
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v"));
  AdvanceTime(600);  // the retention ended: the TTL applies
  EXPECT_THAT(Run({"get", "k"}), NilArg());
  Run({"set", "h", "v", "px", "100"});
  Run({"legalhold", "h", "on"});
  AdvanceTime(5000);
  EXPECT_THAT(Run({"exists", "h"}), IntArg(1));
  EXPECT_THAT(Run({"legalhold", "h", "off"}), OkArg());
  RunExpiry();
  EXPECT_THAT(Run({"exists", "h"}), IntArg(0));
}

TEST_P(TagFamilyTest, LegalHold) {
  EXPECT_THAT(Run({"legalhold", "k", "on"}), ErrArg("ERR no such key"));
  Run({"set", "k", "v"});
  EXPECT_THAT(Run({"legalhold", "k", "status"}), SimpleArg("OFF"));
  EXPECT_THAT(Run({"legalhold", "k", "on"}), OkArg());
  EXPECT_THAT(Run({"legalhold", "k", "STATUS"}), SimpleArg("ON"));
  // Modified, not deleted.
  EXPECT_THAT(Run({"set", "k", "w"}), OkArg());
  EXPECT_THAT(Run({"append", "k", "x"}), IntArg(2));
  EXPECT_THAT(Run({"del", "k"}), ErrArg("LOCKED key 'k' is held"));
  EXPECT_THAT(Run({"getdel", "k"}), ErrArg("LOCKED"));
  EXPECT_THAT(Run({"move", "k", "1"}), ErrArg("LOCKED"));
  EXPECT_THAT(Run({"rename", "k", "k2"}), ErrArg("LOCKED"));
  EXPECT_THAT(Run({"flushall"}), ErrArg("LOCKED"));
  EXPECT_THAT(Run({"legalhold", "k", "maybe"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"legalhold", "k"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"legalhold", "k", "off"}), OkArg());
  EXPECT_THAT(Run({"del", "k"}), IntArg(1));
  // MULTI: the refused command fails alone, as a runtime error.
  Run({"set", "m", "v"});
  Run({"legalhold", "m", "on"});
  Run({"multi"});
  Run({"del", "m"});
  Run({"set", "x", "1"});
  Value exec = Run({"exec"});
  ASSERT_EQ(exec.elems.size(), 2u);
  EXPECT_THAT(exec.elems[0], ErrArg("LOCKED"));
  EXPECT_THAT(exec.elems[1], OkArg());
  // Scripts too.
  EXPECT_THAT(Run({"eval", "return redis.call('del', KEYS[1])", "1", "m"}), ErrArg("LOCKED"));
}

// Every command flagged write, run with each of its key arguments naming a retained key,
// is refused: a new write command cannot slip past a retention. Arguments are all "1" (a
// valid numkeys and the key's name), enough of them for the arity.
TEST_P(TagFamilyTest, EveryWriteCommandRespectsRetention) {
  Run({"set", "1", "kept"});
  Run({"retain", "1", "1000"});
  // Write commands whose keys do not show in such arguments (or that have none), each
  // tested on its own above or elsewhere.
  const std::set<std::string_view> unchecked = {
      "flushdb", "flushall", "swapdb", "tag.delkeys", "tag.setprefix", "xreadgroup",
      "bzpopbyscore"};
  int checked = 0;
  for (const CommandSpec& spec : CommandTable::Get().all()) {
    if (!spec.is_write() || (spec.flags & kMetaOnly) || spec.is_container()) continue;
    const int n = std::max({std::abs(spec.arity), spec.last_key + 1, 2});
    std::vector<std::string> args(n, "1");
    // A subcommand row "a|b" runs as "a b 1 ...".
    const size_t bar = spec.name.find('|');
    args[0] = std::string(spec.name.substr(0, bar));
    if (bar != std::string_view::npos) args[1] = std::string(spec.name.substr(bar + 1));
    std::vector<std::string_view> views(args.begin(), args.end());
    KeyList keys;
    CollectKeys(spec, ArgList(views.data(), views.size()), &keys);
    if (keys.empty()) {
      EXPECT_TRUE(unchecked.count(spec.name)) << spec.name << " has no key to check";
      continue;
    }
    Value v = Run(args);
    ++checked;
    EXPECT_EQ(v.type, Value::Type::kError) << spec.name;
    EXPECT_EQ(v.str.substr(0, 6), "LOCKED") << spec.name << ": " << v.str;
  }
  EXPECT_GT(checked, 90);
  EXPECT_THAT(Run({"get", "1"}), BulkArg("kept"));
  EXPECT_EQ(Run({"ttl", "1"}).integer, -1);
}

// A held key of each collection type, with one element "1" (a string "1" too).
std::vector<std::vector<std::string>> HeldValues(std::string_view key) {
  std::string k(key);
  return {{"set", k, "1"},         {"rpush", k, "1"},      {"sadd", k, "1"},
          {"zadd", k, "1", "1"},   {"hset", k, "1", "1"}};
}

// Deletes that are a side effect of a write (a pop or removal that empties the key, an
// empty STORE result, an expiry in the past) are refused on a held key before anything
// changes: the key keeps its one element and the other keys named are untouched.
TEST_P(TagFamilyTest, HeldKeyIsNotEmptied) {
  const std::vector<std::vector<std::string>> cases = {
      {"lpop", "k"}, {"rpop", "k", "5"}, {"lrem", "k", "0", "1"}, {"ltrim", "k", "1", "0"},
      {"rpoplpush", "k", "d"}, {"lmove", "k", "d", "left", "right"},
      {"lmpop", "1", "k", "left"}, {"blpop", "k", "0"}, {"brpop", "k", "0"},
      {"brpoplpush", "k", "d", "0"}, {"blmove", "k", "d", "left", "left", "0"},
      {"blmpop", "0", "1", "k", "right", "count", "3"},
      {"spop", "k"}, {"spop", "k", "3"}, {"srem", "k", "1", "1", "x"}, {"smove", "k", "d", "1"},
      {"sinterstore", "k", "missing"}, {"sdiffstore", "k", "k", "k"}, {"sunionstore", "k", "missing"},
      {"zpopmin", "k"}, {"zpopmax", "k", "2"}, {"zrem", "k", "1"},
      {"zremrangebyscore", "k", "-inf", "+inf"}, {"zremrangebyrank", "k", "0", "-1"},
      {"zremrangebylex", "k", "-", "+"}, {"zmpop", "1", "k", "min"},
      {"bzpopmin", "k", "0"}, {"bzpopmax", "k", "0"}, {"bzmpop", "0", "1", "k", "max"},
      {"zpopbyscore", "k", "+inf"}, {"bzpopbyscore", "k", "+inf", "0"},
      {"zunionstore", "k", "1", "missing"}, {"zinterstore", "k", "2", "k", "missing"},
      {"zdiffstore", "k", "2", "k", "k"}, {"zrangestore", "k", "k", "5", "9"},
      {"hdel", "k", "1"}, {"hdel", "k", "x", "1", "1"},
      {"expire", "k", "0"}, {"pexpireat", "k", "1"}, {"expireat", "k", "-5"},
      {"set", "k", "v", "pxat", "1"}, {"getex", "k", "exat", "1"}};
  for (const std::vector<std::string>& cmd : cases) {
    int refused = 0;  // on the types it works on
    for (const std::vector<std::string>& value : HeldValues("k")) {
      Run({"legalhold", "k", "off"});
      Run({"del", "k", "d"});
      Run(value);
      Run({"legalhold", "k", "on"});
      Value v = Run(cmd);
      if (v.type == Value::Type::kError && v.str.substr(0, 9) != "WRONGTYPE") {
        EXPECT_EQ(v.str, "LOCKED key 'k' is held") << cmd[0] << " on " << value[0];
        ++refused;
      }
      EXPECT_THAT(Run({"exists", "k", "d"}), IntArg(1)) << cmd[0] << " on " << value[0];
    }
    EXPECT_GT(refused, 0) << cmd[0];
  }
  // Removing less than everything still works, and so does a rotation of the only element.
  Run({"legalhold", "k", "off"});
  Run({"del", "k"});
  Run({"rpush", "k", "a", "b"});
  Run({"legalhold", "k", "on"});
  EXPECT_THAT(Run({"lpop", "k"}), BulkArg("a"));
  EXPECT_THAT(Run({"rpoplpush", "k", "k"}), BulkArg("b"));
  EXPECT_THAT(Run({"lrem", "k", "0", "a"}), IntArg(0));
  EXPECT_THAT(Run({"lpop", "k"}), ErrArg("LOCKED key 'k' is held"));
  EXPECT_THAT(Run({"legalhold", "k", "off"}), OkArg());
  EXPECT_THAT(Run({"lpop", "k"}), BulkArg("b"));
  EXPECT_THAT(Run({"exists", "k"}), IntArg(0));
}

// Every command flagged write, run with all arguments "1" on a held key "1" of each type
// holding the one element "1", leaves the key in place: a new write command cannot empty
// a held key unnoticed.
TEST_P(TagFamilyTest, EveryWriteCommandKeepsAHeldKey) {
  const std::set<std::string_view> unchecked = {"xreadgroup", "bzpopbyscore", "swapdb"};
  for (const CommandSpec& spec : CommandTable::Get().all()) {
    if (!spec.is_write() || spec.is_container() || unchecked.count(spec.name)) continue;
    const int n = std::max({std::abs(spec.arity), spec.last_key + 1, 2});
    std::vector<std::string> args(n, "1");
    const size_t bar = spec.name.find('|');
    args[0] = std::string(spec.name.substr(0, bar));
    if (bar != std::string_view::npos) args[1] = std::string(spec.name.substr(bar + 1));
    for (const std::vector<std::string>& value : HeldValues("1")) {
      Run({"legalhold", "1", "off"});
      Run({"del", "1"});
      Run(value);
      Run({"legalhold", "1", "on"});
      Run(args);
      EXPECT_THAT(Run({"exists", "1"}), IntArg(1)) << spec.name << " on " << value[0];
    }
  }
}

// HMERGE: the object-store KV's merge of several hashes, atomic across shards.
TEST_P(TagFamilyTest, HMerge) {
  Run({"hset", "a", "x", "1", "y", "1"});
  Run({"hset", "b", "y", "2", "z", "2"});
  EXPECT_THAT(Run({"hmerge", "d", "a", "b", "missing"}), IntArg(3));
  Value all = Run({"hgetall", "d"});
  std::map<std::string, std::string> got;
  for (size_t i = 0; i + 1 < all.elems.size(); i += 2) got[all.elems[i].str] = all.elems[i + 1].str;
  EXPECT_EQ(got, (std::map<std::string, std::string>{{"x", "1"}, {"y", "2"}, {"z", "2"}}));
  EXPECT_THAT(Run({"hmerge", "d", "a"}), IntArg(0));  // y back to 1, nothing new
  EXPECT_THAT(Run({"hget", "d", "y"}), BulkArg("1"));
  EXPECT_THAT(Run({"hmerge", "d", "d"}), IntArg(0));
  EXPECT_THAT(Run({"hmerge", "e", "missing"}), IntArg(0));
  EXPECT_THAT(Run({"exists", "e"}), IntArg(0));
  Run({"set", "s", "v"});
  EXPECT_THAT(Run({"hmerge", "d", "a", "s"}), ErrArg("WRONGTYPE"));
  EXPECT_THAT(Run({"hmerge", "s", "a"}), ErrArg("WRONGTYPE"));
  EXPECT_THAT(Run({"hmerge", "d"}), ErrArg("ERR wrong number of arguments"));
  // Forced hashtable encoding on the way: a big source.
  std::vector<std::string> big = {"hset", "big"};
  for (int i = 0; i < 200; ++i) big.insert(big.end(), {"f" + std::to_string(i), "v"});
  Run(big);
  EXPECT_THAT(Run({"hmerge", "d", "big"}), IntArg(200));
  EXPECT_THAT(Run({"object", "encoding", "d"}), BulkArg("hashtable"));
  EXPECT_THAT(Run({"hlen", "d"}), IntArg(203));
}

INSTANTIATE_TEST_SUITE_P(Shards, TagFamilyTest, ShardCounts());

}  // namespace
}  // namespace shoal::engine
