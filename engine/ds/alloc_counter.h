// Bytes allocated and not yet freed, for the whole process: Redis's used_memory.
//
// Each thread adds to and subtracts from its own slot (a plain load and store, no locked
// instruction); a read sums the slots. Memory freed on another thread than the one that
// allocated it moves bytes between slots, so one slot means nothing on its own, but the
// sum is exact at any moment (up to the writes in flight). Threads past the first 255 share
// one slot, updated atomically.
//
// Who counts: KeyTable counts its nodes and bucket arrays here itself. The server binary
// (and the engine's tests) link engine/alloc_hooks.cc, which replaces operator new and
// delete so that every C++ allocation counts too. Without the hooks (an embedding program,
// sanitizer builds) the sum is the key tables' memory alone.
#pragma once

#include <cstddef>
#include <cstdint>

namespace shoal::ds {

void CountAllocated(size_t bytes);
void CountFreed(size_t bytes);
// The sum over all threads (never negative).
int64_t AllocatedBytes();

}  // namespace shoal::ds
