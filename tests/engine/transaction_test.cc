// Commands that span shards run as transactions (engine/transaction.h): atomic against
// every other client, and free of deadlock when many of them race for the same shards.
#include <atomic>
#include <future>
#include <set>
#include <thread>

#include "tests/engine/test_util.h"

namespace shoal::engine {
namespace {

class TransactionTest : public EngineTest {};

// Writers MSET eight keys (on every shard) to one value each time; readers MGET them and
// must never see two different values.
TEST_P(TransactionTest, MSetIsAtomicForMGet) {
  std::vector<std::string> keys;
  for (int i = 0; i < 8; ++i) keys.push_back("k" + std::to_string(i));
  std::vector<std::string> init = {"mset"};
  for (auto& k : keys) init.insert(init.end(), {k, "0"});
  Run(init);

  std::atomic<int> mixed{0}, reads{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 3; ++w) {
    threads.emplace_back([&, w] {
      auto s = NewSession();
      for (int v = 0; v < 300; ++v) {
        std::vector<std::string> cmd = {"mset"};
        for (auto& k : keys) cmd.insert(cmd.end(), {k, std::to_string(w * 1000 + v)});
        s->Execute(cmd);
      }
    });
  }
  for (int r = 0; r < 3; ++r) {
    threads.emplace_back([&] {
      auto s = NewSession();
      std::vector<std::string> cmd = {"mget"};
      cmd.insert(cmd.end(), keys.begin(), keys.end());
      for (int i = 0; i < 300; ++i) {
        Value v = s->Execute(cmd);
        std::set<std::string> seen;
        for (auto& e : v.elems) seen.insert(e.str);
        if (seen.size() != 1) ++mixed;
        ++reads;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mixed.load(), 0);
  EXPECT_EQ(reads.load(), 900);
}

// Many clients on different home shards run multi-shard commands at once: every one
// finishes (no deadlock) and none is lost.
TEST_P(TransactionTest, ConcurrentMultiShardCommandsAllComplete) {
  constexpr int kThreads = 8, kOps = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto s = engine_->NewSession(t % static_cast<int>(shards()));
      for (int i = 0; i < kOps; ++i) {
        std::string a = "a" + std::to_string(i % 5), b = "b" + std::to_string(i % 7);
        s->Execute({"mset", a, "x", b, "y"});
        s->Execute({"incr", "counter" + std::to_string(t)});
        s->Execute({"mget", a, b, "c"});
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_THAT(Run({"get", "counter" + std::to_string(t)}), BulkArg(std::to_string(kOps)));
  }
}

// A pipeline mixing local, foreign and multi-shard commands keeps its order.
TEST_P(TransactionTest, PipelineKeepsOrder) {
  std::vector<std::string> owned;
  std::vector<CmdArgs> cmds;
  std::vector<std::vector<std::string>> texts;
  for (int i = 0; i < 50; ++i) {
    texts.push_back({"set", "p" + std::to_string(i), std::to_string(i)});
    texts.push_back({"mset", "x" + std::to_string(i), "1", "y" + std::to_string(i), "2"});
    texts.push_back({"get", "p" + std::to_string(i)});
    texts.push_back({"incr", "seq"});
  }
  for (auto& t : texts) cmds.emplace_back(t.begin(), t.end());
  std::string out;
  std::promise<void> finished;
  engine_->shard(session_->home()).executor().Post([&] {
    if (session_->Run(absl::MakeConstSpan(cmds), &out, [&] { finished.set_value(); })) {
      finished.set_value();
    }
  });
  finished.get_future().wait();
  protocol::ReplyParser parser;
  std::string_view rest = out;
  for (int i = 0; i < 50; ++i) {
    Value v;
    size_t used;
    for (int j = 0; j < 4; ++j) {
      ASSERT_EQ(parser.Parse(rest, &used, &v), protocol::ParseStatus::kOk);
      rest.remove_prefix(used);
      if (j == 2) EXPECT_THAT(v, BulkArg(std::to_string(i)));
      if (j == 3) EXPECT_THAT(v, IntArg(i + 1));
    }
  }
  EXPECT_TRUE(rest.empty());
}

INSTANTIATE_TEST_SUITE_P(Shards, TransactionTest, ShardCounts());

}  // namespace
}  // namespace shoal::engine
