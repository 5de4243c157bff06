// LZF decompression, for the compressed strings of an RDB file (Redis's lzf_d.c format:
// a literal run is a control byte < 32 giving length - 1, followed by the bytes; a back
// reference is a control byte whose top 3 bits give length - 2 (7 means a further length
// byte follows) and whose low 5 bits with the next byte give the offset - 1).
// Shoal writes its RDB files uncompressed (Redis loads both), so there is no compressor.
#pragma once

#include <string>
#include <string_view>

namespace shoal::persistence {

// Decompresses `in` into exactly `out_len` bytes; false when the input is malformed or does
// not produce exactly out_len bytes. Never reads or writes out of bounds.
bool LzfDecompress(std::string_view in, size_t out_len, std::string* out);

}  // namespace shoal::persistence
