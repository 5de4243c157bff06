// Stream commands (engine/stream_family.cc, stream_group_family.cc) through an in-process
// session, with 1 and 4 shards: Redis 7.2's replies and errors for every command and
// option, wrong types, arity, bad IDs, missing keys and expiry. Blocking reads use
// background sessions with bounded waits; delivery times use the fake clock.
#include <chrono>
#include <future>
#include <thread>

#include "engine/shard.h"
#include "tests/engine/test_util.h"

namespace shoal::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using Type = Value::Type;

class StreamFamilyTest : public EngineTest {
 protected:
  // xadd s 1-1 a 1, 2-1 b 2, 3-1 c 3
  void AddThree(std::string_view key = "s") {
    ASSERT_THAT(Run({"xadd", key, "1-1", "a", "1"}), BulkArg("1-1"));
    ASSERT_THAT(Run({"xadd", key, "2-1", "b", "2"}), BulkArg("2-1"));
    ASSERT_THAT(Run({"xadd", key, "3-1", "c", "3"}), BulkArg("3-1"));
  }
  // The IDs of an array of entries.
  static std::vector<std::string> Ids(const Value& v) {
    std::vector<std::string> out;
    for (const Value& e : v.elems) out.push_back(e.elems.empty() ? e.str : e.elems[0].str);
    return out;
  }
  // The value of `field` in a map reply (flat pairs).
  static Value Field(const Value& map, std::string_view field) {
    for (size_t i = 0; i + 1 < map.elems.size(); i += 2) {
      if (map.elems[i].str == field) return map.elems[i + 1];
    }
    return Value{};
  }
  std::vector<std::shared_ptr<Session>> sessions_;
};

MATCHER_P2(EntryArg, id, fields, "") {
  *result_listener << arg.ToString();
  if (arg.type != Value::Type::kArray || arg.elems.size() != 2) return false;
  if (arg.elems[0].str != std::string(id)) return false;
  return StrArray(arg.elems[1]) == std::vector<std::string>(fields);
}

// --- XADD -----------------------------------------------------------------------------------

TEST_P(StreamFamilyTest, XAddIds) {
  std::string now = std::to_string(NowMs());
  EXPECT_THAT(Run({"xadd", "s", "*", "f", "v"}), BulkArg(now + "-0"));
  EXPECT_THAT(Run({"xadd", "s", "*", "f", "v"}), BulkArg(now + "-1"));
  AdvanceTime(5);
  EXPECT_THAT(Run({"xadd", "s", "*", "f", "v"}), BulkArg(std::to_string(NowMs()) + "-0"));
  EXPECT_THAT(Run({"type", "s"}), SimpleArg("stream"));
  EXPECT_THAT(Run({"object", "encoding", "s"}), BulkArg("stream"));

  EXPECT_THAT(Run({"xadd", "t", "0-*", "f", "v"}), BulkArg("0-1"));
  EXPECT_THAT(Run({"xadd", "t", "0-*", "f", "v"}), BulkArg("0-2"));
  EXPECT_THAT(Run({"xadd", "t", "5-*", "f", "v"}), BulkArg("5-0"));
  EXPECT_THAT(Run({"xadd", "t", "5", "f", "v"}), ErrArg("ERR The ID specified in XADD is equal or smaller than the target stream top item"));
  EXPECT_THAT(Run({"xadd", "t", "6", "f", "v"}), BulkArg("6-0"));
  EXPECT_THAT(Run({"xadd", "t", "4-*", "f", "v"}), ErrArg("ERR The ID specified in XADD is equal or smaller"));
  EXPECT_THAT(Run({"xadd", "t", "6-0", "f", "v"}), ErrArg("ERR The ID specified in XADD is equal or smaller"));
  EXPECT_THAT(Run({"xadd", "u", "0-0", "f", "v"}), ErrArg("ERR The ID specified in XADD must be greater than 0-0"));
  EXPECT_THAT(Run({"xadd", "u", "0", "f", "v"}), ErrArg("ERR The ID specified in XADD must be greater than 0-0"));
  EXPECT_THAT(Run({"exists", "u"}), IntArg(0));
  EXPECT_THAT(Run({"xadd", "u", "abc", "f", "v"}), ErrArg("ERR Invalid stream ID specified as stream command argument"));
  EXPECT_THAT(Run({"xadd", "u", "1-x", "f", "v"}), ErrArg("ERR Invalid stream ID specified"));
  EXPECT_THAT(Run({"xadd", "u", "-", "f", "v"}), ErrArg("ERR Invalid stream ID specified"));
  // The top ID: nothing can follow it.
  EXPECT_THAT(Run({"xadd", "m", "18446744073709551615-18446744073709551615", "f", "v"}),
              BulkArg("18446744073709551615-18446744073709551615"));
  EXPECT_THAT(Run({"xadd", "m", "*", "f", "v"}), ErrArg("ERR The stream has exhausted the last possible ID"));
  // A clock behind the top ID: the sequence grows instead.
  EXPECT_THAT(Run({"xadd", "c", "99999999999999-5", "f", "v"}), BulkArg("99999999999999-5"));
  EXPECT_THAT(Run({"xadd", "c", "*", "f", "v"}), BulkArg("99999999999999-6"));
}

TEST_P(StreamFamilyTest, XAddFieldsAndArity) {
  EXPECT_THAT(Run({"xadd", "s", "*", "f"}), ErrArg("ERR wrong number of arguments for 'xadd' command"));
  EXPECT_THAT(Run({"xadd", "s", "*", "f", "v", "g"}), ErrArg("ERR wrong number of arguments for 'xadd' command"));
  EXPECT_THAT(Run({"xadd", "s", "maxlen", "5", "*"}), ErrArg("ERR wrong number of arguments for 'xadd' command"));
  EXPECT_THAT(Run({"xadd", "s", "nomkstream", "maxlen", "5"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"xadd", "s"}), ErrArg("ERR wrong number of arguments for 'xadd' command"));
  EXPECT_THAT(Run({"xadd", "s", "1-1", "f1", "v1", "f2", "v2", "f1", "v3"}), BulkArg("1-1"));
  EXPECT_THAT(Run({"xrange", "s", "-", "+"}),
              ArrArg(ElementsAre(EntryArg("1-1", (std::vector<std::string>{"f1", "v1", "f2", "v2", "f1", "v3"})))));
  // Binary-safe fields and values, empty ones included.
  EXPECT_THAT(Run({"xadd", "s", "2-1", "", std::string("a\0b", 3)}), BulkArg("2-1"));
  EXPECT_THAT(Run({"xrange", "s", "2", "2"}),
              ArrArg(ElementsAre(EntryArg("2-1", (std::vector<std::string>{"", std::string("a\0b", 3)})))));
  EXPECT_THAT(Run({"xlen", "s"}), IntArg(2));
}

TEST_P(StreamFamilyTest, XAddNoMkStreamAndTrim) {
  EXPECT_THAT(Run({"xadd", "s", "nomkstream", "*", "f", "v"}), NilArg());
  EXPECT_THAT(Run({"exists", "s"}), IntArg(0));
  for (int i = 1; i <= 5; ++i) Run({"xadd", "s", std::to_string(i), "f", "v"});
  EXPECT_THAT(Run({"xadd", "s", "nomkstream", "maxlen", "3", "6", "f", "v"}), BulkArg("6-0"));
  EXPECT_THAT(Ids(Run({"xrange", "s", "-", "+"})), ElementsAre("4-0", "5-0", "6-0"));
  EXPECT_THAT(Run({"xadd", "s", "MAXLEN", "=", "2", "7", "f", "v"}), BulkArg("7-0"));
  EXPECT_THAT(Run({"xlen", "s"}), IntArg(2));
  EXPECT_THAT(Run({"xadd", "s", "minid", "7", "8", "f", "v"}), BulkArg("8-0"));
  EXPECT_THAT(Ids(Run({"xrange", "s", "-", "+"})), ElementsAre("7-0", "8-0"));
  EXPECT_THAT(Run({"xadd", "s", "minid", "=", "9", "9", "f", "v"}), BulkArg("9-0"));
  EXPECT_THAT(Ids(Run({"xrange", "s", "-", "+"})), ElementsAre("9-0"));
  // ~: trims at most what exact trimming would, in whole blocks (here: nothing).
  for (int i = 10; i < 60; ++i) Run({"xadd", "s", std::to_string(i), "f", "v"});
  EXPECT_THAT(Run({"xadd", "s", "maxlen", "~", "10", "60", "f", "v"}), BulkArg("60-0"));
  EXPECT_THAT(Run({"xlen", "s"}), IntArg(52));
  EXPECT_THAT(Run({"xadd", "s", "maxlen", "~", "10", "limit", "100", "61", "f", "v"}), BulkArg("61-0"));
  // Trim option errors.
  EXPECT_THAT(Run({"xadd", "s", "maxlen", "-1", "*", "f", "v"}), ErrArg("ERR The MAXLEN argument must be >= 0."));
  EXPECT_THAT(Run({"xadd", "s", "maxlen", "x", "*", "f", "v"}), ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"xadd", "s", "maxlen", "1", "minid", "1", "*", "f", "v"}),
              ErrArg("ERR syntax error, MAXLEN and MINID options at the same time are not compatible"));
  EXPECT_THAT(Run({"xadd", "s", "maxlen", "1", "limit", "5", "*", "f", "v"}),
              ErrArg("ERR syntax error, LIMIT cannot be used without the special ~ option"));
  EXPECT_THAT(Run({"xadd", "s", "limit", "5", "*", "f", "v"}),
              ErrArg("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy"));
  EXPECT_THAT(Run({"xadd", "s", "maxlen", "~", "1", "limit", "-1", "*", "f", "v"}), ErrArg("ERR The LIMIT argument must be >= 0."));
  EXPECT_THAT(Run({"xadd", "s", "minid", "x", "*", "f", "v"}), ErrArg("ERR Invalid stream ID specified"));
  EXPECT_THAT(Run({"xlen", "s"}), IntArg(53));
}

TEST_P(StreamFamilyTest, XTrim) {
  for (int i = 1; i <= 10; ++i) Run({"xadd", "s", std::to_string(i), "f", "v"});
  EXPECT_THAT(Run({"xtrim", "s", "maxlen", "8"}), IntArg(2));
  EXPECT_THAT(Run({"xtrim", "s", "maxlen", "=", "8"}), IntArg(0));
  EXPECT_THAT(Run({"xtrim", "s", "minid", "5"}), IntArg(2));
  EXPECT_THAT(Run({"xtrim", "s", "maxlen", "~", "1"}), IntArg(0));  // under a whole block
  EXPECT_THAT(Run({"xtrim", "s", "maxlen", "0"}), IntArg(6));
  EXPECT_THAT(Run({"exists", "s"}), IntArg(1));  // an emptied stream stays
  EXPECT_THAT(Run({"xlen", "s"}), IntArg(0));
  EXPECT_THAT(Run({"xtrim", "missing", "maxlen", "0"}), IntArg(0));
  EXPECT_THAT(Run({"xtrim", "s", "foo", "0"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"xtrim", "s", "limit", "10"}), ErrArg("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy"));
  EXPECT_THAT(Run({"xtrim", "s", "maxlen"}), ErrArg("ERR wrong number of arguments for 'xtrim' command"));
  EXPECT_THAT(Run({"xtrim", "s", "maxlen", "1", "*"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"xtrim", "s", "maxlen", "1", "limit", "5"}), ErrArg("ERR syntax error, LIMIT cannot be used without the special ~ option"));
  EXPECT_THAT(Run({"xtrim", "s", "nomkstream", "maxlen", "1"}), ErrArg("ERR syntax error"));
}

// --- XLEN / XRANGE / XREVRANGE / XDEL -------------------------------------------------------

TEST_P(StreamFamilyTest, XRangeAndXRevRange) {
  AddThree();
  EXPECT_THAT(Run({"xrange", "s", "-", "+"}),
              ArrArg(ElementsAre(EntryArg("1-1", (std::vector<std::string>{"a", "1"})),
                                 EntryArg("2-1", (std::vector<std::string>{"b", "2"})),
                                 EntryArg("3-1", (std::vector<std::string>{"c", "3"})))));
  EXPECT_THAT(Ids(Run({"xrange", "s", "2", "+"})), ElementsAre("2-1", "3-1"));
  EXPECT_THAT(Ids(Run({"xrange", "s", "-", "2"})), ElementsAre("1-1", "2-1"));  // end seq max
  EXPECT_THAT(Ids(Run({"xrange", "s", "(1-1", "+"})), ElementsAre("2-1", "3-1"));
  EXPECT_THAT(Ids(Run({"xrange", "s", "-", "(3-1"})), ElementsAre("1-1", "2-1"));
  EXPECT_THAT(Ids(Run({"xrange", "s", "-", "+", "count", "2"})), ElementsAre("1-1", "2-1"));
  EXPECT_THAT(Ids(Run({"xrange", "s", "-", "+", "COUNT", "1", "count", "3"})), ElementsAre("1-1", "2-1", "3-1"));
  EXPECT_THAT(Run({"xrange", "s", "-", "+", "count", "0"}), NilArg());
  EXPECT_THAT(Run({"xrange", "s", "-", "+", "count", "-5"}), NilArg());
  EXPECT_THAT(Run({"xrange", "s", "3", "1"}), ArrArg(IsEmpty()));
  EXPECT_THAT(Ids(Run({"xrevrange", "s", "+", "-"})), ElementsAre("3-1", "2-1", "1-1"));
  EXPECT_THAT(Ids(Run({"xrevrange", "s", "+", "-", "count", "1"})), ElementsAre("3-1"));
  EXPECT_THAT(Ids(Run({"xrevrange", "s", "(3-1", "(1-1"})), ElementsAre("2-1"));
  EXPECT_THAT(Run({"xrange", "missing", "-", "+"}), ArrArg(IsEmpty()));
  // Errors, checked before the key.
  EXPECT_THAT(Run({"xrange", "s", "x", "+"}), ErrArg("ERR Invalid stream ID specified as stream command argument"));
  EXPECT_THAT(Run({"xrange", "s", "(-", "+"}), ErrArg("ERR Invalid stream ID specified"));
  EXPECT_THAT(Run({"xrange", "s", "(18446744073709551615-18446744073709551615", "+"}), ErrArg("ERR invalid start ID for the interval"));
  EXPECT_THAT(Run({"xrange", "s", "-", "(0-0"}), ErrArg("ERR invalid end ID for the interval"));
  EXPECT_THAT(Run({"xrange", "s", "-", "+", "count"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"xrange", "s", "-", "+", "count", "x"}), ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"xrange", "s", "-"}), ErrArg("ERR wrong number of arguments for 'xrange' command"));
  EXPECT_THAT(Run({"xrevrange", "s", "+"}), ErrArg("ERR wrong number of arguments for 'xrevrange' command"));
}

TEST_P(StreamFamilyTest, XLenAndXDel) {
  AddThree();
  EXPECT_THAT(Run({"xlen", "s"}), IntArg(3));
  EXPECT_THAT(Run({"xlen", "missing"}), IntArg(0));
  EXPECT_THAT(Run({"xdel", "s", "2-1", "2-1", "9-9"}), IntArg(1));
  EXPECT_THAT(Ids(Run({"xrange", "s", "-", "+"})), ElementsAre("1-1", "3-1"));
  EXPECT_THAT(Run({"xdel", "s", "3-1", "x"}), ErrArg("ERR Invalid stream ID specified"));
  EXPECT_THAT(Run({"xlen", "s"}), IntArg(2));  // a bad ID deletes nothing
  EXPECT_THAT(Run({"xdel", "missing", "1-1"}), IntArg(0));
  EXPECT_THAT(Run({"xdel", "missing", "x"}), IntArg(0));  // the key is looked at first
  EXPECT_THAT(Run({"xdel", "s", "1-1", "3-1"}), IntArg(2));
  EXPECT_THAT(Run({"xlen", "s"}), IntArg(0));
  EXPECT_THAT(Run({"exists", "s"}), IntArg(1));
  // The top ID survives deletion: a smaller ID is still refused.
  EXPECT_THAT(Run({"xadd", "s", "2-0", "f", "v"}), ErrArg("ERR The ID specified in XADD is equal or smaller"));
  EXPECT_THAT(Run({"xdel", "s"}), ErrArg("ERR wrong number of arguments for 'xdel' command"));
  EXPECT_THAT(Run({"xlen"}), ErrArg("ERR wrong number of arguments for 'xlen' command"));
}

TEST_P(StreamFamilyTest, WrongTypeAndExpiry) {
  Run({"set", "str", "x"});
  for (auto cmd : std::vector<std::vector<std::string>>{
           {"xadd", "str", "*", "f", "v"}, {"xlen", "str"}, {"xrange", "str", "-", "+"},
           {"xrevrange", "str", "+", "-"}, {"xdel", "str", "1-1"}, {"xtrim", "str", "maxlen", "1"},
           {"xsetid", "str", "1-1"}, {"xread", "streams", "str", "0"}, {"xinfo", "stream", "str"},
           {"xinfo", "groups", "str"}, {"xgroup", "create", "str", "g", "$"},
           {"xreadgroup", "group", "g", "c", "streams", "str", ">"}, {"xack", "str", "g", "1-1"},
           {"xpending", "str", "g"}, {"xclaim", "str", "g", "c", "0", "1-1"},
           {"xautoclaim", "str", "g", "c", "0", "0"}}) {
    EXPECT_THAT(Run(cmd), ErrArg("WRONGTYPE")) << cmd[0];
  }
  AddThree();
  Run({"pexpire", "s", "100"});
  AdvanceTime(50);
  EXPECT_THAT(Run({"xadd", "s", "4-1", "d", "4"}), BulkArg("4-1"));  // keeps the TTL
  EXPECT_THAT(Run({"xlen", "s"}), IntArg(4));
  AdvanceTime(60);
  EXPECT_THAT(Run({"exists", "s"}), IntArg(0));
  EXPECT_THAT(Run({"xlen", "s"}), IntArg(0));
  EXPECT_THAT(Run({"xadd", "s", "1-1", "a", "1"}), BulkArg("1-1"));  // a new stream
}

// --- XSETID / XINFO STREAM ------------------------------------------------------------------

TEST_P(StreamFamilyTest, XSetId) {
  EXPECT_THAT(Run({"xsetid", "s", "5-0"}), ErrArg("ERR no such key"));
  AddThree();
  EXPECT_THAT(Run({"xsetid", "s", "2-0"}), ErrArg("ERR The ID specified in XSETID is smaller than the target stream top item"));
  EXPECT_THAT(Run({"xsetid", "s", "10-0"}), OkArg());
  EXPECT_THAT(Run({"xadd", "s", "9-0", "f", "v"}), ErrArg("ERR The ID specified in XADD is equal or smaller"));
  EXPECT_THAT(Run({"xadd", "s", "10-*", "f", "v"}), BulkArg("10-1"));
  EXPECT_THAT(Run({"xsetid", "s", "20-0", "entriesadded", "2"}),
              ErrArg("ERR The entries_added specified in XSETID is smaller than the target stream length"));
  EXPECT_THAT(Run({"xsetid", "s", "20-0", "entriesadded", "-1"}), ErrArg("ERR entries_added must be positive"));
  EXPECT_THAT(Run({"xsetid", "s", "20-0", "maxdeletedid", "30-0"}),
              ErrArg("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id"));
  EXPECT_THAT(Run({"xsetid", "s", "20-0", "entriesadded", "100", "maxdeletedid", "15-0"}), OkArg());
  Value info = Run({"xinfo", "stream", "s"});
  EXPECT_THAT(Field(info, "entries-added"), IntArg(100));
  EXPECT_THAT(Field(info, "max-deleted-entry-id"), BulkArg("15-0"));
  EXPECT_THAT(Field(info, "last-generated-id"), BulkArg("20-0"));
  // Checked against max_deleted_entry_id first, then the top entry (10-1), not the last ID.
  EXPECT_THAT(Run({"xsetid", "s", "10-0"}), ErrArg("ERR The ID specified in XSETID is smaller than current max_deleted_entry_id"));
  EXPECT_THAT(Run({"xsetid", "s", "16-0"}), OkArg());
  Run({"xtrim", "s", "maxlen", "0"});
  EXPECT_THAT(Run({"xsetid", "s", "14-0"}), ErrArg("ERR The ID specified in XSETID is smaller than current max_deleted_entry_id"));
  EXPECT_THAT(Run({"xsetid", "s", "16-0"}), OkArg());  // empty: may go below the old top
  EXPECT_THAT(Run({"xsetid", "s", "x"}), ErrArg("ERR Invalid stream ID specified"));
  EXPECT_THAT(Run({"xsetid", "s", "+"}), ErrArg("ERR Invalid stream ID specified"));
  EXPECT_THAT(Run({"xsetid", "s", "20-0", "foo"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"xsetid", "s"}), ErrArg("ERR wrong number of arguments for 'xsetid' command"));
}

TEST_P(StreamFamilyTest, XInfoStream) {
  EXPECT_THAT(Run({"xinfo", "stream", "s"}), ErrArg("ERR no such key"));
  AddThree();
  Run({"xdel", "s", "2-1"});
  Value info = Run({"xinfo", "stream", "s"});
  ASSERT_EQ(info.type, Type::kArray);
  std::vector<std::string> keys;
  for (size_t i = 0; i < info.elems.size(); i += 2) keys.push_back(info.elems[i].str);
  EXPECT_THAT(keys, ElementsAre("length", "radix-tree-keys", "radix-tree-nodes", "last-generated-id",
                                "max-deleted-entry-id", "entries-added", "recorded-first-entry-id",
                                "groups", "first-entry", "last-entry"));
  EXPECT_THAT(Field(info, "length"), IntArg(2));
  EXPECT_THAT(Field(info, "last-generated-id"), BulkArg("3-1"));
  EXPECT_THAT(Field(info, "max-deleted-entry-id"), BulkArg("2-1"));
  EXPECT_THAT(Field(info, "entries-added"), IntArg(3));
  EXPECT_THAT(Field(info, "recorded-first-entry-id"), BulkArg("1-1"));
  EXPECT_THAT(Field(info, "groups"), IntArg(0));
  EXPECT_THAT(Field(info, "first-entry"), EntryArg("1-1", (std::vector<std::string>{"a", "1"})));
  EXPECT_THAT(Field(info, "last-entry"), EntryArg("3-1", (std::vector<std::string>{"c", "3"})));
  Run({"xtrim", "s", "maxlen", "0"});
  info = Run({"xinfo", "stream", "s"});
  EXPECT_THAT(Field(info, "first-entry"), NilArg());
  EXPECT_THAT(Field(info, "recorded-first-entry-id"), BulkArg("0-0"));

  // FULL, with groups, consumers and their PELs; COUNT limits entries and PELs.
  for (int i = 1; i <= 12; ++i) Run({"xadd", "f", std::to_string(i), "k", "v"});
  Run({"xgroup", "create", "f", "g", "0"});
  Run({"xreadgroup", "group", "g", "alice", "count", "3", "streams", "f", ">"});
  Value full = Run({"xinfo", "stream", "f", "full"});
  EXPECT_THAT(Field(full, "entries"), ArrArg(SizeIs(10)));
  EXPECT_THAT(Field(full, "length"), IntArg(12));
  Value groups = Field(full, "groups");
  ASSERT_THAT(groups, ArrArg(SizeIs(1)));
  const Value& g = groups.elems[0];
  EXPECT_THAT(Field(g, "name"), BulkArg("g"));
  EXPECT_THAT(Field(g, "last-delivered-id"), BulkArg("3-0"));
  EXPECT_THAT(Field(g, "entries-read"), IntArg(3));
  EXPECT_THAT(Field(g, "lag"), IntArg(9));
  EXPECT_THAT(Field(g, "pel-count"), IntArg(3));
  EXPECT_THAT(Field(g, "pending"), ArrArg(ElementsAre(
      ArrArg(ElementsAre(BulkArg("1-0"), BulkArg("alice"), IntArg(NowMs()), IntArg(1))),
      ::testing::_, ::testing::_)));
  Value consumers = Field(g, "consumers");
  ASSERT_THAT(consumers, ArrArg(SizeIs(1)));
  EXPECT_THAT(Field(consumers.elems[0], "name"), BulkArg("alice"));
  EXPECT_THAT(Field(consumers.elems[0], "seen-time"), IntArg(NowMs()));
  EXPECT_THAT(Field(consumers.elems[0], "active-time"), IntArg(NowMs()));
  EXPECT_THAT(Field(consumers.elems[0], "pel-count"), IntArg(3));
  EXPECT_THAT(Field(consumers.elems[0], "pending"), ArrArg(SizeIs(3)));
  full = Run({"xinfo", "stream", "f", "full", "count", "2"});
  EXPECT_THAT(Field(full, "entries"), ArrArg(SizeIs(2)));
  EXPECT_THAT(Field(Field(full, "groups").elems[0], "pending"), ArrArg(SizeIs(2)));
  EXPECT_THAT(Field(Run({"xinfo", "stream", "f", "full", "count", "0"}), "entries"), ArrArg(SizeIs(12)));
  EXPECT_THAT(Run({"xinfo", "stream", "f", "foo"}),
              ErrArg("ERR unknown subcommand or wrong number of arguments for 'stream'. Try XINFO HELP."));
  EXPECT_THAT(Run({"xinfo", "stream", "f", "full", "count"}), ErrArg("ERR unknown subcommand or wrong number of arguments"));
  EXPECT_THAT(Run({"xinfo", "stream", "f", "full", "foo", "1"}), ErrArg("ERR unknown subcommand or wrong number of arguments"));
  EXPECT_THAT(Run({"xinfo", "stream", "missing", "foo"}), ErrArg("ERR no such key"));
  EXPECT_THAT(Run({"xinfo", "stream", "f", "full", "count", "x"}), ErrArg("ERR value is not an integer"));
  EXPECT_THAT(Run({"xinfo", "stream"}), ErrArg("ERR wrong number of arguments for 'xinfo|stream' command"));
  EXPECT_THAT(Run({"xinfo", "help"}), ArrArg(SizeIs(9)));
  // RESP3: a map.
  Run({"hello", "3"});
  EXPECT_EQ(Run({"xinfo", "stream", "f"}).type, Type::kMap);
}

// --- XREAD ----------------------------------------------------------------------------------

TEST_P(StreamFamilyTest, XRead) {
  AddThree("a");
  Run({"xadd", "b", "5-0", "x", "y"});
  EXPECT_THAT(Run({"xread", "streams", "a", "0"}),
              ArrArg(ElementsAre(ArrArg(ElementsAre(BulkArg("a"), ArrArg(SizeIs(3)))))));
  Value both = Run({"xread", "count", "1", "streams", "a", "b", "1-1", "0"});
  ASSERT_THAT(both, ArrArg(SizeIs(2)));
  EXPECT_THAT(both.elems[0], ArrArg(ElementsAre(BulkArg("a"), ArrArg(ElementsAre(
                                 EntryArg("2-1", (std::vector<std::string>{"b", "2"})))))));
  EXPECT_THAT(both.elems[1].elems[0], BulkArg("b"));
  // Only the streams with entries after their ID appear; none: a null array.
  EXPECT_THAT(Run({"xread", "streams", "a", "b", "3-1", "0"}),
              ArrArg(ElementsAre(ArrArg(ElementsAre(BulkArg("b"), ArrArg(SizeIs(1)))))));
  EXPECT_THAT(Run({"xread", "streams", "a", "b", "$", "$"}), NilArg());
  EXPECT_THAT(Run({"xread", "streams", "missing", "0"}), NilArg());
  EXPECT_THAT(Run({"xread", "count", "0", "streams", "a", "0"}),
              ArrArg(ElementsAre(ArrArg(ElementsAre(BulkArg("a"), ArrArg(SizeIs(3)))))));
  // Errors.
  EXPECT_THAT(Run({"xread", "streams", "a", "b", "0"}),
              ErrArg("ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be specified."));
  EXPECT_THAT(Run({"xread", "streams", "a", ">"}), ErrArg("ERR The > ID can be specified only when calling XREADGROUP"));
  EXPECT_THAT(Run({"xread", "streams", "a", "x"}), ErrArg("ERR Invalid stream ID specified"));
  EXPECT_THAT(Run({"xread", "count", "x", "streams", "a", "0"}), ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"xread", "block", "x", "streams", "a", "0"}), ErrArg("ERR timeout is not an integer or out of range"));
  EXPECT_THAT(Run({"xread", "block", "-1", "streams", "a", "0"}), ErrArg("ERR timeout is negative"));
  EXPECT_THAT(Run({"xread", "block", "1.5", "streams", "a", "0"}), ErrArg("ERR timeout is not an integer or out of range"));
  EXPECT_THAT(Run({"xread", "block", "9223372036854775807", "streams", "a", "0"}), ErrArg("ERR timeout is out of range"));
  EXPECT_THAT(Run({"xread", "group", "g", "c", "streams", "a", "0"}), ErrArg("ERR The GROUP option is only supported by XREADGROUP"));
  EXPECT_THAT(Run({"xread", "noack", "streams", "a", "0"}), ErrArg("ERR The NOACK option is only supported by XREADGROUP"));
  EXPECT_THAT(Run({"xread", "foo", "streams", "a", "0"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"xread", "count", "1", "a", "0"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"xread", "streams", "a"}), ErrArg("ERR wrong number of arguments for 'xread' command"));
  EXPECT_THAT(Run({"command", "getkeys", "xread", "count", "2", "streams", "a", "b", "0", "0"}),
              ArrArg(ElementsAre(BulkArg("a"), BulkArg("b"))));
  // RESP3: a map of key -> entries.
  Run({"hello", "3"});
  Value map = Run({"xread", "streams", "a", "2-1"});
  EXPECT_EQ(map.type, Type::kMap);
  EXPECT_THAT(map, ArrArg(ElementsAre(BulkArg("a"), ArrArg(SizeIs(1)))));
}

TEST_P(StreamFamilyTest, XReadBlock) {
  AddThree("a");
  // Data at once: no blocking.
  EXPECT_THAT(Run({"xread", "block", "0", "streams", "a", "2-1"}),
              ArrArg(ElementsAre(ArrArg(ElementsAre(BulkArg("a"), ArrArg(SizeIs(1)))))));
  // "$": only entries added after the call; every blocked reader gets the new entry.
  auto first = Start({"xread", "block", "0", "streams", "other", "a", "$", "$"});
  auto second = Start({"xread", "block", "0", "streams", "a", "$"});
  AwaitWaiters(3);
  EXPECT_EQ(first.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  EXPECT_THAT(Run({"xadd", "a", "9-0", "new", "1"}), BulkArg("9-0"));
  ASSERT_TRUE(Ready(first));
  ASSERT_TRUE(Ready(second));
  auto want = ArrArg(ElementsAre(ArrArg(ElementsAre(
      BulkArg("a"), ArrArg(ElementsAre(EntryArg("9-0", (std::vector<std::string>{"new", "1"}))))))));
  EXPECT_THAT(first.get(), want);
  EXPECT_THAT(second.get(), want);
  // A timeout in milliseconds on the fake clock: a null array.
  auto waiting = Start({"xread", "block", "1500", "streams", "a", "$"});
  AwaitWaiters(1);
  AdvanceTime(1000);
  EXPECT_EQ(waiting.wait_for(std::chrono::milliseconds(20)), std::future_status::timeout);
  AdvanceTime(600);
  ASSERT_TRUE(Ready(waiting));
  EXPECT_THAT(waiting.get(), NilArg());
  // Inside MULTI, BLOCK answers at once.
  Run({"multi"});
  Run({"xread", "block", "0", "streams", "a", "$"});
  EXPECT_THAT(Run({"exec"}), ArrArg(ElementsAre(NilArg())));
}

TEST_P(StreamFamilyTest, XReadBlockWaiterWithNothingDoesNotHoldUpOthers) {
  Run({"xadd", "a", "1-0", "f", "v"});
  auto future_id = Start({"xread", "block", "0", "streams", "a", "100-0"});
  AwaitWaiters(1);
  auto latest = Start({"xread", "block", "0", "streams", "a", "$"});
  AwaitWaiters(2);
  Run({"xadd", "a", "2-0", "f", "v"});
  ASSERT_TRUE(Ready(latest));
  EXPECT_THAT(Ids(latest.get().elems[0].elems[1]), ElementsAre("2-0"));
  EXPECT_EQ(future_id.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  Run({"xadd", "a", "101-0", "f", "v"});
  ASSERT_TRUE(Ready(future_id));
  EXPECT_THAT(Ids(future_id.get().elems[0].elems[1]), ElementsAre("101-0"));
}

TEST_P(StreamFamilyTest, XReadGroupBlockOneWriteServesEveryGroup) {
  Run({"xgroup", "create", "s", "g1", "$", "mkstream"});
  Run({"xgroup", "create", "s", "g2", "$"});
  auto a1 = Start({"xreadgroup", "group", "g1", "a1", "block", "0", "streams", "s", ">"});
  AwaitWaiters(1);
  auto a2 = Start({"xreadgroup", "group", "g1", "a2", "block", "0", "streams", "s", ">"});
  AwaitWaiters(2);
  auto b1 = Start({"xreadgroup", "group", "g2", "b1", "block", "0", "streams", "s", ">"});
  AwaitWaiters(3);
  Run({"xadd", "s", "1-0", "f", "v"});
  ASSERT_TRUE(Ready(a1));
  ASSERT_TRUE(Ready(b1));
  EXPECT_THAT(Ids(a1.get().elems[0].elems[1]), ElementsAre("1-0"));
  EXPECT_THAT(Ids(b1.get().elems[0].elems[1]), ElementsAre("1-0"));
  EXPECT_EQ(a2.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  Run({"xadd", "s", "2-0", "f", "v"});
  ASSERT_TRUE(Ready(a2));
  EXPECT_THAT(Ids(a2.get().elems[0].elems[1]), ElementsAre("2-0"));
}

TEST_P(StreamFamilyTest, XReadBlockOnAMissingStreamSeesItsCreation) {
  auto waiting = Start({"xread", "block", "0", "streams", "fresh", "$"});
  AwaitWaiters(1);
  Run({"xadd", "fresh", "1-0", "f", "v"});
  ASSERT_TRUE(Ready(waiting));
  EXPECT_THAT(waiting.get(), ArrArg(ElementsAre(ArrArg(ElementsAre(BulkArg("fresh"), ArrArg(SizeIs(1)))))));
}

// --- Consumer groups ------------------------------------------------------------------------

TEST_P(StreamFamilyTest, XGroup) {
  EXPECT_THAT(Run({"xgroup", "create", "s", "g", "$"}), ErrArg("ERR The XGROUP subcommand requires the key to exist."));
  EXPECT_THAT(Run({"xgroup", "create", "s", "g", "$", "mkstream"}), OkArg());
  EXPECT_THAT(Run({"xlen", "s"}), IntArg(0));
  EXPECT_THAT(Run({"xgroup", "create", "s", "g", "$"}), ErrArg("BUSYGROUP Consumer Group name already exists"));
  EXPECT_THAT(Run({"xgroup", "create", "s", "h", "x"}), ErrArg("ERR Invalid stream ID specified"));
  EXPECT_THAT(Run({"xgroup", "create", "s", "h", "0", "entriesread", "-2"}), ErrArg("ERR value for ENTRIESREAD must be positive or -1"));
  EXPECT_THAT(Run({"xgroup", "create", "s", "h", "0", "foo"}), ErrArg("ERR unknown subcommand or wrong number of arguments for 'create'"));
  EXPECT_THAT(Run({"xgroup", "create", "s", "h", "0", "entriesread", "5"}), OkArg());
  EXPECT_THAT(Run({"xgroup", "createconsumer", "s", "g", "alice"}), IntArg(1));
  EXPECT_THAT(Run({"xgroup", "createconsumer", "s", "g", "alice"}), IntArg(0));
  EXPECT_THAT(Run({"xgroup", "createconsumer", "s", "nope", "alice"}), ErrArg("NOGROUP No such consumer group 'nope' for key name 's'"));
  Value groups = Run({"xinfo", "groups", "s"});
  ASSERT_THAT(groups, ArrArg(SizeIs(2)));
  EXPECT_THAT(Field(groups.elems[0], "name"), BulkArg("g"));
  EXPECT_THAT(Field(groups.elems[0], "consumers"), IntArg(1));
  EXPECT_THAT(Field(groups.elems[0], "entries-read"), NilArg());
  EXPECT_THAT(Field(groups.elems[0], "lag"), IntArg(0));
  EXPECT_THAT(Field(groups.elems[1], "entries-read"), IntArg(5));
  AddThree("s");
  EXPECT_THAT(Run({"xgroup", "setid", "s", "g", "2-1", "entriesread", "2"}), OkArg());
  groups = Run({"xinfo", "groups", "s"});
  EXPECT_THAT(Field(groups.elems[0], "last-delivered-id"), BulkArg("2-1"));
  EXPECT_THAT(Field(groups.elems[0], "lag"), IntArg(1));
  EXPECT_THAT(Run({"xgroup", "setid", "s", "g", "$"}), OkArg());
  EXPECT_THAT(Field(Run({"xinfo", "groups", "s"}).elems[0], "last-delivered-id"), BulkArg("3-1"));
  EXPECT_THAT(Run({"xgroup", "setid", "s", "nope", "0"}), ErrArg("NOGROUP"));
  EXPECT_THAT(Run({"xgroup", "setid", "s", "g", "0", "mkstream"}), ErrArg("ERR unknown subcommand or wrong number of arguments for 'setid'"));
  EXPECT_THAT(Run({"xgroup", "setid", "missing", "g", "0"}), ErrArg("ERR The XGROUP subcommand requires the key to exist."));
  // DELCONSUMER returns the pending count it drops.
  Run({"xgroup", "setid", "s", "g", "0"});
  Run({"xreadgroup", "group", "g", "bob", "streams", "s", ">"});
  EXPECT_THAT(Run({"xgroup", "delconsumer", "s", "g", "bob"}), IntArg(3));
  EXPECT_THAT(Run({"xgroup", "delconsumer", "s", "g", "bob"}), IntArg(0));
  EXPECT_THAT(Run({"xpending", "s", "g"}), ArrArg(ElementsAre(IntArg(0), NilArg(), NilArg(), NilArg())));
  EXPECT_THAT(Run({"xgroup", "destroy", "s", "g"}), IntArg(1));
  EXPECT_THAT(Run({"xgroup", "destroy", "s", "g"}), IntArg(0));
  EXPECT_THAT(Run({"xgroup", "destroy", "missing", "g"}), ErrArg("ERR The XGROUP subcommand requires the key to exist."));
  EXPECT_THAT(Run({"xgroup", "destroy", "s"}), ErrArg("ERR wrong number of arguments for 'xgroup|destroy' command"));
  EXPECT_THAT(Run({"xgroup", "create", "s", "g"}), ErrArg("ERR wrong number of arguments for 'xgroup|create' command"));
  EXPECT_THAT(Run({"xgroup", "foo"}), ErrArg("ERR unknown subcommand 'foo'"));
  EXPECT_THAT(Run({"xgroup", "help"}), ArrArg(SizeIs(17)));
}

TEST_P(StreamFamilyTest, XReadGroupDeliversEachEntryOnce) {
  AddThree();
  Run({"xgroup", "create", "s", "g", "0"});
  EXPECT_THAT(Run({"xreadgroup", "group", "g", "alice", "count", "1", "streams", "s", ">"}),
              ArrArg(ElementsAre(ArrArg(ElementsAre(BulkArg("s"), ArrArg(ElementsAre(
                  EntryArg("1-1", (std::vector<std::string>{"a", "1"})))))))));
  EXPECT_THAT(Ids(Run({"xreadgroup", "group", "g", "bob", "streams", "s", ">"}).elems[0].elems[1]),
              ElementsAre("2-1", "3-1"));
  EXPECT_THAT(Run({"xreadgroup", "group", "g", "bob", "streams", "s", ">"}), NilArg());
  // History: the consumer's own pending entries after the ID.
  EXPECT_THAT(Ids(Run({"xreadgroup", "group", "g", "bob", "streams", "s", "0"}).elems[0].elems[1]),
              ElementsAre("2-1", "3-1"));
  EXPECT_THAT(Ids(Run({"xreadgroup", "group", "g", "bob", "streams", "s", "2-1"}).elems[0].elems[1]),
              ElementsAre("3-1"));
  EXPECT_THAT(Run({"xreadgroup", "group", "g", "carol", "streams", "s", "0"}),
              ArrArg(ElementsAre(ArrArg(ElementsAre(BulkArg("s"), ArrArg(IsEmpty()))))));
  // A deleted pending entry comes back as [id, nil].
  Run({"xdel", "s", "2-1"});
  Value history = Run({"xreadgroup", "group", "g", "bob", "streams", "s", "0"});
  EXPECT_THAT(history.elems[0].elems[1].elems[0], ArrArg(ElementsAre(BulkArg("2-1"), NilArg())));
  // History reads bump the delivery count of the entries they return (not of deleted ones).
  EXPECT_THAT(Run({"xpending", "s", "g", "-", "+", "10", "bob"}),
              ArrArg(ElementsAre(ArrArg(ElementsAre(BulkArg("2-1"), BulkArg("bob"), IntArg(0), IntArg(2))),
                                 ArrArg(ElementsAre(BulkArg("3-1"), BulkArg("bob"), IntArg(0), IntArg(4))))));
  // NOACK: delivered without a PEL entry.
  Run({"xadd", "s", "4-1", "d", "4"});
  EXPECT_THAT(Ids(Run({"xreadgroup", "group", "g", "alice", "noack", "streams", "s", ">"}).elems[0].elems[1]),
              ElementsAre("4-1"));
  EXPECT_THAT(Run({"xpending", "s", "g"}).elems[0], IntArg(3));
  // Errors.
  EXPECT_THAT(Run({"xreadgroup", "group", "nope", "c", "streams", "s", ">"}),
              ErrArg("NOGROUP No such key 's' or consumer group 'nope' in XREADGROUP with GROUP option"));
  EXPECT_THAT(Run({"xreadgroup", "group", "g", "c", "streams", "missing", ">"}),
              ErrArg("NOGROUP No such key 'missing' or consumer group 'g' in XREADGROUP with GROUP option"));
  EXPECT_THAT(Run({"xreadgroup", "group", "g", "c", "streams", "s", "$"}), ErrArg("ERR The $ ID is meaningless in the context of XREADGROUP"));
  EXPECT_THAT(Run({"xreadgroup", "group", "g", "c", "streams", "s", "x"}), ErrArg("ERR Invalid stream ID specified"));
  EXPECT_THAT(Run({"xreadgroup", "count", "1", "streams", "s", ">", "x"}), ErrArg("ERR Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must be specified."));
  EXPECT_THAT(Run({"xreadgroup", "count", "1", "block", "0", "streams", "s", ">"}), ErrArg("ERR Missing GROUP option for XREADGROUP"));
  EXPECT_THAT(Run({"xreadgroup", "group", "g", "c", "streams", "s"}), ErrArg("ERR wrong number of arguments for 'xreadgroup' command"));
  // RESP3: a map.
  Run({"hello", "3"});
  Run({"xadd", "s", "5-1", "e", "5"});
  EXPECT_EQ(Run({"xreadgroup", "group", "g", "alice", "streams", "s", ">"}).type, Type::kMap);
}

TEST_P(StreamFamilyTest, XReadGroupBlock) {
  Run({"xgroup", "create", "s", "g", "$", "mkstream"});
  auto alice = Start({"xreadgroup", "group", "g", "alice", "block", "0", "streams", "s", ">"});
  AwaitWaiters(1);
  auto bob = Start({"xreadgroup", "group", "g", "bob", "block", "0", "streams", "s", ">"});
  AwaitWaiters(2);
  Run({"xadd", "s", "1-0", "job", "1"});
  ASSERT_TRUE(Ready(alice));
  EXPECT_THAT(Ids(alice.get().elems[0].elems[1]), ElementsAre("1-0"));
  EXPECT_EQ(bob.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  Run({"xadd", "s", "2-0", "job", "2"});
  ASSERT_TRUE(Ready(bob));
  EXPECT_THAT(Ids(bob.get().elems[0].elems[1]), ElementsAre("2-0"));
  EXPECT_THAT(Run({"xpending", "s", "g"}),
              ArrArg(ElementsAre(IntArg(2), BulkArg("1-0"), BulkArg("2-0"),
                                 ArrArg(ElementsAre(ArrArg(ElementsAre(BulkArg("alice"), BulkArg("1"))),
                                                    ArrArg(ElementsAre(BulkArg("bob"), BulkArg("1"))))))));
  // Timeout.
  auto waiting = Start({"xreadgroup", "group", "g", "carol", "block", "100", "streams", "s", ">"});
  AwaitWaiters(1);
  AdvanceTime(101);
  ASSERT_TRUE(Ready(waiting));
  EXPECT_THAT(waiting.get(), NilArg());
}

TEST_P(StreamFamilyTest, XReadGroupBlockUnblockedWhenTheStreamOrGroupGoes) {
  Run({"xgroup", "create", "s", "g", "$", "mkstream"});
  Run({"xgroup", "create", "t", "g", "$", "mkstream"});
  auto on_s = Start({"xreadgroup", "group", "g", "c", "block", "0", "streams", "s", ">"});
  auto on_t = Start({"xreadgroup", "group", "g", "c", "block", "0", "streams", "t", ">"});
  AwaitWaiters(2);
  Run({"del", "s"});
  ASSERT_TRUE(Ready(on_s));
  EXPECT_THAT(on_s.get(), ErrArg("UNBLOCKED the stream key no longer exists"));
  Run({"xgroup", "destroy", "t", "g"});
  ASSERT_TRUE(Ready(on_t));
  EXPECT_THAT(on_t.get(), ErrArg("NOGROUP the consumer group this client was blocked on no longer exists"));
  // Plain XREAD readers stay blocked when their key goes, and read what comes next.
  Run({"xadd", "u", "5-0", "f", "v"});
  auto reader = Start({"xread", "block", "0", "streams", "u", "$"});
  AwaitWaiters(1);
  Run({"del", "u"});
  EXPECT_EQ(reader.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  Run({"xadd", "u", "6-0", "f", "v"});
  ASSERT_TRUE(Ready(reader));
  EXPECT_THAT(Ids(reader.get().elems[0].elems[1]), ElementsAre("6-0"));
}

TEST_P(StreamFamilyTest, XAckAndXPending) {
  AddThree();
  Run({"xgroup", "create", "s", "g", "0"});
  Run({"xreadgroup", "group", "g", "alice", "count", "2", "streams", "s", ">"});
  AdvanceTime(100);
  Run({"xreadgroup", "group", "g", "bob", "streams", "s", ">"});
  EXPECT_THAT(Run({"xpending", "s", "g", "-", "+", "10"}),
              ArrArg(ElementsAre(ArrArg(ElementsAre(BulkArg("1-1"), BulkArg("alice"), IntArg(100), IntArg(1))),
                                 ArrArg(ElementsAre(BulkArg("2-1"), BulkArg("alice"), IntArg(100), IntArg(1))),
                                 ArrArg(ElementsAre(BulkArg("3-1"), BulkArg("bob"), IntArg(0), IntArg(1))))));
  EXPECT_THAT(Ids(Run({"xpending", "s", "g", "idle", "50", "-", "+", "10"})), ElementsAre("1-1", "2-1"));
  EXPECT_THAT(Ids(Run({"xpending", "s", "g", "(1-1", "+", "1"})), ElementsAre("2-1"));
  EXPECT_THAT(Ids(Run({"xpending", "s", "g", "-", "+", "10", "bob"})), ElementsAre("3-1"));
  EXPECT_THAT(Run({"xpending", "s", "g", "-", "+", "10", "nobody"}), ArrArg(IsEmpty()));
  EXPECT_THAT(Run({"xpending", "s", "g", "-", "+", "-1"}), ArrArg(IsEmpty()));
  EXPECT_THAT(Run({"xack", "s", "g", "1-1", "3-1", "9-9"}), IntArg(2));
  EXPECT_THAT(Run({"xack", "s", "g", "1-1"}), IntArg(0));
  EXPECT_THAT(Run({"xpending", "s", "g"}),
              ArrArg(ElementsAre(IntArg(1), BulkArg("2-1"), BulkArg("2-1"),
                                 ArrArg(ElementsAre(ArrArg(ElementsAre(BulkArg("alice"), BulkArg("1"))))))));
  EXPECT_THAT(Run({"xack", "s", "nope", "2-1"}), IntArg(0));
  EXPECT_THAT(Run({"xack", "missing", "g", "2-1"}), IntArg(0));
  EXPECT_THAT(Run({"xack", "s", "g", "2-1", "x"}), ErrArg("ERR Invalid stream ID specified"));
  EXPECT_THAT(Run({"xpending", "s", "g"}).elems[0], IntArg(1));  // a bad ID acks nothing
  EXPECT_THAT(Run({"xack", "missing", "g", "x"}), IntArg(0));  // the key is looked at first
  EXPECT_THAT(Run({"xack", "s", "g"}), ErrArg("ERR wrong number of arguments for 'xack' command"));
  EXPECT_THAT(Run({"xpending", "s", "nope"}), ErrArg("NOGROUP No such key 's' or consumer group 'nope'"));
  EXPECT_THAT(Run({"xpending", "missing", "g"}), ErrArg("NOGROUP No such key 'missing' or consumer group 'g'"));
  EXPECT_THAT(Run({"xpending", "s", "g", "-"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"xpending", "missing", "g", "-", "+"}), ErrArg("ERR syntax error"));  // before the key
  EXPECT_THAT(Run({"xpending", "s", "g", "-", "+", "1", "c", "x", "y", "z"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"xpending", "s", "g", "-", "+", "x"}), ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"xpending", "s", "g", "idle", "x", "-", "+", "1"}), ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"xpending", "s", "g", "idle", "5", "-", "+"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"xpending", "s", "g", "x", "+", "1"}), ErrArg("ERR Invalid stream ID specified"));
  EXPECT_THAT(Run({"xpending", "s"}), ErrArg("ERR wrong number of arguments for 'xpending' command"));
}

TEST_P(StreamFamilyTest, XClaim) {
  AddThree();
  Run({"xgroup", "create", "s", "g", "0"});
  Run({"xreadgroup", "group", "g", "alice", "streams", "s", ">"});
  AdvanceTime(1000);
  // Too recent for min-idle 2000: nothing moves.
  EXPECT_THAT(Run({"xclaim", "s", "g", "bob", "2000", "1-1"}), ArrArg(IsEmpty()));
  EXPECT_THAT(Run({"xclaim", "s", "g", "bob", "500", "1-1", "9-9"}),
              ArrArg(ElementsAre(EntryArg("1-1", (std::vector<std::string>{"a", "1"})))));
  EXPECT_THAT(Run({"xpending", "s", "g", "-", "+", "1"}),
              ArrArg(ElementsAre(ArrArg(ElementsAre(BulkArg("1-1"), BulkArg("bob"), IntArg(0), IntArg(2))))));
  // JUSTID keeps the count; RETRYCOUNT and IDLE / TIME set them.
  EXPECT_THAT(Run({"xclaim", "s", "g", "carol", "0", "2-1", "justid"}), ArrArg(ElementsAre(BulkArg("2-1"))));
  EXPECT_THAT(Run({"xclaim", "s", "g", "carol", "0", "3-1", "idle", "300", "retrycount", "7", "justid"}),
              ArrArg(ElementsAre(BulkArg("3-1"))));
  EXPECT_THAT(Run({"xpending", "s", "g", "(1-1", "+", "5"}),
              ArrArg(ElementsAre(ArrArg(ElementsAre(BulkArg("2-1"), BulkArg("carol"), IntArg(0), IntArg(1))),
                                 ArrArg(ElementsAre(BulkArg("3-1"), BulkArg("carol"), IntArg(300), IntArg(7))))));
  Run({"xclaim", "s", "g", "carol", "0", "3-1", "time", std::to_string(NowMs() - 40), "justid"});
  EXPECT_THAT(Run({"xpending", "s", "g", "3-1", "3-1", "1"}).elems[0].elems[2], IntArg(40));
  // FORCE creates a PEL entry for an entry never delivered; LASTID moves the group.
  Run({"xadd", "s", "4-1", "d", "4"});
  EXPECT_THAT(Run({"xclaim", "s", "g", "dave", "0", "4-1"}), ArrArg(IsEmpty()));
  EXPECT_THAT(Run({"xclaim", "s", "g", "dave", "0", "4-1", "force", "lastid", "4-1", "justid"}),
              ArrArg(ElementsAre(BulkArg("4-1"))));
  EXPECT_THAT(Field(Run({"xinfo", "groups", "s"}).elems[0], "last-delivered-id"), BulkArg("4-1"));
  // A deleted entry leaves the PEL.
  Run({"xdel", "s", "2-1"});
  EXPECT_THAT(Run({"xclaim", "s", "g", "bob", "0", "2-1"}), ArrArg(IsEmpty()));
  EXPECT_THAT(Run({"xpending", "s", "g"}).elems[0], IntArg(3));
  // A claim of nothing creates no consumer.
  EXPECT_THAT(Run({"xclaim", "s", "g", "nobody", "999999", "1-1"}), ArrArg(IsEmpty()));
  // Consumers: seen and active times.
  AdvanceTime(10);
  Value consumers = Run({"xinfo", "consumers", "s", "g"});
  ASSERT_THAT(consumers, ArrArg(SizeIs(4)));
  EXPECT_THAT(Field(consumers.elems[0], "name"), BulkArg("alice"));
  EXPECT_THAT(Field(consumers.elems[0], "pending"), IntArg(0));
  EXPECT_THAT(Field(consumers.elems[0], "idle"), IntArg(1010));
  EXPECT_THAT(Field(consumers.elems[0], "inactive"), IntArg(1010));
  EXPECT_THAT(Field(consumers.elems[1], "name"), BulkArg("bob"));
  EXPECT_THAT(Field(consumers.elems[1], "idle"), IntArg(10));
  EXPECT_THAT(Field(consumers.elems[1], "inactive"), IntArg(10));
  EXPECT_THAT(Run({"xinfo", "consumers", "s", "nope"}), ErrArg("NOGROUP No such consumer group 'nope' for key name 's'"));
  EXPECT_THAT(Run({"xinfo", "consumers", "missing", "g"}), ErrArg("ERR no such key"));
  EXPECT_THAT(Run({"xinfo", "groups", "missing"}), ErrArg("ERR no such key"));
  // Errors.
  EXPECT_THAT(Run({"xclaim", "s", "g", "bob", "x", "1-1"}), ErrArg("ERR Invalid min-idle-time argument for XCLAIM"));
  EXPECT_THAT(Run({"xclaim", "s", "g", "bob", "0", "1-1", "idle", "x"}), ErrArg("ERR Invalid IDLE option argument for XCLAIM"));
  EXPECT_THAT(Run({"xclaim", "s", "g", "bob", "0", "1-1", "time", "x"}), ErrArg("ERR Invalid TIME option argument for XCLAIM"));
  EXPECT_THAT(Run({"xclaim", "s", "g", "bob", "0", "1-1", "retrycount", "x"}), ErrArg("ERR Invalid RETRYCOUNT option argument for XCLAIM"));
  EXPECT_THAT(Run({"xclaim", "s", "g", "bob", "0", "1-1", "foo"}), ErrArg("ERR Unrecognized XCLAIM option 'foo'"));
  EXPECT_THAT(Run({"xclaim", "s", "g", "bob", "0", "1-1", "lastid", "x"}), ErrArg("ERR Invalid stream ID specified"));
  EXPECT_THAT(Run({"xclaim", "s", "nope", "bob", "0", "1-1"}), ErrArg("NOGROUP No such key 's' or consumer group 'nope'"));
  EXPECT_THAT(Run({"xclaim", "s", "g", "bob", "0"}), ErrArg("ERR wrong number of arguments for 'xclaim' command"));
}

TEST_P(StreamFamilyTest, XAutoClaim) {
  for (int i = 1; i <= 5; ++i) Run({"xadd", "s", std::to_string(i), "f", std::to_string(i)});
  Run({"xgroup", "create", "s", "g", "0"});
  Run({"xreadgroup", "group", "g", "dead", "streams", "s", ">"});
  AdvanceTime(5000);
  Run({"xdel", "s", "2"});
  Value r = Run({"xautoclaim", "s", "g", "alive", "1000", "0", "count", "2"});
  // 1-0 claimed, 2-0 deleted (counts against COUNT), cursor at 3-0.
  EXPECT_THAT(r, ArrArg(ElementsAre(BulkArg("3-0"),
                                    ArrArg(ElementsAre(EntryArg("1-0", (std::vector<std::string>{"f", "1"})))),
                                    ArrArg(ElementsAre(BulkArg("2-0"))))));
  r = Run({"xautoclaim", "s", "g", "alive", "1000", "3-0", "justid"});
  EXPECT_THAT(r, ArrArg(ElementsAre(BulkArg("0-0"), ArrArg(ElementsAre(BulkArg("3-0"), BulkArg("4-0"), BulkArg("5-0"))),
                                    ArrArg(IsEmpty()))));
  // All now owned by "alive" and recently delivered: nothing more to claim.
  EXPECT_THAT(Run({"xautoclaim", "s", "g", "other", "1000", "-"}),
              ArrArg(ElementsAre(BulkArg("0-0"), ArrArg(IsEmpty()), ArrArg(IsEmpty()))));
  EXPECT_THAT(Run({"xpending", "s", "g", "-", "+", "10", "alive"}), ArrArg(SizeIs(4)));
  EXPECT_THAT(Run({"xpending", "s", "g", "-", "+", "10", "alive"}).elems[1].elems[3], IntArg(1));  // JUSTID
  EXPECT_THAT(Run({"xpending", "s", "g", "-", "+", "10", "alive"}).elems[0].elems[3], IntArg(2));
  EXPECT_THAT(Run({"xautoclaim", "s", "g", "c", "0", "0", "count", "0"}), ErrArg("ERR COUNT must be > 0"));
  EXPECT_THAT(Run({"xautoclaim", "s", "g", "c", "0", "0", "count", "x"}), ErrArg("ERR COUNT must be > 0"));
  EXPECT_THAT(Run({"xautoclaim", "s", "g", "c", "x", "0"}), ErrArg("ERR Invalid min-idle-time argument for XAUTOCLAIM"));
  EXPECT_THAT(Run({"xautoclaim", "s", "g", "c", "0", "x"}), ErrArg("ERR Invalid stream ID specified"));
  EXPECT_THAT(Run({"xautoclaim", "s", "g", "c", "0", "0", "foo"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"xautoclaim", "s", "nope", "c", "0", "0"}), ErrArg("NOGROUP No such key 's' or consumer group 'nope'"));
  // Arguments are checked before the key; a claim of nothing creates no consumer.
  EXPECT_THAT(Run({"xautoclaim", "missing", "g", "c", "x", "0"}), ErrArg("ERR Invalid min-idle-time argument for XAUTOCLAIM"));
  EXPECT_THAT(Run({"xinfo", "consumers", "s", "g"}), ArrArg(SizeIs(2)));  // dead, alive
  EXPECT_THAT(Run({"xautoclaim", "s", "g", "c", "0"}), ErrArg("ERR wrong number of arguments for 'xautoclaim' command"));
}

TEST_P(StreamFamilyTest, LagAndEntriesRead) {
  for (int i = 1; i <= 5; ++i) Run({"xadd", "s", std::to_string(i), "f", "v"});
  Run({"xgroup", "create", "s", "g", "0"});
  Value g = Run({"xinfo", "groups", "s"}).elems[0];
  EXPECT_THAT(Field(g, "entries-read"), NilArg());
  EXPECT_THAT(Field(g, "lag"), IntArg(5));
  Run({"xreadgroup", "group", "g", "c", "count", "2", "streams", "s", ">"});
  g = Run({"xinfo", "groups", "s"}).elems[0];
  EXPECT_THAT(Field(g, "entries-read"), IntArg(2));
  EXPECT_THAT(Field(g, "lag"), IntArg(3));
  // A deletion ahead of the group makes the lag unknown until the group passes it.
  Run({"xdel", "s", "4"});
  EXPECT_THAT(Field(Run({"xinfo", "groups", "s"}).elems[0], "lag"), NilArg());
  Run({"xreadgroup", "group", "g", "c", "streams", "s", ">"});
  g = Run({"xinfo", "groups", "s"}).elems[0];
  EXPECT_THAT(Field(g, "entries-read"), IntArg(5));
  EXPECT_THAT(Field(g, "lag"), IntArg(0));
}

TEST_P(StreamFamilyTest, RenameAndCopyKeepGroups) {
  AddThree();
  Run({"xgroup", "create", "s", "g", "0"});
  Run({"xreadgroup", "group", "g", "c", "streams", "s", ">"});
  EXPECT_THAT(Run({"copy", "s", "t"}), IntArg(1));
  EXPECT_THAT(Run({"xpending", "t", "g"}).elems[0], IntArg(3));
  EXPECT_THAT(Run({"rename", "s", "u"}), OkArg());
  EXPECT_THAT(Run({"xlen", "u"}), IntArg(3));
  EXPECT_THAT(Run({"xack", "t", "g", "1-1"}), IntArg(1));
  EXPECT_THAT(Run({"xpending", "u", "g"}).elems[0], IntArg(3));  // the copy is deep
}

INSTANTIATE_TEST_SUITE_P(Shards, StreamFamilyTest, ShardCounts());

}  // namespace
}  // namespace shoal::engine
