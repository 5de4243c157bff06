// Client-side caching: CLIENT TRACKING (default, BCAST, OPTIN, OPTOUT, NOLOOP, REDIRECT),
// CLIENT CACHING, CLIENT GETREDIR, CLIENT TRACKINGINFO. Invalidations are read from the
// receiving session's inbox (Session::TakePushes).
#include <string>
#include <vector>

#include "protocol/reply_value.h"
#include "protocol/strings.h"
#include "tests/engine/test_util.h"

namespace shoal::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Type = Value::Type;

std::vector<Value> ParsePushes(Session& s) { return ParseReplies(s.TakePushes()); }

auto Invalidate(std::string_view key) {
  return ArrArg(ElementsAre(BulkArg("invalidate"), ArrArg(ElementsAre(BulkArg(key)))));
}

class TrackingTest : public EngineTest {
 protected:
  // A RESP3 client with tracking on (and `options`).
  std::unique_ptr<Session> Tracker(std::vector<std::string> options = {}) {
    auto s = NewSession();
    s->Execute({"hello", "3"});
    std::vector<std::string> args = {"client", "tracking", "on"};
    args.insert(args.end(), options.begin(), options.end());
    EXPECT_EQ(s->Execute(args).str, "OK");
    return s;
  }
};

TEST_P(TrackingTest, Resp3DefaultModeInvalidatesReadKeysOnce) {
  auto tracker = Tracker();
  RunOn(*tracker, {"get", "k"});
  RunOn(*tracker, {"mget", "a", "b"});
  RunOn(*tracker, {"set", "w", "v"});  // a write does not track its key
  Run({"set", "k", "1"});
  Run({"set", "k", "2"});  // already invalidated: not again until read again
  Run({"set", "w", "1"});
  std::vector<Value> got = ParsePushes(*tracker);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].type, Type::kPush);
  EXPECT_THAT(got[0], Invalidate("k"));
  Run({"del", "b"});  // nothing to delete: no write
  EXPECT_THAT(ParsePushes(*tracker), IsEmpty());
  Run({"set", "b", "x"});
  EXPECT_THAT(ParsePushes(*tracker), ElementsAre(Invalidate("b")));
  RunOn(*tracker, {"get", "k"});
  Run({"incr", "k"});
  EXPECT_THAT(ParsePushes(*tracker), ElementsAre(Invalidate("k")));
}

TEST_P(TrackingTest, ExpiryAndFlushInvalidate) {
  auto tracker = Tracker();
  Run({"set", "k", "v", "px", "100"});
  RunOn(*tracker, {"get", "k"});
  AdvanceTime(200);
  EXPECT_THAT(ParsePushes(*tracker), ElementsAre(Invalidate("k")));
  RunOn(*tracker, {"get", "x"});
  Run({"flushall"});
  EXPECT_THAT(ParsePushes(*tracker),
              ElementsAre(ArrArg(ElementsAre(BulkArg("invalidate"), NilArg()))));
  Run({"set", "x", "1"});  // the flush forgot what was read
  EXPECT_THAT(ParsePushes(*tracker), IsEmpty());
  Run({"flushdb"});
  EXPECT_THAT(ParsePushes(*tracker),
              ElementsAre(ArrArg(ElementsAre(BulkArg("invalidate"), NilArg()))));
}

TEST_P(TrackingTest, Resp2RedirectToASubscriber) {
  auto listener = NewSession();
  const int64_t target = RunOn(*listener, {"client", "id"}).integer;
  listener->Execute({"subscribe", "__redis__:invalidate"});
  auto tracker = NewSession();  // RESP2
  EXPECT_THAT(RunOn(*tracker, {"client", "tracking", "on", "redirect", StrCat(target)}), OkArg());
  EXPECT_THAT(RunOn(*tracker, {"client", "getredir"}), IntArg(target));
  RunOn(*tracker, {"get", "k"});
  Run({"set", "k", "v"});
  std::vector<Value> got = ParsePushes(*listener);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].type, Type::kArray);
  EXPECT_THAT(got[0], ArrArg(ElementsAre(BulkArg("message"), BulkArg("__redis__:invalidate"),
                                         ArrArg(ElementsAre(BulkArg("k"))))));
  EXPECT_THAT(ParsePushes(*tracker), IsEmpty());
  // RESP2 without a redirect has nowhere to send invalidations.
  auto plain = NewSession();
  RunOn(*plain, {"client", "tracking", "on"});
  RunOn(*plain, {"get", "k"});
  Run({"set", "k", "w"});
  EXPECT_THAT(ParsePushes(*plain), IsEmpty());
}

TEST_P(TrackingTest, BrokenRedirectIsReportedOnce) {
  auto target = NewSession();
  int64_t target_id = RunOn(*target, {"client", "id"}).integer;
  auto tracker = Tracker({"redirect", StrCat(target_id)});
  RunOn(*tracker, {"get", "a"});
  RunOn(*tracker, {"get", "b"});
  target.reset();
  Run({"set", "a", "1"});
  Run({"set", "b", "1"});
  EXPECT_THAT(ParsePushes(*tracker), ElementsAre(ArrArg(ElementsAre(
                                         BulkArg("tracking-redir-broken"), IntArg(target_id)))));
  EXPECT_THAT(RunOn(*tracker, {"client", "list"}).str, HasSubstr(" flags=tR "));
}

TEST_P(TrackingTest, BcastPrefixes) {
  auto tracker = Tracker({"bcast", "prefix", "user:", "prefix", "job:"});
  Run({"set", "user:1", "a"});
  Run({"set", "other", "a"});
  Run({"hset", "job:9", "f", "v"});
  EXPECT_THAT(ParsePushes(*tracker), ElementsAre(Invalidate("user:1"), Invalidate("job:9")));
  // Reading tracks nothing in BCAST mode; every write under a prefix invalidates.
  Run({"set", "user:1", "b"});
  EXPECT_THAT(ParsePushes(*tracker), ElementsAre(Invalidate("user:1")));
  auto all = Tracker({"bcast"});
  Run({"set", "anything", "1"});
  EXPECT_THAT(ParsePushes(*all), ElementsAre(Invalidate("anything")));
  EXPECT_THAT(RunOn(*tracker, {"client", "tracking", "off"}), OkArg());
  Run({"set", "user:1", "c"});
  EXPECT_THAT(ParsePushes(*tracker), IsEmpty());
}

TEST_P(TrackingTest, OptinAndOptout) {
  auto in = Tracker({"optin"});
  RunOn(*in, {"get", "a"});  // not tracked without CACHING YES
  EXPECT_THAT(RunOn(*in, {"client", "caching", "yes"}), OkArg());
  RunOn(*in, {"get", "b"});
  RunOn(*in, {"get", "c"});  // CACHING YES covered only the command after it
  Run({"mset", "a", "1", "b", "1", "c", "1"});
  EXPECT_THAT(ParsePushes(*in), ElementsAre(Invalidate("b")));
  auto out = Tracker({"optout"});
  RunOn(*out, {"client", "caching", "no"});
  RunOn(*out, {"get", "a"});
  RunOn(*out, {"get", "b"});
  Run({"mset", "a", "2", "b", "2"});
  EXPECT_THAT(ParsePushes(*out), ElementsAre(Invalidate("b")));
}

TEST_P(TrackingTest, Noloop) {
  auto loop = Tracker();
  auto noloop = Tracker({"noloop"});
  RunOn(*loop, {"get", "k"});
  RunOn(*noloop, {"get", "k"});
  RunOn(*noloop, {"set", "k", "1"});  // its own write: not told
  EXPECT_THAT(ParsePushes(*noloop), IsEmpty());
  EXPECT_THAT(ParsePushes(*loop), ElementsAre(Invalidate("k")));
  RunOn(*loop, {"get", "k"});
  RunOn(*loop, {"set", "k", "2"});  // without NOLOOP, its own write is told
  EXPECT_THAT(ParsePushes(*loop), ElementsAre(Invalidate("k")));
}

TEST_P(TrackingTest, OptionErrors) {
  EXPECT_THAT(Run({"client", "tracking", "on", "prefix", "a"}),
              ErrArg("ERR PREFIX option requires BCAST mode to be enabled"));
  EXPECT_THAT(Run({"client", "tracking", "on", "optin", "optout"}),
              ErrArg("ERR You can't specify both OPTIN mode and OPTOUT mode"));
  EXPECT_THAT(Run({"client", "tracking", "on", "bcast", "optin"}),
              ErrArg("ERR OPTIN and OPTOUT are not compatible with BCAST"));
  EXPECT_THAT(Run({"client", "tracking", "on", "redirect", "999999"}),
              ErrArg("ERR The client ID you want redirect to does not exist"));
  EXPECT_THAT(Run({"client", "tracking", "on", "redirect", "x"}),
              ErrArg("ERR value is not an integer or out of range"));
  EXPECT_THAT(Run({"client", "tracking", "on", "nope"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"client", "tracking", "maybe"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"client", "tracking"}),
              ErrArg("ERR wrong number of arguments for 'client|tracking' command"));
  EXPECT_THAT(Run({"client", "caching", "yes"}),
              ErrArg("ERR CLIENT CACHING can be called only when the client is in tracking "
                     "mode with OPTIN or OPTOUT mode enabled"));
  Run({"client", "tracking", "on", "optout"});
  EXPECT_THAT(Run({"client", "caching", "yes"}),
              ErrArg("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN "
                     "mode."));
  EXPECT_THAT(Run({"client", "caching", "maybe"}), ErrArg("ERR syntax error"));
  EXPECT_THAT(Run({"client", "tracking", "on", "optin"}),
              ErrArg("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking"));
  EXPECT_THAT(Run({"client", "tracking", "on", "bcast"}),
              ErrArg("ERR You can't switch BCAST mode on/off before disabling tracking"));
  Run({"client", "tracking", "off"});
  Run({"client", "tracking", "on", "optin"});
  EXPECT_THAT(Run({"client", "caching", "no"}),
              ErrArg("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT "
                     "mode."));
}

TEST_P(TrackingTest, GetRedirTrackingInfoAndClientList) {
  EXPECT_THAT(Run({"client", "getredir"}), IntArg(-1));
  EXPECT_THAT(Run({"client", "trackinginfo"}),
              ArrArg(ElementsAre(BulkArg("flags"), ArrArg(ElementsAre(BulkArg("off"))),
                                 BulkArg("redirect"), IntArg(-1), BulkArg("prefixes"),
                                 ArrArg(IsEmpty()))));
  Run({"client", "tracking", "on", "bcast", "prefix", "p:", "noloop"});
  EXPECT_THAT(Run({"client", "getredir"}), IntArg(0));
  EXPECT_THAT(Run({"client", "trackinginfo"}),
              ArrArg(ElementsAre(BulkArg("flags"),
                                 ArrArg(ElementsAre(BulkArg("on"), BulkArg("bcast"),
                                                    BulkArg("noloop"))),
                                 BulkArg("redirect"), IntArg(0), BulkArg("prefixes"),
                                 ArrArg(ElementsAre(BulkArg("p:"))))));
  EXPECT_THAT(Run({"client", "info"}).str, HasSubstr(" flags=tB "));
  EXPECT_THAT(Run({"client", "info"}).str, HasSubstr(" redir=0 "));
  Run({"client", "tracking", "off"});
  Run({"client", "tracking", "on", "optin"});
  Run({"client", "caching", "yes"});
  EXPECT_THAT(Run({"client", "trackinginfo"}).elems.at(1),
              ArrArg(ElementsAre(BulkArg("on"), BulkArg("optin"), BulkArg("caching-yes"))));
  EXPECT_THAT(Run({"reset"}), SimpleArg("RESET"));
  EXPECT_THAT(Run({"client", "getredir"}), IntArg(-1));
  EXPECT_THAT(StrArray(Run({"client", "help"})), ::testing::Contains("TRACKINGINFO"));
}

INSTANTIATE_TEST_SUITE_P(Shards, TrackingTest, ShardCounts());

}  // namespace
}  // namespace shoal::engine
