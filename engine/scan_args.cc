#include "engine/scan_args.h"

#include <charconv>

#include "engine/args.h"
#include "engine/errors.h"
#include "engine/glob.h"

namespace shoal::engine {

bool ParseScanCursor(std::string_view text, uint64_t* cursor) {
  size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) ++i;
  if (i == text.size()) {
    *cursor = 0;
    return i == 0;
  }
  const char* end = text.data() + text.size();
  uint64_t v;
  auto r = std::from_chars(text.data() + i, end, v);
  if (r.ec != std::errc() || r.ptr != end) return false;
  *cursor = negative ? 0 - v : v;
  return true;
}

bool ScanOptions::Matches(std::string_view item) const {
  return !use_pattern || GlobMatch(pattern, item);
}

std::string_view ParseScanOptions(ArgList args, size_t first, bool allow_type,
                                  ScanOptions* options) {
  for (size_t i = first; i < args.size(); i += 2) {
    std::string_view a = args[i];
    if (i + 1 >= args.size()) return errors::kSyntax;
    if (IsOption(a, "count")) {
      if (!ParseInt64(args[i + 1], &options->count)) return errors::kNotInteger;
      if (options->count < 1) return errors::kSyntax;
    } else if (IsOption(a, "match")) {
      options->pattern = args[i + 1];
      options->use_pattern = options->pattern != "*";
    } else if (allow_type && IsOption(a, "type")) {
      options->by_type = true;
      options->type = args[i + 1];
    } else {
      return errors::kSyntax;
    }
  }
  return {};
}

}  // namespace shoal::engine
