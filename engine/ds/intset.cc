#include "engine/ds/intset.h"

#include <cstring>

namespace shoal::ds {
namespace {

size_t WidthFor(int64_t v) {
  if (v >= INT16_MIN && v <= INT16_MAX) return 2;
  if (v >= INT32_MIN && v <= INT32_MAX) return 4;
  return 8;
}

int64_t Load(const uint8_t* p, size_t width) {
  switch (width) {
    case 2: {
      int16_t v;
      std::memcpy(&v, p, 2);
      return v;
    }
    case 4: {
      int32_t v;
      std::memcpy(&v, p, 4);
      return v;
    }
    default: {
      int64_t v;
      std::memcpy(&v, p, 8);
      return v;
    }
  }
}

void Store(uint8_t* p, size_t width, int64_t value) {
  if (width == 2) {
    const int16_t v = static_cast<int16_t>(value);
    std::memcpy(p, &v, 2);
  } else if (width == 4) {
    const int32_t v = static_cast<int32_t>(value);
    std::memcpy(p, &v, 4);
  } else {
    std::memcpy(p, &value, 8);
  }
}

}  // namespace

int64_t IntSet::At(size_t i) const { return Load(bytes_.data() + i * width_, width_); }

void IntSet::Put(size_t i, int64_t value) { Store(bytes_.data() + i * width_, width_, value); }

size_t IntSet::Search(int64_t value, bool* found) const {
  size_t lo = 0, hi = size_;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    const int64_t v = At(mid);
    if (v == value) {
      *found = true;
      return mid;
    }
    if (v < value) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  *found = false;
  return lo;
}

bool IntSet::Contains(int64_t value) const {
  if (WidthFor(value) > width_) return false;
  bool found;
  Search(value, &found);
  return found;
}

void IntSet::Upgrade(size_t width) {
  std::vector<uint8_t> wider(size_ * width);
  for (size_t i = 0; i < size_; ++i) Store(wider.data() + i * width, width, At(i));
  bytes_ = std::move(wider);
  width_ = width;
}

bool IntSet::Insert(int64_t value) {
  const size_t need = WidthFor(value);
  if (need > width_) {
    // A value wider than every element is below or above all of them.
    Upgrade(need);
    bytes_.resize((size_ + 1) * width_);
    if (value < 0) {
      std::memmove(bytes_.data() + width_, bytes_.data(), size_ * width_);
      Put(0, value);
    } else {
      Put(size_, value);
    }
    ++size_;
    return true;
  }
  bool found;
  const size_t pos = Search(value, &found);
  if (found) return false;
  bytes_.resize((size_ + 1) * width_);
  std::memmove(bytes_.data() + (pos + 1) * width_, bytes_.data() + pos * width_,
               (size_ - pos) * width_);
  Put(pos, value);
  ++size_;
  return true;
}

bool IntSet::Erase(int64_t value) {
  if (WidthFor(value) > width_) return false;
  bool found;
  const size_t pos = Search(value, &found);
  if (!found) return false;
  std::memmove(bytes_.data() + pos * width_, bytes_.data() + (pos + 1) * width_,
               (size_ - pos - 1) * width_);
  --size_;
  bytes_.resize(size_ * width_);
  return true;
}

}  // namespace shoal::ds
