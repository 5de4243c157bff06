// Crc64: the CRC Redis puts at the end of an RDB file (crc64.c: the "Jones" polynomial
// 0xad93d23594c935a9, reflected, initial value 0, no final xor; check value
// crc64("123456789") = 0xe9c6d914c4b8d9ca). Table driven, one byte at a time.
#pragma once

#include <cstdint>
#include <string_view>

namespace shoal::persistence {

// Continues `crc` over `data` (start with 0).
uint64_t Crc64(uint64_t crc, std::string_view data);

}  // namespace shoal::persistence
