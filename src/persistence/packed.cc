#include "src/persistence/packed.h"

#include <cstring>

#include "protocol/strings.h"

namespace shoal::persistence {
namespace {

uint64_t LoadLe(const char* p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

int64_t SignExtend(uint64_t v, int bits) {
  if (bits < 64 && (v >> (bits - 1)) & 1) v |= ~uint64_t{0} << bits;
  return static_cast<int64_t>(v);
}

size_t BacklenSize(size_t l) {
  return l < 128 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

}  // namespace

bool ParseCanonicalInt(std::string_view s, int64_t* value) {
  if (s.empty() || s.size() > 20) return false;
  size_t i = 0;
  bool neg = s[0] == '-';
  if (neg) i = 1;
  if (i == s.size()) return false;
  if (s[i] == '0') {
    if (s.size() == 1) return *value = 0, true;
    return false;
  }
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  if (neg) {
    if (v > uint64_t{1} << 63) return false;
    *value = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *value = static_cast<int64_t>(v);
  }
  return true;
}

bool DecodeListpack(std::string_view blob, std::vector<std::string>* out) {
  if (blob.size() < 7 || LoadLe(blob.data(), 4) != blob.size() || blob.back() != '\xff') {
    return false;
  }
  const char* p = blob.data() + 6;
  const char* end = blob.data() + blob.size() - 1;  // the terminator
  while (p < end) {
    const unsigned char b = static_cast<unsigned char>(*p);
    size_t head, len = 0;  // header bytes; string length (0 for integers)
    bool is_int = true;
    int64_t v = 0;
    auto need = [&](size_t n) { return static_cast<size_t>(end - p) >= n; };
    if ((b & 0x80) == 0) {
      head = 1, v = b & 0x7f;
    } else if ((b & 0xc0) == 0x80) {
      head = 1, len = b & 0x3f, is_int = false;
    } else if ((b & 0xe0) == 0xc0) {
      if (!need(2)) return false;
      head = 2, v = SignExtend(((b & 0x1f) << 8) | static_cast<unsigned char>(p[1]), 13);
    } else if ((b & 0xf0) == 0xe0) {
      if (!need(2)) return false;
      head = 2, len = ((b & 0x0f) << 8) | static_cast<unsigned char>(p[1]), is_int = false;
    } else if (b == 0xf0) {
      if (!need(5)) return false;
      head = 5, len = LoadLe(p + 1, 4), is_int = false;
    } else if (b >= 0xf1 && b <= 0xf4) {
      static constexpr int kBytes[] = {2, 3, 4, 8};
      int n = kBytes[b - 0xf1];
      if (!need(1 + static_cast<size_t>(n))) return false;
      head = 1 + static_cast<size_t>(n), v = SignExtend(LoadLe(p + 1, n), n * 8);
    } else {
      return false;
    }
    if (!need(head) || static_cast<size_t>(end - p - head) < len) return false;
    size_t entry = head + len;
    size_t total = entry + BacklenSize(entry);
    if (!need(total)) return false;
    out->push_back(is_int ? StrCat(v) : std::string(p + head, len));
    p += total;
  }
  return true;
}

bool DecodeZiplist(std::string_view blob, std::vector<std::string>* out) {
  if (blob.size() < 11 || LoadLe(blob.data(), 4) != blob.size() || blob.back() != '\xff') {
    return false;
  }
  const char* p = blob.data() + 10;
  const char* end = blob.data() + blob.size() - 1;
  while (p < end) {
    auto left = [&] { return static_cast<size_t>(end - p); };
    // prevlen: one byte, or 0xfe and four more.
    size_t prev = static_cast<unsigned char>(*p) == 0xfe ? 5 : 1;
    if (left() < prev + 1) return false;
    p += prev;
    const unsigned char b = static_cast<unsigned char>(*p);
    size_t head, len = 0;
    bool is_int = true;
    int64_t v = 0;
    switch (b >> 6) {
      case 0:
        head = 1, len = b & 0x3f, is_int = false;
        break;
      case 1:
        if (left() < 2) return false;
        head = 2, len = ((b & 0x3f) << 8) | static_cast<unsigned char>(p[1]), is_int = false;
        break;
      case 2:
        if (b != 0x80 || left() < 5) return false;
        head = 5, is_int = false;
        len = (size_t{static_cast<unsigned char>(p[1])} << 24) |
              (size_t{static_cast<unsigned char>(p[2])} << 16) |
              (size_t{static_cast<unsigned char>(p[3])} << 8) | static_cast<unsigned char>(p[4]);
        break;
      default: {
        int n;
        if (b == 0xc0) n = 2;
        else if (b == 0xd0) n = 4;
        else if (b == 0xe0) n = 8;
        else if (b == 0xf0) n = 3;
        else if (b == 0xfe) n = 1;
        else if (b >= 0xf1 && b <= 0xfd) n = 0;
        else return false;
        if (left() < 1 + static_cast<size_t>(n)) return false;
        head = 1 + static_cast<size_t>(n);
        v = n == 0 ? (b & 0x0f) - 1 : SignExtend(LoadLe(p + 1, n), n * 8);
      }
    }
    if (left() < head || left() - head < len) return false;
    out->push_back(is_int ? StrCat(v) : std::string(p + head, len));
    p += head + len;
  }
  return true;
}

bool DecodeIntset(std::string_view blob, std::vector<std::string>* out) {
  if (blob.size() < 8) return false;
  uint64_t width = LoadLe(blob.data(), 4), n = LoadLe(blob.data() + 4, 4);
  if ((width != 2 && width != 4 && width != 8) || blob.size() != 8 + width * n) return false;
  for (uint64_t i = 0; i < n; ++i) {
    const char* p = blob.data() + 8 + i * width;
    out->push_back(StrCat(SignExtend(LoadLe(p, static_cast<int>(width)), static_cast<int>(width) * 8)));
  }
  return true;
}

ListpackBuilder::ListpackBuilder() : buf_(6, '\0') {}

void ListpackBuilder::Add(std::string_view value) {
  int64_t v;
  if (value.size() <= 20 && ParseCanonicalInt(value, &v)) return AddInt(v);
  AddString(value);
}

void ListpackBuilder::AddInt(int64_t v) {
  const size_t start = buf_.size();
  auto put = [&](uint64_t x, int n) {
    for (int i = 0; i < n; ++i) buf_.push_back(static_cast<char>(x >> (8 * i)));
  };
  const auto u = static_cast<uint64_t>(v);
  if (v >= 0 && v <= 127) {
    buf_.push_back(static_cast<char>(v));
  } else if (v >= -4096 && v <= 4095) {
    buf_.push_back(static_cast<char>(0xc0 | ((u >> 8) & 0x1f)));
    buf_.push_back(static_cast<char>(u & 0xff));
  } else if (v >= -32768 && v <= 32767) {
    buf_.push_back('\xf1'), put(u, 2);
  } else if (v >= -8388608 && v <= 8388607) {
    buf_.push_back('\xf2'), put(u, 3);
  } else if (v >= INT32_MIN && v <= INT32_MAX) {
    buf_.push_back('\xf3'), put(u, 4);
  } else {
    buf_.push_back('\xf4'), put(u, 8);
  }
  AddBacklen(buf_.size() - start);
}

void ListpackBuilder::AddString(std::string_view value) {
  const size_t start = buf_.size();
  const size_t n = value.size();
  if (n < 64) {
    buf_.push_back(static_cast<char>(0x80 | n));
  } else if (n < 4096) {
    buf_.push_back(static_cast<char>(0xe0 | (n >> 8)));
    buf_.push_back(static_cast<char>(n & 0xff));
  } else {
    buf_.push_back('\xf0');
    for (int i = 0; i < 4; ++i) buf_.push_back(static_cast<char>(n >> (8 * i)));
  }
  buf_.append(value);
  AddBacklen(buf_.size() - start);
}

// Redis's lpEncodeBacklen: 7 bits a byte, the most significant group first; every byte
// but the first written has its top bit set.
void ListpackBuilder::AddBacklen(size_t l) {
  ++count_;
  size_t n = BacklenSize(l);
  for (size_t i = 0; i < n; ++i) {
    size_t shift = 7 * (n - 1 - i);
    unsigned char byte = static_cast<unsigned char>((l >> shift) & 127);
    if (i > 0) byte |= 128;
    buf_.push_back(static_cast<char>(byte));
  }
}

std::string ListpackBuilder::Finish() {
  buf_.push_back('\xff');
  const uint64_t total = buf_.size();
  const uint64_t count = count_ < 65535 ? count_ : 65535;
  for (int i = 0; i < 4; ++i) buf_[i] = static_cast<char>(total >> (8 * i));
  buf_[4] = static_cast<char>(count & 0xff);
  buf_[5] = static_cast<char>(count >> 8);
  return std::move(buf_);
}

}  // namespace shoal::persistence
