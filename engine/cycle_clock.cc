#include "engine/cycle_clock.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace shoal::engine::cycle_clock {

namespace {
std::atomic<double> ticks_per_micro{1000.0};  // nanoseconds until calibrated

uint64_t SteadyNanos() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}
}  // namespace

uint64_t Now() {
#if defined(__x86_64__)
  return __rdtsc();
#else
  return SteadyNanos();
#endif
}

uint64_t ToMicros(uint64_t ticks) {
  return static_cast<uint64_t>(static_cast<double>(ticks) /
                               ticks_per_micro.load(std::memory_order_relaxed));
}

void Calibrate() {
#if defined(__x86_64__)
  static std::once_flag once;
  std::call_once(once, [] {
    uint64_t ns0 = SteadyNanos(), t0 = Now();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    uint64_t ns1 = SteadyNanos(), t1 = Now();
    if (ns1 > ns0 && t1 > t0) {
      ticks_per_micro.store(static_cast<double>(t1 - t0) * 1000.0 / static_cast<double>(ns1 - ns0),
                            std::memory_order_relaxed);
    }
  });
#endif
}

}  // namespace shoal::engine::cycle_clock
