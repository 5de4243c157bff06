// The value types a key can hold.
//
// A string lives inside its key's node (engine/ds/key_table.h): the node's value bytes are
// the string. Every other type is an Object on the heap, owned by exactly one node, whose
// value bytes hold the Object pointer. Objects never leave their shard's thread while they
// belong to it; a cross-shard RENAME or MOVE hands the whole node over while both shards
// are parked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace shoal::engine {

// Stored in the node's 4-bit type field.
enum class ObjType : uint8_t {
  kString = 0,
  kList = 1,
  kSet = 2,
  kZSet = 3,
  kHash = 4,
  kStream = 5,
  kKv2 = 6,  // versioned secrets (kv2_object.h)
};

// "string", "list", "set", "zset", "hash", "stream", "kv2": what TYPE replies.
std::string_view TypeName(ObjType type);
// Parses a TYPE name (SCAN ... TYPE t); false when unknown.
bool ParseTypeName(std::string_view name, ObjType* type);

// When a hash or sorted set leaves its compact "listpack" form (Redis's *-max-listpack-*
// settings): more than max_listpack_entries elements, or an element longer than
// max_listpack_value bytes.
struct ListpackLimits {
  size_t max_listpack_entries = 128;
  size_t max_listpack_value = 64;
};

// When a set changes encoding (Redis 7.2's set-max-intset-entries and set-max-listpack-*):
// an "intset" while every member is an integer and there are at most max_intset_entries,
// a "listpack" while there are at most max_listpack_entries members, none longer than
// max_listpack_value bytes, else a "hashtable".
struct SetLimits {
  size_t max_intset_entries = 512;
  size_t max_listpack_entries = 128;
  size_t max_listpack_value = 64;
};

class Object {
 public:
  virtual ~Object() = default;
  virtual ObjType type() const = 0;
  // Redis's OBJECT ENCODING name for the current representation ("listpack", ...).
  virtual std::string_view encoding() const = 0;
  virtual size_t MemoryUsage() const = 0;
  virtual std::unique_ptr<Object> Clone() const = 0;
};

}  // namespace shoal::engine
