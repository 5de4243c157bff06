// Versioned secrets (KV2.*), as OpenBao KV v2 behaves: versions, check-and-set, soft
// delete, undelete, destroy, pruning, metadata and listing, on 1 and 4 shards.
#include <string>
#include <vector>

#include "tests/engine/test_util.h"

namespace shoal::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class Kv2FamilyTest : public EngineTest {
 protected:
  // A metadata reply's (RESP2 flat) value for `name`.
  static const Value& Field(const Value& map, std::string_view name) {
    for (size_t i = 0; i + 1 < map.elems.size(); i += 2) {
      if (map.elems[i].str == name) return map.elems[i + 1];
    }
    static const Value kMissing;
    ADD_FAILURE() << "no field " << name;
    return kMissing;
  }
  int64_t MetaInt(std::string_view key, std::string_view name) {
    return Field(Run({"kv2.metadata", key}), name).integer;
  }
  // The version numbers KV2.METADATA lists.
  std::vector<std::string> Versions(std::string_view key) {
    Value versions = Field(Run({"kv2.metadata", key}), "versions");
    std::vector<std::string> out;
    for (size_t i = 0; i < versions.elems.size(); i += 2) out.push_back(versions.elems[i].str);
    return out;
  }
  // A version's entry in KV2.METADATA's versions map.
  Value VersionMeta(std::string_view key, std::string_view version) {
    Value versions = Field(Run({"kv2.metadata", key}), "versions");
    return Field(versions, version);
  }
};

std::vector<std::string> Strings(const Value& v) {
  std::vector<std::string> out;
  for (const Value& e : v.elems) out.push_back(e.str);
  return out;
}

TEST_P(Kv2FamilyTest, PutGetVersions) {
  EXPECT_THAT(Run({"kv2.get", "s"}), NilArg());
  EXPECT_THAT(Run({"kv2.put", "s", "user", "u1", "pass", "p1"}), IntArg(1));
  EXPECT_THAT(Run({"kv2.put", "s", "pass", "p2"}), IntArg(2));
  EXPECT_THAT(Strings(Run({"kv2.get", "s"})), ElementsAre("pass", "p2"));
  EXPECT_THAT(Strings(Run({"kv2.get", "s", "version", "1"})),
              ElementsAre("pass", "p1", "user", "u1"));
  EXPECT_THAT(Strings(Run({"kv2.get", "s", "VERSION", "0"})), ElementsAre("pass", "p2"));
  EXPECT_THAT(Run({"kv2.get", "s", "version", "3"}), NilArg());
  EXPECT_THAT(Run({"type", "s"}), SimpleArg("kv2"));
  EXPECT_THAT(Run({"object", "encoding", "s"}), BulkArg("versioned"));
  // A field given twice: the last value wins.
  EXPECT_THAT(Run({"kv2.put", "s", "a", "1", "a", "2"}), IntArg(3));
  EXPECT_THAT(Strings(Run({"kv2.get", "s"})), ElementsAre("a", "2"));
  // RESP3: a map.
  Run({"hello", "3"});
  Value v = Run({"kv2.get", "s"});
  EXPECT_EQ(v.type, Value::Type::kMap);
  EXPECT_THAT(Strings(v), ElementsAre("a", "2"));
}

TEST_P(Kv2FamilyTest, ErrorsAndArity) {
  EXPECT_THAT(Run({"kv2.put", "s", "f"}), ErrArg("ERR wrong number of arguments for 'kv2.put'"));
  EXPECT_THAT(Run({"kv2.put", "s", "f", "v", "g"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"kv2.get"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"kv2.get", "s", "version"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"kv2.get", "s", "vers", "1"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"kv2.get", "s", "version", "-1"}), ErrArg("ERR version must be"));
  EXPECT_THAT(Run({"kv2.get", "s", "version", "x"}), ErrArg("ERR version must be"));
  EXPECT_THAT(Run({"kv2.undelete", "s"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"kv2.undelete", "s", "versions"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"kv2.delete", "s", "versions"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"kv2.delete", "s", "bogus", "1"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"kv2.destroy", "s", "versions", "0"}), ErrArg("ERR version must be"));
  EXPECT_THAT(Run({"kv2.metadata", "s", "x"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"kv2.list"}), ErrArg("ERR wrong number of arguments"));
  // Wrong type both ways.
  Run({"set", "str", "v"});
  EXPECT_THAT(Run({"kv2.put", "str", "f", "v"}), ErrArg("WRONGTYPE"));
  EXPECT_THAT(Run({"kv2.get", "str"}), ErrArg("WRONGTYPE"));
  EXPECT_THAT(Run({"kv2.metadata", "str"}), ErrArg("WRONGTYPE"));
  EXPECT_THAT(Run({"kv2.delete", "str"}), ErrArg("WRONGTYPE"));
  EXPECT_THAT(Run({"kv2.config", "str", "max-versions", "3"}), ErrArg("WRONGTYPE"));
  Run({"kv2.put", "s", "f", "v"});
  EXPECT_THAT(Run({"get", "s"}), ErrArg("WRONGTYPE"));
  EXPECT_THAT(Run({"hget", "s", "f"}), ErrArg("WRONGTYPE"));
}

TEST_P(Kv2FamilyTest, CheckAndSet) {
  // CAS 0: only when the key has no version yet.
  EXPECT_THAT(Run({"kv2.put", "s", "f", "v1", "cas", "0"}), IntArg(1));
  EXPECT_THAT(Run({"kv2.put", "s", "f", "v2", "CAS", "0"}),
              ErrArg("CASMISMATCH check-and-set parameter did not match the current version"));
  EXPECT_THAT(Run({"kv2.put", "s", "f", "v2", "cas", "2"}), ErrArg("CASMISMATCH"));
  EXPECT_THAT(Run({"kv2.put", "s", "f", "v2", "cas", "1"}), IntArg(2));
  EXPECT_THAT(Strings(Run({"kv2.get", "s"})), ElementsAre("f", "v2"));
  // Not a number: the last two arguments are a field pair.
  EXPECT_THAT(Run({"kv2.put", "s", "f", "v3", "cas", "x"}), IntArg(3));
  EXPECT_THAT(Strings(Run({"kv2.get", "s"})), ElementsAre("cas", "x", "f", "v3"));
  // A lone "cas n" pair is data too.
  EXPECT_THAT(Run({"kv2.put", "t", "cas", "5"}), IntArg(1));
  EXPECT_THAT(Strings(Run({"kv2.get", "t"})), ElementsAre("cas", "5"));
  // cas_required refuses a write without CAS.
  EXPECT_THAT(Run({"kv2.config", "s", "cas-required", "yes"}), OkArg());
  EXPECT_THAT(Run({"kv2.put", "s", "f", "v4"}),
              ErrArg("ERR check-and-set parameter required for this call"));
  EXPECT_THAT(Run({"kv2.patch", "s", "f", "v4"}), ErrArg("ERR check-and-set parameter required"));
  EXPECT_THAT(Run({"kv2.put", "s", "f", "v4", "cas", "3"}), IntArg(4));
  EXPECT_THAT(Run({"kv2.config", "s", "cas-required", "no"}), OkArg());
  EXPECT_THAT(Run({"kv2.put", "s", "f", "v5"}), IntArg(5));
}

TEST_P(Kv2FamilyTest, Patch) {
  EXPECT_THAT(Run({"kv2.patch", "s", "f", "v"}), ErrArg("ERR no live version to patch"));
  Run({"kv2.put", "s", "a", "1", "b", "2"});
  EXPECT_THAT(Run({"kv2.patch", "s", "b", "3", "c", "4"}), IntArg(2));
  EXPECT_THAT(Strings(Run({"kv2.get", "s"})), ElementsAre("a", "1", "b", "3", "c", "4"));
  EXPECT_THAT(Run({"kv2.patch", "s", "a", "9", "cas", "1"}), ErrArg("CASMISMATCH"));
  EXPECT_THAT(Run({"kv2.patch", "s", "a", "9", "cas", "2"}), IntArg(3));
  // The latest version deleted: nothing to patch.
  EXPECT_THAT(Run({"kv2.delete", "s"}), IntArg(1));
  EXPECT_THAT(Run({"kv2.patch", "s", "a", "1"}), ErrArg("ERR no live version to patch"));
  // A key with metadata only has no live version either.
  Run({"kv2.config", "m", "max-versions", "3"});
  EXPECT_THAT(Run({"kv2.patch", "m", "a", "1"}), ErrArg("ERR no live version to patch"));
}

TEST_P(Kv2FamilyTest, DeleteUndeleteDestroy) {
  EXPECT_THAT(Run({"kv2.delete", "s"}), IntArg(0));
  EXPECT_THAT(Run({"kv2.destroy", "s", "versions", "1"}), IntArg(0));
  Run({"kv2.put", "s", "f", "v1"});
  Run({"kv2.put", "s", "f", "v2"});
  Run({"kv2.put", "s", "f", "v3"});
  AdvanceTime(1000);
  // Soft delete of the latest version.
  EXPECT_THAT(Run({"kv2.delete", "s"}), IntArg(1));
  EXPECT_THAT(Run({"kv2.delete", "s"}), IntArg(0));
  EXPECT_THAT(Run({"kv2.get", "s"}), NilArg());
  EXPECT_GT(VersionMeta("s", "3").elems[3].integer, 0);  // deletion_time
  // Named versions; missing ones are ignored.
  EXPECT_THAT(Run({"kv2.delete", "s", "versions", "1", "3", "7"}), IntArg(1));
  EXPECT_THAT(Run({"kv2.get", "s", "version", "1"}), NilArg());
  EXPECT_THAT(Strings(Run({"kv2.get", "s", "version", "2"})), ElementsAre("f", "v2"));
  EXPECT_THAT(Run({"kv2.undelete", "s", "versions", "1", "2", "3"}), IntArg(2));
  EXPECT_THAT(Strings(Run({"kv2.get", "s", "version", "1"})), ElementsAre("f", "v1"));
  EXPECT_THAT(Strings(Run({"kv2.get", "s"})), ElementsAre("f", "v3"));
  EXPECT_EQ(VersionMeta("s", "3").elems[3].integer, 0);
  // Destroy wipes for good, also a deleted version.
  Run({"kv2.delete", "s", "versions", "2"});
  EXPECT_THAT(Run({"kv2.destroy", "s", "versions", "2", "3"}), IntArg(2));
  EXPECT_THAT(Run({"kv2.destroy", "s", "versions", "2"}), IntArg(0));
  EXPECT_THAT(Run({"kv2.undelete", "s", "versions", "2"}), IntArg(0));
  EXPECT_THAT(Run({"kv2.delete", "s", "versions", "3"}), IntArg(0));
  EXPECT_THAT(Run({"kv2.get", "s", "version", "3"}), NilArg());
  EXPECT_EQ(VersionMeta("s", "3").elems[5].integer, 1);  // destroyed
  EXPECT_EQ(VersionMeta("s", "1").elems[5].integer, 0);
  // A new write after a destroyed latest version gets the next number.
  EXPECT_THAT(Run({"kv2.put", "s", "f", "v4"}), IntArg(4));
  // DEL removes the key with all its versions.
  EXPECT_THAT(Run({"del", "s"}), IntArg(1));
  EXPECT_THAT(Run({"kv2.metadata", "s"}), NilArg());
  EXPECT_THAT(Run({"kv2.put", "s", "f", "v"}), IntArg(1));
}

TEST_P(Kv2FamilyTest, MetadataAndPruning) {
  EXPECT_THAT(Run({"kv2.metadata", "s"}), NilArg());
  const int64_t t0 = Run({"time"}).elems[0].integer * 1000;
  Run({"kv2.put", "s", "f", "v"});
  EXPECT_EQ(MetaInt("s", "current_version"), 1);
  EXPECT_EQ(MetaInt("s", "oldest_version"), 0);
  EXPECT_EQ(MetaInt("s", "max_versions"), 10);
  EXPECT_EQ(MetaInt("s", "cas_required"), 0);
  EXPECT_GE(MetaInt("s", "created_time"), t0);
  AdvanceTime(5000);
  Run({"kv2.put", "s", "f", "v"});
  EXPECT_EQ(MetaInt("s", "updated_time"), MetaInt("s", "created_time") + 5000);
  // Pruning, as OpenBao: keep max_versions versions, oldest_version moves on.
  EXPECT_THAT(Run({"kv2.config", "s", "max-versions", "3"}), OkArg());
  EXPECT_THAT(Versions("s"), ElementsAre("1", "2"));
  Run({"kv2.put", "s", "f", "v3"});
  EXPECT_THAT(Versions("s"), ElementsAre("1", "2", "3"));
  EXPECT_EQ(MetaInt("s", "oldest_version"), 1);
  Run({"kv2.put", "s", "f", "v4"});
  Run({"kv2.put", "s", "f", "v5"});
  EXPECT_THAT(Versions("s"), ElementsAre("3", "4", "5"));
  EXPECT_EQ(MetaInt("s", "oldest_version"), 3);
  EXPECT_THAT(Run({"kv2.get", "s", "version", "2"}), NilArg());
  // Lowering takes effect at the next write.
  Run({"kv2.config", "s", "max-versions", "1"});
  EXPECT_THAT(Versions("s"), ElementsAre("3", "4", "5"));
  Run({"kv2.put", "s", "f", "v6"});
  EXPECT_THAT(Versions("s"), ElementsAre("6"));
  // 0 means the default.
  Run({"kv2.config", "s", "max-versions", "0"});
  EXPECT_EQ(MetaInt("s", "max_versions"), 10);
  // Custom metadata: replaced as a whole, sorted.
  EXPECT_THAT(Run({"kv2.config", "s", "custom", "owner", "ops", "env", "prod"}), OkArg());
  EXPECT_THAT(Strings(Field(Run({"kv2.metadata", "s"}), "custom_metadata")),
              ElementsAre("env", "prod", "owner", "ops"));
  Run({"kv2.config", "s", "custom"});
  EXPECT_THAT(Field(Run({"kv2.metadata", "s"}), "custom_metadata").elems, IsEmpty());
  // Config errors, and nothing changes on an error.
  EXPECT_THAT(Run({"kv2.config", "s", "max-versions", "-1"}), ErrArg("ERR max-versions must"));
  EXPECT_THAT(Run({"kv2.config", "s", "max-versions", "x"}), ErrArg("ERR max-versions must"));
  EXPECT_THAT(Run({"kv2.config", "s", "cas-required", "maybe"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"kv2.config", "s", "max-versions", "4", "bogus", "1"}),
              ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"kv2.config", "s", "max-versions"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"kv2.config", "s", "custom", "k"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"kv2.config", "s", "custom", std::string(129, 'k'), "v"}),
              ErrArg("ERR custom metadata allows"));
  EXPECT_EQ(MetaInt("s", "max_versions"), 10);
  // Metadata first: a key with no version, which CAS 0 may then write.
  EXPECT_THAT(Run({"kv2.config", "m", "cas-required", "yes"}), OkArg());
  EXPECT_EQ(MetaInt("m", "current_version"), 0);
  EXPECT_THAT(Run({"kv2.get", "m"}), NilArg());
  EXPECT_THAT(Run({"kv2.put", "m", "f", "v"}), ErrArg("ERR check-and-set parameter required"));
  EXPECT_THAT(Run({"kv2.put", "m", "f", "v", "cas", "0"}), IntArg(1));
  // RESP3: maps and booleans.
  Run({"hello", "3"});
  Value meta = Run({"kv2.metadata", "m"});
  EXPECT_EQ(meta.type, Value::Type::kMap);
  EXPECT_EQ(Field(meta, "cas_required").type, Value::Type::kBoolean);
}

TEST_P(Kv2FamilyTest, List) {
  for (const char* key : {"app/db", "app/api/key", "app/api/cert", "app/web", "apple", "top"}) {
    Run({"kv2.put", key, "f", "v"});
  }
  Run({"set", "app/plain", "not a secret"});
  EXPECT_THAT(Strings(Run({"kv2.list", "app"})), ElementsAre("api/", "db", "web"));
  EXPECT_THAT(Strings(Run({"kv2.list", "app/"})), ElementsAre("api/", "db", "web"));
  EXPECT_THAT(Strings(Run({"kv2.list", "app/api"})), ElementsAre("cert", "key"));
  EXPECT_THAT(Strings(Run({"kv2.list", ""})), ElementsAre("app/", "apple", "top"));
  EXPECT_THAT(Strings(Run({"kv2.list", "/"})), ElementsAre("app/", "apple", "top"));
  EXPECT_THAT(Run({"kv2.list", "nothing"}).elems, IsEmpty());
  // Expired keys are not listed.
  Run({"pexpire", "app/web", "10"});
  AdvanceTime(20);
  EXPECT_THAT(Strings(Run({"kv2.list", "app"})), ElementsAre("api/", "db"));
}

TEST_P(Kv2FamilyTest, GenericCommands) {
  Run({"kv2.put", "s", "f", "v1"});
  Run({"kv2.put", "s", "f", "v2"});
  EXPECT_THAT(Run({"copy", "s", "c"}), IntArg(1));
  Run({"kv2.put", "c", "f", "v3"});
  EXPECT_EQ(MetaInt("s", "current_version"), 2);
  EXPECT_EQ(MetaInt("c", "current_version"), 3);
  EXPECT_THAT(Run({"rename", "c", "r"}), OkArg());
  EXPECT_THAT(Strings(Run({"kv2.get", "r"})), ElementsAre("f", "v3"));
  Value scan = Run({"scan", "0", "type", "kv2", "count", "100"});
  EXPECT_THAT(Strings(scan.elems[1]), ::testing::UnorderedElementsAre("s", "r"));
  EXPECT_THAT(Run({"expire", "s", "1"}), IntArg(1));
  AdvanceTime(1001);
  EXPECT_THAT(Run({"kv2.get", "s"}), NilArg());
  EXPECT_THAT(Run({"exists", "s"}), IntArg(0));
  EXPECT_GT(Run({"memory", "usage", "r"}).integer, 0);
}

// KV2.RESTORE: the state an AOF rewrite writes, restored exactly.
TEST_P(Kv2FamilyTest, Restore) {
  EXPECT_THAT(Run({"kv2.restore", "r", "3", "1", "100", "200", "5", "1", "1", "o", "ops", "2",
                   "2", "110", "150", "0", "1", "f", "v2", "3", "120", "0", "1", "0"}),
              OkArg());
  EXPECT_EQ(MetaInt("r", "current_version"), 3);
  EXPECT_EQ(MetaInt("r", "oldest_version"), 1);
  EXPECT_EQ(MetaInt("r", "created_time"), 100);
  EXPECT_EQ(MetaInt("r", "updated_time"), 200);
  EXPECT_EQ(MetaInt("r", "max_versions"), 5);
  EXPECT_EQ(MetaInt("r", "cas_required"), 1);
  EXPECT_THAT(Versions("r"), ElementsAre("2", "3"));
  EXPECT_EQ(VersionMeta("r", "2").elems[3].integer, 150);
  EXPECT_EQ(VersionMeta("r", "3").elems[5].integer, 1);
  EXPECT_THAT(Run({"kv2.get", "r"}), NilArg());  // 3 is destroyed
  EXPECT_THAT(Run({"kv2.get", "r", "version", "2"}), NilArg());  // deleted
  EXPECT_THAT(Run({"kv2.undelete", "r", "versions", "2"}), IntArg(1));
  EXPECT_THAT(Strings(Run({"kv2.get", "r", "version", "2"})), ElementsAre("f", "v2"));
  // It replaces whatever was there.
  Run({"set", "s", "x"});
  EXPECT_THAT(Run({"kv2.restore", "s", "0", "0", "1", "1", "10", "0", "0", "0"}), OkArg());
  EXPECT_THAT(Run({"type", "s"}), SimpleArg("kv2"));
  // Malformed states.
  EXPECT_THAT(Run({"kv2.restore", "s", "0", "0", "1", "1", "10", "0", "0", "1"}),
              ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"kv2.restore", "s", "1", "0", "1", "1", "10", "0", "0", "1", "5", "1", "0",
                   "0", "0"}),
              ErrArg("ERR syntax error"));  // version past current
  EXPECT_THAT(Run({"kv2.restore", "s", "x", "0", "1", "1", "10", "0", "0", "0"}),
              ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"kv2.restore", "s", "0", "0", "1", "1", "10", "0", "9", "0"}),
              ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"kv2.restore", "s", "0", "0", "1", "1", "10", "0", "0", "0", "extra"}),
              ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"kv2.restore", "s", "0"}), ErrArg("ERR wrong number of arguments"));
}

INSTANTIATE_TEST_SUITE_P(Shards, Kv2FamilyTest, ShardCounts());

}  // namespace
}  // namespace shoal::engine
