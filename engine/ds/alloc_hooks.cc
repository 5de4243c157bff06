// Replaces the global operator new and delete (every form) with mimalloc's, counting each
// block's usable size in ds/alloc_counter.h, so that used_memory and maxmemory see every
// C++ allocation, as Redis's zmalloc sees every allocation it makes.
//
// Linked into the server binary and the engine tests (the CMake object library
// shoal_alloc_hooks), never into the engine library itself: an embedding program keeps
// its own operator new. Sanitizer builds keep the sanitizer's, which checks every delete.
#include <mimalloc.h>

#include <cstddef>
#include <new>

#include "engine/ds/alloc_counter.h"

#if !defined(__SANITIZE_ADDRESS__)

namespace {

void* Counted(void* p) {
  if (p != nullptr) shoal::ds::CountAllocated(mi_usable_size(p));
  return p;
}

void Release(void* p) noexcept {
  if (p == nullptr) return;
  shoal::ds::CountFreed(mi_usable_size(p));
  mi_free(p);
}

size_t Align(std::align_val_t al) { return static_cast<size_t>(al); }

}  // namespace

void* operator new(size_t n) { return Counted(mi_new(n)); }
void* operator new[](size_t n) { return Counted(mi_new(n)); }
void* operator new(size_t n, const std::nothrow_t&) noexcept { return Counted(mi_new_nothrow(n)); }
void* operator new[](size_t n, const std::nothrow_t&) noexcept { return Counted(mi_new_nothrow(n)); }
void* operator new(size_t n, std::align_val_t al) { return Counted(mi_new_aligned(n, Align(al))); }
void* operator new[](size_t n, std::align_val_t al) { return Counted(mi_new_aligned(n, Align(al))); }
void* operator new(size_t n, std::align_val_t al, const std::nothrow_t&) noexcept {
  return Counted(mi_new_aligned_nothrow(n, Align(al)));
}
void* operator new[](size_t n, std::align_val_t al, const std::nothrow_t&) noexcept {
  return Counted(mi_new_aligned_nothrow(n, Align(al)));
}

void operator delete(void* p) noexcept { Release(p); }
void operator delete[](void* p) noexcept { Release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { Release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { Release(p); }
void operator delete(void* p, size_t) noexcept { Release(p); }
void operator delete[](void* p, size_t) noexcept { Release(p); }
void operator delete(void* p, std::align_val_t) noexcept { Release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { Release(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { Release(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { Release(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { Release(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { Release(p); }

#endif  // !__SANITIZE_ADDRESS__
