// What the SCAN family shares (SCAN, HSCAN, ZSCAN, SSCAN): Redis's
// parseScanCursorOrReply, the MATCH / COUNT options of its scanGenericCommand (SCAN's own
// TYPE option only when the caller asks for it), and the paging of a table encoding.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/command_table.h"
#include "xxhash.h"

namespace shoal::engine {

// Redis 7.0's parseScanCursorOrReply, which is strtoul over the whole text: an optional
// sign and decimal digits, "-n" wrapping around as in C, the empty text reading as 0;
// leading spaces and values beyond 64 bits refused (the caller replies "invalid cursor").
bool ParseScanCursor(std::string_view text, uint64_t* cursor);

struct ScanOptions {
  int64_t count = 10;        // how many items to look at, before MATCH (and TYPE) filter
  std::string_view pattern;  // MATCH; empty or "*" matches everything
  bool use_pattern = false;  // false for "*", so the common case skips the glob
  bool by_type = false;      // TYPE given (SCAN only)
  std::string_view type;     // TYPE's argument, as given

  // True when `item` passes MATCH.
  bool Matches(std::string_view item) const;
};

// Parses [MATCH pattern] [COUNT count] (and [TYPE type] when allow_type) from args[first]
// on, as pairs. Returns the error to reply ("" on success): a dangling or unknown option
// is a syntax error, a COUNT that is no integer kNotInteger, a COUNT below 1 a syntax
// error, as in Redis.
std::string_view ParseScanOptions(ArgList args, size_t first, bool allow_type,
                                  ScanOptions* options);

// Pages through an unordered map (HSCAN, ZSCAN, SSCAN on their table encodings) in the order of
// XXH3 of its keys: the cursor is the smallest key hash not yet returned, and keys that
// share a hash never split across pages, so every key present for the whole scan comes
// back exactly once whatever the map does between calls (grow, shrink, rehash).
// O(m log m) over the m keys not yet returned, where Redis pays O(COUNT). `make(key,
// value)` builds an element of `out`. Returns the next cursor, 0 when done.
template <typename Map, typename Out, typename Make>
uint64_t ScanByKeyHash(const Map& map, uint64_t cursor, size_t count, std::vector<Out>* out,
                       Make make) {
  struct Hashed {
    uint64_t hash;
    Out entry;
  };
  std::vector<Hashed> rest;
  for (const auto& [key, value] : map) {
    uint64_t h = XXH3_64bits(key.data(), key.size());
    if (h >= cursor) rest.push_back({h, make(key, value)});
  }
  std::sort(rest.begin(), rest.end(),
            [](const Hashed& a, const Hashed& b) { return a.hash < b.hash; });
  size_t n = std::min(std::max<size_t>(count, 1), rest.size());
  while (n > 0 && n < rest.size() && rest[n].hash == rest[n - 1].hash) ++n;
  for (size_t i = 0; i < n; ++i) out->push_back(std::move(rest[i].entry));
  // rest[n].hash > rest[n - 1].hash >= 0 (count >= 1), so a next cursor is never 0.
  return n < rest.size() ? rest[n].hash : 0;
}

}  // namespace shoal::engine
