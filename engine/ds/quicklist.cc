#include "engine/ds/quicklist.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>

#include "engine/ds/varint.h"

namespace shoal::ds {
namespace {

// Redis's optimization_level (quicklist.c) and SIZE_SAFETY_LIMIT.
constexpr size_t kByteLevels[] = {4096, 8192, 16384, 32768, 65536};
constexpr size_t kSafetyLimit = 8192;

// Redis's lpStringToInt64: a canonical int64 (no '+', no leading zeros, no "-0").
bool AsListpackInt(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  size_t i = 0;
  bool neg = false;
  if (s[0] == '-') {
    neg = true;
    if (s.size() == 1) return false;
    i = 1;
  }
  if (s[i] == '0') {
    if (s.size() != 1) return false;
    *out = 0;
    return true;
  }
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return false;
    v = v * 10 + d;
  }
  if (neg) {
    if (v > uint64_t{1} << 63) return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

}  // namespace

Quicklist::Limit Quicklist::NodeLimit(int fill) {
  Limit limit{SIZE_MAX, UINT32_MAX};
  if (fill >= 0) {
    limit.count = fill == 0 ? 1 : static_cast<size_t>(fill);
  } else {
    size_t level = std::min<size_t>(static_cast<size_t>(-(fill + 1)), std::size(kByteLevels) - 1);
    limit.bytes = kByteLevels[level];
  }
  return limit;
}

bool Quicklist::ExceedsLimit(int fill, size_t bytes, size_t count) {
  Limit limit = NodeLimit(fill);
  if (limit.bytes != SIZE_MAX) return bytes > limit.bytes;
  if (bytes > kSafetyLimit) return true;
  return count > limit.count;
}

size_t Quicklist::ListpackEntryBytes(std::string_view value) {
  int64_t v;
  if (AsListpackInt(value, &v)) {
    if (v >= 0 && v <= 127) return 2;
    if (v >= -4096 && v <= 4095) return 3;
    if (v >= INT16_MIN && v <= INT16_MAX) return 4;
    if (v >= -(1 << 23) && v < (1 << 23)) return 5;
    if (v >= INT32_MIN && v <= INT32_MAX) return 6;
    return 10;
  }
  const size_t len = value.size();
  const size_t enc = (len < 64 ? 1 : len < 4096 ? 2 : 5) + len;
  const size_t back = enc < 128 ? 1 : enc < 16384 ? 2 : enc < 2097152 ? 3 : enc < 268435456 ? 4 : 5;
  return enc + back;
}

size_t Quicklist::MemoryUsage() const {
  size_t bytes = sizeof(*this) + nodes_.capacity() * sizeof(Node);
  for (const Node& node : nodes_) {
    if (node.buf.capacity() > 15) bytes += node.buf.capacity() + 1;
  }
  return bytes;
}

// --- Entry encoding ------------------------------------------------------------------------

size_t Quicklist::EncodedSize(size_t len) { return 2 * VarintSize(len) + len; }

void Quicklist::EncodeTo(std::string_view value, char* out) {
  char varint[10];
  const size_t n = static_cast<size_t>(EncodeVarint(varint, value.size()) - varint);
  std::memcpy(out, varint, n);
  if (!value.empty()) std::memcpy(out + n, value.data(), value.size());
  out += n + value.size();
  for (size_t i = n; i-- > 0;) *out++ = varint[i];
}

void Quicklist::Encode(std::string_view value, std::string* out) {
  const size_t at = out->size();
  out->resize(at + EncodedSize(value.size()));
  EncodeTo(value, out->data() + at);
}

size_t Quicklist::DecodeAt(const std::string& buf, size_t pos, std::string_view* value) {
  uint64_t len;
  const char* start = buf.data() + pos;
  const size_t hdr = static_cast<size_t>(DecodeVarint(start, &len) - start);
  *value = std::string_view(buf.data() + pos + hdr, len);
  return pos + 2 * hdr + len;
}

size_t Quicklist::DecodeBefore(const std::string& buf, size_t end, std::string_view* value) {
  size_t len = 0;
  int shift = 0;
  size_t hdr = 0;
  uint8_t b;
  do {
    b = static_cast<uint8_t>(buf[end - 1 - hdr++]);
    len |= static_cast<size_t>(b & 127) << shift;
    shift += 7;
  } while (b & 128);
  size_t start = end - 2 * hdr - len;
  *value = std::string_view(buf.data() + start + hdr, len);
  return start;
}

size_t Quicklist::OffsetOf(const Node& node, size_t i) {
  std::string_view v;
  if (i <= node.count / 2) {
    size_t pos = 0;
    for (size_t j = 0; j < i; ++j) pos = DecodeAt(node.buf, pos, &v);
    return pos;
  }
  size_t pos = node.buf.size();
  for (size_t j = node.count; j > i; --j) pos = DecodeBefore(node.buf, pos, &v);
  return pos;
}

// --- Nodes ---------------------------------------------------------------------------------

bool Quicklist::Fits(const Node& node, size_t add_bytes, size_t add_count, int fill) const {
  return node.count == 0 || !ExceedsLimit(fill, node.lp_bytes + add_bytes, node.count + add_count);
}

size_t Quicklist::Locate(size_t index, size_t* in_node) const {
  if (index < size_ / 2) {
    size_t n = 0;
    while (index >= nodes_[n].count) index -= nodes_[n++].count;
    *in_node = index;
    return n;
  }
  size_t from_end = size_ - 1 - index;  // entries after `index`
  size_t n = nodes_.size() - 1;
  while (from_end >= nodes_[n].count) from_end -= nodes_[n--].count;
  *in_node = nodes_[n].count - 1 - from_end;
  return n;
}

void Quicklist::Split(size_t n, size_t at) {
  Node& node = nodes_[n];
  size_t offset = OffsetOf(node, at);
  Node tail;
  tail.buf.assign(node.buf, offset, std::string::npos);
  tail.count = node.count - static_cast<uint32_t>(at);
  size_t pos = 0;
  while (pos < tail.buf.size()) {
    std::string_view v;
    pos = DecodeAt(tail.buf, pos, &v);
    tail.lp_bytes += static_cast<uint32_t>(ListpackEntryBytes(v));
  }
  node.buf.resize(offset);
  node.count = static_cast<uint32_t>(at);
  node.lp_bytes -= tail.lp_bytes - static_cast<uint32_t>(kListpackOverhead);
  nodes_.insert(nodes_.begin() + static_cast<std::ptrdiff_t>(n) + 1, std::move(tail));
}

void Quicklist::TryMerge(size_t n, int fill) {
  if (n == 0 || n >= nodes_.size()) return;
  Node& a = nodes_[n - 1];
  Node& b = nodes_[n];
  if (ExceedsLimit(fill, a.lp_bytes + b.lp_bytes - kListpackOverhead, a.count + b.count)) return;
  a.buf += b.buf;
  a.count += b.count;
  a.lp_bytes += b.lp_bytes - static_cast<uint32_t>(kListpackOverhead);
  nodes_.erase(nodes_.begin() + static_cast<std::ptrdiff_t>(n));
}

void Quicklist::EraseInNode(size_t n, size_t at, size_t count) {
  Node& node = nodes_[n];
  size_t start = OffsetOf(node, at);
  size_t end = start;
  uint32_t bytes = 0;
  for (size_t j = 0; j < count; ++j) {
    std::string_view v;
    end = DecodeAt(node.buf, end, &v);
    bytes += static_cast<uint32_t>(ListpackEntryBytes(v));
  }
  node.buf.erase(start, end - start);
  node.count -= static_cast<uint32_t>(count);
  node.lp_bytes -= bytes;
  size_ -= count;
  if (node.count == 0) nodes_.erase(nodes_.begin() + static_cast<std::ptrdiff_t>(n));
}

// --- Ends ----------------------------------------------------------------------------------

void Quicklist::PushBack(std::string_view value, int fill) {
  size_t bytes = ListpackEntryBytes(value);
  if (nodes_.empty() || !Fits(nodes_.back(), bytes, 1, fill)) {
    if (!nodes_.empty()) nodes_.back().buf.shrink_to_fit();  // full: drop the growth slack
    nodes_.emplace_back();
  }
  Node& node = nodes_.back();
  Encode(value, &node.buf);
  ++node.count;
  node.lp_bytes += static_cast<uint32_t>(bytes);
  ++size_;
}

void Quicklist::PushFront(std::string_view value, int fill) {
  size_t bytes = ListpackEntryBytes(value);
  if (nodes_.empty() || !Fits(nodes_.front(), bytes, 1, fill)) {
    if (!nodes_.empty()) nodes_.front().buf.shrink_to_fit();
    nodes_.insert(nodes_.begin(), Node{});
  }
  Node& node = nodes_.front();
  node.buf.insert(0, EncodedSize(value.size()), '\0');
  EncodeTo(value, node.buf.data());
  ++node.count;
  node.lp_bytes += static_cast<uint32_t>(bytes);
  ++size_;
}

std::string Quicklist::PopFront() {
  Node& node = nodes_.front();
  std::string_view v;
  size_t end = DecodeAt(node.buf, 0, &v);
  std::string value(v);
  node.buf.erase(0, end);
  node.lp_bytes -= static_cast<uint32_t>(ListpackEntryBytes(value));
  --size_;
  if (--node.count == 0) nodes_.erase(nodes_.begin());
  return value;
}

std::string Quicklist::PopBack() {
  Node& node = nodes_.back();
  std::string_view v;
  size_t start = DecodeBefore(node.buf, node.buf.size(), &v);
  std::string value(v);
  node.buf.resize(start);
  node.lp_bytes -= static_cast<uint32_t>(ListpackEntryBytes(value));
  --size_;
  if (--node.count == 0) nodes_.pop_back();
  return value;
}

// --- By index ------------------------------------------------------------------------------

std::string_view Quicklist::At(size_t index) const {
  size_t in_node;
  const Node& node = nodes_[Locate(index, &in_node)];
  std::string_view v;
  DecodeAt(node.buf, OffsetOf(node, in_node), &v);
  return v;
}

void Quicklist::Set(size_t index, std::string_view value, int fill) {
  size_t in_node;
  size_t n = Locate(index, &in_node);
  Node& node = nodes_[n];
  size_t start = OffsetOf(node, in_node);
  std::string_view old;
  size_t end = DecodeAt(node.buf, start, &old);
  const size_t old_bytes = ListpackEntryBytes(old);
  const size_t new_bytes = ListpackEntryBytes(value);
  if (node.count == 1 ||
      !ExceedsLimit(fill, node.lp_bytes - old_bytes + new_bytes, node.count)) {
    std::string entry;
    Encode(value, &entry);
    node.buf.replace(start, end - start, entry);
    node.lp_bytes = static_cast<uint32_t>(node.lp_bytes - old_bytes + new_bytes);
    return;
  }
  EraseInNode(n, in_node, 1);  // the node keeps its other entries
  Insert(index, value, fill);
}

void Quicklist::Insert(size_t index, std::string_view value, int fill) {
  if (index >= size_) return PushBack(value, fill);
  if (index == 0) return PushFront(value, fill);
  const size_t bytes = ListpackEntryBytes(value);
  size_t in_node;
  size_t n = Locate(index, &in_node);
  std::string entry;
  Encode(value, &entry);
  auto insert_into = [&](size_t k, size_t at) {
    Node& node = nodes_[k];
    node.buf.insert(OffsetOf(node, at), entry);
    ++node.count;
    node.lp_bytes += static_cast<uint32_t>(bytes);
    ++size_;
  };
  if (Fits(nodes_[n], bytes, 1, fill)) return insert_into(n, in_node);
  if (in_node == 0) {
    // Between node n-1 and node n: the end of the previous node, or a node of its own.
    if (Fits(nodes_[n - 1], bytes, 1, fill)) return insert_into(n - 1, nodes_[n - 1].count);
    nodes_.insert(nodes_.begin() + static_cast<std::ptrdiff_t>(n), Node{});
    return insert_into(n, 0);
  }
  Split(n, in_node);
  if (Fits(nodes_[n], bytes, 1, fill)) return insert_into(n, nodes_[n].count);
  if (Fits(nodes_[n + 1], bytes, 1, fill)) return insert_into(n + 1, 0);
  nodes_.insert(nodes_.begin() + static_cast<std::ptrdiff_t>(n) + 1, Node{});
  insert_into(n + 1, 0);
}

void Quicklist::Erase(size_t index, size_t n, int fill) {
  if (index >= size_) return;
  n = std::min(n, size_ - index);
  if (n == 0) return;
  size_t in_node;
  const size_t first = Locate(index, &in_node);
  size_t k = first;
  if (in_node > 0 || n < nodes_[k].count) {  // part of the first node; it keeps the rest
    const size_t take = std::min<size_t>(n, nodes_[k].count - in_node);
    EraseInNode(k, in_node, take);
    n -= take;
    ++k;
  }
  // Whole nodes in one move of the node table (LTRIM of a long list stays O(nodes)).
  size_t end = k;
  while (n > 0 && end < nodes_.size() && n >= nodes_[end].count) {
    n -= nodes_[end].count;
    size_ -= nodes_[end].count;
    ++end;
  }
  nodes_.erase(nodes_.begin() + static_cast<std::ptrdiff_t>(k),
               nodes_.begin() + static_cast<std::ptrdiff_t>(end));
  if (n > 0) EraseInNode(k, 0, n);  // the head of the next node
  // The cut may leave a short node on either side of it: merge where they fit.
  TryMerge(first + 1, fill);
  TryMerge(first, fill);
}

void Quicklist::Compact(int fill) {
  size_t out = 0;
  for (size_t n = 0; n < nodes_.size(); ++n) {
    Node& node = nodes_[n];
    if (node.count == 0) continue;
    if (out > 0) {
      Node& last = nodes_[out - 1];
      if (!ExceedsLimit(fill, last.lp_bytes + node.lp_bytes - kListpackOverhead,
                        last.count + node.count)) {
        last.buf += node.buf;
        last.count += node.count;
        last.lp_bytes += node.lp_bytes - static_cast<uint32_t>(kListpackOverhead);
        continue;
      }
    }
    if (out != n) nodes_[out] = std::move(node);
    ++out;
  }
  nodes_.resize(out);
}

bool Quicklist::Verify() const {
  size_t total = 0;
  for (const Node& node : nodes_) {
    if (node.count == 0) return false;
    size_t pos = 0, count = 0, bytes = kListpackOverhead;
    while (pos < node.buf.size()) {
      std::string_view v;
      pos = DecodeAt(node.buf, pos, &v);
      ++count;
      bytes += ListpackEntryBytes(v);
    }
    if (pos != node.buf.size() || count != node.count || bytes != node.lp_bytes) return false;
    total += count;
  }
  return total == size_;
}

}  // namespace shoal::ds
