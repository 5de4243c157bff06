// Redis's glob matching (stringmatchlen): * ? [abc] [^a] [a-z] and \ escapes. Used by
// KEYS, SCAN MATCH, CONFIG GET and, later, PSUBSCRIBE.
#pragma once

#include <string_view>

namespace shoal::engine {

bool GlobMatch(std::string_view pattern, std::string_view text, bool nocase = false);

}  // namespace shoal::engine
