// MULTI, EXEC, DISCARD, WATCH and UNWATCH, with Redis 7's semantics, on 1 and 4 shards.
#include <string>
#include <vector>

#include "tests/engine/test_util.h"

namespace shoal::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class MultiFamilyTest : public EngineTest {
 protected:
  // Keys that land on different shards when there are several.
  std::vector<std::string> SpreadKeys(int n) {
    std::vector<std::string> keys;
    for (int i = 0; i < n; ++i) keys.push_back("key:" + std::to_string(i));
    return keys;
  }
};

TEST_P(MultiFamilyTest, QueuesAndExecutesInOrder) {
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"set", "a", "1"}), SimpleArg("QUEUED"));
  EXPECT_THAT(Run({"incr", "a"}), SimpleArg("QUEUED"));
  EXPECT_THAT(Run({"get", "a"}), SimpleArg("QUEUED"));
  EXPECT_THAT(Run({"get", "a"}), SimpleArg("QUEUED"));
  EXPECT_THAT(Run({"exec"}), ArrArg(ElementsAre(OkArg(), IntArg(2), BulkArg("2"), BulkArg("2"))));
  // Out of MULTI again.
  EXPECT_THAT(Run({"get", "a"}), BulkArg("2"));
  EXPECT_THAT(Run({"exec"}), ErrArg("ERR EXEC without MULTI"));
}

TEST_P(MultiFamilyTest, EmptyTransaction) {
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"exec"}), ArrArg(IsEmpty()));
}

TEST_P(MultiFamilyTest, KeysOnEveryShard) {
  std::vector<std::string> keys = SpreadKeys(16);
  EXPECT_THAT(Run({"multi"}), OkArg());
  for (const std::string& k : keys) EXPECT_THAT(Run({"set", k, k}), SimpleArg("QUEUED"));
  std::vector<std::string> mget = {"mget"};
  mget.insert(mget.end(), keys.begin(), keys.end());
  EXPECT_THAT(Run(mget), SimpleArg("QUEUED"));
  EXPECT_THAT(Run({"dbsize"}), SimpleArg("QUEUED"));
  Value v = Run({"exec"});
  ASSERT_EQ(v.elems.size(), keys.size() + 2) << v.ToString();
  EXPECT_EQ(StrArray(v.elems[keys.size()]), keys);
  EXPECT_THAT(v.elems[keys.size() + 1], IntArg(16));
}

TEST_P(MultiFamilyTest, ErrorsOfMultiExecDiscard) {
  EXPECT_THAT(Run({"exec"}), ErrArg("ERR EXEC without MULTI"));
  EXPECT_THAT(Run({"discard"}), ErrArg("ERR DISCARD without MULTI"));
  EXPECT_THAT(Run({"multi", "x"}), ErrArg("ERR wrong number of arguments for 'multi' command"));
  EXPECT_THAT(Run({"exec", "x"}), ErrArg("ERR wrong number of arguments for 'exec' command"));
  EXPECT_THAT(Run({"watch"}), ErrArg("ERR wrong number of arguments for 'watch' command"));
  EXPECT_THAT(Run({"unwatch", "x"}), ErrArg("ERR wrong number of arguments for 'unwatch' command"));
  EXPECT_THAT(Run({"multi"}), OkArg());
  // Nesting and WATCH inside MULTI are refused without discarding the transaction.
  EXPECT_THAT(Run({"multi"}), ErrArg("ERR MULTI calls can not be nested"));
  EXPECT_THAT(Run({"watch", "a"}), ErrArg("ERR WATCH inside MULTI is not allowed"));
  EXPECT_THAT(Run({"set", "a", "1"}), SimpleArg("QUEUED"));
  EXPECT_THAT(Run({"exec"}), ArrArg(ElementsAre(OkArg())));
}

TEST_P(MultiFamilyTest, QueueingErrorAbortsExec) {
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"set", "a", "1"}), SimpleArg("QUEUED"));
  EXPECT_THAT(Run({"nosuchcommand", "x"}), ErrArg("ERR unknown command 'nosuchcommand'"));
  EXPECT_THAT(Run({"get"}), ErrArg("ERR wrong number of arguments for 'get' command"));
  EXPECT_THAT(Run({"set", "b", "1"}), SimpleArg("QUEUED"));
  EXPECT_THAT(Run({"exec"}),
              ErrArg("EXECABORT Transaction discarded because of previous errors."));
  EXPECT_THAT(Run({"exists", "a", "b"}), IntArg(0));
  EXPECT_THAT(Run({"exec"}), ErrArg("ERR EXEC without MULTI"));
}

TEST_P(MultiFamilyTest, NoMultiCommandAbortsExec) {
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"shutdown"}), ErrArg("ERR Command not allowed inside a transaction"));
  EXPECT_THAT(Run({"exec"}), ErrArg("EXECABORT"));
}

TEST_P(MultiFamilyTest, RuntimeErrorsDoNotRollBack) {
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"set", "a", "x"}), SimpleArg("QUEUED"));
  EXPECT_THAT(Run({"incr", "a"}), SimpleArg("QUEUED"));  // fails only when it runs
  EXPECT_THAT(Run({"set", "b", "y"}), SimpleArg("QUEUED"));
  EXPECT_THAT(Run({"exec"}), ArrArg(ElementsAre(
                                 OkArg(), ErrArg("ERR value is not an integer or out of range"),
                                 OkArg())));
  EXPECT_THAT(Run({"get", "a"}), BulkArg("x"));
  EXPECT_THAT(Run({"get", "b"}), BulkArg("y"));
}

TEST_P(MultiFamilyTest, DiscardDropsTheQueue) {
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"set", "a", "1"}), SimpleArg("QUEUED"));
  EXPECT_THAT(Run({"discard"}), OkArg());
  EXPECT_THAT(Run({"get", "a"}), NilArg());
  EXPECT_THAT(Run({"exec"}), ErrArg("ERR EXEC without MULTI"));
}

TEST_P(MultiFamilyTest, SelectInsideMultiChangesLaterCommands) {
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"select", "2"}), SimpleArg("QUEUED"));
  EXPECT_THAT(Run({"set", "a", "in2"}), SimpleArg("QUEUED"));
  EXPECT_THAT(Run({"exec"}), ArrArg(ElementsAre(OkArg(), OkArg())));
  EXPECT_THAT(Run({"get", "a"}), BulkArg("in2"));
  EXPECT_THAT(Run({"select", "0"}), OkArg());
  EXPECT_THAT(Run({"get", "a"}), NilArg());
}

TEST_P(MultiFamilyTest, BlockingCommandInsideMultiDoesNotBlock) {
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"bzpopmin", "z", "0"}), SimpleArg("QUEUED"));
  EXPECT_THAT(Run({"bzpopbyscore", "z", "10", "0"}), SimpleArg("QUEUED"));
  EXPECT_THAT(Run({"zadd", "z", "1", "a"}), SimpleArg("QUEUED"));
  EXPECT_THAT(Run({"bzpopmin", "z", "0"}), SimpleArg("QUEUED"));
  Value v = Run({"exec"});
  ASSERT_EQ(v.elems.size(), 4u) << v.ToString();
  EXPECT_THAT(v.elems[0], NilArg());
  EXPECT_THAT(v.elems[1], NilArg());
  EXPECT_THAT(v.elems[2], IntArg(1));
  EXPECT_THAT(v.elems[3], ArrArg(ElementsAre(BulkArg("z"), BulkArg("a"), BulkArg("1"))));
}

TEST_P(MultiFamilyTest, ResetLeavesMulti) {
  EXPECT_THAT(Run({"watch", "w"}), OkArg());
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"set", "a", "1"}), SimpleArg("QUEUED"));
  EXPECT_THAT(Run({"reset"}), SimpleArg("RESET"));
  EXPECT_THAT(Run({"exec"}), ErrArg("ERR EXEC without MULTI"));
  EXPECT_THAT(Run({"get", "a"}), NilArg());
  // RESET also unwatched: a change to w no longer fails a transaction.
  EXPECT_THAT(Run({"set", "w", "1"}), OkArg());
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"exec"}), ArrArg(IsEmpty()));
}

TEST_P(MultiFamilyTest, ClientListShowsMulti) {
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"set", "a", "1"}), SimpleArg("QUEUED"));
  auto other = NewSession();
  Value list = RunOn(*other, {"client", "list"});
  EXPECT_NE(list.str.find("flags=x"), std::string::npos) << list.str;
  EXPECT_NE(list.str.find("multi=1 "), std::string::npos) << list.str;
  EXPECT_THAT(Run({"discard"}), OkArg());
  list = RunOn(*other, {"client", "list"});
  EXPECT_EQ(list.str.find("flags=x"), std::string::npos) << list.str;
}

// --- WATCH ----------------------------------------------------------------------------------

TEST_P(MultiFamilyTest, WatchedKeyUnchangedExecRuns) {
  EXPECT_THAT(Run({"set", "w", "1"}), OkArg());
  EXPECT_THAT(Run({"watch", "w", "other"}), OkArg());
  EXPECT_THAT(Run({"get", "w"}), BulkArg("1"));  // reading does not touch
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"set", "w", "2"}), SimpleArg("QUEUED"));
  EXPECT_THAT(Run({"exec"}), ArrArg(ElementsAre(OkArg())));
  EXPECT_THAT(Run({"get", "w"}), BulkArg("2"));
}

TEST_P(MultiFamilyTest, WatchedKeyChangedByAnotherClientFailsExec) {
  EXPECT_THAT(Run({"set", "w", "1"}), OkArg());
  EXPECT_THAT(Run({"watch", "w"}), OkArg());
  auto other = NewSession();
  EXPECT_THAT(RunOn(*other, {"incr", "w"}), IntArg(2));
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"set", "done", "1"}), SimpleArg("QUEUED"));
  EXPECT_THAT(Run({"exec"}), NilArg());
  EXPECT_THAT(Run({"get", "done"}), NilArg());
  // EXEC unwatched: the next transaction runs.
  EXPECT_THAT(RunOn(*other, {"incr", "w"}), IntArg(3));
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"exec"}), ArrArg(IsEmpty()));
}

TEST_P(MultiFamilyTest, WatchedKeyChangedBySameClientFailsExec) {
  EXPECT_THAT(Run({"watch", "w"}), OkArg());
  EXPECT_THAT(Run({"hset", "w", "f", "v"}), IntArg(1));  // created: a change
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"exec"}), NilArg());
}

TEST_P(MultiFamilyTest, WatchedKeyOnAnyShardFailsExec) {
  std::vector<std::string> keys = SpreadKeys(12);
  std::vector<std::string> watch = {"watch"};
  watch.insert(watch.end(), keys.begin(), keys.end());
  auto other = NewSession();
  for (const std::string& changed : keys) {
    EXPECT_THAT(Run(watch), OkArg());
    EXPECT_THAT(RunOn(*other, {"del", changed}), IntArg(0));  // no change: nothing deleted
    EXPECT_THAT(Run({"multi"}), OkArg());
    EXPECT_THAT(Run({"exec"}), ArrArg(IsEmpty()));
    EXPECT_THAT(Run(watch), OkArg());
    EXPECT_THAT(RunOn(*other, {"set", changed, "x"}), OkArg());
    EXPECT_THAT(Run({"multi"}), OkArg());
    EXPECT_THAT(Run({"exec"}), NilArg()) << changed;
  }
}

TEST_P(MultiFamilyTest, WatchIsPerDatabase) {
  EXPECT_THAT(Run({"watch", "w"}), OkArg());
  auto other = NewSession();
  EXPECT_THAT(RunOn(*other, {"select", "1"}), OkArg());
  EXPECT_THAT(RunOn(*other, {"set", "w", "1"}), OkArg());
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"exec"}), ArrArg(IsEmpty()));
}

TEST_P(MultiFamilyTest, UnwatchForgetsKeys) {
  EXPECT_THAT(Run({"watch", "w"}), OkArg());
  EXPECT_THAT(Run({"unwatch"}), OkArg());
  EXPECT_THAT(Run({"set", "w", "1"}), OkArg());
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"exec"}), ArrArg(IsEmpty()));
  EXPECT_THAT(Run({"unwatch"}), OkArg());  // nothing watched: still OK
}

TEST_P(MultiFamilyTest, DiscardUnwatches) {
  EXPECT_THAT(Run({"watch", "w"}), OkArg());
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"discard"}), OkArg());
  EXPECT_THAT(Run({"set", "w", "1"}), OkArg());
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"exec"}), ArrArg(IsEmpty()));
}

TEST_P(MultiFamilyTest, WatchedKeyThatExpiresFailsExec) {
  // Expired by the active wheel.
  EXPECT_THAT(Run({"set", "w", "1", "px", "100"}), OkArg());
  EXPECT_THAT(Run({"watch", "w"}), OkArg());
  AdvanceTime(200);
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"exec"}), NilArg());
  // Expired with no one looking: EXEC itself finds it gone.
  EXPECT_THAT(Run({"set", "w", "1", "px", "100"}), OkArg());
  EXPECT_THAT(Run({"watch", "w"}), OkArg());
  clock_.Advance(200);
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"exec"}), NilArg());
}

TEST_P(MultiFamilyTest, WatchedKeyAlreadyExpiredDoesNotFailExec) {
  EXPECT_THAT(Run({"set", "w", "1", "px", "100"}), OkArg());
  clock_.Advance(200);  // expired, not yet removed
  EXPECT_THAT(Run({"watch", "w"}), OkArg());
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"exec"}), ArrArg(IsEmpty()));
}

TEST_P(MultiFamilyTest, FlushTouchesOnlyExistingWatchedKeys) {
  EXPECT_THAT(Run({"watch", "absent"}), OkArg());
  EXPECT_THAT(Run({"flushall"}), OkArg());
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"exec"}), ArrArg(IsEmpty()));

  EXPECT_THAT(Run({"set", "w", "1"}), OkArg());
  EXPECT_THAT(Run({"watch", "w"}), OkArg());
  auto other = NewSession();
  EXPECT_THAT(RunOn(*other, {"flushdb"}), OkArg());
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"exec"}), NilArg());
}

TEST_P(MultiFamilyTest, SwapDbTouchesWatchedKeys) {
  EXPECT_THAT(Run({"select", "1"}), OkArg());
  EXPECT_THAT(Run({"set", "w", "in1"}), OkArg());
  EXPECT_THAT(Run({"select", "0"}), OkArg());
  EXPECT_THAT(Run({"watch", "w"}), OkArg());  // absent in db 0, present in db 1
  auto other = NewSession();
  EXPECT_THAT(RunOn(*other, {"swapdb", "0", "1"}), OkArg());
  EXPECT_THAT(Run({"multi"}), OkArg());
  EXPECT_THAT(Run({"exec"}), NilArg());
}

// EXEC over keys on every shard is atomic against a concurrent reader: the reader's MGET
// sees every counter at the same value, never some incremented and some not.
TEST_P(MultiFamilyTest, ExecIsAtomicAgainstConcurrentReaders) {
  std::vector<std::string> keys = SpreadKeys(8);
  int torn = CountTornReads(keys, [&] {
    for (int round = 0; round < 200; ++round) {
      EXPECT_THAT(Run({"multi"}), OkArg());
      for (const std::string& k : keys) Run({"set", k, std::to_string(round)});
      EXPECT_EQ(Run({"exec"}).elems.size(), keys.size());
    }
  });
  EXPECT_EQ(torn, 0);
}

INSTANTIATE_TEST_SUITE_P(Shards, MultiFamilyTest, ShardCounts());

}  // namespace
}  // namespace shoal::engine
