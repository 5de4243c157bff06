// Pub/Sub: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, SSUBSCRIBE,
// SUNSUBSCRIBE, SPUBLISH (and its key positions), PUBSUB, RESP2 subscriber mode, output
// buffer limits (the normal class is enforced by the connection: test_pubsub.py). Messages
// are read from the subscriber session's inbox (Session::TakePushes).
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "engine/shard.h"
#include "protocol/reply_value.h"
#include "protocol/strings.h"
#include "tests/engine/test_util.h"

namespace shoal::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;
using Type = Value::Type;

class PubSubTest : public EngineTest {
 protected:
  // All the replies of one command (SUBSCRIBE a b replies twice).
  std::vector<Value> Replies(Session& s, std::vector<std::string> args) {
    return ParseReplies(s.ExecuteRaw(args));
  }
  std::vector<Value> Replies(std::vector<std::string> args) { return Replies(*session_, args); }
  // The pushes waiting for `s`.
  static std::vector<Value> Pushes(Session& s) { return ParseReplies(s.TakePushes()); }
  static auto Msg(std::string_view kind, std::string_view channel, std::string_view payload) {
    return ArrArg(ElementsAre(BulkArg(kind), BulkArg(channel), BulkArg(payload)));
  }
  static auto Confirm(std::string_view kind, std::string_view channel, int64_t count) {
    return ArrArg(ElementsAre(BulkArg(kind), BulkArg(channel), IntArg(count)));
  }
  // Runs `cmds` as one round of `s` (a pipeline read at once), as a connection does;
  // returns the replies' bytes.
  std::string RunRound(Session& s, const std::vector<std::vector<std::string>>& cmds) {
    std::vector<CmdArgs> args;
    for (const auto& cmd : cmds) args.emplace_back(cmd.begin(), cmd.end());
    std::string out;
    std::promise<void> finished;
    engine_->shard(s.home()).executor().Post([&] {
      if (s.Run(args, &out, [&] { finished.set_value(); })) finished.set_value();
    });
    finished.get_future().wait();
    return out;
  }
};

TEST_P(PubSubTest, SubscribeConfirmsEachChannelWithTheCount) {
  EXPECT_THAT(Replies({"subscribe", "a", "b", "a"}),
              ElementsAre(Confirm("subscribe", "a", 1), Confirm("subscribe", "b", 2),
                          Confirm("subscribe", "a", 2)));
  // Patterns count with channels.
  EXPECT_THAT(Replies({"psubscribe", "n.*"}), ElementsAre(Confirm("psubscribe", "n.*", 3)));
  EXPECT_EQ(Replies({"subscribe", "c"})[0].type, Type::kArray);  // RESP2: an array
  EXPECT_THAT(Run({"subscribe"}), ErrArg("ERR wrong number of arguments for 'subscribe' command"));
  EXPECT_THAT(Run({"psubscribe"}),
              ErrArg("ERR wrong number of arguments for 'psubscribe' command"));
}

TEST_P(PubSubTest, PublishDeliversToSubscribersAndCountsThem) {
  auto sub1 = NewSession();
  auto sub2 = NewSession();
  Replies(*sub1, {"subscribe", "ch"});
  Replies(*sub2, {"subscribe", "ch", "other"});
  EXPECT_THAT(Run({"publish", "ch", "hello"}), IntArg(2));
  EXPECT_THAT(Run({"publish", "other", "x"}), IntArg(1));
  EXPECT_THAT(Run({"publish", "nobody", "x"}), IntArg(0));
  EXPECT_THAT(Pushes(*sub1), ElementsAre(Msg("message", "ch", "hello")));
  EXPECT_THAT(Pushes(*sub2),
              ElementsAre(Msg("message", "ch", "hello"), Msg("message", "other", "x")));
  EXPECT_THAT(Pushes(*sub2), IsEmpty());
  EXPECT_THAT(Run({"publish", "ch"}), ErrArg("ERR wrong number of arguments for 'publish' command"));
}

TEST_P(PubSubTest, PatternSubscribersGetPMessage) {
  auto sub = NewSession();
  EXPECT_THAT(Replies(*sub, {"psubscribe", "news.*", "n?ws.*"}),
              ElementsAre(Confirm("psubscribe", "news.*", 1),
                          Confirm("psubscribe", "n?ws.*", 2)));
  Replies(*sub, {"subscribe", "news.art"});
  // A channel subscription and two matching patterns: three receivers, channel first.
  EXPECT_THAT(Run({"publish", "news.art", "m"}), IntArg(3));
  std::vector<Value> got = Pushes(*sub);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_THAT(got[0], Msg("message", "news.art", "m"));
  EXPECT_THAT(std::vector<Value>(got.begin() + 1, got.end()),
              UnorderedElementsAre(
                  ArrArg(ElementsAre(BulkArg("pmessage"), BulkArg("news.*"),
                                     BulkArg("news.art"), BulkArg("m"))),
                  ArrArg(ElementsAre(BulkArg("pmessage"), BulkArg("n?ws.*"),
                                     BulkArg("news.art"), BulkArg("m")))));
  EXPECT_THAT(Run({"publish", "sports", "m"}), IntArg(0));
  EXPECT_THAT(Replies(*sub, {"punsubscribe", "news.*", "nope"}),
              ElementsAre(Confirm("punsubscribe", "news.*", 2),
                          Confirm("punsubscribe", "nope", 2)));
  EXPECT_THAT(Run({"publish", "news.x", "m"}), IntArg(1));
}

TEST_P(PubSubTest, UnsubscribeWithoutArgumentsDropsAll) {
  Replies({"subscribe", "b", "a"});
  Replies({"psubscribe", "p*"});
  // In the session's (sorted) order; the count keeps the pattern.
  EXPECT_THAT(Replies({"unsubscribe"}),
              ElementsAre(Confirm("unsubscribe", "a", 2), Confirm("unsubscribe", "b", 1)));
  EXPECT_THAT(Replies({"punsubscribe"}), ElementsAre(Confirm("punsubscribe", "p*", 0)));
  // Nothing left: one confirmation with a null channel.
  EXPECT_THAT(Replies({"unsubscribe"}),
              ElementsAre(ArrArg(ElementsAre(BulkArg("unsubscribe"), NilArg(), IntArg(0)))));
  EXPECT_THAT(Replies({"punsubscribe"}),
              ElementsAre(ArrArg(ElementsAre(BulkArg("punsubscribe"), NilArg(), IntArg(0)))));
  EXPECT_THAT(Replies({"unsubscribe", "never"}), ElementsAre(Confirm("unsubscribe", "never", 0)));
  EXPECT_THAT(Run({"publish", "a", "x"}), IntArg(0));
  // Out of subscriber mode again.
  EXPECT_THAT(Run({"set", "k", "v"}), OkArg());
}

TEST_P(PubSubTest, Resp2SubscriberModeAllowsOnlyPubSubCommands) {
  Replies({"subscribe", "a"});
  EXPECT_THAT(Run({"get", "k"}),
              ErrArg("ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / "
                     "QUIT / RESET are allowed in this context"));
  EXPECT_THAT(Run({"client", "id"}), ErrArg("ERR Can't execute 'client|id'"));
  EXPECT_THAT(Run({"ping"}), ArrArg(ElementsAre(BulkArg("pong"), BulkArg(""))));
  EXPECT_THAT(Run({"ping", "hi"}), ArrArg(ElementsAre(BulkArg("pong"), BulkArg("hi"))));
  EXPECT_THAT(Replies({"ssubscribe", "s"}), ElementsAre(Confirm("ssubscribe", "s", 1)));
  EXPECT_THAT(Run({"reset"}), SimpleArg("RESET"));
  EXPECT_THAT(Run({"ping"}), SimpleArg("PONG"));
  EXPECT_THAT(Run({"get", "k"}), NilArg());
  EXPECT_THAT(Run({"publish", "a", "x"}), IntArg(0));
  EXPECT_THAT(Run({"spublish", "s", "x"}), IntArg(0));
}

TEST_P(PubSubTest, Resp3UsesPushesAndAllowsEveryCommand) {
  Run({"hello", "3"});
  std::vector<Value> confirms = Replies({"subscribe", "a"});
  ASSERT_EQ(confirms.size(), 1u);
  EXPECT_EQ(confirms[0].type, Type::kPush);
  EXPECT_THAT(confirms[0], Confirm("subscribe", "a", 1));
  EXPECT_THAT(Run({"set", "k", "v"}), OkArg());
  EXPECT_THAT(Run({"ping"}), SimpleArg("PONG"));
  auto publisher = NewSession();
  EXPECT_THAT(RunOn(*publisher, {"publish", "a", "m"}), IntArg(1));
  std::vector<Value> got = Pushes(*session_);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].type, Type::kPush);
  EXPECT_THAT(got[0], Msg("message", "a", "m"));
  // The null channel of an empty UNSUBSCRIBE is RESP3's null.
  Replies({"unsubscribe"});
  EXPECT_THAT(Replies({"unsubscribe"}),
              ElementsAre(ArrArg(ElementsAre(BulkArg("unsubscribe"), NilArg(), IntArg(0)))));
}

TEST_P(PubSubTest, ShardChannelsAreTheirOwnNamespace) {
  auto sub = NewSession();
  EXPECT_THAT(Replies(*sub, {"ssubscribe", "x", "y"}),
              ElementsAre(Confirm("ssubscribe", "x", 1), Confirm("ssubscribe", "y", 2)));
  Replies(*sub, {"subscribe", "x"});
  Replies(*sub, {"psubscribe", "*"});
  // SSUBSCRIBE's count is of shard channels only.
  EXPECT_THAT(Replies(*sub, {"ssubscribe", "z"}), ElementsAre(Confirm("ssubscribe", "z", 3)));
  EXPECT_THAT(Run({"spublish", "x", "m"}), IntArg(1));  // patterns do not see shard channels
  EXPECT_THAT(Pushes(*sub), ElementsAre(Msg("smessage", "x", "m")));
  EXPECT_THAT(Run({"publish", "x", "m"}), IntArg(2));
  EXPECT_THAT(Replies(*sub, {"sunsubscribe", "x"}), ElementsAre(Confirm("sunsubscribe", "x", 2)));
  EXPECT_THAT(Replies(*sub, {"sunsubscribe"}),
              ElementsAre(Confirm("sunsubscribe", "y", 1), Confirm("sunsubscribe", "z", 0)));
  EXPECT_THAT(Run({"spublish", "y", "m"}), IntArg(0));
  EXPECT_THAT(Run({"spublish", "y"}), ErrArg("ERR wrong number of arguments for 'spublish' command"));
}

TEST_P(PubSubTest, PubSubIntrospection) {
  auto a = NewSession();
  auto b = NewSession();
  Replies(*a, {"subscribe", "news", "sport"});
  Replies(*b, {"subscribe", "news"});
  Replies(*a, {"psubscribe", "n*", "s*"});
  Replies(*b, {"psubscribe", "n*"});
  Replies(*b, {"ssubscribe", "shard1"});
  EXPECT_THAT(StrArray(Run({"pubsub", "channels"})), ElementsAre("news", "sport"));
  EXPECT_THAT(StrArray(Run({"pubsub", "channels", "n*"})), ElementsAre("news"));
  EXPECT_THAT(Run({"pubsub", "numsub", "news", "sport", "none"}),
              ArrArg(ElementsAre(BulkArg("news"), IntArg(2), BulkArg("sport"), IntArg(1),
                                 BulkArg("none"), IntArg(0))));
  EXPECT_THAT(Run({"pubsub", "numsub"}), ArrArg(IsEmpty()));
  EXPECT_THAT(Run({"pubsub", "numpat"}), IntArg(2));  // distinct patterns
  EXPECT_THAT(StrArray(Run({"pubsub", "shardchannels"})), ElementsAre("shard1"));
  EXPECT_THAT(Run({"pubsub", "shardnumsub", "shard1", "news"}),
              ArrArg(ElementsAre(BulkArg("shard1"), IntArg(1), BulkArg("news"), IntArg(0))));
  EXPECT_THAT(Run({"pubsub", "channels", "a", "b"}),
              ErrArg("ERR unknown subcommand or wrong number of arguments for 'channels'"));
  EXPECT_THAT(Run({"pubsub", "numpat", "x"}),
              ErrArg("ERR wrong number of arguments for 'pubsub|numpat' command"));
  EXPECT_THAT(Run({"pubsub", "nope"}), ErrArg("ERR unknown subcommand 'nope'"));
  EXPECT_EQ(Run({"pubsub", "help"}).elems.size(), 14u);
  Value info = Run({"info", "stats"});
  EXPECT_THAT(info.str, HasSubstr("pubsub_channels:2\r\n"));
  EXPECT_THAT(info.str, HasSubstr("pubsub_patterns:2\r\n"));
  // A session going away takes its subscriptions with it.
  a.reset();
  EXPECT_THAT(StrArray(Run({"pubsub", "channels"})), ElementsAre("news"));
  EXPECT_THAT(Run({"pubsub", "numpat"}), IntArg(1));
}

TEST_P(PubSubTest, ClientListShowsSubscriptions) {
  auto sub = NewSession();
  Replies(*sub, {"subscribe", "a", "b"});
  Replies(*sub, {"psubscribe", "p*"});
  Replies(*sub, {"ssubscribe", "s"});
  Value list = Run({"client", "list", "type", "pubsub"});
  EXPECT_THAT(list.str, HasSubstr(" flags=P "));
  EXPECT_THAT(list.str, HasSubstr(" sub=2 psub=1 ssub=1 "));
  EXPECT_THAT(Run({"client", "info"}).str, HasSubstr(" flags=N db=0 sub=0 psub=0 ssub=0 "));
  EXPECT_THAT(Run({"client", "list", "type", "normal"}).str, Not(HasSubstr("flags=P")));
}

TEST_P(PubSubTest, EachPublisherOrderIsKeptAcrossThreads) {
  auto sub = NewSession();
  Replies(*sub, {"subscribe", "ch"});
  constexpr int kPublishers = 4, kMessages = 200;
  std::vector<std::thread> threads;
  for (int p = 0; p < kPublishers; ++p) {
    threads.emplace_back([this, p] {
      auto pub = engine_->NewSession(p % static_cast<int>(shards()));
      for (int i = 0; i < kMessages; ++i) {
        pub->Execute({"publish", "ch", StrCat(p, ":", i)});
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<Value> got = Pushes(*sub);
  ASSERT_EQ(got.size(), static_cast<size_t>(kPublishers * kMessages));
  std::vector<int> next(kPublishers, 0);
  for (const Value& v : got) {
    ASSERT_EQ(v.elems.size(), 3u);
    const std::string& payload = v.elems[2].str;
    int p = payload[0] - '0';
    EXPECT_EQ(payload, StrCat(p, ":", next[p])) << "publisher " << p << " out of order";
    ++next[p];
  }
}

TEST_P(PubSubTest, OutputBufferLimitClosesASlowSubscriber) {
  EXPECT_THAT(Run({"config", "get", "client-output-buffer-limit"}),
              ArrArg(ElementsAre(BulkArg("client-output-buffer-limit"),
                                 BulkArg("normal 0 0 0 slave 268435456 67108864 60 pubsub "
                                         "33554432 8388608 60"))));
  EXPECT_THAT(Run({"config", "set", "client-output-buffer-limit", "pubsub 1kb 0 0"}), OkArg());
  EXPECT_THAT(Run({"config", "get", "client-output-buffer-limit"}),
              ArrArg(ElementsAre(BulkArg("client-output-buffer-limit"),
                                 BulkArg("normal 0 0 0 slave 268435456 67108864 60 pubsub "
                                         "1024 0 0"))));
  EXPECT_THAT(Run({"config", "set", "client-output-buffer-limit", "pubsub 1kb 0"}),
              ErrArg("ERR CONFIG SET failed"));
  EXPECT_THAT(Run({"config", "set", "client-output-buffer-limit", "bogus 1 1 1"}),
              ErrArg("ERR CONFIG SET failed"));
  auto slow = NewSession();
  auto reader = NewSession();
  Replies(*slow, {"subscribe", "ch"});
  Replies(*reader, {"subscribe", "ch"});
  std::string payload(100, 'x');
  for (int i = 0; i < 20; ++i) {
    Run({"publish", "ch", payload});
    reader->TakePushes();  // this one keeps up
  }
  EXPECT_TRUE(slow->close_requested());
  EXPECT_FALSE(reader->close_requested());
  // What it holds stays under the limit: the messages past it were dropped.
  EXPECT_LE(slow->TakePushes().size(), 1024u);
}

TEST_P(PubSubTest, SoftLimitClosesAfterItsSeconds) {
  Run({"config", "set", "client-output-buffer-limit", "pubsub 0 500 2"});
  auto slow = NewSession();
  Replies(*slow, {"subscribe", "ch"});
  std::string payload(100, 'x');
  for (int i = 0; i < 10; ++i) Run({"publish", "ch", payload});
  EXPECT_FALSE(slow->close_requested());  // over the soft limit, not for long enough
  AdvanceTime(3000);
  Run({"publish", "ch", payload});
  EXPECT_TRUE(slow->close_requested());
}

// Shard channels sit at key positions in the table, as Redis 7's NOT_KEY key specs: COMMAND
// INFO shows them, COMMAND GETKEYS finds no key (Redis's doesCommandHaveKeys skips NOT_KEY
// specs), and nothing routes by them.
TEST_P(PubSubTest, ShardChannelsAreKeyPositionsButNotKeys) {
  auto field = [](const Value& map, std::string_view name) -> const Value* {
    for (size_t i = 0; i + 1 < map.elems.size(); i += 2) {
      if (map.elems[i].str == name) return &map.elems[i + 1];
    }
    return nullptr;
  };
  Value v = Run({"command", "info", "ssubscribe", "sunsubscribe", "spublish"});
  ASSERT_EQ(v.elems.size(), 3u);
  const int64_t kLast[] = {-1, -1, 1};
  for (size_t i = 0; i < 3; ++i) {
    const Value& info = v.elems[i];
    ASSERT_EQ(info.elems.size(), 10u) << info.ToString();
    EXPECT_THAT(info.elems[3], IntArg(1)) << info.elems[0].str;
    EXPECT_THAT(info.elems[4], IntArg(kLast[i])) << info.elems[0].str;
    EXPECT_THAT(info.elems[5], IntArg(1)) << info.elems[0].str;
    ASSERT_EQ(info.elems[8].elems.size(), 1u) << info.elems[0].str;
    const Value* flags = field(info.elems[8].elems[0], "flags");
    ASSERT_NE(flags, nullptr);
    EXPECT_THAT(StrArray(*flags), ElementsAre("not_key"));
    const Value* find = field(info.elems[8].elems[0], "find_keys");
    ASSERT_NE(find, nullptr);
    EXPECT_THAT(*field(*field(*find, "spec"), "lastkey"), IntArg(i == 2 ? 0 : -1));
  }
  EXPECT_THAT(Run({"command", "getkeys", "spublish", "ch", "msg"}),
              ErrArg("ERR The command has no key arguments"));
  EXPECT_THAT(Run({"command", "getkeys", "ssubscribe", "a", "b"}),
              ErrArg("ERR The command has no key arguments"));
  EXPECT_THAT(Run({"command", "getkeys", "sunsubscribe", "a"}),
              ErrArg("ERR The command has no key arguments"));
  // A command with real keys still has them.
  EXPECT_THAT(StrArray(Run({"command", "getkeys", "get", "k"})), ElementsAre("k"));
}

TEST_P(PubSubTest, ShardChannelsOfAnySlotMixAndReachEveryThread) {
  // Subscribers at home on every shard, each on channels whose hash tags differ (several
  // slots in one SSUBSCRIBE, which only cluster mode refuses).
  std::vector<std::unique_ptr<Session>> subs;
  for (unsigned home = 0; home < shards(); ++home) {
    subs.push_back(engine_->NewSession(static_cast<int>(home)));
    EXPECT_THAT(Replies(*subs.back(), {"ssubscribe", "{a}x", "{b}y", "z"}),
                ElementsAre(Confirm("ssubscribe", "{a}x", 1), Confirm("ssubscribe", "{b}y", 2),
                            Confirm("ssubscribe", "z", 3)));
  }
  const int64_t n = static_cast<int64_t>(shards());
  for (unsigned home = 0; home < shards(); ++home) {
    auto publisher = engine_->NewSession(static_cast<int>(home));
    EXPECT_THAT(RunOn(*publisher, {"spublish", "{b}y", StrCat("from", home)}), IntArg(n));
  }
  // In MULTI, and from a script that declares no keys, SPUBLISH runs as well.
  Run({"multi"});
  Run({"spublish", "{a}x", "tx"});
  EXPECT_THAT(Run({"exec"}), ArrArg(ElementsAre(IntArg(n))));
  EXPECT_THAT(Run({"eval", "return redis.call('spublish', KEYS[1] or 'z', 'lua')", "0"}),
              IntArg(n));
  for (auto& sub : subs) {
    std::vector<Value> got = Pushes(*sub);
    ASSERT_EQ(got.size(), shards() + 2);
    for (unsigned home = 0; home < shards(); ++home) {
      EXPECT_THAT(got[home], Msg("smessage", "{b}y", StrCat("from", home)));
    }
    EXPECT_THAT(got[shards()], Msg("smessage", "{a}x", "tx"));
    EXPECT_THAT(got[shards() + 1], Msg("smessage", "z", "lua"));
    EXPECT_THAT(Replies(*sub, {"sunsubscribe", "{b}y", "{a}x"}),
                ElementsAre(Confirm("sunsubscribe", "{b}y", 2),
                            Confirm("sunsubscribe", "{a}x", 1)));
  }
  EXPECT_THAT(Run({"spublish", "{a}x", "gone"}), IntArg(0));
}

TEST_P(PubSubTest, NormalOutputLimitIsParsedAndKept) {
  EXPECT_EQ(engine_->config().GetNormalLimit().hard_bytes, 0);  // default: unlimited
  EXPECT_THAT(Run({"config", "set", "client-output-buffer-limit", "normal 1mb 512kb 10"}),
              OkArg());
  const OutputLimit normal = engine_->config().GetNormalLimit();
  EXPECT_EQ(normal.hard_bytes, 1 << 20);
  EXPECT_EQ(normal.soft_bytes, 512 << 10);
  EXPECT_EQ(normal.soft_seconds, 10);
  // The pubsub class is left as it was; replica is accepted and stored (no replication).
  EXPECT_EQ(engine_->config().GetPubSubLimit().hard_bytes, 32 << 20);
  EXPECT_THAT(Run({"config", "set", "client-output-buffer-limit", "replica 1mb 1mb 1"}), OkArg());
  EXPECT_THAT(Run({"config", "get", "client-output-buffer-limit"}),
              ArrArg(ElementsAre(BulkArg("client-output-buffer-limit"),
                                 BulkArg("normal 1048576 524288 10 slave 1048576 1048576 1 "
                                         "pubsub 33554432 8388608 60"))));
  EXPECT_EQ(engine_->config().GetNormalLimit().hard_bytes, 1 << 20);
}

// A connection's session (set_output_limited) stops its round once the replies reach the
// hard limit, as Redis stops processing a client it will close: later commands, writes
// included, do not run.
TEST_P(PubSubTest, HardLimitStopsTheRound) {
  Run({"config", "set", "client-output-buffer-limit", "normal 1kb 0 0"});
  Run({"set", "big", std::string(600, 'x')});
  const std::vector<std::vector<std::string>> round = {
      {"get", "big"}, {"incr", "a"}, {"get", "big"}, {"incr", "b"}, {"get", "big"}};
  auto plain = NewSession();  // embedded: no limit
  EXPECT_EQ(ParseReplies(RunRound(*plain, round)).size(), 5u);
  EXPECT_FALSE(plain->close_requested());
  for (int home = 0; home < static_cast<int>(shards()); ++home) {
    auto limited = engine_->NewSession(home);
    limited->set_output_limited(true);
    std::vector<Value> replies = ParseReplies(RunRound(*limited, round));
    ASSERT_EQ(replies.size(), 3u);  // the second GET passed 1kb: INCR b never ran
    EXPECT_THAT(replies[1], IntArg(home + 2));
    EXPECT_TRUE(limited->close_requested());
  }
  EXPECT_THAT(Run({"get", "a"}), BulkArg(StrCat(shards() + 1)));
  EXPECT_THAT(Run({"get", "b"}), BulkArg("1"));
  // Under the limit, a round runs whole.
  Run({"config", "set", "client-output-buffer-limit", "normal 0 0 0"});
  auto limited = engine_->NewSession();
  limited->set_output_limited(true);
  EXPECT_EQ(ParseReplies(RunRound(*limited, round)).size(), 5u);
  EXPECT_FALSE(limited->close_requested());
}

INSTANTIATE_TEST_SUITE_P(Shards, PubSubTest, ShardCounts());

}  // namespace
}  // namespace shoal::engine
