// Unit-test support: an in-process engine with a fake clock, and matchers for replies.
//
//   class StringFamilyTest : public EngineTest {};
//   TEST_P(StringFamilyTest, Get) {
//     EXPECT_THAT(Run({"set", "k", "v"}), OkArg());
//     EXPECT_THAT(Run({"get", "k"}), BulkArg("v"));
//   }
//   INSTANTIATE_TEST_SUITE_P(Shards, StringFamilyTest, ShardCounts());
//
// Tests never sleep: AdvanceTime moves the fake clock and runs every shard's active expiry.
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/clock.h"
#include "engine/engine.h"
#include "engine/session.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocol/reply_value.h"

namespace shoal::engine {

using protocol::Value;

// Parameterised over the number of shards (1 and 4).
class EngineTest : public ::testing::TestWithParam<unsigned> {
 protected:
  void SetUp() override;
  void TearDown() override;

  Value Run(std::initializer_list<std::string_view> args) { return session_->Execute(args); }
  Value Run(const std::vector<std::string>& args) { return session_->Execute(args); }
  // Runs on another session (another client).
  Value RunOn(Session& s, std::initializer_list<std::string_view> args) { return s.Execute(args); }
  std::unique_ptr<Session> NewSession() { return engine_->NewSession(); }
  // Moves the fake clock forward and runs active expiry on every shard.
  void AdvanceTime(int64_t ms);
  // Runs active expiry without moving the clock.
  void RunExpiry() { engine_->RunExpiry(); }
  int64_t NowMs() const { return clock_.NowMs(); }
  // Stores a TestObject (a non-string value of type "list") under `key` in database 0, so
  // that families can check WRONGTYPE before the other types exist.
  void AddTestObject(std::string_view key);

  unsigned shards() const { return GetParam(); }

  // --- Encodings ----------------------------------------------------------------------
  // One pass of a family test: its name, and the CONFIG SET pairs that force its encoding.
  struct EncodingPass {
    std::string name;
    std::vector<std::pair<std::string, std::string>> config;
  };
  // Runs body(i) once per pass, each time on a fresh engine configured as passes[i] says
  // (Redis runs its type tests once per encoding the same way).
  template <typename Fn>
  void ForEachPass(const std::vector<EncodingPass>& passes, Fn body) {
    for (size_t i = 0; i < passes.size(); ++i) {
      SCOPED_TRACE(passes[i].name);
      if (i > 0) {
        TearDown();
        SetUp();
      }
      for (const auto& [name, value] : passes[i].config) {
        ASSERT_EQ(Run({"config", "set", name, value}).str, "OK") << name;
      }
      body(i);
    }
  }

  // --- Blocking commands -------------------------------------------------------------
  // Runs a command on a fresh session in the background (it may block).
  std::future<Value> Start(std::vector<std::string> args);
  // Clients blocked across the shards.
  size_t Waiters();
  // Waits (at most 5 s) until `n` clients are blocked; fails the test if they are not.
  void AwaitWaiters(size_t n);
  // Whether a Start()ed command answered within 10 s.
  static bool Ready(std::future<Value>& f) {
    return f.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  }
  std::vector<std::shared_ptr<Session>> sessions_;  // Start's sessions, closed in TearDown

  // Runs `writes` on this thread while another client reads `keys` with MGET in a loop;
  // returns how many reads saw the keys at different values (a torn multi-key write).
  int CountTornReads(const std::vector<std::string>& keys, const std::function<void()>& writes);
  ManualClock clock_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Session> session_;
};

inline auto ShardCounts() { return ::testing::Values(1u, 4u); }

MATCHER_P(IntArg, n, "") {
  *result_listener << arg.ToString();
  return arg.type == Value::Type::kInteger && arg.integer == n;
}
MATCHER_P(BulkArg, s, "") {
  *result_listener << arg.ToString();
  return arg.type == Value::Type::kBulk && arg.str == std::string(s);
}
MATCHER_P(SimpleArg, s, "") {
  *result_listener << arg.ToString();
  return arg.type == Value::Type::kSimple && arg.str == std::string(s);
}
MATCHER(OkArg, "") {
  *result_listener << arg.ToString();
  return arg.type == Value::Type::kSimple && arg.str == "OK";
}
MATCHER(NilArg, "") {
  *result_listener << arg.ToString();
  return arg.type == Value::Type::kNull;
}
// The error text starts with `prefix` (e.g. "WRONGTYPE", "ERR syntax error").
MATCHER_P(ErrArg, prefix, "") {
  *result_listener << arg.ToString();
  return arg.type == Value::Type::kError && arg.str.rfind(std::string(prefix), 0) == 0;
}
// An array (or set/push/map as flat elements) whose elements match m.
MATCHER_P(ArrArg, m, "") {
  *result_listener << arg.ToString();
  return (arg.type == Value::Type::kArray || arg.type == Value::Type::kSet ||
          arg.type == Value::Type::kPush || arg.type == Value::Type::kMap) &&
         ::testing::ExplainMatchResult(m, arg.elems, result_listener);
}
MATCHER_P(DoubleArg, d, "") {
  *result_listener << arg.ToString();
  return arg.type == Value::Type::kDouble && arg.dbl == d;
}

// The bulk strings of an array reply, for ElementsAre / UnorderedElementsAre.
std::vector<std::string> StrArray(const Value& v);

// Every reply in `bytes`, in order (a command with several replies, such as SUBSCRIBE a b,
// or the pushes Session::TakePushes returns). Fails the test on bytes it cannot parse.
std::vector<Value> ParseReplies(std::string_view bytes);

}  // namespace shoal::engine
