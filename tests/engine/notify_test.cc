// Keyspace notifications: notify-keyspace-events parsing and rendering, and the events the
// families publish, read from a pattern subscriber's inbox.
#include <string>
#include <vector>

#include "engine/notify.h"
#include "engine/shard.h"
#include "protocol/reply_value.h"
#include "tests/engine/test_util.h"

namespace shoal::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class NotifyTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    watcher_ = NewSession();
    watcher_->Execute({"psubscribe", "__key*__:*"});
  }
  void TearDown() override {
    watcher_.reset();
    EngineTest::TearDown();
  }
  // The events since the last call, as "channel message" strings.
  std::vector<std::string> Events() {
    std::vector<std::string> out;
    for (const Value& v : ParseReplies(watcher_->TakePushes())) {
      if (v.elems.size() == 4 && v.elems[0].str == "pmessage") {
        out.push_back(v.elems[2].str + " " + v.elems[3].str);
      }
    }
    return out;
  }
  // Only the keyevent channel's events, as "event key".
  std::vector<std::string> KeyEvents() {
    std::vector<std::string> out;
    for (const std::string& e : Events()) {
      const std::string prefix = "__keyevent@0__:";
      if (e.rfind(prefix, 0) == 0) out.push_back(e.substr(prefix.size()));
    }
    return out;
  }
  std::unique_ptr<Session> watcher_;
};

TEST_P(NotifyTest, ConfigParsesAndRendersFlagsAsRedis) {
  auto get = [&] { return Run({"config", "get", "notify-keyspace-events"}).elems.at(1).str; };
  EXPECT_EQ(get(), "");
  EXPECT_THAT(Run({"config", "set", "notify-keyspace-events", "KEA"}), OkArg());
  EXPECT_EQ(get(), "AKE");
  Run({"config", "set", "notify-keyspace-events", "Ex"});
  EXPECT_EQ(get(), "xE");
  Run({"config", "set", "notify-keyspace-events", "Kg$lshzxetdnm"});
  EXPECT_EQ(get(), "AKm");  // Redis writes n only when not all of A is on
  Run({"config", "set", "notify-keyspace-events", "zhK$"});
  EXPECT_EQ(get(), "$hzK");
  EXPECT_THAT(Run({"config", "set", "notify-keyspace-events", "KQ"}),
              ErrArg("ERR CONFIG SET failed (possibly related to argument "
                     "'notify-keyspace-events') - Invalid event class character. Use "
                     "'Ag$lshzxeKEtmdn'."));
  EXPECT_EQ(get(), "$hzK");
  Run({"config", "set", "notify-keyspace-events", ""});
  EXPECT_EQ(get(), "");
}

TEST_P(NotifyTest, NothingIsPublishedWhileOff) {
  Run({"set", "k", "v"});
  Run({"del", "k"});
  EXPECT_THAT(Events(), IsEmpty());
}

TEST_P(NotifyTest, KeyspaceAndKeyeventChannels) {
  Run({"config", "set", "notify-keyspace-events", "KE$"});
  Run({"set", "k", "v"});
  EXPECT_THAT(Events(), ElementsAre("__keyspace@0__:k set", "__keyevent@0__:set k"));
  Run({"config", "set", "notify-keyspace-events", "K$"});
  Run({"select", "3"});
  Run({"set", "k", "v"});
  EXPECT_THAT(Events(), ElementsAre("__keyspace@3__:k set"));
  // A class that is off publishes nothing.
  Run({"del", "k"});
  EXPECT_THAT(Events(), IsEmpty());
}

TEST_P(NotifyTest, GenericAndStringEvents) {
  Run({"config", "set", "notify-keyspace-events", "EA"});
  Run({"set", "a", "1", "ex", "100"});
  Run({"incr", "a"});
  Run({"incrbyfloat", "a", "1.5"});
  Run({"append", "a", "x"});
  Run({"setrange", "a", "0", "y"});
  Run({"expire", "a", "50"});
  Run({"persist", "a"});
  Run({"rename", "a", "b"});
  Run({"del", "b", "missing"});
  EXPECT_THAT(KeyEvents(),
              ElementsAre("set a", "expire a", "incrby a", "incrbyfloat a", "append a",
                          "setrange a", "expire a", "persist a", "rename_from a", "rename_to b",
                          "del b"));
  Run({"mset", "x", "1", "y", "2"});
  Run({"getdel", "x"});
  Run({"expire", "y", "-1"});  // in the past: deleted
  EXPECT_THAT(KeyEvents(), ElementsAre("set x", "set y", "del x", "del y"));
}

TEST_P(NotifyTest, NewKeyEvents) {
  Run({"config", "set", "notify-keyspace-events", "En"});
  Run({"set", "a", "1"});
  Run({"set", "a", "2"});
  Run({"lpush", "l", "x"});
  EXPECT_THAT(KeyEvents(), ElementsAre("new a", "new l"));
}

TEST_P(NotifyTest, ExpiredFromLazyAndActiveExpiry) {
  Run({"config", "set", "notify-keyspace-events", "Ex"});
  engine_->active_expire = false;
  Run({"set", "lazy", "v", "px", "100"});
  clock_.Advance(200);
  EXPECT_THAT(Run({"get", "lazy"}), NilArg());  // found expired on access
  EXPECT_THAT(KeyEvents(), ElementsAre("expired lazy"));
  engine_->active_expire = true;
  Run({"set", "active", "v", "px", "100"});
  AdvanceTime(200);  // the wheel deletes it
  EXPECT_THAT(KeyEvents(), ElementsAre("expired active"));
}

TEST_P(NotifyTest, HashListSetZsetStreamEvents) {
  Run({"config", "set", "notify-keyspace-events", "EA"});
  Run({"hset", "h", "f", "v"});
  Run({"hincrby", "h", "n", "1"});
  Run({"hdel", "h", "f", "n"});
  EXPECT_THAT(KeyEvents(), ElementsAre("hset h", "hincrby h", "hdel h", "del h"));
  Run({"rpush", "l", "a", "b"});
  Run({"lpush", "l", "c"});
  Run({"lpop", "l"});
  Run({"rpop", "l", "2"});
  EXPECT_THAT(KeyEvents(), ElementsAre("rpush l", "lpush l", "lpop l", "rpop l", "del l"));
  Run({"sadd", "s", "a", "b"});
  Run({"sadd", "s", "a"});  // nothing added: no event
  Run({"srem", "s", "a"});
  Run({"spop", "s"});
  EXPECT_THAT(KeyEvents(), ElementsAre("sadd s", "srem s", "spop s", "del s"));
  Run({"zadd", "z", "1", "a", "2", "b"});
  Run({"zincrby", "z", "1", "a"});
  Run({"zrem", "z", "a"});
  Run({"zpopmin", "z"});
  EXPECT_THAT(KeyEvents(), ElementsAre("zadd z", "zincr z", "zrem z", "zpopmin z", "del z"));
  Run({"xadd", "st", "1-1", "f", "v"});
  Run({"xdel", "st", "1-1"});
  EXPECT_THAT(KeyEvents(), ElementsAre("xadd st", "xdel st"));
}

TEST_P(NotifyTest, EvictedIsAnApiForTheEvictionCode) {
  Run({"config", "set", "notify-keyspace-events", "Ee"});
  Run({"set", "k", "v"});
  unsigned owner = engine_->ShardOf("k");
  engine_->RunOnEachShard([&](Shard& shard) {
    if (shard.index() != owner) return;
    shard.db(0).Delete("k");
    shard.db(0).Notify(kNotifyEvicted, "evicted", "k");
  });
  EXPECT_THAT(KeyEvents(), ElementsAre("evicted k"));
}

INSTANTIATE_TEST_SUITE_P(Shards, NotifyTest, ShardCounts());

}  // namespace
}  // namespace shoal::engine
