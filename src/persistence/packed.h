// The packed blobs Redis stores inside an RDB file as one string: listpack (listpack.c),
// ziplist (ziplist.c, RDB files of Redis < 7) and intset (intset.c). Decoders turn a blob
// into its elements as strings (integers as their decimal text) and check every length
// against the blob, so a corrupt file gives an error, never a read out of bounds. The
// listpack encoder writes what Redis's lpAppend writes (integers in their compact forms),
// for the list and stream encodings Shoal saves.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::persistence {

// Appends every element of the listpack `blob` to *out; false when malformed.
bool DecodeListpack(std::string_view blob, std::vector<std::string>* out);
// Appends every element of the ziplist `blob` to *out; false when malformed.
bool DecodeZiplist(std::string_view blob, std::vector<std::string>* out);
// Appends every integer of the intset `blob`, as decimal text, to *out; false when
// malformed.
bool DecodeIntset(std::string_view blob, std::vector<std::string>* out);

// Builds a listpack one element at a time.
class ListpackBuilder {
 public:
  ListpackBuilder();
  // Adds a string; one that is a canonical integer (Redis's lpStringToInt64) is stored as
  // an integer, as lpAppend does.
  void Add(std::string_view value);
  void AddInt(int64_t value);
  size_t count() const { return count_; }
  size_t bytes() const { return buf_.size() + 1; }
  // The finished listpack (header filled, terminator added). The builder is spent.
  std::string Finish();

 private:
  void AddString(std::string_view value);
  void AddBacklen(size_t entry_len);

  std::string buf_;
  size_t count_ = 0;
};

// Redis's string2ll: true when `s` is a canonical integer ("12", "-3"; not "012", "+1").
bool ParseCanonicalInt(std::string_view s, int64_t* value);

}  // namespace shoal::persistence
