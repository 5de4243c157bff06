// The in-process engine with no socket: RESP bytes are parsed and run through a Session
// on its home shard thread, 128 pipelined commands per hand-off, so the figure is the
// engine's own cost per command (parse, dispatch, data structure, reply).
//
//   build/bench/engine_bench --benchmark_filter=Engine
#include <benchmark/benchmark.h>

#include <future>

#include "engine/engine.h"
#include "engine/session.h"
#include "protocol/resp_parser.h"
#include "protocol/strings.h"

namespace shoal::engine {
namespace {

constexpr int kPipeline = 128;

std::string Request(std::initializer_list<std::string_view> args) {
  std::string out = StrCat("*", args.size(), "\r\n");
  for (std::string_view a : args) StrAppend(&out, "$", a.size(), "\r\n", a, "\r\n");
  return out;
}

// Runs `input` (kPipeline requests) through the session on its home thread.
void RunPipeline(Engine& engine, Session& session, const std::string& input, std::string* out) {
  std::promise<void> done;
  engine.shard(session.home()).executor().Post([&] {
    protocol::RequestParser parser;
    std::vector<CmdArgs> cmds(kPipeline);
    std::string_view rest = input;
    size_t n = 0, used;
    while (!rest.empty() && parser.Parse(rest, &used, &cmds[n]) == protocol::ParseStatus::kOk) {
      rest.remove_prefix(used);
      ++n;
    }
    out->clear();
    if (session.Run(absl::MakeConstSpan(cmds.data(), n), out, [&] { done.set_value(); })) {
      done.set_value();
    }
  });
  done.get_future().wait();
}

template <typename MakeRequest>
void RunBench(benchmark::State& state, MakeRequest make) {
  EngineOptions options;
  options.shards = 1;
  Engine engine(std::move(options));
  engine.Start();
  auto session = engine.NewSession(0);
  std::string input, out;
  for (int i = 0; i < kPipeline; ++i) input += make(i);
  RunPipeline(engine, *session, input, &out);  // warm up (and create the keys for GET)
  for (auto _ : state) {
    RunPipeline(engine, *session, input, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kPipeline);
  session.reset();
  engine.Stop();
}

void BM_EngineSet(benchmark::State& state) {
  RunBench(state, [](int i) { return Request({"SET", StrCat("key:", i), "vvvvvvvvvvvvvvvv"}); });
}
BENCHMARK(BM_EngineSet);

void BM_EngineGet(benchmark::State& state) {
  EngineOptions options;
  RunBench(state, [](int i) { return Request({"GET", StrCat("key:", i)}); });
}
BENCHMARK(BM_EngineGet);

void BM_EngineIncr(benchmark::State& state) {
  RunBench(state, [](int i) { return Request({"INCR", StrCat("counter:", i % 8)}); });
}
BENCHMARK(BM_EngineIncr);

}  // namespace
}  // namespace shoal::engine
