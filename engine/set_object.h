// SetObject: the value of a set key, in one of Redis 7.2's three encodings.
//
// - "intset": a ds::IntSet (sorted int64 array, 16/32/64-bit wide) while every member is
//   an integer in Redis's canonical form (string2ll: "12", "-3"; not "012", "+1", " 1")
//   and there are at most set-max-intset-entries members (default 512, capped at 2^30 as
//   Redis caps it). Members come back as their decimal text, in increasing order.
// - "listpack": a flat vector of member strings in insertion order, searched linearly,
//   while there are at most set-max-listpack-entries members (default 128) and none is
//   longer than set-max-listpack-value bytes (default 64).
// - "hashtable": the members in a dense vector (any order) plus an absl::flat_hash_set of
//   their positions, hashed and compared through the vector (a transparent hash, so a
//   lookup by member text needs no copy). A removal moves the last member into the hole.
//   So a uniformly random member is O(1), as Redis's dictGetFairRandomKey, for SPOP and
//   SRANDMEMBER; and a member costs its string plus a 4-byte slot, not a 32-byte one.
//   The vector holds ds::InlineString, so a member of up to 23 bytes needs no allocation
//   of its own and a lookup compares it without another cache miss.
//
// Conversions follow t_set.c (setTypeCreate, setTypeMaybeConvert, setTypeAddAux): a new
// set starts as an intset when its first member is an integer and the command adds at
// most max_intset_entries members, else as a listpack when it adds at most
// max_listpack_entries, else as a hashtable. Adding a non-integer to an intset moves it
// to a listpack when the result fits the listpack limits (the intset's widest integer
// included), else to a hashtable. A listpack that would pass a limit becomes a
// hashtable. A set never converts back down as it shrinks, with the one exception of
// RebuildHashtableAsListpack (SPOP with a count, as Redis rebuilds the set there).
//
// The limits are read by the caller (they live in the config) and passed with each
// write, so the object needs no engine state. An empty set is never stored: the family
// deletes the key when its last member goes.
//
// Thread: owned by one key node, used only on its shard's thread (engine/object.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "engine/ds/inline_string.h"
#include "engine/ds/intset.h"
#include "engine/object.h"

namespace shoal::engine {

class SetObject final : public Object {
 public:
  using Limits = SetLimits;
  enum class Encoding : uint8_t { kIntSet, kListpack, kHashtable };

  // An empty intset (what Redis's *STORE commands start from).
  SetObject() = default;
  // The index's hash functors point at this object's vector: copy through Clone only.
  SetObject(const SetObject&) = delete;
  SetObject& operator=(const SetObject&) = delete;
  // Redis's setTypeCreate: an empty set in the encoding for a new key whose first member
  // is `first`, about to receive `size_hint` members (duplicates counted).
  static std::unique_ptr<SetObject> Create(std::string_view first, size_t size_hint,
                                           const Limits& limits);
  // Redis's createSetListpackObject: an empty listpack (it converts on its first Add when
  // set-max-listpack-entries is 0).
  static std::unique_ptr<SetObject> EmptyListpack();

  ObjType type() const override { return ObjType::kSet; }
  std::string_view encoding() const override;
  // Bytes on the heap: this object, the array / vector / table slots, and string bytes
  // that do not fit in std::string's inline buffer.
  size_t MemoryUsage() const override;
  std::unique_ptr<Object> Clone() const override;

  Encoding enc() const { return enc_; }
  size_t size() const;

  bool Contains(std::string_view member) const;
  // Redis's setTypeMaybeConvert, before adding up to `size_hint` members: an intset or
  // listpack that could not hold that many becomes a hashtable at once.
  void PrepareFor(size_t size_hint, const Limits& limits);
  // Adds `member`; false when present. Converts as the header says.
  bool Add(std::string_view member, const Limits& limits);
  // Removes `member`; false when absent. A listpack keeps the order of the others.
  bool Remove(std::string_view member);
  // Redis's maybeConvertToIntset (for SINTERSTORE's result): a listpack or hashtable whose
  // members are all integers, at most max_intset_entries of them, becomes an intset.
  void MaybeConvertToIntSet(const Limits& limits);
  // The ending of Redis's SPOP with a count that leaves few members (its "case 3"): a
  // hashtable is rebuilt from an empty listpack with the members left, so it comes back
  // to a listpack when they fit. The one way a set converts down.
  void RebuildHashtableAsListpack(const Limits& limits);

  // The member at position i < size(), in O(1). Positions are the iteration order of
  // ForEach.
  std::string MemberAt(size_t i) const;
  // Views of every member, in ForEach's order, valid until the set changes; an intset's
  // integers are formatted into *storage, which must outlive the views.
  std::vector<std::string_view> Views(std::vector<std::string>* storage) const;

  // SSCAN's walk: appends a page of members to *out and returns the next cursor, 0 when
  // the walk is done. An intset or listpack returns every member at once, whatever the
  // cursor, as Redis does; a hashtable pages in the order of XXH3 of the members
  // (engine/scan_args.h ScanByKeyHash), so a member present for the whole scan comes
  // back exactly once.
  uint64_t Scan(uint64_t cursor, size_t count, std::vector<std::string>* out) const;

  // Calls fn(std::string_view member) for every member: increasing for an intset,
  // insertion order for a listpack, no useful order for a hashtable. The view lives
  // for the call only. fn must not change the set.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    switch (enc_) {
      case Encoding::kIntSet:
        for (size_t i = 0; i < ints_.size(); ++i) {
          char buf[24];
          fn(FormatInt(ints_.At(i), buf));
        }
        break;
      case Encoding::kListpack:
        for (const std::string& m : list_) fn(std::string_view(m));
        break;
      case Encoding::kHashtable:
        for (const ds::InlineString& m : members_) fn(m.view());
        break;
    }
  }

 private:
  // Writes the decimal text of v into buf (24 bytes) and returns a view of it.
  static std::string_view FormatInt(int64_t v, char* buf);
  void IntSetToListpack();
  void ConvertToTable();
  // Hashtable: adds a member known to be absent.
  void TableInsert(std::string_view member);

  // The hashtable's index holds positions in members_ and hashes / compares the members
  // there; a member text (std::string_view) can be looked up directly.
  struct MemberHash {
    using is_transparent = void;
    const std::vector<ds::InlineString>* members;
    size_t operator()(std::string_view m) const;
    size_t operator()(uint32_t i) const { return (*this)((*members)[i].view()); }
  };
  struct MemberEq {
    using is_transparent = void;
    const std::vector<ds::InlineString>* members;
    bool operator()(uint32_t a, uint32_t b) const { return a == b; }
    bool operator()(uint32_t a, std::string_view b) const { return (*members)[a].view() == b; }
    bool operator()(std::string_view a, uint32_t b) const { return (*members)[b].view() == a; }
  };

  Encoding enc_ = Encoding::kIntSet;
  ds::IntSet ints_;                  // intset
  std::vector<std::string> list_;    // listpack
  std::vector<ds::InlineString> members_;  // hashtable: the members, densely (inline <= 23 B)
  absl::flat_hash_set<uint32_t, MemberHash, MemberEq> index_{0, MemberHash{&members_},
                                                             MemberEq{&members_}};
};

}  // namespace shoal::engine
