// The point-in-time snapshot (engine/snapshot.h): every key is handed over once, with its
// value at the instant BGSAVE started, whatever is written meanwhile.
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "engine/persistence.h"
#include "engine/shard.h"
#include "engine/snapshot.h"
#include "protocol/strings.h"
#include "tests/engine/test_util.h"

namespace shoal::engine {
namespace {

// Records (db, key) -> string value (or the type name for other types).
class RecordingSink : public SnapshotSink {
 public:
  void Key(int db, const ds::KeyNode* node, const KeyMeta*) override {
    std::string value = Db::TypeOf(node) == ObjType::kString
                            ? std::string(Db::StringOf(node))
                            : std::string(TypeName(Db::TypeOf(node)));
    std::lock_guard<std::mutex> lock(mu);
    auto [it, fresh] = keys.emplace(std::make_pair(db, std::string(node->key())), value);
    if (!fresh) ++duplicates;
  }
  void Done() override { done = true; }

  std::mutex mu;
  std::map<std::pair<int, std::string>, std::string> keys;
  int duplicates = 0;
  std::atomic<bool> done{false};
};

// BGSAVE starts a snapshot into one RecordingSink per shard.
class SnapshotPersistence : public Persistence {
 public:
  std::string Save(Engine&) override { return "ERR"; }
  std::string BgSave(Engine& engine) override {
    sinks.clear();
    for (unsigned s = 0; s < engine.shard_count(); ++s) {
      sinks.push_back(std::make_unique<RecordingSink>());
      engine.shard(s).BeginSnapshot(sinks.back().get(), engine.clock().NowMs());
    }
    return "";
  }
  int64_t LastSave() const override { return 0; }
  std::string Reload(Engine&) override { return "ERR"; }
  void SetShutdownSave(ShutdownSave) override {}
  void InfoRdb(Engine&, std::string*) override {}

  bool AllDone() const {
    for (const auto& s : sinks) {
      if (!s->done) return false;
    }
    return true;
  }
  // Every sink's keys together; fails on a key handed over twice.
  std::map<std::pair<int, std::string>, std::string> Keys() const {
    std::map<std::pair<int, std::string>, std::string> all;
    for (const auto& s : sinks) {
      EXPECT_EQ(s->duplicates, 0);
      for (const auto& [k, v] : s->keys) EXPECT_TRUE(all.emplace(k, v).second) << k.second;
    }
    return all;
  }

  std::vector<std::unique_ptr<RecordingSink>> sinks;
};

class SnapshotTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    engine_->set_persistence(&persistence_);
  }
  void TearDown() override {
    WaitDone();
    engine_->set_persistence(nullptr);
    EngineTest::TearDown();
  }
  void WaitDone() {
    for (int i = 0; i < 10'000 && !persistence_.AllDone(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_TRUE(persistence_.AllDone());
  }
  SnapshotPersistence persistence_;
};

TEST_P(SnapshotTest, WritesAfterTheStartDoNotLeakIn) {
  constexpr int kKeys = 20'000;
  std::vector<std::string> mset = {"mset"};
  for (int i = 0; i < kKeys; ++i) {
    mset.push_back(StrCat("k", i));
    mset.push_back("old");
  }
  Run(mset);
  Run({"set", "gone", "x", "px", "5"});
  AdvanceTime(10);  // "gone" expired before the start (active expiry may not have run)
  Run({"select", "1"});
  Run({"set", "flushed", "was-here"});
  Run({"rpush", "list", "a"});
  Run({"select", "0"});
  ASSERT_THAT(Run({"bgsave"}), SimpleArg("Background saving started"));
  // Overwrite, delete, create, flush, swap: none of it may show.
  for (int i = 0; i < kKeys; i += 3) Run({"set", StrCat("k", i), "new"});
  for (int i = 1; i < kKeys; i += 7) Run({"del", StrCat("k", i)});
  for (int i = 0; i < 100; ++i) Run({"set", StrCat("fresh", i), "new"});
  Run({"rename", "k2", "renamed"});
  Run({"select", "1"});
  Run({"flushdb"});
  Run({"set", "after-flush", "new"});
  Run({"select", "0"});
  Run({"swapdb", "0", "2"});
  WaitDone();
  auto keys = persistence_.Keys();
  EXPECT_EQ(keys.size(), static_cast<size_t>(kKeys) + 2);
  for (int i = 0; i < kKeys; ++i) {
    auto it = keys.find({0, StrCat("k", i)});
    ASSERT_NE(it, keys.end()) << i;
    EXPECT_EQ(it->second, "old");
  }
  EXPECT_EQ(keys[std::make_pair(1, std::string("flushed"))], "was-here");
  EXPECT_EQ(keys[std::make_pair(1, std::string("list"))], "list");
}

// Deleting most keys halves the key table during the scan: merged buckets hold keys the
// scan has passed, which must not be handed over twice (Keys() checks).
TEST_P(SnapshotTest, TableShrinkingDuringTheScan) {
  constexpr int kKeys = 40'000;
  std::vector<std::string> mset = {"mset"};
  for (int i = 0; i < kKeys; ++i) mset.insert(mset.end(), {StrCat("k", i), StrCat("v", i)});
  Run(mset);
  ASSERT_THAT(Run({"bgsave"}), SimpleArg("Background saving started"));
  std::vector<std::string> del = {"del"};
  for (int i = 0; i < kKeys; ++i) {
    if (i % 20 != 0) del.push_back(StrCat("k", i));
    if (del.size() == 1000 || i == kKeys - 1) {
      Run(del);
      del.resize(1);
    }
  }
  WaitDone();
  auto keys = persistence_.Keys();
  ASSERT_EQ(keys.size(), static_cast<size_t>(kKeys));
  for (int i = 0; i < kKeys; ++i) EXPECT_EQ(keys[std::make_pair(0, StrCat("k", i))], StrCat("v", i));
}

TEST_P(SnapshotTest, SecondSnapshotAfterTheFirst) {
  Run({"set", "a", "1"});
  Run({"bgsave"});
  WaitDone();
  Run({"set", "a", "2"});
  Run({"bgsave"});
  WaitDone();
  auto keys = persistence_.Keys();
  EXPECT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[std::make_pair(0, std::string("a"))], "2");
}

// Writers increment their own counters round robin (c<w>:0, c<w>:1, ... c<w>:N-1, then
// again), and one writer MSETs a group of keys on every shard to one value. In a
// point-in-time image each writer's counters are non-increasing along the round and
// differ by at most one, and the MSET group holds a single value.
TEST_P(SnapshotTest, ConsistentUnderConcurrentWrites) {
  constexpr int kWriters = 3, kCounters = 40, kRounds = 300, kFiller = 20'000;
  std::vector<std::string> mset = {"mset"};
  for (int i = 0; i < kFiller; ++i) {
    mset.push_back(StrCat("filler", i));
    mset.push_back("x");
  }
  Run(mset);
  std::atomic<bool> started{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto s = NewSession();
      for (int r = 0; r < kRounds; ++r) {
        for (int c = 0; c < kCounters; ++c) s->Execute({"incr", StrCat("c", w, ":", c)});
      }
    });
  }
  writers.emplace_back([&] {
    auto s = NewSession();
    for (int r = 1; r <= kRounds * 4; ++r) {
      std::vector<std::string> group = {"mset"};
      for (int k = 0; k < 16; ++k) {
        group.push_back(StrCat("g", k));
        group.push_back(StrCat(r));
      }
      s->Execute(group);
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_THAT(Run({"bgsave"}), SimpleArg("Background saving started"));
  for (auto& t : writers) t.join();
  WaitDone();
  auto keys = persistence_.Keys();
  for (int w = 0; w < kWriters; ++w) {
    auto value = [&](int c) {
      auto it = keys.find({0, StrCat("c", w, ":", c)});
      return it == keys.end() ? 0 : std::stoi(it->second);
    };
    const int first = value(0);
    for (int c = 1; c < kCounters; ++c) {
      EXPECT_LE(value(c), value(c - 1)) << "writer " << w << " counter " << c;
      EXPECT_GE(value(c), first - 1) << "writer " << w << " counter " << c;
    }
  }
  std::string group_value;
  for (int k = 0; k < 16; ++k) {
    auto it = keys.find({0, StrCat("g", k)});
    std::string v = it == keys.end() ? "" : it->second;
    if (k == 0) group_value = v;
    EXPECT_EQ(v, group_value) << "g" << k;
  }
}

INSTANTIATE_TEST_SUITE_P(Shards, SnapshotTest, ShardCounts());

}  // namespace
}  // namespace shoal::engine
