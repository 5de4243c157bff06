// InlineString: an immutable byte string for hash table keys, 24 bytes, that holds up to
// 23 bytes inside itself (std::string holds 15 in 32). A field or member such as
// "element:000000012345" (20 bytes, redis-benchmark's) then sits whole in its table slot:
// a lookup compares it in the cache line it already loaded for the slot, instead of
// following a pointer to a second allocation.
//
// Layout: bytes 0..22 hold an inline string and byte 23 its length (0..23); a longer
// string is on the heap, with the pointer in bytes 0..7, the length in bytes 8..15 and
// byte 23 set to kHeap.
//
// InlineStringHash and InlineStringEq are transparent, so a table keyed by InlineString
// is searched with a std::string_view and builds a key only when it inserts.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"

namespace shoal::ds {

class InlineString {
 public:
  static constexpr size_t kInlineMax = 23;

  explicit InlineString(std::string_view s) {
    if (s.size() <= kInlineMax) {
      if (!s.empty()) std::memcpy(bytes_, s.data(), s.size());
      bytes_[kTag] = static_cast<char>(s.size());
    } else {
      char* p = new char[s.size()];
      std::memcpy(p, s.data(), s.size());
      SetHeap(p, s.size());
    }
  }
  InlineString(const InlineString& other) : InlineString(other.view()) {}
  InlineString(InlineString&& other) noexcept {
    std::memcpy(bytes_, other.bytes_, sizeof bytes_);
    other.bytes_[kTag] = 0;  // other is now empty and inline: it frees nothing
  }
  InlineString& operator=(InlineString other) noexcept {
    char tmp[sizeof bytes_];
    std::memcpy(tmp, bytes_, sizeof bytes_);
    std::memcpy(bytes_, other.bytes_, sizeof bytes_);
    std::memcpy(other.bytes_, tmp, sizeof bytes_);
    return *this;
  }
  ~InlineString() {
    if (on_heap()) delete[] heap_data();
  }

  const char* data() const { return on_heap() ? heap_data() : bytes_; }
  size_t size() const {
    if (!on_heap()) return static_cast<unsigned char>(bytes_[kTag]);
    size_t n;
    std::memcpy(&n, bytes_ + sizeof(char*), sizeof n);
    return n;
  }
  std::string_view view() const { return {data(), size()}; }
  operator std::string_view() const { return view(); }
  // Bytes allocated beside the object: 0 when inline.
  size_t HeapBytes() const { return on_heap() ? size() : 0; }

 private:
  static constexpr size_t kTag = 23;
  static constexpr char kHeap = static_cast<char>(0xff);

  bool on_heap() const { return bytes_[kTag] == kHeap; }
  char* heap_data() const {
    char* p;
    std::memcpy(&p, bytes_, sizeof p);
    return p;
  }
  void SetHeap(char* p, size_t n) {
    std::memcpy(bytes_, &p, sizeof p);
    std::memcpy(bytes_ + sizeof p, &n, sizeof n);
    bytes_[kTag] = kHeap;
  }

  char bytes_[24];
};
static_assert(sizeof(InlineString) == 24);

struct InlineStringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const {
    return absl::Hash<absl::string_view>{}(absl::string_view(s.data(), s.size()));
  }
};

struct InlineStringEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

}  // namespace shoal::ds
