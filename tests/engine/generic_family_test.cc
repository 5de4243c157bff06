// Tests of the keys family (engine/generic_family.cc), with 1 and 4 shards.
//
// No family stores objects yet, so a small list type defined here (TestList) stands for
// every non-string type: it counts its live instances, which shows that COPY deep-copies,
// that RENAME and MOVE hand the same object over, and that deleting frees exactly once.
#include <atomic>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/db.h"
#include "engine/object.h"
#include "engine/shard.h"
#include "tests/engine/test_util.h"

namespace shoal::engine {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;

class TestList : public Object {
 public:
  explicit TestList(std::vector<std::string> items) : items(std::move(items)) { ++live; }
  TestList(const TestList& other) : Object(), items(other.items) { ++live; }
  ~TestList() override { --live; }
  ObjType type() const override { return ObjType::kList; }
  std::string_view encoding() const override { return "listpack"; }
  size_t MemoryUsage() const override { return 1000; }
  std::unique_ptr<Object> Clone() const override { return std::make_unique<TestList>(*this); }

  std::vector<std::string> items;
  static inline std::atomic<int> live{0};
};

class GenericFamilyTest : public EngineTest {
 protected:
  void TearDown() override {
    EngineTest::TearDown();
    EXPECT_EQ(TestList::live.load(), 0) << "a TestList leaked or was freed twice";
  }

  // Runs fn on the thread of the shard that owns `key`, with that shard.
  void OnOwner(std::string_view key, const std::function<void(Shard&)>& fn) {
    unsigned owner = engine_->ShardOf(key);
    engine_->RunOnEachShard([&](Shard& s) {
      if (s.index() == owner) fn(s);
    });
  }

  void AddList(std::string_view key, std::vector<std::string> items, int db = 0,
               int64_t expire_at = 0) {
    OnOwner(key, [&](Shard& s) {
      s.db(db).AddObject(key, std::make_unique<TestList>(std::move(items)), expire_at);
    });
  }

  // The list's items and its object's address (null and empty when absent or no list).
  std::pair<const Object*, std::vector<std::string>> ListAt(std::string_view key, int db = 0) {
    std::pair<const Object*, std::vector<std::string>> out{nullptr, {}};
    OnOwner(key, [&](Shard& s) {
      KeyNode* node = s.db(db).Find(key);
      if (node == nullptr || Db::TypeOf(node) != ObjType::kList) return;
      auto* list = static_cast<TestList*>(Db::ObjectOf(node));
      out = {list, list->items};
    });
    return out;
  }

  void PushToList(std::string_view key, std::string item) {
    OnOwner(key, [&](Shard& s) {
      static_cast<TestList*>(Db::ObjectOf(s.db(0).Find(key)))->items.push_back(item);
    });
  }

  void Select(int db) { ASSERT_THAT(Run({"select", std::to_string(db)}), OkArg()); }

  int64_t DbSize() { return Run({"dbsize"}).integer; }

  // Runs SCAN to the end with the given options; returns every key it gave and how many
  // calls it took.
  std::vector<std::string> ScanAll(std::vector<std::string> options, int* calls = nullptr) {
    std::vector<std::string> keys;
    std::string cursor = "0";
    int n = 0;
    do {
      std::vector<std::string> cmd = {"scan", cursor};
      cmd.insert(cmd.end(), options.begin(), options.end());
      Value v = Run(cmd);
      EXPECT_EQ(v.type, Value::Type::kArray) << v.ToString();
      if (v.type != Value::Type::kArray || v.elems.size() != 2) break;
      EXPECT_EQ(v.elems[0].type, Value::Type::kBulk);
      cursor = v.elems[0].str;
      for (const std::string& k : StrArray(v.elems[1])) keys.push_back(k);
    } while (cursor != "0" && ++n < 100000);
    if (calls != nullptr) *calls = n + 1;
    return keys;
  }
};

// Key pairs that land on different shards with 4 shards (and some that share one).
const std::vector<std::pair<std::string, std::string>> kPairs = {
    {"a", "b"}, {"src", "dst"}, {"{t}a", "{t}b"}, {"k1", "k2"}, {"x", "y"}, {"foo", "bar"}};

// --- DEL, UNLINK, EXISTS, TOUCH, TYPE --------------------------------------------------------

TEST_P(GenericFamilyTest, DelCountsDeletedKeys) {
  Run({"mset", "a", "1", "b", "2", "c", "3"});
  EXPECT_THAT(Run({"del", "a", "b", "missing"}), IntArg(2));
  EXPECT_THAT(Run({"del", "c", "c"}), IntArg(1));
  EXPECT_THAT(Run({"del", "c"}), IntArg(0));
  EXPECT_THAT(Run({"exists", "a", "b", "c"}), IntArg(0));
  EXPECT_THAT(Run({"del"}), ErrArg("ERR wrong number of arguments for 'del' command"));
}

TEST_P(GenericFamilyTest, DelManyKeysAcrossShards) {
  std::vector<std::string> mset = {"mset"}, del = {"del"};
  for (int i = 0; i < 50; ++i) {
    mset.push_back("key:" + std::to_string(i));
    mset.push_back("v");
    del.push_back("key:" + std::to_string(i));
  }
  Run(mset);
  AddList("list", {"x"});
  del.push_back("list");
  EXPECT_EQ(DbSize(), 51);
  EXPECT_THAT(Run(del), IntArg(51));
  EXPECT_EQ(DbSize(), 0);
  EXPECT_EQ(TestList::live.load(), 0);
}

TEST_P(GenericFamilyTest, UnlinkIsDel) {
  Run({"mset", "a", "1", "{t}b", "2"});
  AddList("l", {"x"});
  EXPECT_THAT(Run({"unlink", "a", "{t}b", "l", "missing"}), IntArg(3));
  EXPECT_EQ(DbSize(), 0);
  EXPECT_THAT(Run({"unlink"}), ErrArg("ERR wrong number of arguments for 'unlink' command"));
}

TEST_P(GenericFamilyTest, ExistsCountsRepeats) {
  Run({"mset", "a", "1", "b", "2"});
  EXPECT_THAT(Run({"exists", "a"}), IntArg(1));
  EXPECT_THAT(Run({"exists", "a", "a", "b", "missing"}), IntArg(3));
  EXPECT_THAT(Run({"exists", "missing"}), IntArg(0));
  EXPECT_THAT(Run({"exists"}), ErrArg("ERR wrong number of arguments for 'exists' command"));
}

TEST_P(GenericFamilyTest, TouchCountsExistingKeys) {
  Run({"mset", "a", "1", "b", "2"});
  AddList("l", {"x"});
  EXPECT_THAT(Run({"touch", "a", "b", "l", "missing", "a"}), IntArg(4));
  EXPECT_THAT(Run({"touch"}), ErrArg("ERR wrong number of arguments for 'touch' command"));
}

TEST_P(GenericFamilyTest, TypeIsASimpleString) {
  Run({"set", "s", "v"});
  AddList("l", {"x"});
  EXPECT_THAT(Run({"type", "s"}), SimpleArg("string"));
  EXPECT_THAT(Run({"type", "l"}), SimpleArg("list"));
  EXPECT_THAT(Run({"type", "missing"}), SimpleArg("none"));
  EXPECT_THAT(Run({"type"}), ErrArg("ERR wrong number of arguments for 'type' command"));
  EXPECT_THAT(Run({"type", "a", "b"}), ErrArg("ERR wrong number of arguments"));
}

TEST_P(GenericFamilyTest, ExpiredKeysAreGoneOnLookup) {
  Run({"set", "k", "v", "px", "100"});
  Run({"set", "keep", "v"});
  clock_.Advance(100);  // no active expiry: only lookups can notice
  EXPECT_THAT(Run({"exists", "k", "keep"}), IntArg(1));
  EXPECT_THAT(Run({"type", "k"}), SimpleArg("none"));
  EXPECT_THAT(Run({"del", "k"}), IntArg(0));
}

// --- EXPIRE family, TTL family, PERSIST ------------------------------------------------------

TEST_P(GenericFamilyTest, ExpireSetsTtlAndKeyDisappears) {
  Run({"set", "k", "v"});
  Run({"set", "other", "v"});
  EXPECT_THAT(Run({"expire", "k", "10"}), IntArg(1));
  EXPECT_THAT(Run({"ttl", "k"}), IntArg(10));
  EXPECT_THAT(Run({"pttl", "k"}), IntArg(10000));
  AdvanceTime(9400);
  EXPECT_THAT(Run({"pttl", "k"}), IntArg(600));
  EXPECT_THAT(Run({"ttl", "k"}), IntArg(1));  // rounded to nearest, as Redis
  AdvanceTime(599);
  EXPECT_EQ(DbSize(), 2);
  AdvanceTime(1);
  EXPECT_EQ(DbSize(), 1);  // freed by the wheel, without being touched
  EXPECT_THAT(Run({"ttl", "k"}), IntArg(-2));
}

TEST_P(GenericFamilyTest, ExpireOnMissingKeyAndObjects) {
  EXPECT_THAT(Run({"expire", "missing", "10"}), IntArg(0));
  EXPECT_THAT(Run({"pexpire", "missing", "10"}), IntArg(0));
  AddList("l", {"x"});
  EXPECT_THAT(Run({"pexpire", "l", "50"}), IntArg(1));
  EXPECT_THAT(Run({"pttl", "l"}), IntArg(50));
  AdvanceTime(50);
  EXPECT_EQ(DbSize(), 0);
  EXPECT_EQ(TestList::live.load(), 0);
}

TEST_P(GenericFamilyTest, ExpireInThePastDeletesAndRepliesOne) {
  Run({"mset", "a", "1", "b", "2", "c", "3", "d", "4"});
  EXPECT_THAT(Run({"expire", "a", "-1"}), IntArg(1));
  EXPECT_THAT(Run({"pexpire", "b", "0"}), IntArg(1));
  EXPECT_THAT(Run({"expireat", "c", "1"}), IntArg(1));
  EXPECT_THAT(Run({"pexpireat", "d", std::to_string(NowMs())}), IntArg(1));
  EXPECT_EQ(DbSize(), 0);
}

TEST_P(GenericFamilyTest, ExpireBadNumbers) {
  Run({"set", "k", "v"});
  EXPECT_THAT(Run({"expire", "k", "abc"}), ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"expire", "k", "1.5"}), ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"expire", "k", "9223372036854775807"}),
              ErrArg("ERR invalid expire time in 'expire' command"));
  EXPECT_THAT(Run({"expire", "k", "-9223372036854775807"}),
              ErrArg("ERR invalid expire time in 'expire' command"));
  EXPECT_THAT(Run({"pexpire", "k", "9223372036854775807"}),
              ErrArg("ERR invalid expire time in 'pexpire' command"));
  EXPECT_THAT(Run({"expireat", "k", "9223372036854776"}),
              ErrArg("ERR invalid expire time in 'expireat' command"));
  // The largest time that fits is accepted.
  EXPECT_THAT(Run({"pexpireat", "k", "9223372036854775807"}), IntArg(1));
  EXPECT_THAT(Run({"pexpiretime", "k"}), IntArg(INT64_MAX));
  EXPECT_THAT(Run({"expire"}), ErrArg("ERR wrong number of arguments for 'expire' command"));
  EXPECT_THAT(Run({"expire", "k"}), ErrArg("ERR wrong number of arguments for 'expire' command"));
  EXPECT_THAT(Run({"pexpireat", "k"}), ErrArg("ERR wrong number of arguments for 'pexpireat'"));
}

TEST_P(GenericFamilyTest, ExpireOptions) {
  Run({"set", "k", "v"});
  EXPECT_THAT(Run({"expire", "k", "100", "xx"}), IntArg(0));  // no TTL yet
  EXPECT_THAT(Run({"expire", "k", "100", "gt"}), IntArg(0));  // no TTL is infinite
  EXPECT_THAT(Run({"ttl", "k"}), IntArg(-1));
  EXPECT_THAT(Run({"expire", "k", "100", "NX"}), IntArg(1));
  EXPECT_THAT(Run({"expire", "k", "200", "nx"}), IntArg(0));
  EXPECT_THAT(Run({"ttl", "k"}), IntArg(100));
  EXPECT_THAT(Run({"expire", "k", "200", "xx"}), IntArg(1));
  EXPECT_THAT(Run({"expire", "k", "150", "gt"}), IntArg(0));
  EXPECT_THAT(Run({"expire", "k", "200", "gt"}), IntArg(0));  // equal is not greater
  EXPECT_THAT(Run({"expire", "k", "300", "GT"}), IntArg(1));
  EXPECT_THAT(Run({"expire", "k", "400", "lt"}), IntArg(0));
  EXPECT_THAT(Run({"expire", "k", "50", "lt", "xx"}), IntArg(1));
  EXPECT_THAT(Run({"ttl", "k"}), IntArg(50));
  EXPECT_THAT(Run({"persist", "k"}), IntArg(1));
  EXPECT_THAT(Run({"expire", "k", "50", "lt"}), IntArg(1));  // no TTL: any time is less
  EXPECT_THAT(Run({"ttl", "k"}), IntArg(50));
  // A past time that passes the condition deletes the key.
  EXPECT_THAT(Run({"expire", "k", "-10", "lt"}), IntArg(1));
  EXPECT_THAT(Run({"exists", "k"}), IntArg(0));
  EXPECT_THAT(Run({"expire", "k", "10", "nx"}), IntArg(0));  // missing key
}

TEST_P(GenericFamilyTest, ExpireOptionErrors) {
  Run({"set", "k", "v"});
  const char* kNxError = "ERR NX and XX, GT or LT options at the same time are not compatible";
  EXPECT_THAT(Run({"expire", "k", "10", "nx", "xx"}), ErrArg(kNxError));
  EXPECT_THAT(Run({"expire", "k", "10", "gt", "nx"}), ErrArg(kNxError));
  EXPECT_THAT(Run({"pexpire", "k", "10", "nx", "lt"}), ErrArg(kNxError));
  EXPECT_THAT(Run({"expire", "k", "10", "gt", "lt"}),
              ErrArg("ERR GT and LT options at the same time are not compatible"));
  EXPECT_THAT(Run({"expire", "k", "10", "foo"}), ErrArg("ERR Unsupported option foo"));
  // Options are checked before the time, as in Redis.
  EXPECT_THAT(Run({"expireat", "k", "abc", "bar"}), ErrArg("ERR Unsupported option bar"));
  EXPECT_THAT(Run({"ttl", "k"}), IntArg(-1));
}

TEST_P(GenericFamilyTest, ExpireAtAndExpireTime) {
  Run({"set", "k", "v"});
  int64_t at_s = NowMs() / 1000 + 100;
  EXPECT_THAT(Run({"expireat", "k", std::to_string(at_s)}), IntArg(1));
  EXPECT_THAT(Run({"expiretime", "k"}), IntArg(at_s));
  EXPECT_THAT(Run({"pexpiretime", "k"}), IntArg(at_s * 1000));
  int64_t at_ms = NowMs() + 12345;
  EXPECT_THAT(Run({"pexpireat", "k", std::to_string(at_ms)}), IntArg(1));
  EXPECT_THAT(Run({"pexpiretime", "k"}), IntArg(at_ms));
  EXPECT_THAT(Run({"expiretime", "k"}), IntArg((at_ms + 500) / 1000));
  EXPECT_THAT(Run({"pttl", "k"}), IntArg(12345));
  AdvanceTime(12345);
  EXPECT_EQ(DbSize(), 0);
}

TEST_P(GenericFamilyTest, TtlOfMissingAndPersistentKeys) {
  Run({"set", "k", "v"});
  for (const char* cmd : {"ttl", "pttl", "expiretime", "pexpiretime"}) {
    EXPECT_THAT(Run({cmd, "missing"}), IntArg(-2)) << cmd;
    EXPECT_THAT(Run({cmd, "k"}), IntArg(-1)) << cmd;
    EXPECT_THAT(Run({cmd}), ErrArg("ERR wrong number of arguments")) << cmd;
    EXPECT_THAT(Run({cmd, "k", "x"}), ErrArg("ERR wrong number of arguments")) << cmd;
  }
}

TEST_P(GenericFamilyTest, Persist) {
  Run({"set", "k", "v", "ex", "10"});
  Run({"set", "plain", "v"});
  EXPECT_THAT(Run({"persist", "missing"}), IntArg(0));
  EXPECT_THAT(Run({"persist", "plain"}), IntArg(0));
  EXPECT_THAT(Run({"persist", "k"}), IntArg(1));
  EXPECT_THAT(Run({"ttl", "k"}), IntArg(-1));
  EXPECT_THAT(Run({"persist", "k"}), IntArg(0));
  AdvanceTime(20000);
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v"));
  EXPECT_THAT(Run({"persist"}), ErrArg("ERR wrong number of arguments for 'persist' command"));
}

// --- RENAME, RENAMENX ----------------------------------------------------------------------

TEST_P(GenericFamilyTest, RenameMovesValueAcrossShards) {
  for (const auto& [from, to] : kPairs) {
    Run({"set", from, "value-of-" + from});
    EXPECT_THAT(Run({"rename", from, to}), OkArg()) << from;
    EXPECT_THAT(Run({"exists", from}), IntArg(0));
    EXPECT_THAT(Run({"get", to}), BulkArg("value-of-" + from));
    EXPECT_THAT(Run({"ttl", to}), IntArg(-1));
  }
  EXPECT_EQ(DbSize(), static_cast<int64_t>(kPairs.size()));
}

TEST_P(GenericFamilyTest, RenameKeepsTtlAndOverwrites) {
  for (const auto& [from, to] : kPairs) {
    Run({"set", from, "new", "px", "5000"});
    Run({"set", to, "old", "ex", "1000"});
    EXPECT_THAT(Run({"rename", from, to}), OkArg());
    EXPECT_THAT(Run({"get", to}), BulkArg("new"));
    EXPECT_THAT(Run({"pttl", to}), IntArg(5000));
  }
  EXPECT_EQ(DbSize(), static_cast<int64_t>(kPairs.size()));
  AdvanceTime(5000);  // the destination's shard now owns the TTL
  EXPECT_EQ(DbSize(), 0);
}

TEST_P(GenericFamilyTest, RenameHandsObjectsOver) {
  AddList("a", {"1", "2"});
  const Object* original = ListAt("a").first;
  Run({"set", "b", "string to be replaced"});
  EXPECT_THAT(Run({"rename", "a", "b"}), OkArg());
  EXPECT_EQ(ListAt("b").first, original);  // the same object, not a copy
  EXPECT_THAT(ListAt("b").second, ElementsAre("1", "2"));
  EXPECT_EQ(TestList::live.load(), 1);
  // Renaming a string onto a list frees the list.
  Run({"set", "{t}s", "str"});
  EXPECT_THAT(Run({"rename", "{t}s", "b"}), OkArg());
  EXPECT_EQ(TestList::live.load(), 0);
  EXPECT_THAT(Run({"get", "b"}), BulkArg("str"));
  // An object with a TTL keeps it.
  AddList("{t}l", {"x"}, 0, NowMs() + 300);
  EXPECT_THAT(Run({"rename", "{t}l", "moved"}), OkArg());
  EXPECT_THAT(Run({"pttl", "moved"}), IntArg(300));
  AdvanceTime(300);
  EXPECT_EQ(TestList::live.load(), 0);
  EXPECT_THAT(Run({"exists", "moved"}), IntArg(0));
}

TEST_P(GenericFamilyTest, RenameErrorsAndSameKey) {
  EXPECT_THAT(Run({"rename", "missing", "b"}), ErrArg("ERR no such key"));
  EXPECT_THAT(Run({"rename", "missing", "missing"}), ErrArg("ERR no such key"));
  Run({"set", "k", "v", "ex", "100"});
  EXPECT_THAT(Run({"rename", "k", "k"}), OkArg());
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v"));
  EXPECT_THAT(Run({"ttl", "k"}), IntArg(100));
  EXPECT_THAT(Run({"rename", "k"}), ErrArg("ERR wrong number of arguments for 'rename' command"));
  EXPECT_THAT(Run({"rename", "k", "a", "b"}), ErrArg("ERR wrong number of arguments"));
  // An expired source is missing.
  Run({"set", "gone", "v", "px", "10"});
  clock_.Advance(10);
  EXPECT_THAT(Run({"rename", "gone", "x"}), ErrArg("ERR no such key"));
}

TEST_P(GenericFamilyTest, RenameNx) {
  for (const auto& [from, to] : kPairs) {
    Run({"set", from, "1"});
    Run({"set", to, "2"});
    EXPECT_THAT(Run({"renamenx", from, to}), IntArg(0));
    EXPECT_THAT(Run({"get", from}), BulkArg("1"));
    EXPECT_THAT(Run({"get", to}), BulkArg("2"));
    Run({"del", to});
    EXPECT_THAT(Run({"renamenx", from, to}), IntArg(1));
    EXPECT_THAT(Run({"get", to}), BulkArg("1"));
    EXPECT_THAT(Run({"exists", from}), IntArg(0));
  }
  EXPECT_THAT(Run({"renamenx", "a", "a"}), ErrArg("ERR no such key"));
  Run({"set", "a", "v"});
  EXPECT_THAT(Run({"renamenx", "a", "a"}), IntArg(0));
  EXPECT_THAT(Run({"renamenx", "missing", "z"}), ErrArg("ERR no such key"));
  EXPECT_THAT(Run({"renamenx", "a"}), ErrArg("ERR wrong number of arguments"));
}

// --- COPY ------------------------------------------------------------------------------------

TEST_P(GenericFamilyTest, CopyStringsAcrossShardsKeepsTtl) {
  for (const auto& [from, to] : kPairs) {
    Run({"set", from, "v-" + from, "px", "700"});
    EXPECT_THAT(Run({"copy", from, to}), IntArg(1)) << from;
    EXPECT_THAT(Run({"get", to}), BulkArg("v-" + from));
    EXPECT_THAT(Run({"get", from}), BulkArg("v-" + from));
    EXPECT_THAT(Run({"pttl", to}), IntArg(700));
  }
  EXPECT_EQ(DbSize(), 2 * static_cast<int64_t>(kPairs.size()));
  AdvanceTime(700);
  EXPECT_EQ(DbSize(), 0);
}

TEST_P(GenericFamilyTest, CopyExistingDestinationAndReplace) {
  Run({"set", "a", "new"});
  Run({"set", "b", "old", "ex", "50"});
  EXPECT_THAT(Run({"copy", "a", "b"}), IntArg(0));
  EXPECT_THAT(Run({"get", "b"}), BulkArg("old"));
  EXPECT_THAT(Run({"copy", "a", "b", "REPLACE"}), IntArg(1));
  EXPECT_THAT(Run({"get", "b"}), BulkArg("new"));
  EXPECT_THAT(Run({"ttl", "b"}), IntArg(-1));  // the source had none
  EXPECT_THAT(Run({"copy", "missing", "b"}), IntArg(0));
  EXPECT_THAT(Run({"copy", "missing", "b", "replace"}), IntArg(0));
  EXPECT_THAT(Run({"get", "b"}), BulkArg("new"));
}

TEST_P(GenericFamilyTest, CopyDeepCopiesObjects) {
  for (const auto& [from, to] : kPairs) {
    AddList(from, {"1"});
    EXPECT_THAT(Run({"copy", from, to}), IntArg(1));
    EXPECT_NE(ListAt(from).first, ListAt(to).first);
    PushToList(from, "2");
    EXPECT_THAT(ListAt(from).second, ElementsAre("1", "2"));
    EXPECT_THAT(ListAt(to).second, ElementsAre("1"));
    EXPECT_THAT(Run({"type", to}), SimpleArg("list"));
  }
  EXPECT_EQ(TestList::live.load(), 2 * static_cast<int>(kPairs.size()));
  // REPLACE frees the destination's object.
  Run({"set", "s", "str"});
  EXPECT_THAT(Run({"copy", "s", "a", "replace"}), IntArg(1));
  EXPECT_EQ(TestList::live.load(), 2 * static_cast<int>(kPairs.size()) - 1);
  EXPECT_THAT(Run({"flushall"}), OkArg());
  EXPECT_EQ(TestList::live.load(), 0);
}

TEST_P(GenericFamilyTest, CopyToAnotherDatabase) {
  Run({"set", "k", "v", "ex", "100"});
  EXPECT_THAT(Run({"copy", "k", "k", "db", "3"}), IntArg(1));
  EXPECT_THAT(Run({"copy", "k", "k", "db", "3"}), IntArg(0));
  EXPECT_THAT(Run({"copy", "k", "other", "DB", "3", "replace"}), IntArg(1));
  Select(3);
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v"));
  EXPECT_THAT(Run({"get", "other"}), BulkArg("v"));
  EXPECT_THAT(Run({"ttl", "k"}), IntArg(100));
  EXPECT_EQ(DbSize(), 2);
  // From db 3, "db 3" is the same database.
  EXPECT_THAT(Run({"copy", "k", "k", "db", "3"}),
              ErrArg("ERR source and destination objects are the same"));
  EXPECT_THAT(Run({"copy", "k", "k", "db", "0"}), IntArg(0));  // exists in db 0
  Select(0);
  EXPECT_EQ(DbSize(), 1);
}

TEST_P(GenericFamilyTest, CopyErrors) {
  Run({"set", "k", "v"});
  EXPECT_THAT(Run({"copy", "k", "k"}), ErrArg("ERR source and destination objects are the same"));
  EXPECT_THAT(Run({"copy", "k", "k", "db", "0"}),
              ErrArg("ERR source and destination objects are the same"));
  EXPECT_THAT(Run({"copy", "k", "x", "db", "16"}), ErrArg("ERR DB index is out of range"));
  EXPECT_THAT(Run({"copy", "k", "x", "db", "-1"}), ErrArg("ERR DB index is out of range"));
  EXPECT_THAT(Run({"copy", "k", "x", "db", "abc"}),
              ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"copy", "k", "x", "db", "4294967296"}),
              ErrArg("ERR value is out of range, value must between -2147483648 and 2147483647"));
  EXPECT_THAT(Run({"copy", "k", "x", "db"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"copy", "k", "x", "foo"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"copy", "k"}), ErrArg("ERR wrong number of arguments for 'copy' command"));
  EXPECT_THAT(Run({"exists", "x"}), IntArg(0));
}

// --- MOVE ------------------------------------------------------------------------------------

TEST_P(GenericFamilyTest, MoveToAnotherDatabase) {
  Run({"set", "k", "v", "px", "400"});
  Run({"set", "{t}k", "w"});
  AddList("l", {"x"});
  const Object* list = ListAt("l").first;
  EXPECT_THAT(Run({"move", "k", "1"}), IntArg(1));
  EXPECT_THAT(Run({"move", "{t}k", "1"}), IntArg(1));
  EXPECT_THAT(Run({"move", "l", "1"}), IntArg(1));
  EXPECT_EQ(DbSize(), 0);
  EXPECT_EQ(ListAt("l", 1).first, list);
  Select(1);
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v"));
  EXPECT_THAT(Run({"get", "{t}k"}), BulkArg("w"));
  EXPECT_THAT(Run({"pttl", "k"}), IntArg(400));
  EXPECT_EQ(DbSize(), 3);
  AdvanceTime(400);  // the TTL moved with the key, to db 1's bookkeeping
  EXPECT_EQ(DbSize(), 2);
  Select(0);
}

TEST_P(GenericFamilyTest, MoveRefusals) {
  EXPECT_THAT(Run({"move", "missing", "1"}), IntArg(0));
  Run({"set", "k", "here"});
  Select(1);
  Run({"set", "k", "there"});
  Select(0);
  EXPECT_THAT(Run({"move", "k", "1"}), IntArg(0));
  EXPECT_THAT(Run({"get", "k"}), BulkArg("here"));
  EXPECT_THAT(Run({"move", "k", "0"}), ErrArg("ERR source and destination objects are the same"));
  EXPECT_THAT(Run({"move", "k", "16"}), ErrArg("ERR DB index is out of range"));
  EXPECT_THAT(Run({"move", "k", "-1"}), ErrArg("ERR DB index is out of range"));
  EXPECT_THAT(Run({"move", "k", "x"}), ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"move", "k", "99999999999"}), ErrArg("ERR value is out of range"));
  EXPECT_THAT(Run({"move", "k"}), ErrArg("ERR wrong number of arguments for 'move' command"));
}

// --- KEYS, SCAN, RANDOMKEY, DBSIZE ----------------------------------------------------------

TEST_P(GenericFamilyTest, KeysWithGlobPatterns) {
  Run({"mset", "one", "1", "two", "2", "three", "3", "four", "4", "h*llo", "5"});
  AddList("tlist", {"x"});
  EXPECT_THAT(StrArray(Run({"keys", "*"})),
              UnorderedElementsAre("one", "two", "three", "four", "h*llo", "tlist"));
  EXPECT_THAT(StrArray(Run({"keys", "t*"})), UnorderedElementsAre("two", "three", "tlist"));
  EXPECT_THAT(StrArray(Run({"keys", "?wo"})), UnorderedElementsAre("two"));
  EXPECT_THAT(StrArray(Run({"keys", "*o*"})), UnorderedElementsAre("one", "two", "four", "h*llo"));
  EXPECT_THAT(StrArray(Run({"keys", "[ot]??"})), UnorderedElementsAre("one", "two"));
  EXPECT_THAT(StrArray(Run({"keys", "[^o]*e"})), UnorderedElementsAre("three"));
  EXPECT_THAT(StrArray(Run({"keys", "h\\*llo"})), UnorderedElementsAre("h*llo"));
  EXPECT_THAT(Run({"keys", "nothing*"}), ArrArg(IsEmpty()));
  EXPECT_THAT(Run({"keys"}), ErrArg("ERR wrong number of arguments for 'keys' command"));
}

TEST_P(GenericFamilyTest, KeysSkipsExpiredAndOtherDatabases) {
  Run({"set", "live", "1"});
  Run({"set", "dying", "1", "px", "5"});
  Select(2);
  Run({"set", "elsewhere", "1"});
  Select(0);
  clock_.Advance(5);
  EXPECT_THAT(StrArray(Run({"keys", "*"})), ElementsAre("live"));
}

TEST_P(GenericFamilyTest, ScanReturnsEveryKey) {
  std::set<std::string> expected;
  std::vector<std::string> mset = {"mset"};
  for (int i = 0; i < 1000; ++i) {
    std::string key = "key:" + std::to_string(i);
    expected.insert(key);
    mset.push_back(key);
    mset.push_back("v");
  }
  Run(mset);
  int calls = 0;
  std::vector<std::string> keys = ScanAll({"count", "10"}, &calls);
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()), expected);
  EXPECT_GE(calls, 50);  // COUNT bounds each call's work
  EXPECT_LE(calls, 200);
  // The default COUNT (10) and a large one see the same keys.
  keys = ScanAll({});
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()), expected);
  keys = ScanAll({"COUNT", "100000"}, &calls);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(keys.size(), 1000u);
}

TEST_P(GenericFamilyTest, ScanMatchAndType) {
  std::vector<std::string> mset = {"mset"};
  for (int i = 0; i < 100; ++i) {
    mset.push_back((i % 2 ? "odd:" : "even:") + std::to_string(i));
    mset.push_back("v");
  }
  Run(mset);
  AddList("odd:list", {"x"});
  AddList("even:list", {"x"});
  std::vector<std::string> odd = ScanAll({"match", "odd:*", "count", "7"});
  EXPECT_THAT(odd, SizeIs(51));
  EXPECT_THAT(odd, Contains("odd:list"));
  EXPECT_THAT(ScanAll({"type", "list"}), UnorderedElementsAre("odd:list", "even:list"));
  EXPECT_THAT(ScanAll({"match", "even:*", "type", "LIST"}), UnorderedElementsAre("even:list"));
  EXPECT_THAT(ScanAll({"type", "string"}), SizeIs(100));
  EXPECT_THAT(ScanAll({"type", "nosuchtype"}), IsEmpty());
  EXPECT_THAT(ScanAll({"match", "*"}), SizeIs(102));
}

TEST_P(GenericFamilyTest, ScanWithWritesBetweenCalls) {
  std::vector<std::string> mset = {"mset"};
  for (int i = 0; i < 500; ++i) {
    mset.push_back("stay:" + std::to_string(i));
    mset.push_back("v");
    mset.push_back("go:" + std::to_string(i));
    mset.push_back("v");
  }
  Run(mset);
  std::set<std::string> seen;
  std::string cursor = "0";
  int step = 0;
  do {
    Value v = Run({"scan", cursor, "count", "20"});
    ASSERT_EQ(v.elems.size(), 2u);
    cursor = v.elems[0].str;
    for (const std::string& k : StrArray(v.elems[1])) {
      seen.insert(k);
      // go:j was deleted after call j: no later call may return it.
      if (k.rfind("go:", 0) == 0) EXPECT_GE(std::stoi(k.substr(3)), step) << k;
    }
    // Between calls: delete some keys, add many (the tables grow and rehash).
    Run({"del", "go:" + std::to_string(step)});
    for (int j = 0; j < 30; ++j) Run({"set", "new:" + std::to_string(step * 30 + j), "v"});
    ++step;
  } while (cursor != "0" && step < 10000);
  EXPECT_EQ(cursor, "0");
  for (int i = 0; i < 500; ++i) {
    EXPECT_TRUE(seen.count("stay:" + std::to_string(i))) << "stay:" << i;
  }
  // Nothing that never existed shows up.
  for (const std::string& k : seen) {
    EXPECT_TRUE(k.rfind("stay:", 0) == 0 || k.rfind("go:", 0) == 0 || k.rfind("new:", 0) == 0);
  }
}

TEST_P(GenericFamilyTest, ScanSkipsExpiredKeys) {
  Run({"set", "live", "1"});
  Run({"set", "dying", "1", "px", "5"});
  clock_.Advance(5);
  EXPECT_THAT(ScanAll({}), ElementsAre("live"));
}

TEST_P(GenericFamilyTest, ScanErrors) {
  Run({"set", "k", "v"});
  EXPECT_THAT(Run({"scan", "abc"}), ErrArg("ERR invalid cursor"));
  EXPECT_THAT(Run({"scan", "1.5"}), ErrArg("ERR invalid cursor"));
  EXPECT_THAT(Run({"scan", " 1"}), ErrArg("ERR invalid cursor"));
  EXPECT_THAT(Run({"scan", "-"}), ErrArg("ERR invalid cursor"));
  EXPECT_THAT(Run({"scan", "0x10"}), ErrArg("ERR invalid cursor"));
  EXPECT_THAT(Run({"scan", "18446744073709551616"}), ErrArg("ERR invalid cursor"));
  EXPECT_THAT(Run({"scan", "0", "count", "0"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"scan", "0", "count", "-5"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"scan", "0", "count", "x"}),
              ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"scan", "0", "count"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"scan", "0", "match"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"scan", "0", "foo", "bar"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"scan"}), ErrArg("ERR wrong number of arguments for 'scan' command"));
}

// Redis 7.0 reads the cursor with strtoul: signs, wrap-around and "" are accepted, and a
// number that no SCAN gave still yields a scan that ends.
TEST_P(GenericFamilyTest, ScanAcceptsAnyNumericCursor) {
  for (int i = 0; i < 200; ++i) Run({"set", "k" + std::to_string(i), "v"});
  for (const char* start : {"", "+0", "-0", "-1", "18446744073709551615", "123456789"}) {
    std::string cursor = start;
    int calls = 0;
    do {
      Value v = Run({"scan", cursor, "count", "50"});
      ASSERT_EQ(v.type, Value::Type::kArray) << start << ": " << v.ToString();
      cursor = v.elems[0].str;
    } while (cursor != "0" && ++calls < 1000);
    EXPECT_EQ(cursor, "0") << start;
  }
  Value v = Run({"scan", "", "count", "1000"});  // "" is cursor 0: a whole scan
  EXPECT_THAT(v.elems[1], ArrArg(SizeIs(200)));
}

TEST_P(GenericFamilyTest, ScanOfEmptyDatabase) {
  Value v = Run({"scan", "0"});
  ASSERT_EQ(v.elems.size(), 2u);
  EXPECT_THAT(v.elems[0], BulkArg("0"));
  EXPECT_THAT(v.elems[1], ArrArg(IsEmpty()));
}

TEST_P(GenericFamilyTest, RandomKey) {
  EXPECT_THAT(Run({"randomkey"}), NilArg());
  Run({"set", "only", "v"});
  EXPECT_THAT(Run({"randomkey"}), BulkArg("only"));
  std::set<std::string> all = {"only"};
  for (int i = 0; i < 40; ++i) {
    all.insert("k" + std::to_string(i));
    Run({"set", "k" + std::to_string(i), "v"});
  }
  std::set<std::string> drawn;
  for (int i = 0; i < 200; ++i) {
    Value v = Run({"randomkey"});
    ASSERT_EQ(v.type, Value::Type::kBulk);
    EXPECT_TRUE(all.count(v.str)) << v.str;
    drawn.insert(v.str);
  }
  EXPECT_GT(drawn.size(), 5u);  // not stuck on one key (fails with odds far below 1e-9)
  EXPECT_THAT(Run({"randomkey", "x"}), ErrArg("ERR wrong number of arguments"));
}

TEST_P(GenericFamilyTest, RandomKeySkipsExpiredKeys) {
  for (int i = 0; i < 30; ++i) Run({"set", "dying" + std::to_string(i), "v", "px", "10"});
  Run({"set", "live", "v"});
  clock_.Advance(10);  // expired, not yet deleted
  for (int i = 0; i < 10; ++i) EXPECT_THAT(Run({"randomkey"}), BulkArg("live"));
  for (int i = 0; i < 30; ++i) Run({"persist", "dying" + std::to_string(i)});
  EXPECT_EQ(DbSize(), 1);  // RANDOMKEY deleted what it met, the lookups the rest
  Run({"del", "live"});
  Run({"set", "last", "v", "px", "1"});
  clock_.Advance(1);
  EXPECT_THAT(Run({"randomkey"}), NilArg());
}

TEST_P(GenericFamilyTest, DbSizeCountsTheSelectedDatabase) {
  EXPECT_THAT(Run({"dbsize"}), IntArg(0));
  Run({"mset", "a", "1", "b", "2", "c", "3", "{x}d", "4"});
  Run({"set", "t", "v", "ex", "1"});
  EXPECT_THAT(Run({"dbsize"}), IntArg(5));
  Select(5);
  EXPECT_THAT(Run({"dbsize"}), IntArg(0));
  Select(0);
  AdvanceTime(1000);
  EXPECT_THAT(Run({"dbsize"}), IntArg(4));
  EXPECT_THAT(Run({"dbsize", "x"}), ErrArg("ERR wrong number of arguments for 'dbsize' command"));
}

// --- FLUSHDB, FLUSHALL, SWAPDB -------------------------------------------------------------

TEST_P(GenericFamilyTest, FlushDbClearsOnlyTheSelectedDatabase) {
  Run({"mset", "a", "1", "b", "2"});
  AddList("l", {"x"});
  Select(1);
  Run({"set", "kept", "v"});
  Select(0);
  EXPECT_THAT(Run({"flushdb"}), OkArg());
  EXPECT_EQ(DbSize(), 0);
  EXPECT_EQ(TestList::live.load(), 0);
  Run({"set", "a", "1", "ex", "1"});
  EXPECT_THAT(Run({"flushdb", "ASYNC"}), OkArg());
  EXPECT_THAT(Run({"flushdb", "sync"}), OkArg());
  EXPECT_EQ(DbSize(), 0);
  AdvanceTime(1000);  // the flushed key's wheel entry finds nothing
  Select(1);
  EXPECT_THAT(Run({"get", "kept"}), BulkArg("v"));
  EXPECT_THAT(Run({"flushdb", "foo"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"flushdb", "async", "sync"}), ErrArg("ERR syntax error"));
  EXPECT_EQ(DbSize(), 1);
  Select(0);
}

TEST_P(GenericFamilyTest, FlushAllClearsEveryDatabase) {
  for (int db : {0, 1, 15}) {
    Select(db);
    Run({"mset", "a", "1", "b", "2", "{t}c", "3"});
    AddList("l", {"x"}, db);
  }
  EXPECT_THAT(Run({"flushall", "foo"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"flushall"}), OkArg());
  for (int db : {0, 1, 15}) {
    Select(db);
    EXPECT_EQ(DbSize(), 0) << db;
  }
  EXPECT_EQ(TestList::live.load(), 0);
  EXPECT_THAT(Run({"flushall", "async"}), OkArg());
  Select(0);
}

TEST_P(GenericFamilyTest, SwapDb) {
  Run({"mset", "a", "db0", "only0", "x"});
  Select(1);
  Run({"mset", "a", "db1", "b", "y", "c", "z"});
  Run({"set", "t", "v", "px", "100"});
  EXPECT_THAT(Run({"swapdb", "0", "1"}), OkArg());
  // The session stays on index 1, which now holds db 0's data.
  EXPECT_THAT(Run({"get", "a"}), BulkArg("db0"));
  EXPECT_EQ(DbSize(), 2);
  Select(0);
  EXPECT_THAT(Run({"get", "a"}), BulkArg("db1"));
  EXPECT_EQ(DbSize(), 4);
  AdvanceTime(100);  // TTLs still fire, in the database the keys now live in
  EXPECT_EQ(DbSize(), 3);
  EXPECT_THAT(Run({"swapdb", "0", "0"}), OkArg());
  EXPECT_EQ(DbSize(), 3);
}

TEST_P(GenericFamilyTest, SwapDbErrors) {
  EXPECT_THAT(Run({"swapdb", "x", "1"}), ErrArg("ERR invalid first DB index"));
  EXPECT_THAT(Run({"swapdb", "0", "y"}), ErrArg("ERR invalid second DB index"));
  EXPECT_THAT(Run({"swapdb", "x", "y"}), ErrArg("ERR invalid first DB index"));
  EXPECT_THAT(Run({"swapdb", "99999999999", "0"}), ErrArg("ERR invalid first DB index"));
  EXPECT_THAT(Run({"swapdb", "0", "16"}), ErrArg("ERR DB index is out of range"));
  EXPECT_THAT(Run({"swapdb", "-1", "0"}), ErrArg("ERR DB index is out of range"));
  EXPECT_THAT(Run({"swapdb", "0"}), ErrArg("ERR wrong number of arguments for 'swapdb' command"));
}

// --- OBJECT, MEMORY --------------------------------------------------------------------------

TEST_P(GenericFamilyTest, ObjectEncoding) {
  Run({"set", "int", "12345"});
  Run({"set", "neg", "-9223372036854775808"});
  Run({"set", "padded", "0123"});
  Run({"set", "big", "99999999999999999999"});  // 20 digits, beyond int64
  Run({"set", "short", std::string(44, 'x')});
  Run({"set", "long", std::string(45, 'x')});
  AddList("list", {"x"});
  EXPECT_THAT(Run({"object", "encoding", "int"}), BulkArg("int"));
  EXPECT_THAT(Run({"object", "encoding", "neg"}), BulkArg("int"));
  EXPECT_THAT(Run({"object", "encoding", "padded"}), BulkArg("embstr"));
  EXPECT_THAT(Run({"object", "encoding", "big"}), BulkArg("embstr"));
  EXPECT_THAT(Run({"object", "encoding", "short"}), BulkArg("embstr"));
  EXPECT_THAT(Run({"object", "encoding", "long"}), BulkArg("raw"));
  EXPECT_THAT(Run({"OBJECT", "ENCODING", "list"}), BulkArg("listpack"));
  EXPECT_THAT(Run({"object", "encoding", "missing"}), NilArg());
  EXPECT_THAT(Run({"object", "encoding"}),
              ErrArg("ERR wrong number of arguments for 'object|encoding' command"));
  EXPECT_THAT(Run({"object", "nosuch", "k"}), ErrArg("ERR unknown subcommand 'nosuch'"));
  EXPECT_THAT(Run({"object"}), ErrArg("ERR wrong number of arguments for 'object' command"));
}

TEST_P(GenericFamilyTest, ObjectRefCountIdleTimeFreq) {
  Run({"set", "k", "v"});
  EXPECT_THAT(Run({"object", "refcount", "k"}), IntArg(1));
  EXPECT_THAT(Run({"object", "refcount", "missing"}), NilArg());
  EXPECT_THAT(Run({"object", "idletime", "k"}), IntArg(0));
  EXPECT_THAT(Run({"object", "idletime", "missing"}), NilArg());
  EXPECT_THAT(Run({"object", "freq", "missing"}), NilArg());
  EXPECT_THAT(Run({"object", "freq", "k"}),
              ErrArg("ERR An LFU maxmemory policy is not selected, access frequency not "
                     "tracked. Please note that when switching between policies at runtime "
                     "LRU and LFU data will take some time to adjust."));
  ASSERT_EQ(engine_->config().Set("maxmemory-policy", "allkeys-lfu", false), "");
  // The clock was kept as LRU until now; read as LFU it is some counter (eviction_test.cc).
  EXPECT_EQ(Run({"object", "freq", "k"}).type, Value::Type::kInteger);
  EXPECT_THAT(Run({"object", "idletime", "k"}),
              ErrArg("ERR An LFU maxmemory policy is selected, idle time not tracked."));
  EXPECT_THAT(Run({"object", "refcount"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"object", "freq", "k", "x"}), ErrArg("ERR wrong number of arguments"));
}

TEST_P(GenericFamilyTest, ObjectHelp) {
  Value v = Run({"object", "help"});
  ASSERT_EQ(v.type, Value::Type::kArray) << v.ToString();
  ASSERT_EQ(v.elems.size(), 17u);
  EXPECT_THAT(v.elems.front(),
              SimpleArg("OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
  EXPECT_THAT(v.elems[1], SimpleArg("ENCODING <key>"));
  EXPECT_THAT(v.elems[15], SimpleArg("HELP"));
  EXPECT_THAT(v.elems[16], SimpleArg("    Print this help."));
  EXPECT_THAT(Run({"object", "help", "x"}), ErrArg("ERR wrong number of arguments"));
}

TEST_P(GenericFamilyTest, MemoryUsage) {
  Run({"set", "k", "v"});
  Run({"set", "ttl", "v", "ex", "100"});
  Run({"set", "big", std::string(1000, 'x')});
  AddList("list", {"x"});
  Value small = Run({"memory", "usage", "k"});
  ASSERT_EQ(small.type, Value::Type::kInteger) << small.ToString();
  EXPECT_GE(small.integer, 2);  // at least the key and value bytes
  EXPECT_LT(small.integer, 64);
  // The TTL words cost 16 bytes; the name is as long.
  Value with_ttl = Run({"memory", "usage", "ttl"});
  EXPECT_EQ(with_ttl.integer, small.integer + 2 + 16);
  EXPECT_GE(Run({"memory", "usage", "big"}).integer, 1000);
  EXPECT_GE(Run({"memory", "usage", "list"}).integer, 1000);  // TestList says 1000
  EXPECT_THAT(Run({"memory", "usage", "k", "samples", "5"}), IntArg(small.integer));
  EXPECT_THAT(Run({"memory", "usage", "k", "SAMPLES", "0"}), IntArg(small.integer));
  EXPECT_THAT(Run({"memory", "usage", "missing"}), NilArg());
  EXPECT_THAT(Run({"memory", "usage", "k", "samples", "-1"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"memory", "usage", "k", "samples", "x"}),
              ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"memory", "usage", "k", "samples"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"memory", "usage", "k", "foo"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"memory", "usage"}), ErrArg("ERR wrong number of arguments"));
}

TEST_P(GenericFamilyTest, MemoryHelp) {
  Value v = Run({"memory", "help"});
  ASSERT_EQ(v.type, Value::Type::kArray) << v.ToString();
  ASSERT_GE(v.elems.size(), 5u);
  EXPECT_THAT(v.elems.front(),
              SimpleArg("MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
  EXPECT_THAT(v.elems[1], SimpleArg("USAGE <key> [SAMPLES <count>]"));
  EXPECT_THAT(v.elems.back(), SimpleArg("    Print this help."));
}

INSTANTIATE_TEST_SUITE_P(Shards, GenericFamilyTest, ShardCounts());

}  // namespace
}  // namespace shoal::engine
