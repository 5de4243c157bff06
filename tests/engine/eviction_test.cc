// maxmemory and the eviction policies (eviction.h), OBJECT IDLETIME / FREQ / MTIME, on 1
// and 4 shards. Memory is the process's allocation count (ds/alloc_counter.h): each test
// sets its limit a little above what the process holds when it starts, then writes past it.
#include <set>
#include <string>
#include <vector>

#include "engine/ds/alloc_counter.h"
#include "protocol/strings.h"
#include "tests/engine/test_util.h"

namespace shoal::engine {
namespace {

class EvictionTest : public EngineTest {
 protected:
  static int64_t Used() { return ds::AllocatedBytes(); }
  void Set(std::string_view name, std::string_view value) {
    ASSERT_EQ(engine_->config().Set(name, value, false), "") << name;
  }
  void Limit(int64_t bytes) { Set("maxmemory", StrCat(bytes)); }
  int64_t Evicted() {
    Value v = Run({"info", "stats"});
    const size_t at = v.str.find("evicted_keys:");
    EXPECT_NE(at, std::string::npos);
    return std::stoll(v.str.substr(at + 13));
  }
  // Writes `n` keys "<prefix><i>" of 1000 bytes each; returns how many got OOM.
  int Fill(std::string_view prefix, int n, int64_t ttl_seconds = 0) {
    int oom = 0;
    for (int i = 0; i < n; ++i) {
      std::string key = StrCat(prefix, i);
      Value v = ttl_seconds > 0 ? Run({"set", key, value_, "ex", StrCat(ttl_seconds)})
                                : Run({"set", key, value_});
      if (v.type == Value::Type::kError) ++oom;
    }
    return oom;
  }
  int Existing(std::string_view prefix, int n) {
    int found = 0;
    for (int i = 0; i < n; ++i) found += Run({"exists", StrCat(prefix, i)}).integer == 1;
    return found;
  }
  const std::string value_ = std::string(1000, 'v');
  // Allowed above the limit after a write: one key, plus what other threads hold in flight.
  static constexpr int64_t kSlack = 64 << 10;
};

TEST_P(EvictionTest, MTimeIsTheLastWrite) {
  const int64_t t0 = NowMs();
  Run({"set", "k", "v"});
  EXPECT_THAT(Run({"object", "mtime", "k"}), IntArg(t0));
  AdvanceTime(5000);
  Run({"get", "k"});
  EXPECT_THAT(Run({"object", "mtime", "k"}), IntArg(t0));  // a read is no write
  Run({"append", "k", "w"});
  EXPECT_THAT(Run({"object", "mtime", "k"}), IntArg(t0 + 5000));
  AdvanceTime(1000);
  Run({"hset", "h", "f", "1"});
  AdvanceTime(1000);
  Run({"hset", "h", "g", "2"});  // in place, through NotifyWrite
  EXPECT_THAT(Run({"object", "mtime", "h"}), IntArg(t0 + 7000));
  Run({"expire", "k", "100"});
  EXPECT_THAT(Run({"object", "mtime", "k"}), IntArg(t0 + 7000));
  EXPECT_THAT(Run({"object", "mtime", "missing"}), NilArg());
  EXPECT_THAT(Run({"object", "mtime"}),
              ErrArg("ERR wrong number of arguments for 'object|mtime' command"));
}

TEST_P(EvictionTest, IdleTimeCountsSecondsSinceTheLastAccess) {
  Run({"set", "k", "v"});
  AdvanceTime(10'000);
  EXPECT_THAT(Run({"object", "idletime", "k"}), IntArg(10));
  EXPECT_THAT(Run({"object", "idletime", "k"}), IntArg(10));  // OBJECT does not touch
  Run({"get", "k"});
  EXPECT_THAT(Run({"object", "idletime", "k"}), IntArg(0));
  AdvanceTime(3000);
  Run({"type", "k"});  // EXISTS, TYPE and TTL look without touching, as in Redis
  Run({"exists", "k"});
  Run({"ttl", "k"});
  EXPECT_THAT(Run({"object", "idletime", "k"}), IntArg(3));
  Run({"touch", "k"});
  EXPECT_THAT(Run({"object", "idletime", "k"}), IntArg(0));
}

TEST_P(EvictionTest, FreqUnderLfuGrowsLogarithmicallyAndDecays) {
  Set("maxmemory-policy", "allkeys-lfu");
  Run({"set", "k", "v"});
  EXPECT_THAT(Run({"object", "freq", "k"}), IntArg(5));  // LFU_INIT_VAL
  for (int i = 0; i < 1000; ++i) Run({"get", "k"});
  const int64_t hot = Run({"object", "freq", "k"}).integer;
  EXPECT_GT(hot, 10);  // with lfu-log-factor 10, about 18 after 1000 hits
  EXPECT_LT(hot, 40);
  Set("lfu-log-factor", "0");  // every hit counts
  Run({"set", "j", "v"});
  for (int i = 0; i < 20; ++i) Run({"get", "j"});
  EXPECT_THAT(Run({"object", "freq", "j"}), IntArg(25));
  AdvanceTime(7 * 60'000);  // lfu-decay-time 1: one less per idle minute
  EXPECT_THAT(Run({"object", "freq", "j"}), IntArg(18));
  Set("lfu-decay-time", "0");  // no decay
  AdvanceTime(60 * 60'000);
  EXPECT_THAT(Run({"object", "freq", "j"}), IntArg(25));
}

TEST_P(EvictionTest, NoEvictionRefusesWritesThatMayGrowMemory) {
  Fill("k", 10);
  Limit(Used() - (256 << 10));
  EXPECT_THAT(Run({"set", "x", "y"}),
              ErrArg("OOM command not allowed when used memory > 'maxmemory'."));
  EXPECT_THAT(Run({"lpush", "l", "a"}), ErrArg("OOM command not allowed"));
  EXPECT_THAT(Run({"incr", "n"}), ErrArg("OOM command not allowed"));
  EXPECT_THAT(Run({"get", "k1"}), BulkArg(value_));  // reads run
  EXPECT_THAT(Run({"del", "k1"}), IntArg(1));          // so do writes that free memory
  EXPECT_THAT(Run({"expire", "k2", "100"}), IntArg(1));
  EXPECT_EQ(Existing("k", 10), 9);
  EXPECT_EQ(Evicted(), 0);
  Limit(0);
  EXPECT_THAT(Run({"set", "x", "y"}), OkArg());
}

TEST_P(EvictionTest, MultiRefusesAQueuedWriteAndExecWithOneWhenOutOfMemory) {
  Limit(Used() - (256 << 10));
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"set", "a", "1"}), ErrArg("OOM command not allowed"));
  EXPECT_THAT(Run({"get", "a"}), SimpleArg("QUEUED"));
  EXPECT_THAT(Run({"exec"}),
              ErrArg("EXECABORT Transaction discarded because of previous errors."));
  // Queued while there was room, refused at EXEC: Redis discards the transaction.
  Limit(0);
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"set", "a", "1"}), SimpleArg("QUEUED"));
  Limit(Used() - (256 << 10));
  EXPECT_THAT(Run({"exec"}),
              ErrArg("EXECABORT Transaction discarded because of: OOM command not allowed "
                     "when used memory > 'maxmemory'."));
  EXPECT_THAT(Run({"exec"}), ErrArg("ERR EXEC without MULTI"));
  EXPECT_THAT(Run({"exists", "a"}), IntArg(0));
  // A transaction of reads runs.
  EXPECT_THAT(Run({"multi"}), OkArg());
  Run({"get", "a"});
  EXPECT_EQ(Run({"exec"}).elems.size(), 1u);
}

TEST_P(EvictionTest, AScriptGetsOomForItsFirstWrite) {
  Run({"set", "k", "v"});
  Limit(Used() - (256 << 10));
  Value v = Run({"eval", "return redis.call('set', KEYS[1], 'x')", "1", "k"});
  ASSERT_EQ(v.type, Value::Type::kError) << v.ToString();
  EXPECT_NE(v.str.find("OOM command not allowed when used memory > 'maxmemory'"),
            std::string::npos)
      << v.str;
  EXPECT_THAT(Run({"eval", "return redis.call('get', KEYS[1])", "1", "k"}), BulkArg("v"));
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v"));
}

TEST_P(EvictionTest, AllKeysLruStaysWithinTheLimitAndKeepsTheHotSet) {
  Set("maxmemory-policy", "allkeys-lru");
  Set("maxmemory-samples", "10");
  Fill("hot", 100);
  Fill("cold", 1000);
  const int64_t limit = Used() + (300 << 10);
  Limit(limit);
  for (int round = 0; round < 20; ++round) {
    AdvanceTime(1000);  // the LRU clock counts seconds
    for (int i = 0; i < 100; ++i) Run({"get", StrCat("hot", i)});
    EXPECT_EQ(Fill(StrCat("new", round, ":"), 100), 0);
    EXPECT_LE(Used(), limit + kSlack) << "round " << round;
  }
  EXPECT_GT(Evicted(), 1000);
  EXPECT_GE(Existing("hot", 100), 95);   // read every second: kept
  EXPECT_LE(Existing("cold", 1000), 50);  // never read since the start: gone first
}

TEST_P(EvictionTest, EveryPolicyStaysWithinTheLimit) {
  for (const char* policy : {"allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru",
                             "volatile-lfu", "volatile-random", "volatile-ttl"}) {
    SCOPED_TRACE(policy);
    Run({"flushall"});
    Limit(0);
    Set("maxmemory-policy", policy);
    const int64_t limit = Used() + (500 << 10);
    Limit(limit);
    EXPECT_EQ(Fill("k", 2000, 1000), 0);
    EXPECT_LE(Used(), limit + kSlack);
    EXPECT_GT(Evicted(), 0);
    EXPECT_LT(Existing("k", 2000), 1000);
  }
}

TEST_P(EvictionTest, VolatilePoliciesNeverEvictKeysWithoutATtl) {
  for (const char* policy : {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"}) {
    SCOPED_TRACE(policy);
    Run({"flushall"});
    Limit(0);
    Set("maxmemory-policy", policy);
    Fill("keep", 300);
    Fill("ttl", 300, 1000);
    const int64_t limit = Used() + (100 << 10);
    Limit(limit);
    EXPECT_EQ(Fill("more", 400, 1000), 0);
    EXPECT_LE(Used(), limit + kSlack);
    EXPECT_EQ(Existing("keep", 300), 300);
    // Once only keys without a TTL are left, writes get OOM.
    EXPECT_GT(Fill("plain", 1000), 0);
    EXPECT_EQ(Existing("keep", 300), 300);
  }
}

TEST_P(EvictionTest, VolatileTtlEvictsTheNearestExpiryFirst) {
  Set("maxmemory-policy", "volatile-ttl");
  Set("maxmemory-samples", "10");
  Fill("soon", 500, 100);
  Fill("late", 500, 100'000);
  // Each shard evicts its own keys; the first write on a shard brings the whole process
  // under the limit, so the excess is kept below one shard's "soon" keys (125 of 4 shards).
  Limit(Used() - (50 << 10));
  EXPECT_EQ(Fill("new", 100, 100'000), 0);
  EXPECT_LE(Existing("soon", 500), 400);
  EXPECT_EQ(Existing("late", 500), 500);
}

TEST_P(EvictionTest, RetainedAndHeldKeysAreNeverEvicted) {
  Set("maxmemory-policy", "allkeys-random");
  Fill("k", 200);
  for (int i = 0; i < 100; ++i) {
    ASSERT_THAT(Run({"retain", StrCat("k", i), "1000"}), OkArg());
    ASSERT_THAT(Run({"legalhold", StrCat("k", 100 + i), "on"}), OkArg());
  }
  Limit(Used() - (100 << 10));
  EXPECT_GT(Fill("new", 300), 0);  // only the locked keys are left: OOM
  EXPECT_EQ(Existing("k", 200), 200);
}

INSTANTIATE_TEST_SUITE_P(Shards, EvictionTest, ShardCounts());

}  // namespace
}  // namespace shoal::engine
