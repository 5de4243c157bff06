// Constants of Redis's RDB format (rdb.h) as Redis 7.0 (RDB version 10) writes it, plus
// the Redis 7.2 types (RDB 11) that the reader also accepts.
//
// A file is "REDIS" and a four-digit version, then opcodes and key-value pairs, then
// kOpEof and the CRC64 (little-endian) of everything before it. Lengths use Redis's
// length encoding (the top two bits of the first byte: 6-bit, 14-bit, then 32/64-bit
// big-endian; 0b11 marks an encoded string: an int8/16/32 or an LZF blob).
#pragma once

#include <cstdint>

namespace shoal::persistence::rdb {

inline constexpr int kVersion = 10;         // what Shoal writes (Redis 7.0)
inline constexpr int kMaxReadVersion = 11;  // what Shoal reads (Redis 7.2)

// Value types.
inline constexpr uint8_t kTypeString = 0;
inline constexpr uint8_t kTypeList = 1;
inline constexpr uint8_t kTypeSet = 2;
inline constexpr uint8_t kTypeZSet = 3;
inline constexpr uint8_t kTypeHash = 4;
inline constexpr uint8_t kTypeZSet2 = 5;
inline constexpr uint8_t kTypeModule = 6;
inline constexpr uint8_t kTypeModule2 = 7;
inline constexpr uint8_t kTypeHashZipmap = 9;
inline constexpr uint8_t kTypeListZiplist = 10;
inline constexpr uint8_t kTypeSetIntset = 11;
inline constexpr uint8_t kTypeZSetZiplist = 12;
inline constexpr uint8_t kTypeHashZiplist = 13;
inline constexpr uint8_t kTypeListQuicklist = 14;
inline constexpr uint8_t kTypeStreamListpacks = 15;
inline constexpr uint8_t kTypeHashListpack = 16;
inline constexpr uint8_t kTypeZSetListpack = 17;
inline constexpr uint8_t kTypeListQuicklist2 = 18;
inline constexpr uint8_t kTypeStreamListpacks2 = 19;
inline constexpr uint8_t kTypeSetListpack = 20;
inline constexpr uint8_t kTypeStreamListpacks3 = 21;

// Opcodes.
inline constexpr uint8_t kOpFunction2 = 245;
inline constexpr uint8_t kOpFunction = 246;
inline constexpr uint8_t kOpModuleAux = 247;
inline constexpr uint8_t kOpIdle = 248;
inline constexpr uint8_t kOpFreq = 249;
inline constexpr uint8_t kOpAux = 250;
inline constexpr uint8_t kOpResizeDb = 251;
inline constexpr uint8_t kOpExpireTimeMs = 252;
inline constexpr uint8_t kOpExpireTime = 253;
inline constexpr uint8_t kOpSelectDb = 254;
inline constexpr uint8_t kOpEof = 255;

// Length encoding.
inline constexpr uint8_t kLen6Bit = 0;
inline constexpr uint8_t kLen14Bit = 1;
inline constexpr uint8_t kLen32Bit = 0x80;
inline constexpr uint8_t kLen64Bit = 0x81;
inline constexpr uint8_t kEncVal = 3;
inline constexpr uint8_t kEncInt8 = 0;
inline constexpr uint8_t kEncInt16 = 1;
inline constexpr uint8_t kEncInt32 = 2;
inline constexpr uint8_t kEncLzf = 3;

// Module values (RDB_TYPE_MODULE_2, RDB_OPCODE_MODULE_AUX): typed fields, then EOF.
inline constexpr uint64_t kModuleOpEof = 0;
inline constexpr uint64_t kModuleOpSint = 1;
inline constexpr uint64_t kModuleOpUint = 2;
inline constexpr uint64_t kModuleOpString = 5;
inline constexpr uint64_t kModuleAuxAfterRdb = 2;  // REDISMODULE_AUX_AFTER_RDB

// Quicklist 2 node containers.
inline constexpr uint64_t kContainerPlain = 1;
inline constexpr uint64_t kContainerPacked = 2;

// Stream listpack entry flags (t_stream.c).
inline constexpr int64_t kStreamItemDeleted = 1;
inline constexpr int64_t kStreamItemSameFields = 2;

}  // namespace shoal::persistence::rdb
