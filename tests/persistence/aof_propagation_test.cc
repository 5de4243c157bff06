// What the engine journals for each command (engine/journal.h): Redis's dirty rule and
// Redis 7's propagation rewrites, through an in-process engine with a FakeJournal.
#include "engine/shard.h"
#include "tests/engine/test_util.h"
#include "tests/persistence/aof_test_util.h"

namespace shoal::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class AofPropagationTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    engine_->set_journal(&journal_);
  }
  void TearDown() override {
    engine_->set_journal(nullptr);
    EngineTest::TearDown();
  }
  std::vector<std::string> Log() { return journal_.Take(); }
  std::string At(int64_t ms_from_now) { return StrCat(NowMs() + ms_from_now); }

  FakeJournal journal_;
};

TEST_P(AofPropagationTest, OnlyWritesThatChangedSomethingAreJournaled) {
  EXPECT_THAT(Run({"set", "k", "v"}), OkArg());
  EXPECT_THAT(Run({"get", "k"}), BulkArg("v"));
  EXPECT_THAT(Run({"del", "missing"}), IntArg(0));
  EXPECT_THAT(Run({"set", "k", "w", "nx"}), NilArg());
  EXPECT_THAT(Run({"incr", "k"}), ErrArg("ERR value is not an integer"));
  EXPECT_THAT(Log(), ElementsAre("0: set k v"));
  EXPECT_THAT(Run({"del", "k"}), IntArg(1));
  EXPECT_THAT(Log(), ElementsAre("0: del k"));
}

TEST_P(AofPropagationTest, CommandsCarryTheirDatabase) {
  EXPECT_THAT(Run({"select", "2"}), OkArg());
  EXPECT_THAT(Run({"set", "k", "v"}), OkArg());
  EXPECT_THAT(Run({"select", "0"}), OkArg());
  EXPECT_THAT(Run({"set", "k", "v"}), OkArg());
  EXPECT_THAT(Log(), ElementsAre("2: set k v", "0: set k v"));
}

TEST_P(AofPropagationTest, FlushIsJournaledEvenWhenEmpty) {
  EXPECT_THAT(Run({"flushall"}), OkArg());
  EXPECT_THAT(Run({"flushdb"}), OkArg());
  EXPECT_THAT(Log(), ElementsAre("0: flushall", "0: flushdb"));
}

TEST_P(AofPropagationTest, RelativeTtlsBecomeAbsolute) {
  EXPECT_THAT(Run({"set", "k", "v", "ex", "10"}), OkArg());
  EXPECT_THAT(Run({"set", "k", "v", "px", "100", "get"}), BulkArg("v"));
  EXPECT_THAT(Run({"set", "k", "v", "exat", "1800000000"}), OkArg());
  EXPECT_THAT(Run({"set", "k", "v", "pxat", "1800000000000"}), OkArg());
  EXPECT_THAT(Run({"setex", "k", "5", "v"}), OkArg());
  EXPECT_THAT(Run({"psetex", "k", "50", "v"}), OkArg());
  EXPECT_THAT(Log(), ElementsAre(StrCat("0: SET k v PXAT ", At(10000)),
                                 StrCat("0: SET k v PXAT ", At(100)),
                                 "0: SET k v PXAT 1800000000000",
                                 "0: SET k v PXAT 1800000000000",
                                 StrCat("0: SET k v PXAT ", At(5000)),
                                 StrCat("0: SET k v PXAT ", At(50))));
  EXPECT_THAT(Run({"expire", "k", "10"}), IntArg(1));
  EXPECT_THAT(Run({"pexpire", "k", "20", "gt"}), IntArg(0));  // not changed: not journaled
  EXPECT_THAT(Run({"pexpire", "k", "20"}), IntArg(1));
  EXPECT_THAT(Run({"expireat", "k", "1800000000"}), IntArg(1));
  EXPECT_THAT(Run({"getex", "k", "px", "30"}), BulkArg("v"));
  EXPECT_THAT(Run({"getex", "k", "persist"}), BulkArg("v"));
  EXPECT_THAT(Run({"getex", "k"}), BulkArg("v"));
  EXPECT_THAT(Log(), ElementsAre(StrCat("0: PEXPIREAT k ", At(10000)),
                                 StrCat("0: PEXPIREAT k ", At(20)),
                                 "0: PEXPIREAT k 1800000000000",
                                 StrCat("0: PEXPIREAT k ", At(30)), "0: PERSIST k"));
  // A time already past deletes the key: journaled as DEL.
  EXPECT_THAT(Run({"expire", "k", "-1"}), IntArg(1));
  EXPECT_THAT(Run({"set", "k", "v"}), OkArg());
  EXPECT_THAT(Run({"getex", "k", "exat", "1"}), BulkArg("v"));
  EXPECT_THAT(Log(), ElementsAre("0: DEL k", "0: set k v", "0: DEL k"));
}

TEST_P(AofPropagationTest, RetentionIsJournaledWithItsEnd) {
  Run({"set", "k", "v"});
  Log();
  EXPECT_THAT(Run({"retain", "k", "10"}), OkArg());
  EXPECT_THAT(Run({"retain", "k", "until", StrCat(At(20000))}), OkArg());
  EXPECT_THAT(Log(), ElementsAre(StrCat("0: RETAIN k UNTIL ", At(10000)),
                                 StrCat("0: RETAIN k UNTIL ", At(20000))));
  // Tags and holds are journaled as they are; a change that changes nothing is not.
  EXPECT_THAT(Run({"tag.set", "k", "env", "prod"}), IntArg(1));
  EXPECT_THAT(Run({"tag.del", "k", "nope"}), IntArg(0));
  EXPECT_THAT(Run({"legalhold", "k", "on"}), OkArg());
  EXPECT_THAT(Log(), ElementsAre("0: tag.set k env prod", "0: legalhold k on"));
}

TEST_P(AofPropagationTest, FloatIncrementsBecomeSets) {
  EXPECT_THAT(Run({"set", "f", "1", "ex", "100"}), OkArg());
  Log();
  EXPECT_THAT(Run({"incrbyfloat", "f", "0.5"}), BulkArg("1.5"));
  EXPECT_THAT(Run({"hincrbyfloat", "h", "x", "2.5"}), BulkArg("2.5"));
  EXPECT_THAT(Log(), ElementsAre("0: SET f 1.5 KEEPTTL", "0: HSET h x 2.5"));
}

TEST_P(AofPropagationTest, SPopBecomesSRem) {
  EXPECT_THAT(Run({"sadd", "s", "a", "b", "c"}), IntArg(3));
  Log();
  Value popped = Run({"spop", "s"});
  EXPECT_THAT(Log(), ElementsAre(StrCat("0: SREM s ", popped.str)));
  std::vector<std::string> two = StrArray(Run({"spop", "s", "1"}));
  ASSERT_EQ(two.size(), 1u);
  EXPECT_THAT(Log(), ElementsAre(StrCat("0: SREM s ", two[0])));
  EXPECT_THAT(StrArray(Run({"spop", "s", "10"})).size(), 1u);
  EXPECT_THAT(Log(), ElementsAre("0: DEL s"));
  EXPECT_THAT(Run({"spop", "s"}), NilArg());
  EXPECT_THAT(Log(), IsEmpty());
}

TEST_P(AofPropagationTest, BlockingListCommandsBecomeTheirPlainForms) {
  EXPECT_THAT(Run({"rpush", "{l}a", "1", "2", "3", "4", "5", "6"}), IntArg(6));
  Log();
  Run({"blpop", "{l}a", "0"});
  Run({"brpop", "{l}a", "0"});
  Run({"blmove", "{l}a", "{l}b", "left", "right", "0"});
  Run({"brpoplpush", "{l}a", "{l}b", "0"});
  Run({"blmpop", "0", "1", "{l}a", "right", "count", "2"});
  Run({"lmpop", "1", "{l}b", "left"});
  EXPECT_THAT(Log(), ElementsAre("0: LPOP {l}a", "0: RPOP {l}a", "0: LMOVE {l}a {l}b LEFT RIGHT",
                                 "0: LMOVE {l}a {l}b RIGHT LEFT", "0: RPOP {l}a 2",
                                 "0: LPOP {l}b 1"));  // [B]LMPOP: with its count, as Redis
  // LMOVE and RPOPLPUSH are deterministic: journaled as they are.
  Run({"lmove", "{l}b", "{l}a", "left", "left"});
  EXPECT_THAT(Log(), ElementsAre("0: lmove {l}b {l}a left left"));
}

TEST_P(AofPropagationTest, BlockingZSetPopsBecomeTheirPlainForms) {
  EXPECT_THAT(Run({"zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d"}), IntArg(4));
  Log();
  Run({"bzpopmin", "z", "0"});
  Run({"bzpopmax", "z", "0"});
  Run({"bzmpop", "0", "1", "z", "min", "count", "5"});
  EXPECT_THAT(Log(), ElementsAre("0: ZPOPMIN z", "0: ZPOPMAX z", "0: ZPOPMIN z 5"));
  EXPECT_THAT(Run({"zadd", "z", "1", "a", "2", "b", "3", "c"}), IntArg(3));
  Log();
  Run({"bzpopbyscore", "z", "2", "0", "count", "5"});
  Run({"zpopbyscore", "z", "10"});  // deterministic: journaled as it is
  EXPECT_THAT(Log(), ElementsAre("0: ZREM z a b", "0: zpopbyscore z 10"));
}

TEST_P(AofPropagationTest, BlockedPopIsJournaledAfterTheWriteThatServedIt) {
  std::future<Value> f = Start({"blpop", "q", "0"});
  AwaitWaiters(1);
  EXPECT_THAT(Run({"rpush", "q", "job"}), IntArg(1));
  ASSERT_TRUE(Ready(f));
  EXPECT_THAT(f.get(), ArrArg(ElementsAre(BulkArg("q"), BulkArg("job"))));
  EXPECT_THAT(Log(), ElementsAre("0: rpush q job", "0: LPOP q"));
}

TEST_P(AofPropagationTest, StreamIdsAndTrimsAreJournaledExactly) {
  Value id = Run({"xadd", "s", "*", "f", "v"});
  EXPECT_THAT(Log(), ElementsAre(StrCat("0: XADD s ", id.str, " f v")));
  Run({"xadd", "s", "9999999999999-*", "f", "v"});
  Run({"xadd", "s", "maxlen", "~", "1", "*", "g", "w"});  // approximate: trims nothing
  std::vector<std::string> log = Log();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0], "0: XADD s 9999999999999-0 f v");
  EXPECT_EQ(log[1], "0: XADD s MAXLEN = 3 9999999999999-1 g w");
  EXPECT_THAT(Run({"xtrim", "s", "maxlen", "2"}), IntArg(1));
  EXPECT_THAT(Run({"xtrim", "s", "maxlen", "5"}), IntArg(0));
  EXPECT_THAT(Log(), ElementsAre("0: XTRIM s MAXLEN = 2"));
}

TEST_P(AofPropagationTest, GroupReadsAndClaimsAreJournaledAsXClaim) {
  Run({"xadd", "s", "1-1", "f", "v"});
  Run({"xgroup", "create", "s", "g", "0"});
  Log();
  Run({"xreadgroup", "group", "g", "alice", "count", "1", "streams", "s", ">"});
  EXPECT_THAT(Log(), ElementsAre("MULTI",
                                 StrCat("0: XCLAIM s g alice 0 1-1 TIME ", At(0),
                                        " RETRYCOUNT 1 FORCE JUSTID LASTID 1-1"),
                                 "0: XGROUP SETID s g 1-1 ENTRIESREAD 1", "EXEC"));
  AdvanceTime(100);
  EXPECT_THAT(StrArray(Run({"xclaim", "s", "g", "bob", "50", "1-1", "justid"})),
              ElementsAre("1-1"));
  EXPECT_THAT(Log(), ElementsAre(StrCat("0: XCLAIM s g bob 0 1-1 TIME ", At(0),
                                        " RETRYCOUNT 1 FORCE JUSTID LASTID 1-1")));
  AdvanceTime(100);
  Run({"xautoclaim", "s", "g", "carol", "50", "0"});
  EXPECT_THAT(Log(), ElementsAre(StrCat("0: XCLAIM s g carol 0 1-1 TIME ", At(0),
                                        " RETRYCOUNT 2 FORCE JUSTID LASTID 1-1")));
  Run({"xdel", "s", "1-1"});
  Log();
  Run({"xautoclaim", "s", "g", "carol", "0", "0"});
  EXPECT_THAT(Log(), ElementsAre("0: XCLAIM s g carol 0 1-1 JUSTID"));
}

TEST_P(AofPropagationTest, ExecIsJournaledAsMultiExecAroundItsWrites) {
  EXPECT_THAT(Run({"multi"}), SimpleArg("OK"));
  Run({"set", "{t}a", "1"});
  Run({"get", "{t}a"});
  Run({"incr", "{t}b"});
  Run({"select", "1"});
  Run({"set", "{t}a", "2"});
  EXPECT_THAT(Run({"exec"}), ArrArg(::testing::SizeIs(5)));
  EXPECT_THAT(Log(), ElementsAre("MULTI", "0: set {t}a 1", "0: incr {t}b", "1: set {t}a 2", "EXEC"));
  // Reads only: nothing; one write: the write alone.
  Run({"multi"});
  Run({"get", "{t}a"});
  Run({"exec"});
  Run({"multi"});
  Run({"del", "{t}a"});
  Run({"exec"});
  EXPECT_THAT(Log(), ElementsAre("1: del {t}a"));
}

TEST_P(AofPropagationTest, ScriptsAreJournaledAsTheirEffects) {
  EXPECT_THAT(Run({"eval",
                   "redis.call('set', KEYS[1], 'x'); redis.call('get', KEYS[1]); "
                   "redis.call('spop', KEYS[2]); return redis.call('incr', KEYS[3])",
                   "3", "{s}a", "{s}set", "{s}n"}),
              IntArg(1));
  EXPECT_THAT(Log(), ElementsAre("MULTI", "0: set {s}a x", "0: incr {s}n", "EXEC"));
  EXPECT_THAT(Run({"eval", "return redis.call('get', KEYS[1])", "1", "{s}a"}), BulkArg("x"));
  EXPECT_THAT(Log(), IsEmpty());
}

TEST_P(AofPropagationTest, ExpiredKeysAreJournaledAsDel) {
  EXPECT_THAT(Run({"set", "k", "v", "px", "100"}), OkArg());
  Log();
  AdvanceTime(200);  // active expiry
  EXPECT_THAT(Log(), ElementsAre("0: DEL k"));
  engine_->active_expire = false;
  EXPECT_THAT(Run({"set", "k", "v", "px", "100"}), OkArg());
  Log();
  AdvanceTime(200);
  EXPECT_THAT(Log(), IsEmpty());
  EXPECT_THAT(Run({"get", "k"}), NilArg());  // lazy expiry: the DEL, not the GET
  EXPECT_THAT(Log(), ElementsAre("0: DEL k"));
}

// Each append carries its command's time snapshot (what replay runs it at): one for an
// EXEC's group, the serve's for a blocked pop, the tick's for an active expiry.
TEST_P(AofPropagationTest, EveryAppendCarriesItsCommandTime) {
  const int64_t t0 = NowMs();
  Run({"set", "k", "v", "px", "1000"});
  AdvanceTime(10);
  Run({"mset", "a", "1", "b", "2", "c", "3"});
  AdvanceTime(10);
  Run({"multi"});
  Run({"set", "{t}a", "1"});
  AdvanceTime(5);  // queued: EXEC's time is what counts
  Run({"incr", "{t}b"});
  Run({"exec"});
  std::future<Value> f = Start({"blpop", "q", "0"});
  AwaitWaiters(1);
  AdvanceTime(10);
  Run({"rpush", "q", "job"});
  ASSERT_TRUE(Ready(f));
  AdvanceTime(1000);  // k expires on the tick
  EXPECT_THAT(Log(), ElementsAre(StrCat("0: SET k v PXAT ", t0 + 1000), "0: mset a 1 b 2 c 3",
                                 "MULTI", "0: set {t}a 1", "0: incr {t}b", "EXEC",
                                 "0: rpush q job", "0: LPOP q", "0: DEL k"));
  EXPECT_THAT(journal_.TakeTimes(), ElementsAre(t0, t0 + 10, t0 + 25, t0 + 35, t0 + 35, t0 + 1035));
  EXPECT_THAT(Run({"object", "mtime", "{t}b"}), IntArg(t0 + 25));
}

TEST_P(AofPropagationTest, BgRewriteAofNeedsTheJournal) {
  EXPECT_THAT(Run({"bgrewriteaof"}), SimpleArg("Background append only file rewriting started"));
  engine_->set_journal(nullptr);
  EXPECT_THAT(Run({"bgrewriteaof"}), ErrArg("ERR The append only file is off"));
}

INSTANTIATE_TEST_SUITE_P(Shards, AofPropagationTest, ShardCounts());

}  // namespace
}  // namespace shoal::engine
