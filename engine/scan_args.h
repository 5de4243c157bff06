// The arguments the SCAN family shares (SCAN, HSCAN, and later SSCAN and ZSCAN): Redis's
// parseScanCursorOrReply and the MATCH / COUNT options of its scanGenericCommand. SCAN's
// own TYPE option is accepted only when the caller asks for it.
#pragma once

#include <cstdint>
#include <string_view>

#include "engine/command_table.h"

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

}  // namespace shoal::engine
