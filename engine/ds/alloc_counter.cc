#include "engine/ds/alloc_counter.h"

#include <algorithm>
#include <atomic>

namespace shoal::ds {
namespace {

constexpr int kSlots = 256;  // the last one is shared

struct alignas(64) Slot {
  std::atomic<int64_t> bytes{0};
};

Slot g_slots[kSlots];
std::atomic<int> g_next_slot{0};
// Constant-initialised, so reading it costs no TLS guard (operator new runs it always).
thread_local Slot* t_slot = nullptr;

Slot* MySlot() {
  if (t_slot == nullptr) [[unlikely]] {
    const int i = g_next_slot.fetch_add(1, std::memory_order_relaxed);
    t_slot = &g_slots[std::min(i, kSlots - 1)];
  }
  return t_slot;
}

void Add(int64_t delta) {
  Slot* slot = MySlot();
  if (slot == &g_slots[kSlots - 1]) [[unlikely]] {
    slot->bytes.fetch_add(delta, std::memory_order_relaxed);
  } else {
    slot->bytes.store(slot->bytes.load(std::memory_order_relaxed) + delta,
                      std::memory_order_relaxed);
  }
}

}  // namespace

void CountAllocated(size_t bytes) { Add(static_cast<int64_t>(bytes)); }
void CountFreed(size_t bytes) { Add(-static_cast<int64_t>(bytes)); }

int64_t AllocatedBytes() {
  const int used = std::min(g_next_slot.load(std::memory_order_relaxed), kSlots);
  int64_t sum = 0;
  for (int i = 0; i < used; ++i) sum += g_slots[i].bytes.load(std::memory_order_relaxed);
  return std::max<int64_t>(sum, 0);
}

}  // namespace shoal::ds
