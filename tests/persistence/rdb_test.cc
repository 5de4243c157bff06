// Snapshots end to end through an in-process engine: SAVE / BGSAVE write a file that a
// fresh engine loads with identical content, in every type and encoding; DEBUG RELOAD,
// LASTSAVE, INFO persistence, the save rules; corrupt files are refused without a crash.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <thread>

#include "engine/config.h"
#include "engine/engine.h"
#include "engine/session.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocol/reply_value.h"
#include "protocol/strings.h"
#include "src/persistence/rdb_file.h"
#include "src/persistence/rdb_persistence.h"
#include "src/persistence/rdb_format.h"
#include "src/persistence/rdb_reader.h"
#include "src/persistence/rdb_shoal.h"
#include "src/persistence/rdb_writer.h"

namespace shoal::persistence {
namespace {

using engine::Engine;
using protocol::Value;

constexpr int64_t kStartMs = 1'700'000'000'000;

std::string TempDir() {
  static std::atomic<int> n{0};
  std::string dir = StrCat(::testing::TempDir(), "/shoal-rdb-", getpid(), "-", n++);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// One server's worth of engine: config, fake clock, persistence, a client session.
class Instance {
 public:
  Instance(const std::string& dir, unsigned shards,
           std::vector<std::pair<std::string, std::string>> config = {}) {
    clock_.Set(kStartMs);
    config_.Set("dir", dir, true);
    for (const auto& [k, v] : config) EXPECT_EQ(config_.Set(k, v, true), "") << k;
    engine::EngineOptions options;
    options.shards = shards;
    options.clock = &clock_;
    options.config = &config_;
    engine_ = std::make_unique<Engine>(std::move(options));
    engine_->set_persistence(&rdb_);
    load_error_ = rdb_.LoadOnStart(*engine_);
    engine_->Start();
    rdb_.Start(*engine_);
    session_ = engine_->NewSession();
  }
  ~Instance() {
    session_.reset();
    rdb_.Stop();
    engine_->Stop();
  }

  Value Run(const std::vector<std::string>& args) { return session_->Execute(args); }
  Engine& engine() { return *engine_; }
  engine::ManualClock& clock() { return clock_; }
  RdbPersistence& rdb() { return rdb_; }
  const std::string& load_error() const { return load_error_; }
  std::string Info(const std::string& field) {
    std::string text = Run({"info", "persistence"}).str;
    size_t at = text.find(field + ":");
    if (at == std::string::npos) return "";
    size_t end = text.find("\r\n", at);
    return text.substr(at + field.size() + 1, end - at - field.size() - 1);
  }
  void WaitBgSave() {
    for (int i = 0; i < 10'000 && Info("rdb_bgsave_in_progress") != "0"; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_EQ(Info("rdb_bgsave_in_progress"), "0");
  }

  // Everything a client can see of every key in every database, one line a key, sorted.
  std::string Describe() {
    std::vector<std::string> lines;
    for (int db = 0; db < engine_->databases(); ++db) {
      Run({"select", StrCat(db)});
      for (const Value& k : Run({"keys", "*"}).elems) lines.push_back(StrCat(db, " ", DescribeKey(k.str)));
    }
    Run({"select", "0"});
    std::sort(lines.begin(), lines.end());
    std::string out;
    for (const std::string& l : lines) out += l + "\n";
    return out;
  }

 private:
  static std::string Sorted(const Value& v, size_t group) {
    std::vector<std::string> items;
    for (size_t i = 0; i + group <= v.elems.size(); i += group) {
      std::string item;
      for (size_t j = 0; j < group; ++j) item += v.elems[i + j].ToString() + "=";
      items.push_back(item);
    }
    std::sort(items.begin(), items.end());
    std::string out;
    for (const std::string& s : items) out += s + ",";
    return out;
  }
  std::string Field(const Value& map, std::string_view name) {
    for (size_t i = 0; i + 1 < map.elems.size(); i += 2) {
      if (map.elems[i].str == name) return map.elems[i + 1].ToString();
    }
    return "?";
  }
  std::string DescribeKey(const std::string& key) {
    std::string type = Run({"type", key}).str;
    std::string d = StrCat(key, " ", type, " ttl=", Run({"pttl", key}).ToString(), " ",
                           Run({"object", "encoding", key}).ToString(), " ");
    if (type == "string") return d + Run({"get", key}).ToString();
    if (type == "hash") return d + Sorted(Run({"hgetall", key}), 2);
    if (type == "set") return d + Sorted(Run({"smembers", key}), 1);
    if (type == "zset") return d + Run({"zrange", key, "0", "-1", "withscores"}).ToString();
    if (type == "list") return d + Run({"lrange", key, "0", "-1"}).ToString();
    if (type == "stream") {
      Value info = Run({"xinfo", "stream", key});
      d += StrCat(Run({"xrange", key, "-", "+"}).ToString(), " last=", Field(info, "last-generated-id"),
                  " maxdel=", Field(info, "max-deleted-entry-id"), " added=", Field(info, "entries-added"),
                  " groups=", Run({"xinfo", "groups", key}).ToString());
      for (const Value& g : Run({"xinfo", "groups", key}).elems) {
        d += StrCat(" pending=", Run({"xpending", key, Field(g, "name"), "-", "+", "1000"}).ToString());
      }
      return d;
    }
    return d + "?";
  }

  engine::ManualClock clock_;
  engine::Config config_;
  RdbPersistence rdb_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<engine::Session> session_;
  std::string load_error_;
};

// Fills every type, small and large, with TTLs, in two databases.
void Fill(Instance& a) {
  a.Run({"set", "str", "hello"});
  a.Run({"set", "int", "12345"});
  a.Run({"set", "bigint", "-9223372036854775808"});
  a.Run({"set", "neg", "-7"});
  a.Run({"set", "notint", "012"});
  a.Run({"set", "empty", ""});
  a.Run({"set", "long", std::string(100'000, 'L')});
  a.Run({"set", "ttl", "v", "px", "500000"});
  a.Run({"hset", "hsmall", "f1", "v1", "f2", "2"});
  a.Run({"sadd", "sint", "1", "2", "-3", "100000"});
  a.Run({"sadd", "sstr", "a", "b", "c"});
  a.Run({"zadd", "zsmall", "1.5", "a", "-inf", "b", "+inf", "c", "3", "d"});
  a.Run({"rpush", "lsmall", "a", "1", "b", "-2"});
  std::vector<std::string> hbig = {"hset", "hbig"}, sbig = {"sadd", "sbig"},
                           zbig = {"zadd", "zbig"}, lbig = {"rpush", "lbig"},
                           sbigint = {"sadd", "sbigint"};
  for (int i = 0; i < 1000; ++i) {
    hbig.insert(hbig.end(), {StrCat("field", i), StrCat("value", i)});
    sbig.push_back(StrCat("member", i));
    sbigint.push_back(StrCat(i * 7));
    zbig.insert(zbig.end(), {StrCat(i * 0.25), StrCat("m", i)});
    lbig.push_back(i % 3 == 0 ? StrCat(i) : StrCat("item", i, std::string(i % 50, 'x')));
  }
  lbig.push_back(std::string(20'000, 'P'));  // a plain quicklist node
  for (auto* cmd : {&hbig, &sbig, &zbig, &lbig, &sbigint}) a.Run(*cmd);
  a.Run({"expire", "hbig", "1000"});
  a.Run({"xadd", "stream", "1-1", "a", "1", "b", "2"});
  for (int i = 2; i < 250; ++i) a.Run({"xadd", "stream", StrCat(i, "-0"), "f", StrCat(i)});
  a.Run({"xdel", "stream", "5-0"});
  a.Run({"xgroup", "create", "stream", "g1", "0"});
  a.Run({"xgroup", "create", "stream", "g2", "$"});
  a.Run({"xreadgroup", "group", "g1", "alice", "count", "3", "streams", "stream", ">"});
  a.Run({"xreadgroup", "group", "g1", "bob", "count", "2", "streams", "stream", ">"});
  a.Run({"xack", "stream", "g1", "1-1"});
  a.Run({"xadd", "emptystream", "1-1", "a", "b"});
  a.Run({"xdel", "emptystream", "1-1"});
  a.Run({"select", "3"});
  a.Run({"set", "db3", "x"});
  a.Run({"select", "0"});
}

class RdbTest : public ::testing::TestWithParam<unsigned> {};

TEST_P(RdbTest, SaveAndLoadEveryType) {
  std::string dir = TempDir();
  std::string before;
  {
    Instance a(dir, GetParam());
    ASSERT_EQ(a.load_error(), "");
    Fill(a);
    before = a.Describe();
    EXPECT_EQ(a.Run({"save"}).str, "OK");
    EXPECT_EQ(a.Run({"lastsave"}).integer, kStartMs / 1000);
    EXPECT_EQ(a.Info("rdb_changes_since_last_save"), "0");
    a.Run({"set", "after", "1"});
    EXPECT_EQ(a.Info("rdb_changes_since_last_save"), "1");
    EXPECT_EQ(a.Info("rdb_last_bgsave_status"), "ok");
  }
  // Another shard count loads the same file.
  Instance b(dir, GetParam() == 1 ? 3 : 1);
  ASSERT_EQ(b.load_error(), "");
  EXPECT_EQ(b.Describe(), before);
  EXPECT_EQ(b.Info("rdb_last_load_keys_loaded"), StrCat(std::count(before.begin(), before.end(), '\n')));
}

TEST_P(RdbTest, SmallEncodingLimitsOnLoad) {
  // Saved with every type forced large; loaded under the default limits, small values
  // come back compact as Redis re-encodes them.
  std::string dir = TempDir();
  {
    Instance a(dir, GetParam(), {{"hash-max-listpack-entries", "0"}, {"zset-max-listpack-entries", "0"},
                                 {"set-max-intset-entries", "0"}, {"set-max-listpack-entries", "0"}});
    a.Run({"hset", "h", "f", "v"});
    a.Run({"zadd", "z", "1", "m"});
    a.Run({"sadd", "s", "1"});
    EXPECT_EQ(a.Run({"object", "encoding", "h"}).str, "hashtable");
    EXPECT_EQ(a.Run({"save"}).str, "OK");
  }
  Instance b(dir, GetParam());
  EXPECT_EQ(b.Run({"object", "encoding", "h"}).str, "listpack");
  EXPECT_EQ(b.Run({"object", "encoding", "z"}).str, "listpack");
  EXPECT_EQ(b.Run({"object", "encoding", "s"}).str, "intset");
  EXPECT_EQ(b.Run({"hget", "h", "f"}).str, "v");
}

TEST_P(RdbTest, ExpiredKeysAreNotLoaded) {
  std::string dir = TempDir();
  {
    Instance a(dir, GetParam());
    a.Run({"set", "short", "v", "px", "100"});
    a.Run({"set", "long", "v", "px", "100000"});
    a.Run({"save"});
  }
  std::string file = ReadFile(dir + "/dump.rdb");
  ASSERT_FALSE(file.empty());
  // Load at a later time: "short" has expired, "long" keeps its absolute expiry.
  RdbReader reader(file, LoadLimits{});
  int n = 0;
  EXPECT_EQ(reader.Read([&](LoadedKey&& k) {
    ++n;
    EXPECT_EQ(k.expire_ms, kStartMs + (k.key == "short" ? 100 : 100000));
  }), "");
  EXPECT_EQ(n, 2);
  engine::Config config;
  engine::EngineOptions options;
  options.shards = GetParam();
  options.config = &config;
  Engine e(std::move(options));
  bool missing = true;
  size_t loaded = 0;
  EXPECT_EQ(LoadAll(e, dir + "/dump.rdb", kStartMs + 1000, &missing, &loaded), "");
  EXPECT_FALSE(missing);
  EXPECT_EQ(loaded, 1u);
}

TEST_P(RdbTest, DebugReloadKeepsEverything) {
  Instance a(TempDir(), GetParam());
  Fill(a);
  std::string before = a.Describe();
  EXPECT_EQ(a.Run({"debug", "reload"}).str, "OK");
  EXPECT_EQ(a.Describe(), before);
}

TEST_P(RdbTest, BgSaveWritesTheFile) {
  std::string dir = TempDir();
  std::string before;
  {
    Instance a(dir, GetParam());
    Fill(a);
    before = a.Describe();
    a.clock().Advance(5000);
    EXPECT_EQ(a.Run({"bgsave"}).str, "Background saving started");
    a.WaitBgSave();
    EXPECT_EQ(a.Info("rdb_last_bgsave_status"), "ok");
    EXPECT_EQ(a.Info("rdb_changes_since_last_save"), "0");
    EXPECT_EQ(a.Run({"lastsave"}).integer, (kStartMs + 5000) / 1000);
    a.Run({"set", "k", "1"});
    EXPECT_EQ(a.Info("rdb_saves"), "1");
  }
  Instance b(dir, GetParam());
  EXPECT_EQ(b.Describe(), before);
}

// The snapshot is one instant even as four writers keep going: each writer increments its
// counters round robin, so in the loaded file its counters are non-increasing along the
// round and differ by at most one.
TEST_P(RdbTest, BgSaveUnderConcurrentWritesIsConsistent) {
  constexpr int kWriters = 4, kCounters = 30, kRounds = 200, kFiller = 30'000;
  std::string dir = TempDir();
  {
    Instance a(dir, GetParam());
    std::vector<std::string> mset = {"mset"};
    for (int i = 0; i < kFiller; ++i) mset.insert(mset.end(), {StrCat("filler", i), "x"});
    a.Run(mset);
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&a, w] {
        auto s = a.engine().NewSession();
        for (int r = 0; r < kRounds; ++r) {
          for (int c = 0; c < kCounters; ++c) s->Execute({"incr", StrCat("c", w, ":", c)});
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(a.Run({"bgsave"}).str, "Background saving started");
    EXPECT_EQ(a.Run({"bgsave"}).str, "ERR Background save already in progress");
    for (auto& t : writers) t.join();
    a.WaitBgSave();
    EXPECT_EQ(a.Info("rdb_last_bgsave_status"), "ok");
  }
  Instance b(dir, GetParam());
  for (int w = 0; w < kWriters; ++w) {
    auto value = [&](int c) {
      Value v = b.Run({"get", StrCat("c", w, ":", c)});
      return v.str.empty() ? 0 : std::stoi(v.str);
    };
    const int first = value(0);
    for (int c = 1; c < kCounters; ++c) {
      EXPECT_LE(value(c), value(c - 1)) << "writer " << w << " counter " << c;
      EXPECT_GE(value(c), first - 1) << "writer " << w << " counter " << c;
    }
  }
  EXPECT_GE(b.Run({"dbsize"}).integer, kFiller);
}

TEST_P(RdbTest, SaveRulesTriggerABackgroundSave) {
  Instance a(TempDir(), GetParam(), {{"save", "10 2"}});
  a.Run({"set", "a", "1"});
  a.Run({"set", "b", "1"});
  a.clock().Advance(11'000);
  for (int i = 0; i < 5000 && a.Info("rdb_saves") != "1"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(a.Info("rdb_saves"), "1");
  a.WaitBgSave();
  EXPECT_EQ(a.Info("rdb_changes_since_last_save"), "0");
}

TEST_P(RdbTest, ShutdownSavesUnderRules) {
  std::string dir = TempDir();
  {
    Instance a(dir, GetParam(), {{"save", "3600 1"}});
    a.Run({"set", "k", "v"});
    a.rdb().Stop();
    a.engine().Stop();
    EXPECT_EQ(a.rdb().SaveOnShutdown(a.engine()), "");
  }
  EXPECT_TRUE(std::filesystem::exists(dir + "/dump.rdb"));
  {
    Instance a(dir, GetParam(), {{"save", "3600 1"}});
    EXPECT_EQ(a.Run({"get", "k"}).str, "v");
    a.Run({"set", "k", "changed"});
    a.rdb().SetShutdownSave(engine::Persistence::ShutdownSave::kNoSave);
    a.rdb().Stop();
    a.engine().Stop();
    EXPECT_EQ(a.rdb().SaveOnShutdown(a.engine()), "");
  }
  Instance c(dir, GetParam());
  EXPECT_EQ(c.Run({"get", "k"}).str, "v");
}

// Truncations and byte flips of a real dump give an error, never a crash; with the CRC
// disabled (0, as Redis's rdbchecksum no writes) the parser itself meets the garbage.
TEST_P(RdbTest, CorruptDumpsNeverCrash) {
  std::string dir = TempDir();
  {
    Instance a(dir, GetParam());
    Fill(a);
    a.Run({"del", "long", "lbig", "hbig", "sbig", "zbig", "sbigint"});  // keep it small
    a.Run({"save"});
  }
  std::string file = ReadFile(dir + "/dump.rdb");
  ASSERT_GT(file.size(), 100u);
  auto read = [](const std::string& data) {
    RdbReader reader(data, LoadLimits{});
    return reader.Read([](LoadedKey&&) {});
  };
  EXPECT_EQ(read(file), "");
  for (size_t n = 0; n < file.size(); n += 7) EXPECT_NE(read(file.substr(0, n)), "") << n;
  std::string no_crc = file;
  for (size_t i = no_crc.size() - 8; i < no_crc.size(); ++i) no_crc[i] = 0;
  EXPECT_EQ(read(no_crc), "");
  for (size_t i = 9; i < file.size() - 8; ++i) {
    std::string flipped = file;
    flipped[i] = static_cast<char>(flipped[i] ^ 0xff);
    EXPECT_NE(read(flipped), "") << "CRC must catch byte " << i;
    std::string raw = no_crc;
    raw[i] = static_cast<char>(raw[i] ^ 0xff);
    read(raw);  // may load or fail; must not crash
    raw[i] = static_cast<char>(0x80 | (i & 0x7f));
    read(raw);
  }
  // A missing file is not an error; a corrupt one stops the start.
  std::string bad_dir = TempDir();
  {
    std::ofstream out(bad_dir + "/dump.rdb", std::ios::binary);
    out << file.substr(0, file.size() / 2);
  }
  Instance bad(bad_dir, GetParam());
  EXPECT_THAT(bad.load_error(), ::testing::HasSubstr("Error loading"));
  Instance fresh(TempDir(), GetParam());
  EXPECT_EQ(fresh.load_error(), "");
}

// Shoal's own data (rdb_shoal.h): versioned secrets, tags, retention and holds survive
// SAVE and BGSAVE; the lock state too.
TEST_P(RdbTest, ShoalTypesAndKeyMetadataSurvive) {
  for (const char* save : {"save", "bgsave"}) {
    SCOPED_TRACE(save);
    std::string dir = TempDir();
    std::vector<std::string> before;
    auto describe = [](Instance& i) {
      std::vector<std::string> out;
      for (const char* key : {"secret", "tagged", "retained", "held"}) {
        for (auto cmd : {std::vector<std::string>{"kv2.metadata", key},
                         std::vector<std::string>{"kv2.get", key, "version", "1"},
                         std::vector<std::string>{"tag.get", key},
                         std::vector<std::string>{"retain", key},
                         std::vector<std::string>{"legalhold", key, "status"},
                         std::vector<std::string>{"pexpiretime", key}}) {
          Value v = i.Run(cmd);
          std::string line = StrCat(cmd[0], " ", key, ": ", v.str, " ", v.integer, " [");
          std::function<void(const Value&)> flat = [&](const Value& e) {
            line += StrCat(e.str, e.integer, ",");
            for (const Value& c : e.elems) flat(c);
          };
          for (const Value& e : v.elems) flat(e);
          out.push_back(line + "]");
        }
      }
      return out;
    };
    {
      Instance a(dir, GetParam());
      a.Run({"kv2.put", "secret", "user", "u1", "pass", "p1"});
      a.clock().Advance(1000);
      a.Run({"kv2.put", "secret", "pass", "p2"});
      a.Run({"kv2.delete", "secret", "versions", "1"});
      a.Run({"kv2.config", "secret", "max-versions", "5", "cas-required", "yes", "custom", "o", "ops"});
      a.Run({"set", "tagged", "v", "px", "100000"});
      a.Run({"tag.set", "tagged", "env", "prod", "team", "db"});
      a.Run({"hset", "retained", "f", "v"});
      a.Run({"retain", "retained", "3600"});
      a.Run({"tag.set", "retained", "class", "audit"});
      a.Run({"set", "held", "v"});
      a.Run({"legalhold", "held", "on"});
      before = describe(a);
      if (std::string_view(save) == "save") {
        EXPECT_EQ(a.Run({"save"}).str, "OK");
      } else {
        EXPECT_EQ(a.Run({"bgsave"}).str, "Background saving started");
        // Written after the start: not in the file.
        a.Run({"kv2.put", "secret", "pass", "p3", "cas", "2"});
        a.Run({"tag.set", "tagged", "late", "1"});
        a.WaitBgSave();
      }
    }
    Instance b(dir, GetParam());
    ASSERT_EQ(b.load_error(), "");
    EXPECT_EQ(describe(b), before);
    EXPECT_EQ(b.Run({"type", "secret"}).str, "kv2");
    EXPECT_EQ(b.Run({"tag.find", "env", "prod"}).elems[1].elems.size(), 1u);
    EXPECT_EQ(b.Run({"del", "held"}).type, Value::Type::kError);
    EXPECT_EQ(b.Run({"flushall"}).type, Value::Type::kError);
  }
}

// An engine that has loaded `path` at `now_ms` (its clock), its threads not started, so
// that the test may read its tables directly.
struct Loaded {
  Loaded(const std::string& path, unsigned shards, int64_t now_ms) {
    clock.Set(now_ms);
    engine::EngineOptions options;
    options.shards = shards;
    options.config = &config;
    options.clock = &clock;
    engine = std::make_unique<Engine>(std::move(options));
    bool missing = true;
    error = LoadAll(*engine, path, now_ms, &missing, &keys);
  }
  // The key's OBJECT MTIME in database 0, or -1 when it is not there.
  int64_t Mtime(const std::string& key) {
    engine::KeyNode* node = engine->shard(engine->ShardOf(key)).db(0).table().Find(key);
    return node != nullptr ? node->mtime() : -1;
  }
  engine::ManualClock clock;
  engine::Config config;
  std::unique_ptr<Engine> engine;
  std::string error;
  size_t keys = 0;
};

// OBJECT MTIME survives SAVE and BGSAVE for every type (the "shoal-mtimes" fields of
// rdb_shoal.h), also across runs of more than one record, and with keys that expired
// before the load dropped from the middle of a run.
TEST_P(RdbTest, MtimesSurviveSaveAndLoad) {
  for (const char* save : {"save", "bgsave"}) {
    SCOPED_TRACE(save);
    std::string dir = TempDir();
    std::map<std::string, int64_t> mtimes;
    {
      Instance a(dir, GetParam());
      const std::vector<std::vector<std::string>> writes = {
          {"set", "str", "v"},       {"hset", "hash", "f", "v"}, {"rpush", "list", "a"},
          {"sadd", "set", "m"},      {"zadd", "zset", "1", "m"}, {"xadd", "stream", "1-1", "f", "v"},
          {"kv2.put", "secret", "f", "v"}};
      for (int i = 0; i < 210; ++i) {
        a.clock().Advance(7);
        std::vector<std::string> w = writes[i % writes.size()];
        w[1] = StrCat(w[1], i);
        a.Run(w);
        mtimes[w[1]] = kStartMs + 7 * (i + 1);
        if (i % 3 == 0) a.Run({"set", StrCat("exp", i), "v", "px", "5000"});  // gone at load
      }
      for (int i = 0; i < 5000; ++i) {  // more than one record's worth (kMtimesPerRecord)
        if (i % 100 == 0) a.clock().Advance(1);
        a.Run({"set", StrCat("bulk", i), "v"});
        mtimes[StrCat("bulk", i)] = a.clock().NowMs();
      }
      a.clock().Advance(100);
      a.Run({"hset", "hash1", "g", "w"});  // a later write moves the mtime
      mtimes["hash1"] = a.clock().NowMs();
      a.clock().Advance(100);
      a.Run({"expire", "str0", "100000"});
      mtimes["str0"] = a.clock().NowMs();
      if (std::string_view(save) == "save") {
        ASSERT_EQ(a.Run({"save"}).str, "OK");
      } else {
        ASSERT_EQ(a.Run({"bgsave"}).str, "Background saving started");
        a.WaitBgSave();
      }
    }
    Loaded b(dir + "/dump.rdb", GetParam(), kStartMs + 60'000);
    ASSERT_EQ(b.error, "");
    EXPECT_EQ(b.keys, mtimes.size());
    for (const auto& [key, mtime] : mtimes) EXPECT_EQ(b.Mtime(key), mtime) << key;
    EXPECT_EQ(b.Mtime("exp0"), -1);
  }
}

// A file without mtime fields (Redis's, an older Shoal's) loads; its keys get the load
// time. A field whose count does not match the keys before it is corruption.
TEST_P(RdbTest, FileWithoutMtimesLoads) {
  std::string dir = TempDir();
  auto write = [&](bool with_record, size_t count, int keys = 2) {
    RdbFileWriter file;
    ASSERT_EQ(file.Open(dir + "/dump.rdb"), "");
    RdbWriter w(file.buffer());
    w.Header(kStartMs, 0);
    w.SelectDb(0);
    for (int i = 0; i < keys; ++i) {
      w.Byte(rdb::kTypeString);
      w.String(i < 2 ? std::string(i == 0 ? "a" : "b") : StrCat("k", i));
      w.String("v");
    }
    if (with_record) {
      MtimeRun run;
      for (size_t i = 0; i < count; ++i) run.Add(kStartMs - 1000);
      WriteMtimes(w, run);
    }
    w.Eof();
    ASSERT_EQ(file.Commit(), "");
  };
  write(false, 0);
  Loaded plain(dir + "/dump.rdb", GetParam(), kStartMs + 5'000);
  ASSERT_EQ(plain.error, "");
  EXPECT_EQ(plain.keys, 2u);
  EXPECT_EQ(plain.Mtime("a"), kStartMs + 5'000);
  write(false, 0, 5000);  // runs longer than a record's: no mtimes expected, none kept
  Loaded many(dir + "/dump.rdb", GetParam(), kStartMs + 5'000);
  ASSERT_EQ(many.error, "");
  EXPECT_EQ(many.keys, 5000u);
  EXPECT_EQ(many.Mtime("k4999"), kStartMs + 5'000);
  write(true, 2);
  Loaded with(dir + "/dump.rdb", GetParam(), kStartMs + 5'000);
  ASSERT_EQ(with.error, "");
  EXPECT_EQ(with.Mtime("b"), kStartMs - 1000);
  write(true, 3);
  Loaded bad(dir + "/dump.rdb", GetParam(), kStartMs + 5'000);
  EXPECT_THAT(bad.error, ::testing::HasSubstr("Corrupt mtime record"));
}

// The packing: differences of either sign, and large jumps, come back exactly.
TEST(RdbMtimeTest, PackedRunRoundTrips) {
  const std::vector<int64_t> mtimes = {kStartMs, kStartMs, kStartMs - 1, kStartMs + 100'000,
                                       1, INT64_C(0xFFFFFFFFFFFF), 0, kStartMs};
  MtimeRun run;
  for (int64_t m : mtimes) run.Add(m);
  EXPECT_EQ(run.size(), mtimes.size());
  // The AUX field's value: the count (one varint byte below 128), then the packed run.
  std::vector<int64_t> out;
  ASSERT_TRUE(ParseMtimes(std::string(1, static_cast<char>(run.size())) + run.packed(), &out));
  EXPECT_EQ(out, mtimes);
  EXPECT_FALSE(ParseMtimes(std::string(1, static_cast<char>(run.size() + 1)) + run.packed(), &out));
  EXPECT_FALSE(ParseMtimes(std::string(1, static_cast<char>(run.size())) + run.packed() + "x", &out));
  // About two bytes a key when neighbours were written close in time.
  MtimeRun close;
  for (int i = 0; i < 1000; ++i) close.Add(kStartMs + (i * 7919) % 3000);
  EXPECT_LE(close.packed().size(), 2'100u);
}

INSTANTIATE_TEST_SUITE_P(Shards, RdbTest, ::testing::Values(1u, 4u));

}  // namespace
}  // namespace shoal::persistence
