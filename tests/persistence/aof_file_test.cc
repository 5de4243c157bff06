// The AOF files: writing (src/persistence/aof.h), rewriting (aof_rewrite.h) and replaying
// (aof_load.h), including the torn-tail and corrupt-file cases, on a real temp directory.
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <future>
#include <fstream>
#include <sstream>

#include "src/persistence/aof.h"
#include "src/persistence/aof_load.h"
#include "protocol/strings.h"
#include "tests/engine/test_util.h"

namespace shoal::server {
namespace {

using engine::ArrArg;
using engine::BulkArg;
using engine::IntArg;
using engine::NilArg;
using engine::SimpleArg;
using engine::StrArray;
using engine::Value;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Resp(std::initializer_list<std::string_view> args) {
  std::string out;
  std::vector<std::string_view> v(args);
  AppendResp(&out, engine::ArgList(v.data(), v.size()));
  return out;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteAll(const std::string& path, std::string_view data) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

class AofFileTest : public engine::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    char tmpl[] = "/tmp/shoal-aof-test-XXXXXX";
    root_ = mkdtemp(tmpl);
    paths_ = AofPaths{root_ + "/appendonlydir", "appendonly.aof"};
    std::filesystem::create_directories(paths_.dir);
  }
  void TearDown() override {
    EngineTest::TearDown();
    std::filesystem::remove_all(root_);
  }
  // A fresh engine (a restart), with the files left as they are.
  void Restart() { EngineTest::TearDown(); EngineTest::SetUp(); }
  AofLoadResult Load() {
    std::ostringstream log;
    AofLoadResult r = LoadAof(*engine_, paths_, log);
    log_ = log.str();
    return r;
  }
  // Files as a crash would leave them: manifest, base (may be empty), incr.
  void WriteFiles(std::string_view base, std::string_view incr) {
    WriteAll(paths_.file("appendonly.aof.1.base.aof"), base);
    WriteAll(paths_.file("appendonly.aof.1.incr.aof"), incr);
    WriteAll(paths_.manifest(),
             "file appendonly.aof.1.base.aof seq 1 type b\n"
             "file appendonly.aof.1.incr.aof seq 1 type i\n");
  }

  std::string root_;
  AofPaths paths_;
  std::string log_;
};

TEST_P(AofFileTest, NoManifestLoadsNothing) {
  AofLoadResult r = Load();
  EXPECT_FALSE(r.found);
  EXPECT_TRUE(r.error.empty());
}

TEST_P(AofFileTest, ReplaysBaseThenIncrWithSelectAndMultiExec) {
  WriteFiles(Resp({"SELECT", "0"}) + Resp({"SET", "a", "base"}) + Resp({"RPUSH", "l", "x"}),
             Resp({"SELECT", "0"}) + Resp({"SET", "a", "incr"}) + Resp({"MULTI"}) +
                 Resp({"INCR", "{m}n"}) + Resp({"SELECT", "3"}) + Resp({"SET", "{m}k", "v"}) +
                 Resp({"EXEC"}) + Resp({"HSET", "h", "f", "v"}));
  AofLoadResult r = Load();
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_TRUE(r.found);
  EXPECT_FALSE(r.truncated);
  EXPECT_THAT(Run({"get", "a"}), BulkArg("incr"));
  EXPECT_THAT(Run({"get", "{m}n"}), BulkArg("1"));
  EXPECT_THAT(StrArray(Run({"lrange", "l", "0", "-1"})), ElementsAre("x"));
  Run({"select", "3"});
  EXPECT_THAT(Run({"get", "{m}k"}), BulkArg("v"));
  EXPECT_THAT(Run({"hget", "h", "f"}), BulkArg("v"));
}

TEST_P(AofFileTest, TornTailIsCutOffAndLogged) {
  std::string whole = Resp({"SELECT", "0"}) + Resp({"SET", "a", "1"}) + Resp({"SET", "b", "2"});
  std::string torn = Resp({"SET", "c", "3"});
  WriteFiles("", whole + torn.substr(0, torn.size() - 4));
  AofLoadResult r = Load();
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_TRUE(r.truncated);
  EXPECT_THAT(log_, HasSubstr("short read while loading the AOF file appendonly.aof.1.incr.aof"));
  EXPECT_THAT(log_, HasSubstr("loaded anyway because aof-load-truncated is enabled"));
  EXPECT_EQ(ReadAll(paths_.file("appendonly.aof.1.incr.aof")), whole);
  EXPECT_THAT(Run({"get", "b"}), BulkArg("2"));
  EXPECT_THAT(Run({"exists", "c"}), IntArg(0));
}

TEST_P(AofFileTest, TornTailIsAnErrorWithoutAofLoadTruncated) {
  std::string whole = Resp({"SELECT", "0"}) + Resp({"SET", "a", "1"});
  WriteFiles("", whole + "*2\r\n$3\r\nDEL");
  std::ostringstream log;
  AofLoadResult r = LoadAof(*engine_, paths_, log, /*load_truncated=*/false);
  EXPECT_THAT(r.error, HasSubstr("Unexpected end of file reading the append only file "
                                 "appendonly.aof.1.incr.aof at offset " +
                                 std::to_string(whole.size())));
  EXPECT_THAT(r.error, HasSubstr("aof-load-truncated"));
}

TEST_P(AofFileTest, UnfinishedMultiAtTheTailIsDropped) {
  std::string whole = Resp({"SELECT", "0"}) + Resp({"SET", "a", "1"});
  WriteFiles("", whole + Resp({"MULTI"}) + Resp({"SET", "{x}b", "2"}) + Resp({"SET", "{x}c", "3"}));
  AofLoadResult r = Load();
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_TRUE(r.truncated);
  EXPECT_EQ(ReadAll(paths_.file("appendonly.aof.1.incr.aof")), whole);
  EXPECT_THAT(Run({"get", "a"}), BulkArg("1"));
  EXPECT_THAT(Run({"exists", "{x}b", "{x}c"}), IntArg(0));
}

TEST_P(AofFileTest, GarbageInTheMiddleRefusesToLoad) {
  std::string head = Resp({"SELECT", "0"}) + Resp({"SET", "a", "1"});
  WriteFiles("", head + "garbage\r\n" + Resp({"SET", "b", "2"}));
  AofLoadResult r = Load();
  EXPECT_THAT(r.error, HasSubstr("Bad file format reading the append only file "
                                 "appendonly.aof.1.incr.aof at offset " +
                                 std::to_string(head.size())));
  // A bad length inside a record is damage too, not a torn tail.
  WriteFiles("", head + "*2\r\n$3\r\nDEL\r\n$x\r\nb\r\n" + Resp({"SET", "b", "2"}));
  EXPECT_THAT(Load().error, HasSubstr("at offset " + std::to_string(head.size())));
}

TEST_P(AofFileTest, TornBaseRefusesToLoad) {
  std::string torn = Resp({"SET", "a", "1"});
  WriteFiles(torn.substr(0, 5), Resp({"SET", "b", "2"}));
  EXPECT_THAT(Load().error, HasSubstr("appendonly.aof.1.base.aof"));
}

TEST_P(AofFileTest, BadManifestRefusesToLoad) {
  WriteAll(paths_.manifest(), "file appendonly.aof.1.incr.aof seq x type i\n");
  EXPECT_THAT(Load().error, HasSubstr("Invalid AOF manifest file format at line 1"));
  WriteAll(paths_.manifest(), "file missing.aof seq 1 type i\n");
  EXPECT_THAT(Load().error, HasSubstr("missing.aof"));
}

// appendfsync always: WhenDurable calls back once an fsync covers the write; under the
// other policies nobody waits.
TEST_P(AofFileTest, GroupCommitCallsBackOnceDurable) {
  Aof aof(engine_.get(), paths_);
  aof.set_fsync(Aof::Fsync::kAlways);
  ASSERT_EQ(aof.Open(), "");
  std::string_view set[] = {"SET", "k", "v"};
  std::vector<std::promise<void>> done(20);
  for (auto& p : done) {
    uint64_t lsn = aof.Append(0, engine::ArgList(set, 3), 0);
    if (!aof.WhenDurable(lsn, [&p] { p.set_value(); })) p.set_value();  // already durable
  }
  for (auto& p : done) {
    EXPECT_EQ(p.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  }
  aof.set_fsync(Aof::Fsync::kEverySec);
  EXPECT_FALSE(aof.WhenDurable(aof.Append(0, engine::ArgList(set, 3), 0), [] {}));
  engine_->set_journal(nullptr);
  aof.Close();
  std::string incr = ReadAll(paths_.file("appendonly.aof.1.incr.aof"));
  EXPECT_EQ(incr.size(), Resp({"SELECT", "0"}).size() + 21 * Resp({"SET", "k", "v"}).size());
}

// Everything the Aof writes (the first base, appends, a rewrite) replays to the same data.
TEST_P(AofFileTest, WrittenFilesReplayToTheSameDataset) {
  Value kv2_before;
  int64_t retain_until = 0;
  Run({"set", "before", "open"});  // in the first base
  {
    Aof aof(engine_.get(), paths_);
    ASSERT_EQ(aof.Open(), "");
    EXPECT_EQ(engine_->journal(), &aof);
    Run({"set", "s", "v", "ex", "1000"});
    Run({"rpush", "l", "a", "b", "c"});
    Run({"sadd", "set", "1", "2", "x"});
    Run({"zadd", "z", "1.5", "m", "-2", "n"});
    Run({"hset", "h", "f", "1", "g", "2"});
    Run({"xadd", "st", "1-1", "f", "v"});
    Run({"xadd", "st", "2-1", "f", "w"});
    Run({"xgroup", "create", "st", "g", "0"});
    Run({"xreadgroup", "group", "g", "alice", "count", "1", "streams", "st", ">"});
    Run({"select", "5"});
    Run({"incrbyfloat", "f", "2.5"});
    Run({"select", "0"});
    // Shoal's own: a versioned secret (KV2.RESTORE in the base), tags, retention, hold.
    Run({"kv2.put", "secret", "user", "u1"});
    Run({"kv2.put", "secret", "user", "u2"});
    Run({"kv2.delete", "secret", "versions", "1"});
    Run({"kv2.config", "secret", "cas-required", "yes", "custom", "owner", "ops"});
    Run({"tag.set", "h", "env", "prod"});
    Run({"retain", "h", "3600"});
    Run({"legalhold", "l", "on"});
    kv2_before = Run({"kv2.metadata", "secret"});
    retain_until = Run({"retain", "h"}).integer;
    ASSERT_TRUE(aof.StartRewrite());
    aof.WaitRewrite();
    Run({"set", "after", "rewrite"});
    Run({"del", "before"});
    engine_->set_journal(nullptr);
    aof.Close();
  }
  const int64_t ttl_at = NowMs() + 1000 * 1000;
  Restart();
  AofLoadResult r = Load();
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_THAT(Run({"get", "s"}), BulkArg("v"));
  EXPECT_THAT(Run({"pexpiretime", "s"}), IntArg(ttl_at));
  EXPECT_THAT(StrArray(Run({"lrange", "l", "0", "-1"})), ElementsAre("a", "b", "c"));
  EXPECT_THAT(Run({"scard", "set"}), IntArg(3));
  EXPECT_THAT(StrArray(Run({"zrange", "z", "0", "-1", "withscores"})),
              ElementsAre("n", "-2", "m", "1.5"));
  EXPECT_THAT(Run({"hget", "h", "g"}), BulkArg("2"));
  EXPECT_THAT(Run({"xlen", "st"}), IntArg(2));
  Value pending = Run({"xpending", "st", "g"});
  ASSERT_EQ(pending.elems.size(), 4u);
  EXPECT_THAT(pending.elems[0], IntArg(1));
  EXPECT_THAT(pending.elems[1], BulkArg("1-1"));
  EXPECT_THAT(Run({"get", "after"}), BulkArg("rewrite"));
  EXPECT_THAT(Run({"exists", "before"}), IntArg(0));
  EXPECT_EQ(Run({"kv2.metadata", "secret"}), kv2_before);
  EXPECT_THAT(StrArray(Run({"kv2.get", "secret"})), ElementsAre("user", "u2"));
  EXPECT_THAT(Run({"kv2.get", "secret", "version", "1"}), NilArg());
  EXPECT_THAT(StrArray(Run({"tag.get", "h"})), ElementsAre("env", "prod"));
  EXPECT_THAT(Run({"retain", "h"}), IntArg(retain_until));
  EXPECT_THAT(Run({"legalhold", "l", "status"}), SimpleArg("ON"));
  Run({"select", "5"});
  EXPECT_THAT(Run({"get", "f"}), BulkArg("2.5"));
  // One base and one incr file remain, listed in the manifest.
  std::string manifest = ReadAll(paths_.manifest());
  EXPECT_EQ(manifest, "file appendonly.aof.2.base.aof seq 2 type b\n"
                      "file appendonly.aof.2.incr.aof seq 2 type i\n");
  EXPECT_FALSE(std::filesystem::exists(paths_.file("appendonly.aof.1.incr.aof")));
}

// BGREWRITEAOF does not stop the shards: its base is a snapshot that the shards write
// between commands, so writes made while it runs are served at once, go to the new incr
// file, and never leak into the base.
TEST_P(AofFileTest, RewriteBaseIsTheDatasetAtItsStart) {
  constexpr int kKeys = 3000;
  for (int i = 0; i < kKeys; ++i) Run({"set", shoal::StrCat("k", i), "old"});
  {
    Aof aof(engine_.get(), paths_);
    ASSERT_EQ(aof.Open(), "");
    ASSERT_TRUE(aof.StartRewrite());
    for (int i = 0; i < kKeys; ++i) Run({"set", shoal::StrCat("k", i), "new"});
    Run({"del", "k0"});
    aof.WaitRewrite();
    engine_->set_journal(nullptr);
    aof.Close();
  }
  // The base is the dataset at one instant (when the rewrite's transaction ran): the
  // keys written before it hold "new", the rest "old". The writes went in key order, so
  // the "new" keys are k0 .. k(n-1) for some n.
  std::string base = ReadAll(paths_.file("appendonly.aof.2.base.aof"));
  std::map<int, std::string> values;
  for (size_t at = base.find("SET\r\n"); at != std::string::npos;
       at = base.find("SET\r\n", at + 1)) {
    size_t key = base.find("\r\nk", at + 5) + 2;  // at the "k"
    size_t key_end = base.find("\r\n", key);
    size_t value = base.find("\r\n", key_end + 2) + 2;
    values[std::stoi(base.substr(key + 1, key_end - key - 1))] = base.substr(value, 3);
  }
  size_t n = 0;
  while (n < kKeys && values.count(static_cast<int>(n)) && values[static_cast<int>(n)] == "new") {
    ++n;
  }
  for (int i = 0; i < kKeys; ++i) {
    if (i == 0 && values.count(0) == 0) continue;  // deleted before the instant
    ASSERT_EQ(values[i], static_cast<size_t>(i) < n ? "new" : "old") << "k" << i << " n=" << n;
  }
  Restart();
  AofLoadResult r = Load();
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_THAT(Run({"get", "k1"}), BulkArg("new"));
  EXPECT_THAT(Run({"get", shoal::StrCat("k", kKeys - 1)}), BulkArg("new"));
  EXPECT_THAT(Run({"exists", "k0"}), IntArg(0));
  EXPECT_THAT(Run({"dbsize"}), IntArg(kKeys - 1));
}

std::string Annotation(int64_t ms) { return shoal::StrCat("#TS-MS:", ms, "\r\n"); }

// The value of `name` in a RESP2 flat map reply ([name, value, name, value, ...]).
Value Field(const Value& map, std::string_view name) {
  for (size_t i = 0; i + 1 < map.elems.size(); i += 2) {
    if (map.elems[i].str == name) return map.elems[i + 1];
  }
  return Value{};
}

// The time annotation goes before an entry only when the command time changed since the
// last one in the incr file: a group (EXEC) gets one, at its own time.
TEST_P(AofFileTest, WriterAnnotatesOnlyWhenTheTimeChanges) {
  const int64_t t0 = NowMs();
  {
    Aof aof(engine_.get(), paths_);
    ASSERT_EQ(aof.Open(), "");
    Run({"set", "a", "1"});
    Run({"set", "b", "2"});
    Run({"get", "a"});  // not logged
    AdvanceTime(5);
    Run({"set", "c", "3"});
    AdvanceTime(7);
    Run({"multi"});
    Run({"set", "{t}x", "1"});
    Run({"incr", "{t}y"});
    Run({"exec"});
    Run({"set", "d", "4"});
    engine_->set_journal(nullptr);
    aof.Close();
  }
  EXPECT_EQ(ReadAll(paths_.file("appendonly.aof.1.incr.aof")),
            Annotation(t0) + Resp({"SELECT", "0"}) + Resp({"set", "a", "1"}) +
                Resp({"set", "b", "2"}) + Annotation(t0 + 5) + Resp({"set", "c", "3"}) +
                Annotation(t0 + 12) + Resp({"MULTI"}) + Resp({"set", "{t}x", "1"}) +
                Resp({"incr", "{t}y"}) + Resp({"EXEC"}) + Resp({"set", "d", "4"}));
}

// Entries after an annotation run at its time: KV2 version times and OBJECT MTIME come
// back as the original run set them, not as the time of the load.
TEST_P(AofFileTest, ReplayRunsEntriesAtTheirAnnotatedTime) {
  const int64_t t1 = NowMs() - 100'000, t2 = t1 + 1'000, t3 = t1 + 2'500, t4 = t1 + 4'000;
  WriteFiles(Annotation(t1) + Resp({"SELECT", "0"}) + Resp({"SET", "s", "v"}) +
                 Resp({"KV2.PUT", "secret", "f", "v1"}) + Resp({"RPUSH", "l", "a"}),
             Annotation(t2) + Resp({"SELECT", "0"}) + Resp({"KV2.PUT", "secret", "f", "v2"}) +
                 Resp({"HSET", "h", "f", "v"}) + "#TS:1700000000\r\n" +  // Redis's: skipped
                 Annotation(t3) + Resp({"MULTI"}) + Resp({"KV2.DELETE", "secret", "VERSIONS", "1"}) +
                 Resp({"SADD", "{secret}set", "m"}) + Resp({"EXEC"}) + Annotation(t4) +
                 Resp({"ZADD", "z", "1", "m"}) + Resp({"XADD", "st", "1-1", "f", "v"}));
  AdvanceTime(1);
  AofLoadResult r = Load();
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.commands, 13u);
  Value meta = Run({"kv2.metadata", "secret"});
  EXPECT_THAT(Field(meta, "created_time"), IntArg(t1));
  EXPECT_THAT(Field(meta, "updated_time"), IntArg(t3));
  Value versions = Field(meta, "versions");
  EXPECT_THAT(Field(Field(versions, "1"), "created_time"), IntArg(t1));
  EXPECT_THAT(Field(Field(versions, "1"), "deletion_time"), IntArg(t3));
  EXPECT_THAT(Field(Field(versions, "2"), "created_time"), IntArg(t2));
  EXPECT_THAT(Field(Field(versions, "2"), "deletion_time"), IntArg(0));
  EXPECT_THAT(Run({"object", "mtime", "s"}), IntArg(t1));
  EXPECT_THAT(Run({"object", "mtime", "l"}), IntArg(t1));
  EXPECT_THAT(Run({"object", "mtime", "secret"}), IntArg(t3));
  EXPECT_THAT(Run({"object", "mtime", "h"}), IntArg(t2));
  EXPECT_THAT(Run({"object", "mtime", "{secret}set"}), IntArg(t3));
  EXPECT_THAT(Run({"object", "mtime", "z"}), IntArg(t4));
  EXPECT_THAT(Run({"object", "mtime", "st"}), IntArg(t4));
}

// A file without annotations (an older Shoal's, or Redis's) replays at the clock.
TEST_P(AofFileTest, ReplayWithoutAnnotationsUsesTheClock) {
  WriteFiles("", Resp({"SELECT", "0"}) + Resp({"SET", "s", "v"}) +
                     Resp({"KV2.PUT", "secret", "f", "v1"}));
  AofLoadResult r = Load();
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_THAT(Run({"object", "mtime", "s"}), IntArg(NowMs()));
  EXPECT_THAT(Field(Run({"kv2.metadata", "secret"}), "created_time"), IntArg(NowMs()));
}

TEST_P(AofFileTest, MalformedAnnotationRefusesToLoad) {
  const std::string head = Annotation(NowMs()) + Resp({"SELECT", "0"}) + Resp({"SET", "a", "1"});
  for (std::string bad : {"#TS-MS:12x4\r\n", "#TS-MS:\r\n", "#TS-MS:-5\r\n", "#TS-MS:123\n"}) {
    SCOPED_TRACE(bad);
    WriteFiles("", head + bad + Resp({"SET", "b", "2"}));
    EXPECT_THAT(Load().error, HasSubstr("Bad time annotation reading the append only file "
                                        "appendonly.aof.1.incr.aof at offset " +
                                        std::to_string(head.size())));
  }
  // A torn annotation at the end of the last file is a torn tail: cut off.
  WriteFiles("", head + "#TS-MS:17");
  AofLoadResult r = Load();
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_TRUE(r.truncated);
  EXPECT_EQ(ReadAll(paths_.file("appendonly.aof.1.incr.aof")), head);
}

// Replayed at their logged time, absolute expiries keep the original run's view: a key
// alive when a later entry wrote it is still there for that entry (nothing is resurrected
// without its TTL), and once the load is over, a key whose expiry has passed is gone.
TEST_P(AofFileTest, ReplayAtLoggedTimesKeepsExpiries) {
  const int64_t now = NowMs(), t0 = now - 10'000;
  WriteFiles("", Annotation(t0) + Resp({"SELECT", "0"}) +
                     Resp({"SET", "gone", "v", "PXAT", shoal::StrCat(now - 5'000)}) +
                     Resp({"SET", "kept", "v", "PXAT", shoal::StrCat(now + 5'000)}) +
                     Annotation(t0 + 1'000) + Resp({"APPEND", "gone", "x"}) +
                     Resp({"APPEND", "kept", "x"}) +
                     // Expired in the original run: it logged the DEL.
                     Resp({"SET", "expired", "v", "PXAT", shoal::StrCat(t0 + 2'000)}) +
                     Annotation(t0 + 2'000) + Resp({"DEL", "expired"}) +
                     Annotation(t0 + 3'000) + Resp({"INCR", "expired"}));
  AofLoadResult r = Load();
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_TRUE(engine_->active_expire.load());  // back on after the load
  EXPECT_THAT(Run({"exists", "gone"}), IntArg(0));
  EXPECT_THAT(Run({"get", "kept"}), BulkArg("vx"));
  EXPECT_THAT(Run({"pexpiretime", "kept"}), IntArg(now + 5'000));
  EXPECT_THAT(Run({"object", "mtime", "kept"}), IntArg(t0 + 1'000));
  EXPECT_THAT(Run({"get", "expired"}), BulkArg("1"));
  EXPECT_THAT(Run({"pttl", "expired"}), IntArg(-1));
  RunExpiry();
  EXPECT_THAT(Run({"dbsize"}), IntArg(2));
}

// The rewrite's base annotates each key with its OBJECT MTIME, so keys written long
// before keep it across a restart; the incr file after it annotates its own entries.
TEST_P(AofFileTest, RewriteBaseKeepsEachKeysMtime) {
  const int64_t t0 = NowMs();
  Run({"set", "a", "1"});
  AdvanceTime(1'000);
  Run({"rpush", "l", "x"});
  Run({"kv2.put", "secret", "f", "v"});
  AdvanceTime(1'000);
  Run({"hset", "h", "f", "v"});
  Value kv2_before = Run({"kv2.metadata", "secret"});
  {
    Aof aof(engine_.get(), paths_);
    ASSERT_EQ(aof.Open(), "");  // the first base
    AdvanceTime(1'000);
    Run({"sadd", "s", "m"});
    ASSERT_TRUE(aof.StartRewrite());
    aof.WaitRewrite();
    AdvanceTime(1'000);
    Run({"set", "after", "1"});
    engine_->set_journal(nullptr);
    aof.Close();
  }
  std::string base = ReadAll(paths_.file("appendonly.aof.2.base.aof"));
  EXPECT_THAT(base, HasSubstr(Annotation(t0) + Resp({"SET", "a", "1"})));
  EXPECT_THAT(ReadAll(paths_.file("appendonly.aof.2.incr.aof")),
              ::testing::StartsWith(Annotation(t0 + 4'000)));
  Restart();
  AdvanceTime(60'000);
  AofLoadResult r = Load();
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_THAT(Run({"object", "mtime", "a"}), IntArg(t0));
  EXPECT_THAT(Run({"object", "mtime", "l"}), IntArg(t0 + 1'000));
  EXPECT_THAT(Run({"object", "mtime", "secret"}), IntArg(t0 + 1'000));
  EXPECT_THAT(Run({"object", "mtime", "h"}), IntArg(t0 + 2'000));
  EXPECT_THAT(Run({"object", "mtime", "s"}), IntArg(t0 + 3'000));
  EXPECT_THAT(Run({"object", "mtime", "after"}), IntArg(t0 + 4'000));
  EXPECT_EQ(Run({"kv2.metadata", "secret"}), kv2_before);
}

INSTANTIATE_TEST_SUITE_P(Shards, AofFileTest, engine::ShardCounts());

}  // namespace
}  // namespace shoal::server
