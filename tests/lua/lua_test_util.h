// A fake Host and helpers for the Lua VM tests: scripts run through a real Interpreter and
// the tests compare the exact RESP bytes the client would get.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "lua/interpreter.h"
#include "protocol/reply_writer.h"

namespace shoal::lua {

// Answers redis.call with canned replies, chosen by the first argument:
//   GET x -> "bar", ECHO a -> a, NIL -> null, INT -> 42, STATUS -> +OK, ARR -> [1,"a",nil],
//   ERR -> -ERR some error, WRONG -> -WRONGTYPE ..., MAP/SET/DOUBLE/BOOL/BIG/VERB -> RESP3
//   types (degraded as Redis degrades them when resp is 2), RAW bytes -> the bytes,
//   NESTED -> whatever `nested` does.
// Records every call (args and resp) and every redis.log.
class FakeHost : public Host {
 public:
  void Call(absl::Span<const std::string_view> args, int resp, std::string* out) override {
    std::vector<std::string> call(args.begin(), args.end());
    calls.push_back(call);
    resps.push_back(resp);
    protocol::ReplyWriter w(out, resp);
    const std::string& cmd = call[0];
    if (cmd == "GET") {
      w.Bulk("bar");
    } else if (cmd == "ECHO") {
      w.Bulk(call.size() > 1 ? call[1] : "");
    } else if (cmd == "NIL") {
      w.Null();
    } else if (cmd == "INT") {
      w.Integer(42);
    } else if (cmd == "STATUS") {
      w.Ok();
    } else if (cmd == "ARR") {
      w.Array(3);
      w.Integer(1);
      w.Bulk("a");
      w.Null();
    } else if (cmd == "ERR") {
      w.Error("ERR some error");
    } else if (cmd == "WRONG") {
      w.Error("WRONGTYPE Operation against a key holding the wrong kind of value");
    } else if (cmd == "MAP") {
      w.Map(1);
      w.Bulk("a");
      w.Integer(1);
    } else if (cmd == "SET") {
      w.Set(2);
      w.Bulk("a");
      w.Bulk("b");
    } else if (cmd == "DOUBLE") {
      w.Double(1.5);
    } else if (cmd == "BOOL") {
      w.Boolean(true);
    } else if (cmd == "BIG") {
      w.BigNumber("123456789012345678901234567890");
    } else if (cmd == "VERB") {
      w.Verbatim("txt", "abc");
    } else if (cmd == "RAW") {
      out->append(call[1]);
    } else if (cmd == "NESTED" && nested) {
      nested(out);
    } else {
      w.Error("ERR unknown command '" + cmd + "'");
    }
  }

  void Log(int level, std::string_view message) override {
    logs.emplace_back(level, std::string(message));
  }

  // SET is allowed, HSET denied, anything else unknown.
  AclCheck CheckAcl(absl::Span<const std::string_view> args) override {
    if (args[0] == "SET") return AclCheck::kAllowed;
    if (args[0] == "HSET") return AclCheck::kDenied;
    return AclCheck::kUnknownCommand;
  }

  bool ShouldKill() override {
    kill_checks++;
    return kill;
  }

  std::vector<std::vector<std::string>> calls;
  std::vector<int> resps;
  std::vector<std::pair<int, std::string>> logs;
  bool kill = false;
  int kill_checks = 0;
  std::function<void(std::string*)> nested;  // what NESTED does
};

inline std::string BulkBytes(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}

class LuaTest : public ::testing::Test {
 protected:
  // Loads (if needed) and runs `body`; returns the reply bytes for a client speaking
  // `client_resp`.
  std::string Eval(std::string_view body, std::vector<std::string_view> keys = {},
                   std::vector<std::string_view> argv = {}, int client_resp = 2) {
    std::string sha = Sha1Hex(body);
    std::string error;
    if (!vm_.Load(sha, body, &error)) return "LOAD: " + error;
    std::string out;
    protocol::ReplyWriter w(&out, client_resp);
    vm_.Run(sha, keys, argv, host_, w);
    return out;
  }

  // The error reply Redis 7.0 gives for an error raised on `line` of `body`.
  static std::string ScriptError(std::string_view body, std::string_view err, int line = 1) {
    return "-" + std::string(err) + " script: " + Sha1Hex(body) + ", on @user_script:" +
           std::to_string(line) + ".\r\n";
  }

  Interpreter vm_;
  FakeHost host_;
};

}  // namespace shoal::lua
