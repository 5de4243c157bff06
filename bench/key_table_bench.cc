// KeyTable: inserting and finding keys shaped like redis-benchmark's ("key:%010d", 16-byte
// values), at sizes that fit in L2, in L3, and far beyond. bytes_per_key is
// MemoryUsage() / size(): node bytes as requested from malloc plus the bucket array.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "engine/ds/key_table.h"

namespace shoal::ds {
namespace {

std::vector<std::string> MakeKeys(int64_t n) {
  std::vector<std::string> keys;
  keys.reserve(static_cast<size_t>(n));
  char buf[32];
  for (int64_t i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "key:%010lld", static_cast<long long>(i));
    keys.emplace_back(buf);
  }
  return keys;
}

void BM_KeyTableInsert(benchmark::State& state) {
  const std::vector<std::string> keys = MakeKeys(state.range(0));
  const std::string value(16, 'v');
  double bytes_per_key = 0;
  for (auto _ : state) {
    KeyTable table;
    for (const std::string& key : keys) {
      benchmark::DoNotOptimize(table.Insert(key, 0, value, false));
    }
    state.PauseTiming();
    bytes_per_key = static_cast<double>(table.MemoryUsage()) / static_cast<double>(table.size());
    table.Clear();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["bytes_per_key"] = bytes_per_key;
}
BENCHMARK(BM_KeyTableInsert)->ArgName("keys")->Arg(1 << 10)->Arg(1 << 16)->Arg(1 << 20);

void BM_KeyTableFind(benchmark::State& state) {
  std::vector<std::string> keys = MakeKeys(state.range(0));
  const std::string value(16, 'v');
  KeyTable table;
  for (const std::string& key : keys) table.Insert(key, 0, value, false);
  // Look keys up in an order unrelated to insertion or hash order.
  std::shuffle(keys.begin(), keys.end(), std::mt19937_64(42));
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(table.Find(keys[i]));
    if (++i == keys.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KeyTableFind)->ArgName("keys")->Arg(1 << 10)->Arg(1 << 16)->Arg(1 << 20);

}  // namespace
}  // namespace shoal::ds
