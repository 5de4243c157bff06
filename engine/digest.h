// Content digests for conditional writes: the MD5 that the HTTP front sends as an ETag and
// that SETIFMD5 compares against. OpenSSL computes it; any thread may call these.
#pragma once

#include <string>
#include <string_view>

namespace shoal::engine {

// The MD5 of `data` as 32 lower-case hex digits.
std::string Md5Hex(std::string_view data);
// True when `text` is 32 hex digits (either case): the form an MD5 digest is given in.
bool IsMd5Hex(std::string_view text);

}  // namespace shoal::engine
