// Quicklist (the list value): a queue at steady state (push at one end, pop at the other,
// as LPUSH + RPOP and RPUSH + LPOP do) with n elements queued, and LINDEX-style reads in
// the middle. Values are 16 bytes, as a job id; nodes are 8 KB (the default fill -2).
// bytes_per_element is MemoryUsage() / size().
#include <benchmark/benchmark.h>

#include <string>

#include "engine/ds/quicklist.h"

namespace shoal::ds {
namespace {

constexpr int kFill = -2;
const std::string kValue = "job:000000000001";

void BM_QuicklistPushFrontPopBack(benchmark::State& state) {
  Quicklist ql;
  for (int64_t i = 0; i < state.range(0); ++i) ql.PushFront(kValue, kFill);
  for (auto _ : state) {
    ql.PushFront(kValue, kFill);
    benchmark::DoNotOptimize(ql.PopBack());
  }
  state.counters["bytes_per_element"] =
      static_cast<double>(ql.MemoryUsage()) / static_cast<double>(ql.size());
}
BENCHMARK(BM_QuicklistPushFrontPopBack)->ArgName("n")->Arg(100)->Arg(10000)->Arg(1000000);

void BM_QuicklistPushBackPopFront(benchmark::State& state) {
  Quicklist ql;
  for (int64_t i = 0; i < state.range(0); ++i) ql.PushBack(kValue, kFill);
  for (auto _ : state) {
    ql.PushBack(kValue, kFill);
    benchmark::DoNotOptimize(ql.PopFront());
  }
}
BENCHMARK(BM_QuicklistPushBackPopFront)->ArgName("n")->Arg(100)->Arg(10000)->Arg(1000000);

void BM_QuicklistIndexMiddle(benchmark::State& state) {
  Quicklist ql;
  for (int64_t i = 0; i < state.range(0); ++i) ql.PushBack(kValue, kFill);
  const size_t middle = ql.size() / 2;
  for (auto _ : state) benchmark::DoNotOptimize(ql.At(middle));
}
BENCHMARK(BM_QuicklistIndexMiddle)->ArgName("n")->Arg(100)->Arg(10000)->Arg(1000000);

}  // namespace
}  // namespace shoal::ds
