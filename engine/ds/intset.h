// IntSet: a sorted array of distinct 64-bit integers stored at the narrowest width that
// holds them all, as Redis's intset.c: 2 bytes per element while every value fits in
// int16, 4 while every value fits in int32, else 8. Adding a value that does not fit the
// current width re-encodes every element at the wider width ("upgrade"); the width never
// shrinks again, even when the wide values are removed (as in Redis).
//
// Invariants: elements are strictly increasing; size() * width() bytes are in use; each
// element is stored in native byte order (the array never leaves the process).
// Complexity: Contains O(log n); Insert and Erase O(n) (binary search, then a memmove);
// At O(1), so a uniformly random element is O(1).
//
// Ownership: the set owns its buffer. Not thread-safe: a set belongs to one shard thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace shoal::ds {

class IntSet {
 public:
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Bytes per element: 2, 4 or 8.
  size_t width() const { return width_; }
  // Heap bytes held by the buffer.
  size_t capacity_bytes() const { return bytes_.capacity(); }

  bool Contains(int64_t value) const;
  // Adds `value`; false when it was already present.
  bool Insert(int64_t value);
  // Removes `value`; false when it was absent.
  bool Erase(int64_t value);
  // The element at position i < size(), in increasing order.
  int64_t At(size_t i) const;
  void Reserve(size_t n) { bytes_.reserve(n * width_); }

 private:
  // The position of `value`, or where it would go; *found says which.
  size_t Search(int64_t value, bool* found) const;
  void Put(size_t i, int64_t value);
  void Upgrade(size_t width);

  size_t width_ = 2;
  size_t size_ = 0;
  std::vector<uint8_t> bytes_;
};

}  // namespace shoal::ds
