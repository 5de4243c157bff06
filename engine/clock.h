// The one source of time for the engine. Expiry, TTLs, OBJECT IDLETIME and blocking
// timeouts read it; tests swap in a ManualClock and advance it by hand instead of sleeping.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace shoal::engine {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowMs() const = 0;  // unix time in milliseconds
  virtual int64_t NowUs() const { return NowMs() * 1000; }
};

class SystemClock : public Clock {
 public:
  int64_t NowMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch()).count();
  }
  int64_t NowUs() const override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch()).count();
  }
  static SystemClock* Get() {
    static SystemClock clock;
    return &clock;
  }
};

// Thread-safe: any thread may read it while a test thread advances it.
class ManualClock : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1'700'000'000'000) : now_ms_(start_ms) {}
  int64_t NowMs() const override { return now_ms_.load(std::memory_order_acquire); }
  void Set(int64_t ms) { now_ms_.store(ms, std::memory_order_release); }
  void Advance(int64_t ms) { now_ms_.fetch_add(ms, std::memory_order_acq_rel); }

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace shoal::engine
