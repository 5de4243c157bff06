// The script VM without an engine: a fake Host answers redis.call, so these measure the
// VM's own cost per script run (argument conversion, RESP <-> Lua, the result's reply).
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>

#include "lua/interpreter.h"
#include "protocol/reply_writer.h"

namespace shoal::lua {
namespace {

// GET -> a 16-byte bulk, anything else -> +OK.
class StaticHost : public Host {
 public:
  void Call(absl::Span<const std::string_view> args, int resp, std::string* out) override {
    if (args[0] == "GET") {
      out->append("$16\r\n0123456789abcdef\r\n");
    } else {
      out->append("+OK\r\n");
    }
  }
};

void RunScript(benchmark::State& state, std::string_view body,
               absl::Span<const std::string_view> keys, absl::Span<const std::string_view> argv) {
  Interpreter vm;
  StaticHost host;
  std::string sha = Sha1Hex(body), error, out;
  if (!vm.Load(sha, body, &error)) {
    state.SkipWithError(error.c_str());
    return;
  }
  for (auto _ : state) {
    out.clear();
    protocol::ReplyWriter w(&out);
    vm.Run(sha, keys, argv, host, w);
    benchmark::DoNotOptimize(out.data());
  }
}

void BM_ScriptRunReturnConst(benchmark::State& state) {
  RunScript(state, "return 1", {}, {});
}
BENCHMARK(BM_ScriptRunReturnConst);

void BM_ScriptRunTwoCalls(benchmark::State& state) {
  const std::string_view keys[] = {"key:1"};
  const std::string_view argv[] = {"value"};
  RunScript(state,
            "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])", keys,
            argv);
}
BENCHMARK(BM_ScriptRunTwoCalls);

// A rate limiter's shape: read, compute, write, return an array.
void BM_ScriptRunRateLimiter(benchmark::State& state) {
  const std::string_view keys[] = {"rl:user"};
  const std::string_view argv[] = {"100", "60"};
  RunScript(state,
            "local v = redis.call('GET', KEYS[1]) local n = tonumber(ARGV[1]) "
            "redis.call('SET', KEYS[1], n - 1) return {n - 1, tonumber(ARGV[2])}",
            keys, argv);
}
BENCHMARK(BM_ScriptRunRateLimiter);

void BM_CmsgpackRoundTrip(benchmark::State& state) {
  RunScript(state,
            "local t = cmsgpack.unpack(cmsgpack.pack({1, 'two', {three = 3}})) return t[1]",
            {}, {});
}
BENCHMARK(BM_CmsgpackRoundTrip);

void BM_Sha1Hex(benchmark::State& state) {
  std::string body(state.range(0), 'x');
  for (auto _ : state) benchmark::DoNotOptimize(Sha1Hex(body));
}
BENCHMARK(BM_Sha1Hex)->ArgName("bytes")->Arg(64)->Arg(4096);

}  // namespace
}  // namespace shoal::lua
