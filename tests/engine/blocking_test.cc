// Blocking commands (engine/blocking.h): a client waits on its keys, is woken by the write
// that makes one of them poppable (oldest waiter first, atomically with the pop), or times
// out on the fake clock. Run with 1 and 4 shards.
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "engine/shard.h"
#include "tests/engine/test_util.h"

namespace shoal::engine {
namespace {

using ::testing::ElementsAre;

class BlockingTest : public EngineTest {};

TEST_P(BlockingTest, PopsAtOnceWhenAvailable) {
  Run({"zadd", "z", "1", "a", "2", "b"});
  EXPECT_THAT(Run({"bzpopmin", "missing", "z", "0"}),
              ArrArg(ElementsAre(BulkArg("z"), BulkArg("a"), BulkArg("1"))));
  EXPECT_THAT(Run({"bzpopmax", "z", "0"}),
              ArrArg(ElementsAre(BulkArg("z"), BulkArg("b"), BulkArg("2"))));
  EXPECT_THAT(Run({"exists", "z"}), IntArg(0));
  Run({"hello", "3"});
  Run({"zadd", "z", "1.5", "a"});
  EXPECT_THAT(Run({"bzpopmin", "z", "0"}),
              ArrArg(ElementsAre(BulkArg("z"), BulkArg("a"), DoubleArg(1.5))));
}

TEST_P(BlockingTest, Errors) {
  EXPECT_THAT(Run({"bzpopmin", "z"}), ErrArg("ERR wrong number of arguments for 'bzpopmin' command"));
  EXPECT_THAT(Run({"bzpopmin", "z", "abc"}), ErrArg("ERR timeout is not a float or out of range"));
  EXPECT_THAT(Run({"bzpopmax", "z", "-1"}), ErrArg("ERR timeout is negative"));
  EXPECT_THAT(Run({"bzpopmin", "z", "nan"}), ErrArg("ERR timeout is not a float or out of range"));
  Run({"set", "s", "x"});
  EXPECT_THAT(Run({"bzpopmin", "s", "0"}), ErrArg("WRONGTYPE"));
}

TEST_P(BlockingTest, WokenByAWrite) {
  auto waiting = Start({"bzpopmin", "q", "0"});
  AwaitWaiters(1);
  EXPECT_EQ(waiting.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  EXPECT_THAT(Run({"zadd", "q", "7", "job"}), IntArg(1));
  ASSERT_TRUE(Ready(waiting));
  EXPECT_THAT(waiting.get(), ArrArg(ElementsAre(BulkArg("q"), BulkArg("job"), BulkArg("7"))));
  EXPECT_THAT(Run({"exists", "q"}), IntArg(0));  // the pop was atomic with the wake-up
}

// The connection writes the replies so far and any pushes when its round parks on a
// blocked command (src/connection.cc): the Session tells it through the park hook.
TEST_P(BlockingTest, ParkHookRunsWhenTheRoundWaits) {
  auto s = std::shared_ptr<Session>(engine_->NewSession().release());
  sessions_.push_back(s);
  std::promise<bool> parked;
  s->set_park_hook([&parked, raw = s.get()] { parked.set_value(raw->parked()); });
  auto waiting = std::async(std::launch::async, [s] {
    return s->Execute(std::vector<std::string>{"blpop", "list", "0"});
  });
  auto hooked = parked.get_future();
  ASSERT_EQ(hooked.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_TRUE(hooked.get());  // parked() holds while the hook runs, on the home thread
  EXPECT_EQ(waiting.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  EXPECT_THAT(Run({"rpush", "list", "x"}), IntArg(1));
  ASSERT_TRUE(Ready(waiting));
  EXPECT_THAT(waiting.get(), ArrArg(ElementsAre(BulkArg("list"), BulkArg("x"))));
  s->set_park_hook(nullptr);
}

TEST_P(BlockingTest, OldestWaiterFirst) {
  auto first = Start({"bzpopmin", "q", "0"});
  AwaitWaiters(1);
  auto second = Start({"bzpopmin", "q", "0"});
  AwaitWaiters(2);
  Run({"zadd", "q", "1", "one"});
  ASSERT_TRUE(Ready(first));
  EXPECT_THAT(first.get(), ArrArg(ElementsAre(BulkArg("q"), BulkArg("one"), BulkArg("1"))));
  EXPECT_EQ(second.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  Run({"zadd", "q", "2", "two"});
  ASSERT_TRUE(Ready(second));
  EXPECT_THAT(second.get(), ArrArg(ElementsAre(BulkArg("q"), BulkArg("two"), BulkArg("2"))));
}

TEST_P(BlockingTest, TimesOutOnTheFakeClock) {
  auto waiting = Start({"bzpopmax", "q", "1.5"});
  AwaitWaiters(1);
  AdvanceTime(1000);
  EXPECT_EQ(waiting.wait_for(std::chrono::milliseconds(20)), std::future_status::timeout);
  AdvanceTime(600);
  ASSERT_TRUE(Ready(waiting));
  EXPECT_THAT(waiting.get(), NilArg());
  // The timed-out waiter is gone: a later write serves nobody and stays.
  for (int i = 0; i < 1000 && Waiters() > 0; ++i) RunExpiry();
  EXPECT_EQ(Waiters(), 0u);
  Run({"zadd", "q", "1", "a"});
  EXPECT_THAT(Run({"zcard", "q"}), IntArg(1));
}

// A blocked client is not served from a key whose pop would delete it under a legal hold,
// nor from a key retained while it waited; waiters behind it may still be.
TEST_P(BlockingTest, HeldOrRetainedKeyIsPassedOver) {
  auto waiting = Start({"blpop", "q", "1"});
  AwaitWaiters(1);
  Run({"multi"});
  Run({"rpush", "q", "only"});
  Run({"legalhold", "q", "on"});
  Run({"exec"});
  EXPECT_EQ(waiting.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  AdvanceTime(1100);
  ASSERT_TRUE(Ready(waiting));
  EXPECT_THAT(waiting.get(), NilArg());
  EXPECT_THAT(Run({"lrange", "q", "0", "-1"}), ArrArg(ElementsAre(BulkArg("only"))));

  Run({"rpush", "{d}dst", "a"});
  auto mover = Start({"blmove", "{d}src", "{d}dst", "left", "left", "5"});
  AwaitWaiters(1);
  auto popper = Start({"blpop", "{d}src", "5"});
  AwaitWaiters(2);
  Run({"retain", "{d}dst", "100"});
  Run({"rpush", "{d}src", "x"});
  ASSERT_TRUE(Ready(popper));  // served past the mover, whose destination is retained
  EXPECT_THAT(popper.get(), ArrArg(ElementsAre(BulkArg("{d}src"), BulkArg("x"))));
  EXPECT_EQ(mover.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  AdvanceTime(6000);
  ASSERT_TRUE(Ready(mover));
  EXPECT_THAT(mover.get(), NilArg());
  EXPECT_THAT(Run({"lrange", "{d}dst", "0", "-1"}), ArrArg(ElementsAre(BulkArg("a"))));
}

TEST_P(BlockingTest, ServedFromWhicheverKeyGetsData) {
  // "a" and "b" live on different shards with 4 shards.
  auto waiting = Start({"bzpopmin", "a", "b", "0"});
  AwaitWaiters(2);
  Run({"zadd", "b", "3", "x"});
  ASSERT_TRUE(Ready(waiting));
  EXPECT_THAT(waiting.get(), ArrArg(ElementsAre(BulkArg("b"), BulkArg("x"), BulkArg("3"))));
  Run({"zadd", "a", "1", "y"});  // the waiter is gone from "a" too
  EXPECT_THAT(Run({"zcard", "a"}), IntArg(1));
}

TEST_P(BlockingTest, WokenByAMultiShardWrite) {
  Run({"zadd", "src1", "1", "m1"});
  Run({"zadd", "src2", "2", "m2"});
  auto waiting = Start({"bzpopmax", "dest", "0"});
  AwaitWaiters(1);
  EXPECT_THAT(Run({"zunionstore", "dest", "2", "src1", "src2"}), IntArg(2));
  ASSERT_TRUE(Ready(waiting));
  EXPECT_THAT(waiting.get(), ArrArg(ElementsAre(BulkArg("dest"), BulkArg("m2"), BulkArg("2"))));
  EXPECT_THAT(Run({"zrange", "dest", "0", "-1"}), ArrArg(ElementsAre(BulkArg("m1"))));
}

TEST_P(BlockingTest, AnotherTypeDoesNotWakeIt) {
  auto waiting = Start({"bzpopmin", "q", "0"});
  AwaitWaiters(1);
  Run({"set", "q", "string"});
  EXPECT_EQ(waiting.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  Run({"del", "q"});
  Run({"zadd", "q", "1", "a"});
  ASSERT_TRUE(Ready(waiting));
  EXPECT_THAT(waiting.get(), ArrArg(ElementsAre(BulkArg("q"), BulkArg("a"), BulkArg("1"))));
}

TEST_P(BlockingTest, ManyConsumersEachMemberOnce) {
  constexpr int kConsumers = 6, kJobs = 60;
  std::vector<std::future<Value>> consumers;
  std::vector<std::string> got;
  for (int round = 0; round < kJobs / kConsumers; ++round) {
    consumers.clear();
    for (int c = 0; c < kConsumers; ++c) consumers.push_back(Start({"bzpopmin", "jobs", "0"}));
    AwaitWaiters(kConsumers);
    for (int j = 0; j < kConsumers; ++j) {
      int id = round * kConsumers + j;
      Run({"zadd", "jobs", std::to_string(id), "job" + std::to_string(id)});
    }
    for (auto& f : consumers) {
      ASSERT_TRUE(Ready(f));
      got.push_back(f.get().elems[1].str);
    }
  }
  std::sort(got.begin(), got.end());
  EXPECT_EQ(std::unique(got.begin(), got.end()), got.end());
  EXPECT_EQ(got.size(), static_cast<size_t>(kJobs));
}

TEST_P(BlockingTest, PopByScorePopsWhatIsDue) {
  Run({"zadd", "q", "100", "a", "200", "b", "300", "c"});
  EXPECT_THAT(Run({"bzpopbyscore", "q", "150", "0"}),
              ArrArg(ElementsAre(BulkArg("q"), BulkArg("a"), BulkArg("100"))));
  EXPECT_THAT(Run({"bzpopbyscore", "missing", "q", "1000", "0", "COUNT", "5", "WITHSCORES"}),
              ArrArg(ElementsAre(BulkArg("q"),
                                 ArrArg(ElementsAre(ArrArg(ElementsAre(BulkArg("b"), BulkArg("200"))),
                                                    ArrArg(ElementsAre(BulkArg("c"), BulkArg("300"))))))));
  EXPECT_THAT(Run({"exists", "q"}), IntArg(0));
}

TEST_P(BlockingTest, PopByScoreErrors) {
  EXPECT_THAT(Run({"bzpopbyscore", "q", "1"}), ErrArg("ERR wrong number of arguments"));
  EXPECT_THAT(Run({"bzpopbyscore", "q", "abc", "0"}), ErrArg("ERR min or max is not a float"));
  EXPECT_THAT(Run({"bzpopbyscore", "q", "10", "x"}), ErrArg("ERR timeout is not a float"));
  EXPECT_THAT(Run({"bzpopbyscore", "q", "10", "-1"}), ErrArg("ERR timeout is negative"));
  EXPECT_THAT(Run({"bzpopbyscore", "q", "10", "0", "count", "0"}),
              ErrArg("ERR value is out of range, must be positive"));
  EXPECT_THAT(Run({"bzpopbyscore", "q", "10", "0", "count", "x"}),
              ErrArg("ERR value is not an integer"));
  Run({"set", "s", "x"});
  EXPECT_THAT(Run({"bzpopbyscore", "s", "10", "0"}), ErrArg("WRONGTYPE"));
}

TEST_P(BlockingTest, PopByScoreWaitsForAMemberUnderMax) {
  Run({"zadd", "q", "500", "late"});
  auto waiting = Start({"bzpopbyscore", "q", "(150", "0"});
  AwaitWaiters(1);
  Run({"zadd", "q", "150", "edge"});  // not under an exclusive max
  EXPECT_EQ(waiting.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  Run({"zadd", "q", "120", "due"});
  ASSERT_TRUE(Ready(waiting));
  EXPECT_THAT(waiting.get(), ArrArg(ElementsAre(BulkArg("q"), BulkArg("due"), BulkArg("120"))));
  EXPECT_THAT(Run({"zcard", "q"}), IntArg(2));
}

// NOW: woken by the clock exactly when the earliest member falls due, not by a write.
TEST_P(BlockingTest, PopByScoreNowWakesWhenDue) {
  int64_t due = NowMs() + 5000;
  Run({"zadd", "jobs", std::to_string(due), "job"});
  auto waiting = Start({"bzpopbyscore", "jobs", "NOW", "0"});
  AwaitWaiters(1);
  AdvanceTime(4999);
  EXPECT_EQ(waiting.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  AdvanceTime(1);
  ASSERT_TRUE(Ready(waiting));
  EXPECT_THAT(waiting.get(),
              ArrArg(ElementsAre(BulkArg("jobs"), BulkArg("job"), BulkArg(std::to_string(due)))));
}

TEST_P(BlockingTest, PopByScoreNowRearmsForMembersAddedLater) {
  auto waiting = Start({"bzpopbyscore", "a", "b", "now", "0", "COUNT", "2"});
  AwaitWaiters(2);
  int64_t t = NowMs();
  Run({"zadd", "b", std::to_string(t + 300), "later", std::to_string(t + 200), "sooner"});
  EXPECT_EQ(waiting.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  AdvanceTime(200);
  ASSERT_TRUE(Ready(waiting));
  EXPECT_THAT(waiting.get(),
              ArrArg(ElementsAre(BulkArg("b"), ArrArg(ElementsAre(ArrArg(ElementsAre(
                                                    BulkArg("sooner"),
                                                    BulkArg(std::to_string(t + 200)))))))));
  EXPECT_THAT(Run({"zcard", "b"}), IntArg(1));
}

TEST_P(BlockingTest, PopByScoreTimesOut) {
  Run({"zadd", "q", std::to_string(NowMs() + 100000), "far"});
  auto waiting = Start({"bzpopbyscore", "q", "NOW", "2"});
  AwaitWaiters(1);
  AdvanceTime(2000);
  ASSERT_TRUE(Ready(waiting));
  EXPECT_THAT(waiting.get(), NilArg());
  EXPECT_THAT(Run({"zcard", "q"}), IntArg(1));
}

TEST_P(BlockingTest, BZMPop) {
  Run({"zadd", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_THAT(Run({"bzmpop", "0", "2", "missing", "z", "MAX", "COUNT", "2"}),
              ArrArg(ElementsAre(BulkArg("z"),
                                 ArrArg(ElementsAre(ArrArg(ElementsAre(BulkArg("c"), BulkArg("3"))),
                                                    ArrArg(ElementsAre(BulkArg("b"), BulkArg("2"))))))));
  EXPECT_THAT(Run({"bzmpop", "0", "1", "z"}), ErrArg("ERR wrong number of arguments"));
  // The timeout is no key (it would route the command to the timeout's shard).
  EXPECT_THAT(Run({"command", "getkeys", "bzmpop", "0", "2", "a", "b", "MIN"}),
              ArrArg(ElementsAre(BulkArg("a"), BulkArg("b"))));
  EXPECT_THAT(Run({"bzmpop", "0", "1", "z", "middle"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"bzmpop", "0", "0", "z", "min"}), ErrArg("ERR numkeys"));
  EXPECT_THAT(Run({"bzmpop", "x", "1", "z", "min"}), ErrArg("ERR timeout is not a float"));
  EXPECT_THAT(Run({"bzmpop", "0", "1", "z", "min", "count", "0"}), ErrArg("ERR count"));
  auto waiting = Start({"bzmpop", "0", "2", "p", "q", "MIN"});
  AwaitWaiters(2);
  Run({"zadd", "q", "5", "x", "6", "y"});
  ASSERT_TRUE(Ready(waiting));
  EXPECT_THAT(waiting.get(),
              ArrArg(ElementsAre(BulkArg("q"),
                                 ArrArg(ElementsAre(ArrArg(ElementsAre(BulkArg("x"), BulkArg("5"))))))));
  auto timed = Start({"bzmpop", "0.5", "1", "none", "MIN"});
  AwaitWaiters(1);
  AdvanceTime(500);
  ASSERT_TRUE(Ready(timed));
  EXPECT_THAT(timed.get(), NilArg());
}

INSTANTIATE_TEST_SUITE_P(Shards, BlockingTest, ShardCounts());

}  // namespace
}  // namespace shoal::engine
