// LEB128 varints: 7 bits a byte, low bits first, the top bit set on every byte but the
// last. The key table's node lengths, the quicklist's entry lengths, stream entries and
// the RDB's mtime records all use this one encoding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace shoal::ds {

inline size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// Writes VarintSize(v) bytes at p and returns the end.
inline char* EncodeVarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

inline void AppendVarint(std::string* out, uint64_t v) {
  char buf[10];
  out->append(buf, static_cast<size_t>(EncodeVarint(buf, v) - buf));
}

// Reads a varint at p, which must hold a whole one (data this process wrote); returns the
// end.
inline const char* DecodeVarint(const char* p, uint64_t* out) {
  uint8_t b = static_cast<uint8_t>(*p++);
  if (b < 0x80) {
    *out = b;
    return p;
  }
  uint64_t v = b & 0x7f;
  for (int shift = 7;; shift += 7) {
    b = static_cast<uint8_t>(*p++);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (b < 0x80) break;
  }
  *out = v;
  return p;
}

// Reads a varint from the front of *in and consumes it; false when *in ends inside one or
// it runs past 64 bits (data read from a file).
inline bool ReadVarint(std::string_view* in, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift <= 63; shift += 7) {
    if (in->empty()) return false;
    const uint8_t b = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    *v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (b < 0x80) return true;
  }
  return false;
}

}  // namespace shoal::ds
