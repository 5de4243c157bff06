// KeyTable: a shard's keyspace for one database, built for few bytes per key.
//
// Every key is one KeyNode: a single allocation holding the chain link, the key bytes, the
// value bytes and, only when the key has a TTL, two 64-bit expiry words. The table is an
// array of chain heads (separate chaining, load factor at most 1, doubled when exceeded,
// halved below 1/8, never below 4 buckets once allocated). For a 14-byte key with a
// 16-byte value a node is 48 bytes and the array adds about 8, where a Redis dictEntry +
// robj + two sds strings take about 100.
//
// Node layout (all little-endian, packed; nodes come from plain malloc/free):
//   word 0      : next pointer in the low 48 bits (x86-64 user-space addresses fit; every
//                 allocation is checked), then the top 8 bits of the access clock (bits
//                 48..55), and the top byte is (type << 4 | flags).
//   word 1      : the stamp: the unix ms of the key's last write in the low 48 bits, the
//                 low 16 bits of the access clock above them. The access clock is 24 bits
//                 the owner uses for eviction, as Redis's robj.lru (an LRU clock, or an
//                 LFU time and counter).
//   [16 bytes]  : present only when has_expiry(): expire_at (ms), then an aux word that the
//                 engine uses to track its timing-wheel entry.
//   LEB128 varint key length, LEB128 varint value length, key bytes, value bytes.
//
// The bucket of a key is the top bits of XXH3_64bits(key). The shard of a key is taken
// from the low bits of the same hash (modulo), so the two stay independent. Because
// buckets split in place when the table doubles (bucket i becomes 2i and 2i+1), a scan
// that walks hash prefixes in increasing order returns every key that is present for the
// whole scan at least once, across any number of resizes (a key may come twice when the
// table halves during the scan).
//
// A resize rehashes every node at once (O(size) with one XXH3 per key; about 50 ms for a
// million keys here, a latency spike for that one command). An incremental rehash, as
// Redis does, is left for later; nodes never move during a resize, so KeyNode pointers
// stay valid across Insert/Erase of other keys.
// Only Reset, ResizeValue and SetHasExpiry may move a node (they return the new pointer).
//
// Not thread-safe: a table belongs to one shard thread. The table never looks inside
// values; a value that owns memory (an object pointer) is released by the disposer the
// owner installs, which the table calls before it frees such a node (Erase, Clear, dtor).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "engine/ds/varint.h"

namespace shoal::ds {

namespace key_table_internal {

inline uint64_t LoadWord(const void* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void StoreWord(void* p, uint64_t v) { std::memcpy(p, &v, sizeof v); }

}  // namespace key_table_internal

class KeyNode {
 public:
  KeyNode() = delete;
  std::string_view key() const;
  std::string_view value() const;
  char* mutable_value();               // value().size() writable bytes
  uint8_t type() const;                // 0..15, opaque to the table
  uint8_t flags() const;               // 0..15: bit 0 is has_expiry; bits 1..3 are the owner's
  void set_user_flags(uint8_t bits);   // sets bits 1..3 (bits & 0xE), keeps bit 0
  uint32_t access() const;             // the 24-bit access clock
  void set_access(uint32_t clock);     // keeps the low 24 bits
  int64_t mtime() const;               // unix ms of the last write (set_mtime), 0 before
  void set_mtime(int64_t ms);
  bool has_expiry() const { return flags() & 1; }
  int64_t expire_at() const;           // only when has_expiry()
  void set_expire_at(int64_t ms);      // only when has_expiry()
  int64_t aux() const;                 // only when has_expiry()
  void set_aux(int64_t v);             // only when has_expiry()
  size_t AllocatedSize() const;        // bytes of this node's allocation

 private:
  friend class KeyTable;
  // Node memory is raw; see the layout above. Only KeyTable creates and frees nodes.
  static constexpr int kPointerBits = 48;
  static constexpr uint64_t kPointerMask = (uint64_t{1} << kPointerBits) - 1;
  static constexpr int kUserShift = 48;
  static constexpr int kTagShift = 56;  // type << 4 | flags
  static constexpr uint8_t kExpiryFlag = 1;
  static constexpr int kStampAccessShift = 48;  // in word 1
  static constexpr size_t kLinkSize = 8;
  static constexpr size_t kHeadSize = 16;  // the link word and the stamp word
  static constexpr size_t kExpirySize = 16;

  const char* base() const { return reinterpret_cast<const char*>(this); }
  char* base() { return reinterpret_cast<char*>(this); }
  uint64_t word() const { return key_table_internal::LoadWord(base()); }
  void set_word(uint64_t w) { key_table_internal::StoreWord(base(), w); }
  uint64_t stamp() const { return key_table_internal::LoadWord(base() + kLinkSize); }
  void set_stamp(uint64_t w) { key_table_internal::StoreWord(base() + kLinkSize, w); }
  uint8_t user_byte() const { return static_cast<uint8_t>(word() >> kUserShift); }
  void set_user_byte(uint8_t b) {
    set_word((word() & ~(uint64_t{0xff} << kUserShift)) | (uint64_t{b} << kUserShift));
  }
  KeyNode* next() const { return reinterpret_cast<KeyNode*>(word() & kPointerMask); }
  void set_next(KeyNode* n) {
    set_word((word() & ~kPointerMask) | reinterpret_cast<uintptr_t>(n));
  }
  uint8_t tag() const { return static_cast<uint8_t>(word() >> kTagShift); }
  void set_tag(uint8_t t) {
    set_word((word() & ~(uint64_t{0xff} << kTagShift)) | (uint64_t{t} << kTagShift));
  }
  size_t lengths_offset() const { return has_expiry() ? kHeadSize + kExpirySize : kHeadSize; }
  // Decodes both lengths; returns a pointer to the key bytes (the value follows them).
  const char* DecodeLengths(size_t* key_len, size_t* value_len) const {
    uint64_t k, v;
    const char* p = DecodeVarint(base() + lengths_offset(), &k);
    p = DecodeVarint(p, &v);
    *key_len = k;
    *value_len = v;
    return p;
  }
};

inline std::string_view KeyNode::key() const {
  size_t klen, vlen;
  const char* p = DecodeLengths(&klen, &vlen);
  return {p, klen};
}
inline std::string_view KeyNode::value() const {
  size_t klen, vlen;
  const char* p = DecodeLengths(&klen, &vlen);
  return {p + klen, vlen};
}
inline char* KeyNode::mutable_value() { return const_cast<char*>(value().data()); }
inline uint8_t KeyNode::type() const { return tag() >> 4; }
inline uint8_t KeyNode::flags() const { return tag() & 0xf; }
inline void KeyNode::set_user_flags(uint8_t bits) {
  set_tag(static_cast<uint8_t>((tag() & 0xf1) | (bits & 0xe)));
}
inline uint32_t KeyNode::access() const {
  return (uint32_t{user_byte()} << 16) | static_cast<uint32_t>(stamp() >> kStampAccessShift);
}
inline void KeyNode::set_access(uint32_t clock) {
  set_user_byte(static_cast<uint8_t>(clock >> 16));
  set_stamp((stamp() & kPointerMask) | (uint64_t{clock & 0xffff} << kStampAccessShift));
}
inline int64_t KeyNode::mtime() const { return static_cast<int64_t>(stamp() & kPointerMask); }
inline void KeyNode::set_mtime(int64_t ms) {
  set_stamp((stamp() & ~kPointerMask) | (static_cast<uint64_t>(ms) & kPointerMask));
}
inline int64_t KeyNode::expire_at() const {
  return static_cast<int64_t>(key_table_internal::LoadWord(base() + kHeadSize));
}
inline void KeyNode::set_expire_at(int64_t ms) {
  key_table_internal::StoreWord(base() + kHeadSize, static_cast<uint64_t>(ms));
}
inline int64_t KeyNode::aux() const {
  return static_cast<int64_t>(key_table_internal::LoadWord(base() + kHeadSize + 8));
}
inline void KeyNode::set_aux(int64_t v) {
  key_table_internal::StoreWord(base() + kHeadSize + 8, static_cast<uint64_t>(v));
}
inline size_t KeyNode::AllocatedSize() const {
  size_t klen, vlen;
  const char* p = DecodeLengths(&klen, &vlen);
  return static_cast<size_t>(p - base()) + klen + vlen;
}

class KeyTable {
 public:
  using Disposer = void (*)(KeyNode* node);

  KeyTable();
  ~KeyTable();
  KeyTable(const KeyTable&) = delete;
  KeyTable& operator=(const KeyTable&) = delete;
  KeyTable(KeyTable&& other) noexcept;
  KeyTable& operator=(KeyTable&& other) noexcept;

  void set_disposer(Disposer d) { disposer_ = d; }

  static uint64_t Hash(std::string_view key);  // XXH3_64bits
  // The cursor position of `key` in Scan's hash-prefix space: once a scan's cursor is
  // past it (ScanPosition(key) < cursor), the scan has visited the bucket holding the key,
  // whatever resizes happened meanwhile.
  static uint64_t ScanPosition(std::string_view key) { return Hash(key) >> (64 - kCursorBits); }
  static constexpr uint64_t kScanEnd = uint64_t{1} << 40;  // past every position

  size_t size() const { return size_; }
  size_t bucket_count() const;  // 0 until the first insert and after Clear
  // Bytes held by the table itself (bucket array) plus every node's allocation (the sizes
  // requested from malloc, without the allocator's rounding).
  size_t MemoryUsage() const;

  // Methods that take a KeyNode* (Reset ... Detach) require a node linked in this table.
  KeyNode* Find(std::string_view key) const;
  // Inserts a node for a key that must not be present. Value bytes are copied; a null
  // value.data() with a size leaves the bytes uninitialised for the caller to fill.
  // Expiry words start at 0; user flags, access clock and mtime start at 0. Never moves other nodes.
  KeyNode* Insert(std::string_view key, uint8_t type, std::string_view value, bool with_expiry);
  // Replaces the node's type and value (and whether it has the expiry words; a node that
  // keeps them keeps their values). May move the node: use the returned pointer. The old
  // value is NOT passed to the disposer: the caller has already dealt with it. The user
  // flags (bits 1..3), the access clock and the mtime are kept. `value` may point into the node itself.
  // A null value.data() with a size leaves the value bytes unspecified.
  KeyNode* Reset(KeyNode* node, uint8_t type, std::string_view value, bool with_expiry);
  // Changes the value length, keeping min(old, new) leading bytes; may move the node.
  // Type, flags, access clock, mtime and expiry words are kept.
  KeyNode* ResizeValue(KeyNode* node, size_t new_len);
  // Adds or removes the expiry words; may move the node. Added words start at 0.
  // Type, user flags, access clock, mtime and value are kept.
  KeyNode* SetHasExpiry(KeyNode* node, bool with_expiry);
  // Unlinks and frees the node, calling the disposer first.
  void Erase(KeyNode* node);
  // Unlinks the node without freeing it, so that another table can Attach it.
  void Detach(KeyNode* node);
  // Links a detached node (its key must not be present in this table).
  void Attach(KeyNode* node);
  // Frees a detached node (disposer first).
  void FreeDetached(KeyNode* node);
  // Removes everything (disposer for each node) and frees the bucket array.
  void Clear();

  // Visits the bucket(s) at `cursor` and returns the next cursor; 0 means the scan is
  // complete. Cursors are positions in a 40-bit hash-prefix space, so they stay
  // meaningful when the table resizes between calls. Visits at least `min_visits` nodes
  // unless the scan ends first (always at least one bucket). visit(KeyNode*) must not
  // modify the table (no Insert/Erase/Reset...): collect what to change and do it after.
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, size_t min_visits, Fn&& visit);

  // A uniformly chosen bucket's random node; nullptr when empty. `rnd` is any 64-bit
  // random number source value; call with fresh randomness each time.
  KeyNode* RandomNode(uint64_t rnd) const;

  // Up to `count` nodes from consecutive buckets, starting at a random one (Redis's
  // dictGetSomeKeys): the bucket array is read in order, so this costs far fewer cache
  // misses than `count` RandomNode calls, at the price of samples that are not independent
  // (what eviction's sampling can live with). Looks at most 16 * count buckets. Returns
  // how many nodes it put in `out`.
  size_t Sample(uint64_t rnd, size_t count, KeyNode** out) const;

  template <typename Fn>
  void ForEach(Fn&& fn) const;  // fn(KeyNode*) for every node; fn must not modify the table

 private:
  static constexpr int kCursorBits = 40;
  static constexpr uint64_t kCursorMask = (uint64_t{1} << kCursorBits) - 1;

  // Where a node is linked from: a bucket slot, or the previous node of its chain.
  struct Link {
    KeyNode** bucket;
    KeyNode* prev;
  };

  size_t BucketOf(uint64_t hash) const { return static_cast<size_t>(hash >> (64 - bits_)); }
  // Links a node that is in no table and counts it; may grow the table.
  void LinkNew(KeyNode* node, uint64_t hash);
  Link FindLink(const KeyNode* node) const;
  static void SetLink(Link link, KeyNode* target);
  // Unlinks a node and uncounts it; does not resize.
  void Unlink(KeyNode* node);
  void MaybeShrink();
  // Moves every node into a new array of 1 << new_bits buckets; false (and no change)
  // when the array cannot be allocated.
  bool Rehash(uint32_t new_bits);
  // Grows or shrinks a linked node's value in place or with realloc; the varint of the
  // value length must keep its size.
  KeyNode* ReallocValue(KeyNode* node, size_t new_len);
  // Builds a new node with old's key, link word and user bits, the given type and expiry
  // presence, and a value of new_len bytes whose first copy_len come from src (which may
  // point into old); links it in old's place and frees old.
  KeyNode* Rebuild(KeyNode* old, uint8_t type, bool with_expiry, size_t new_len,
                   const char* src, size_t copy_len);

  KeyNode** buckets_ = nullptr;
  uint32_t bits_ = 0;    // bucket count is 1 << bits_ when buckets_ is set
  size_t size_ = 0;
  size_t node_bytes_ = 0;
  Disposer disposer_ = nullptr;
};

template <typename Fn>
uint64_t KeyTable::Scan(uint64_t cursor, size_t min_visits, Fn&& visit) {
  if (buckets_ == nullptr) return 0;
  const int shift = kCursorBits - static_cast<int>(bits_);
  const size_t count = size_t{1} << bits_;
  size_t b = static_cast<size_t>((cursor & kCursorMask) >> shift);
  size_t visited = 0;
  do {
    for (KeyNode* node = buckets_[b]; node != nullptr;) {
      KeyNode* next = node->next();
      visit(node);
      ++visited;
      node = next;
    }
    ++b;
  } while (visited < min_visits && b < count);
  return b < count ? static_cast<uint64_t>(b) << shift : 0;
}

template <typename Fn>
void KeyTable::ForEach(Fn&& fn) const {
  if (buckets_ == nullptr) return;
  const size_t count = size_t{1} << bits_;
  for (size_t b = 0; b < count; ++b) {
    for (KeyNode* node = buckets_[b]; node != nullptr;) {
      KeyNode* next = node->next();
      fn(node);
      node = next;
    }
  }
}

}  // namespace shoal::ds
