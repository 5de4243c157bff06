// Quicklist: the value of a list, as Redis's quicklist (quicklist.c): a sequence of small
// nodes, each a packed run of entries, so that pushes and pops at both ends cost about O(1)
// (a node's bytes move by at most one node's size, as in a Redis listpack; at the head,
// once per node's worth of entries, the node table moves too, 40 bytes a node) and index
// access is O(nodes) plus a scan of one node.
//
// Node layout: `buf` holds the node's entries back to back, each as
//   [length, varint, 7 bits a byte, low bits first][bytes][length again, read backwards]
// so a node is walked from either end without an offset table. `count` is the number of
// entries; `lp_bytes` is the size the same entries would take in a Redis listpack (header
// and terminator included, integers in their compact forms), which is what Redis compares
// with list-max-listpack-size; it is tracked only to follow Redis's node limits and its
// encoding decisions, never used to address the buffer.
//
// Node limits (`fill`, Redis's list-max-listpack-size): a negative fill -1..-5 caps a node
// at 4, 8, 16, 32 or 64 KB of listpack bytes; a positive fill caps its entry count (and its
// bytes at 8 KB, Redis's safety limit); fill 0 means one entry per node. A node always takes
// at least one entry, however big. Writes take the fill in force; nodes made under an older
// fill keep their size until they are written again, as in Redis.
//
// Invariants: no node is empty; size() is the sum of the nodes' counts. Erasing entries may
// leave neighbouring nodes small; Erase merges the nodes beside its cut, and RemoveIf all
// neighbours, when both fit in one node.
//
// Ownership: a string_view returned by At or passed to a callback points into a node and
// lives until the next write. Not thread-safe: a list belongs to one shard's thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shoal::ds {

class Quicklist {
 public:
  // Redis's quicklistNodeLimit: a byte limit (SIZE_MAX when the fill counts entries) and a
  // count limit (UINT32_MAX when the fill counts bytes).
  struct Limit {
    size_t bytes;
    size_t count;
  };
  static Limit NodeLimit(int fill);
  // Redis's quicklistNodeExceedsLimit: would a node of `bytes` listpack bytes and `count`
  // entries be too large under `fill`?
  static bool ExceedsLimit(int fill, size_t bytes, size_t count);
  // The bytes `value` takes as a listpack entry (encoding, data, back-length).
  static size_t ListpackEntryBytes(std::string_view value);
  static constexpr size_t kListpackOverhead = 7;  // header (6) and terminator (1)

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t node_count() const { return nodes_.size(); }
  // Listpack bytes of the first node (kListpackOverhead when empty).
  size_t front_node_bytes() const {
    return nodes_.empty() ? kListpackOverhead : nodes_.front().lp_bytes;
  }
  // Listpack bytes of all the entries as one listpack. O(nodes).
  size_t listpack_bytes() const {
    size_t bytes = kListpackOverhead;
    for (const Node& node : nodes_) bytes += node.lp_bytes - kListpackOverhead;
    return bytes;
  }
  // Heap bytes held by the nodes.
  size_t MemoryUsage() const;

  void PushFront(std::string_view value, int fill);
  void PushBack(std::string_view value, int fill);
  // Remove and return the first / last entry. The list must not be empty.
  std::string PopFront();
  std::string PopBack();

  // The entry at `index` (0-based, < size()). O(nodes) to find the node, then a scan of it.
  std::string_view At(size_t index) const;
  // Replaces the entry at `index` (< size()).
  void Set(size_t index, std::string_view value, int fill);
  // Inserts `value` before the entry at `index` (index == size() appends).
  void Insert(size_t index, std::string_view value, int fill);
  // Removes `n` entries from `index` on (clamped to the end).
  void Erase(size_t index, size_t n, int fill);

  // Calls fn(index, value) for the entries from `from` (< size()) towards the tail, or
  // towards the head when `reverse`, until fn returns false or the end is reached.
  template <typename Fn>
  void Walk(size_t from, bool reverse, Fn&& fn) const;

  // Removes the entries for which pred(value) is true, at most `limit` of them (0: all),
  // scanning from the head, or from the tail when `from_tail`. Returns how many went.
  template <typename Pred>
  size_t RemoveIf(Pred&& pred, size_t limit, bool from_tail, int fill);

  // Checks the invariants (for tests): counts, byte totals, no empty node.
  bool Verify() const;

 private:
  struct Node {
    std::string buf;
    uint32_t count = 0;
    uint32_t lp_bytes = kListpackOverhead;
  };

  // Encoding of one entry.
  static size_t EncodedSize(size_t len);
  static void Encode(std::string_view value, std::string* out);  // appends
  static void EncodeTo(std::string_view value, char* out);  // EncodedSize bytes
  // Reads the entry at byte `pos`; returns the offset past it.
  static size_t DecodeAt(const std::string& buf, size_t pos, std::string_view* value);
  // Reads the entry that ends at byte `end`; returns its start offset.
  static size_t DecodeBefore(const std::string& buf, size_t end, std::string_view* value);
  // Byte offset of entry `i` in the node (i <= count; count gives buf.size()).
  static size_t OffsetOf(const Node& node, size_t i);

  bool Fits(const Node& node, size_t add_bytes, size_t add_count, int fill) const;
  // The node holding entry `index` and the entry's index inside it.
  size_t Locate(size_t index, size_t* in_node) const;
  // Splits node `n` so that its entries from `at` on form a new node after it.
  void Split(size_t n, size_t at);
  // Merges node `n` into node `n - 1` when both fit in one node.
  void TryMerge(size_t n, int fill);
  void EraseInNode(size_t n, size_t at, size_t count);
  // One pass over the nodes: drops the empty ones and merges each into its predecessor
  // when both fit in one node. O(nodes + bytes moved).
  void Compact(int fill);

  // A vector, not a deque: a small list then costs one 40-byte node (and its bytes, inline
  // up to 15), where a deque allocates a 512-byte block; a new head node moves the others
  // (40 bytes each), once per node's worth of pushes.
  std::vector<Node> nodes_;
  size_t size_ = 0;
};

template <typename Fn>
void Quicklist::Walk(size_t from, bool reverse, Fn&& fn) const {
  if (from >= size_) return;
  size_t in_node;
  size_t n = Locate(from, &in_node);
  size_t index = from;
  if (!reverse) {
    size_t pos = OffsetOf(nodes_[n], in_node);
    for (;;) {
      const Node& node = nodes_[n];
      while (pos < node.buf.size()) {
        std::string_view v;
        pos = DecodeAt(node.buf, pos, &v);
        if (!fn(index++, v)) return;
      }
      if (++n == nodes_.size()) return;
      pos = 0;
    }
  }
  size_t end = OffsetOf(nodes_[n], in_node + 1);
  for (;;) {
    const Node& node = nodes_[n];
    while (end > 0) {
      std::string_view v;
      end = DecodeBefore(node.buf, end, &v);
      if (!fn(index--, v)) return;
    }
    if (n-- == 0) return;
    end = nodes_[n].buf.size();
  }
}

template <typename Pred>
size_t Quicklist::RemoveIf(Pred&& pred, size_t limit, bool from_tail, int fill) {
  size_t removed = 0;
  const size_t count = nodes_.size();
  for (size_t k = 0; k < count && (limit == 0 || removed < limit); ++k) {
    Node& node = nodes_[from_tail ? count - 1 - k : k];
    // Decide per entry, in scan order, then rebuild the node without the removed ones.
    std::string kept;
    uint32_t kept_count = 0, kept_bytes = kListpackOverhead;
    bool changed = false;
    if (!from_tail) {
      size_t pos = 0;
      while (pos < node.buf.size()) {
        std::string_view v;
        size_t next = DecodeAt(node.buf, pos, &v);
        if ((limit == 0 || removed < limit) && pred(v)) {
          ++removed;
          changed = true;
        } else {
          kept.append(node.buf, pos, next - pos);
          ++kept_count;
          kept_bytes += static_cast<uint32_t>(ListpackEntryBytes(v));
        }
        pos = next;
      }
    } else {
      // From the tail: collect kept pieces backwards, then reverse their order.
      std::vector<std::pair<size_t, size_t>> pieces;  // kept entries, last first
      size_t end = node.buf.size();
      while (end > 0) {
        std::string_view v;
        size_t start = DecodeBefore(node.buf, end, &v);
        if ((limit == 0 || removed < limit) && pred(v)) {
          ++removed;
          changed = true;
        } else {
          pieces.emplace_back(start, end - start);
          ++kept_count;
          kept_bytes += static_cast<uint32_t>(ListpackEntryBytes(v));
        }
        end = start;
      }
      for (auto it = pieces.rbegin(); it != pieces.rend(); ++it) {
        kept.append(node.buf, it->first, it->second);
      }
    }
    if (!changed) continue;
    size_ -= node.count - kept_count;
    node.buf = std::move(kept);
    node.count = kept_count;
    node.lp_bytes = kept_bytes;
  }
  if (removed > 0) Compact(fill);
  return removed;
}

}  // namespace shoal::ds
