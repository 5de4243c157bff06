// RdbReader on hand-built files in every packed encoding Redis has written: ziplists (RDB
// 9 and older), quicklists of ziplists, quicklist 2 (plain and packed nodes), intsets,
// listpacks, the old string-score zset, stream listpacks 1 and 3 (same-fields and deleted
// entries, consumers with active times), LZF strings, FUNCTION2 (skipped).
#include <map>
#include <string>
#include <vector>

#include "engine/hash_object.h"
#include "engine/list_object.h"
#include "engine/set_object.h"
#include "engine/stream_object.h"
#include "engine/zset_object.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocol/strings.h"
#include "src/persistence/crc64.h"
#include "src/persistence/packed.h"
#include "src/persistence/rdb_format.h"
#include "src/persistence/rdb_reader.h"
#include "src/persistence/rdb_writer.h"

namespace shoal::persistence {
namespace {

using engine::ObjType;

// A ziplist of short strings (6-bit lengths), as Redis < 7 wrote them.
std::string Ziplist(const std::vector<std::string>& items) {
  std::string zl(10, '\0');
  size_t prev = 0;
  for (const std::string& item : items) {
    size_t start = zl.size();
    zl.push_back(static_cast<char>(prev));
    zl.push_back(static_cast<char>(item.size()));
    zl += item;
    prev = zl.size() - start;
  }
  zl.push_back('\xff');
  for (int i = 0; i < 4; ++i) zl[i] = static_cast<char>(zl.size() >> (8 * i));
  zl[8] = static_cast<char>(items.size());
  return zl;
}

std::string Listpack(const std::vector<std::string>& items) {
  ListpackBuilder lp;
  for (const std::string& item : items) lp.Add(item);
  return lp.Finish();
}

std::string Raw(uint64_t ms, uint64_t seq) {
  std::string s;
  for (int i = 7; i >= 0; --i) s.push_back(static_cast<char>(ms >> (8 * i)));
  for (int i = 7; i >= 0; --i) s.push_back(static_cast<char>(seq >> (8 * i)));
  return s;
}

class FileBuilder {
 public:
  explicit FileBuilder(std::string_view version) : w_(&f_) { f_ = StrCat("REDIS", version); }
  FileBuilder& Key(uint8_t type, std::string_view key) {
    f_.push_back(static_cast<char>(type));
    w_.String(key);
    return *this;
  }
  FileBuilder& Str(std::string_view s) { return w_.String(s), *this; }
  FileBuilder& Len(uint64_t n) { return w_.Len(n), *this; }
  FileBuilder& Bytes(std::string_view b) { return f_.append(b), *this; }
  FileBuilder(const FileBuilder&) = delete;  // the writer points at f_
  std::map<std::string, LoadedKey> Read() {
    std::map<std::string, LoadedKey> keys;
    EXPECT_EQ(ReadError(&keys), "");
    return keys;
  }
  std::string ReadError(std::map<std::string, LoadedKey>* keys) {
    std::string file = f_ + "\xff";
    uint64_t crc = Crc64(0, file);
    for (int i = 0; i < 8; ++i) file.push_back(static_cast<char>(crc >> (8 * i)));
    RdbReader reader(file, LoadLimits{});
    return reader.Read([&](LoadedKey&& k) { keys->emplace(k.key, std::move(k)); });
  }

 private:
  std::string f_;
  RdbWriter w_;
};

std::vector<std::string> ListItems(const LoadedKey& k) {
  std::vector<std::string> out;
  const auto* list = static_cast<const engine::ListObject*>(k.object.get());
  for (size_t i = 0; i < list->size(); ++i) out.emplace_back(list->items().At(i));
  return out;
}

TEST(RdbReaderEncodingsTest, ListsSetsZsetsHashesOfRedis6) {
  FileBuilder f("0009");
  f.Key(rdb::kTypeListZiplist, "lz").Str(Ziplist({"a", "b", "c"}));
  f.Key(rdb::kTypeListQuicklist, "lq").Len(2).Str(Ziplist({"a", "b"})).Str(Ziplist({"c"}));
  f.Key(rdb::kTypeList, "lplain").Len(2).Str("x").Str("12");
  f.Key(rdb::kTypeSetIntset, "si").Str(std::string("\x02\0\0\0\x02\0\0\0\xff\xff\x05\0", 12));
  f.Key(rdb::kTypeSet, "splain").Len(2).Str("m").Str("n");
  f.Key(rdb::kTypeZSetZiplist, "zz").Str(Ziplist({"m1", "1.5", "m2", "2"}));
  f.Key(rdb::kTypeZSet, "zold").Len(2).Str("a").Bytes("\x03" "2.5").Str("b").Bytes("\xfe");
  f.Key(rdb::kTypeHashZiplist, "hz").Str(Ziplist({"f1", "v1", "f2", "v2"}));
  f.Key(rdb::kTypeHash, "hplain").Len(1).Str("f").Str("v");
  f.Key(rdb::kTypeListZiplist, "emptylist").Str(Ziplist({}));  // skipped, as Redis does
  auto keys = f.Read();
  ASSERT_EQ(keys.size(), 9u);
  EXPECT_THAT(ListItems(keys["lz"]), ::testing::ElementsAre("a", "b", "c"));
  EXPECT_THAT(ListItems(keys["lq"]), ::testing::ElementsAre("a", "b", "c"));
  EXPECT_THAT(ListItems(keys["lplain"]), ::testing::ElementsAre("x", "12"));
  const auto* si = static_cast<const engine::SetObject*>(keys["si"].object.get());
  EXPECT_EQ(si->size(), 2u);
  EXPECT_TRUE(si->Contains("-1"));
  EXPECT_TRUE(si->Contains("5"));
  EXPECT_EQ(si->encoding(), "intset");
  EXPECT_TRUE(static_cast<const engine::SetObject*>(keys["splain"].object.get())->Contains("n"));
  const auto* zz = static_cast<const engine::ZSetObject*>(keys["zz"].object.get());
  EXPECT_EQ(zz->Score("m1"), 1.5);
  EXPECT_EQ(zz->Score("m2"), 2.0);
  const auto* zold = static_cast<const engine::ZSetObject*>(keys["zold"].object.get());
  EXPECT_EQ(zold->Score("a"), 2.5);
  EXPECT_EQ(zold->Score("b"), INFINITY);
  const auto* hz = static_cast<const engine::HashObject*>(keys["hz"].object.get());
  EXPECT_EQ(*hz->Find("f2"), "v2");
  EXPECT_EQ(keys["hz"].type, ObjType::kHash);
  EXPECT_EQ(*static_cast<const engine::HashObject*>(keys["hplain"].object.get())->Find("f"), "v");
}

TEST(RdbReaderEncodingsTest, ListpacksQuicklist2LzfFunctionsAndExpiry) {
  FileBuilder f("0011");
  f.Bytes("\xf5").Str("#!lua name=lib\nredis.register_function('f', function() end)");
  f.Key(rdb::kTypeListQuicklist2, "l").Len(2).Len(rdb::kContainerPacked).Str(Listpack({"a", "7"}));
  f.Len(rdb::kContainerPlain).Str(std::string(9000, 'P'));
  f.Key(rdb::kTypeSetListpack, "s").Str(Listpack({"x", "y"}));
  f.Key(rdb::kTypeZSetListpack, "z").Str(Listpack({"m", "3", "n", "-0.5"}));
  f.Key(rdb::kTypeHashListpack, "h").Str(Listpack({"f", "100"}));
  // "aaaaaaaa" LZF-compressed: literal "a", then a 7-byte back reference at distance 1.
  f.Bytes("\xfc").Bytes(std::string("\x10\x27\0\0\0\0\0\0", 8));  // expires at 10000 ms
  f.Key(rdb::kTypeString, "lzf").Bytes("\xc3\x04\x08").Bytes(std::string("\0a\xa0\0", 4));
  auto keys = f.Read();
  ASSERT_EQ(keys.size(), 5u);
  std::vector<std::string> l = ListItems(keys["l"]);
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[1], "7");
  EXPECT_EQ(l[2], std::string(9000, 'P'));
  EXPECT_TRUE(static_cast<const engine::SetObject*>(keys["s"].object.get())->Contains("y"));
  EXPECT_EQ(static_cast<const engine::ZSetObject*>(keys["z"].object.get())->Score("n"), -0.5);
  EXPECT_EQ(*static_cast<const engine::HashObject*>(keys["h"].object.get())->Find("f"), "100");
  EXPECT_EQ(keys["lzf"].str, "aaaaaaaa");
  EXPECT_EQ(keys["lzf"].expire_ms, 10000);
  EXPECT_EQ(keys["l"].expire_ms, 0);
}

// A node with master fields [a, b]: entry 5-0 has the same fields (flag 2), 5-1 was
// deleted (flag 1), 6-0 has its own fields.
std::string StreamNode() {
  return Listpack({"2", "1", "2", "a", "b", "0",
                   "2", "0", "0", "1", "2", "5",                   // 5-0: a=1 b=2
                   "1", "0", "1", "1", "x", "y", "6",               // 5-1 deleted
                   "0", "1", "0", "1", "c", "3", "6"});             // 6-0: c=3
}

TEST(RdbReaderEncodingsTest, StreamListpacksVersion1) {
  FileBuilder f("0009");
  f.Key(rdb::kTypeStreamListpacks, "s").Len(1).Str(Raw(5, 0)).Str(StreamNode());
  f.Len(2).Len(6).Len(0);  // length, last id
  f.Len(1).Str("g").Len(5).Len(0);  // one group, last delivered 5-0
  f.Len(1).Bytes(Raw(5, 0)).Bytes(std::string("\xe8\x03\0\0\0\0\0\0", 8)).Len(2);  // PEL
  f.Len(1).Str("alice").Bytes(std::string("\xd0\x07\0\0\0\0\0\0", 8)).Len(1).Bytes(Raw(5, 0));
  auto keys = f.Read();
  const auto* s = static_cast<const engine::StreamObject*>(keys["s"].object.get());
  ASSERT_NE(s, nullptr);
  ASSERT_EQ(s->size(), 2u);
  EXPECT_THAT(engine::StreamObject::Unpack(*s->Find({5, 0})), ::testing::ElementsAre("a", "1", "b", "2"));
  EXPECT_THAT(engine::StreamObject::Unpack(*s->Find({6, 0})), ::testing::ElementsAre("c", "3"));
  EXPECT_EQ(s->Find({5, 1}), nullptr);
  EXPECT_TRUE(s->last_id() == (engine::StreamId{6, 0}));
  EXPECT_EQ(s->entries_added(), 2u);
  const auto& g = s->groups().at("g");
  EXPECT_EQ(g.entries_read, -1);
  ASSERT_EQ(g.pel.size(), 1u);
  EXPECT_EQ(g.pel.begin()->second.consumer, "alice");
  EXPECT_EQ(g.pel.begin()->second.delivery_time, 1000);
  EXPECT_EQ(g.pel.begin()->second.delivery_count, 2u);
  EXPECT_EQ(g.consumers.at("alice").seen_time, 2000);
  EXPECT_EQ(g.consumers.at("alice").active_time, 2000);
}

TEST(RdbReaderEncodingsTest, StreamListpacksVersion3AndBrokenPel) {
  auto build = [](FileBuilder& f, bool broken) {
    f.Key(rdb::kTypeStreamListpacks3, "s").Len(1).Str(Raw(5, 0)).Str(StreamNode());
    f.Len(2).Len(6).Len(0).Len(5).Len(0).Len(5).Len(1).Len(3);  // + first, max deleted, added
    f.Len(1).Str("g").Len(6).Len(0).Len(2);                       // entries_read 2
    f.Len(broken ? 0 : 1);
    if (!broken) f.Bytes(Raw(6, 0)).Bytes(std::string(8, '\0')).Len(1);
    f.Len(1).Str("bob").Bytes(std::string("\x01\0\0\0\0\0\0\0", 8));
    f.Bytes(std::string("\x02\0\0\0\0\0\0\0", 8)).Len(1).Bytes(Raw(6, 0));
  };
  FileBuilder good("0011");
  build(good, false);
  auto keys = good.Read();
  const auto* s = static_cast<const engine::StreamObject*>(keys["s"].object.get());
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->entries_added(), 3u);
  EXPECT_TRUE(s->max_deleted_entry_id() == (engine::StreamId{5, 1}));
  EXPECT_EQ(s->groups().at("g").entries_read, 2);
  EXPECT_EQ(s->groups().at("g").consumers.at("bob").active_time, 2);
  // A consumer owning an ID that the group's PEL does not have is refused.
  FileBuilder broken("0011");
  build(broken, true);
  std::map<std::string, LoadedKey> none;
  EXPECT_THAT(broken.ReadError(&none), ::testing::HasSubstr("not in the group's PEL"));
}

}  // namespace
}  // namespace shoal::persistence
