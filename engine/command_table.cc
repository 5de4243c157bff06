#include "engine/command_table.h"

#include "absl/container/flat_hash_map.h"
#include "engine/families.h"
#include "protocol/strings.h"

namespace shoal::engine {
namespace {

constexpr uint32_t kW = kWrite, kR = kReadOnly, kD = kDenyOom, kF = kFast, kA = kAdmin;
constexpr uint32_t kLS = kLoading | kStale;

// name, arity, flags, first key, last key, step, handler, ACL categories, group, summary,
// since.
#define ROW(...) CommandSpec{__VA_ARGS__}
// clang-format off
CommandSpec kRows[] = {
  // --- strings ---
  ROW("get", 2, kR|kF, 1, 1, 1, CmdGet, "@read @string @fast", "string", "Returns the string value of a key.", "1.0.0"),
  ROW("set", -3, kW|kD, 1, 1, 1, CmdSet, "@write @string @slow", "string", "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.", "1.0.0"),
  ROW("setnx", 3, kW|kD|kF, 1, 1, 1, CmdSetNx, "@write @string @fast", "string", "Set the string value of a key only when the key doesn't exist.", "1.0.0"),
  ROW("setex", 4, kW|kD, 1, 1, 1, CmdSetEx, "@write @string @slow", "string", "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.", "2.0.0"),
  ROW("psetex", 4, kW|kD, 1, 1, 1, CmdPSetEx, "@write @string @slow", "string", "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.", "2.6.0"),
  ROW("getset", 3, kW|kD|kF, 1, 1, 1, CmdGetSet, "@write @string @fast", "string", "Returns the previous string value of a key after setting it to a new value.", "1.0.0"),
  ROW("getdel", 2, kW|kF|kDeletesKeys, 1, 1, 1, CmdGetDel, "@write @string @fast", "string", "Returns the string value of a key after deleting the key.", "6.2.0"),
  ROW("getex", -2, kW|kF, 1, 1, 1, CmdGetEx, "@write @string @fast", "string", "Returns the string value of a key after setting its expiration time.", "6.2.0"),
  ROW("mget", -2, kR|kF, 1, -1, 1, CmdMGet, "@read @string @fast", "string", "Atomically returns the string values of one or more keys.", "1.0.0"),
  ROW("mset", -3, kW|kD, 1, -1, 2, CmdMSet, "@write @string @slow", "string", "Atomically creates or modifies the string values of one or more keys.", "1.0.1"),
  ROW("msetnx", -3, kW|kD, 1, -1, 2, CmdMSetNx, "@write @string @slow", "string", "Atomically modifies the string values of one or more keys only when all keys don't exist.", "1.0.1"),
  ROW("incr", 2, kW|kD|kF, 1, 1, 1, CmdIncr, "@write @string @fast", "string", "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", "1.0.0"),
  ROW("decr", 2, kW|kD|kF, 1, 1, 1, CmdDecr, "@write @string @fast", "string", "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", "1.0.0"),
  ROW("incrby", 3, kW|kD|kF, 1, 1, 1, CmdIncrBy, "@write @string @fast", "string", "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.", "1.0.0"),
  ROW("decrby", 3, kW|kD|kF, 1, 1, 1, CmdDecrBy, "@write @string @fast", "string", "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.", "1.0.0"),
  ROW("incrbyfloat", 3, kW|kD|kF, 1, 1, 1, CmdIncrByFloat, "@write @string @fast", "string", "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.", "2.6.0"),
  ROW("append", 3, kW|kD|kF, 1, 1, 1, CmdAppend, "@write @string @fast", "string", "Appends a string to the value of a key. Creates the key if it doesn't exist.", "2.0.0"),
  ROW("strlen", 2, kR|kF, 1, 1, 1, CmdStrLen, "@read @string @fast", "string", "Returns the length of a string value.", "2.2.0"),
  ROW("getrange", 4, kR, 1, 1, 1, CmdGetRange, "@read @string @slow", "string", "Returns a substring of the string stored at a key.", "2.4.0"),
  ROW("substr", 4, kR, 1, 1, 1, CmdGetRange, "@read @string @slow", "string", "Returns a substring from a string value.", "1.0.0"),
  ROW("setrange", 4, kW|kD, 1, 1, 1, CmdSetRange, "@write @string @slow", "string", "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.", "2.2.0"),

  // --- conditional writes (etag_family.cc, for the HTTP front) ---
  ROW("setifmd5", 4, kW|kD|kF, 1, 1, 1, CmdSetIfMd5, "@write @string @fast", "string", "Shoal: sets the string value of a key only when the MD5 of its current value matches the given digest.", "7.2.4"),

  // --- hashes ---
  ROW("hset", -4, kW|kD|kF, 1, 1, 1, CmdHSet, "@write @hash @fast", "hash", "Creates or modifies the value of a field in a hash.", "2.0.0"),
  ROW("hsetnx", 4, kW|kD|kF, 1, 1, 1, CmdHSetNx, "@write @hash @fast", "hash", "Sets the value of a field in a hash only when the field doesn't exist.", "2.0.0"),
  ROW("hget", 3, kR|kF, 1, 1, 1, CmdHGet, "@read @hash @fast", "hash", "Returns the value of a field in a hash.", "2.0.0"),
  ROW("hmget", -3, kR|kF, 1, 1, 1, CmdHMGet, "@read @hash @fast", "hash", "Returns the values of all fields in a hash.", "2.0.0"),
  ROW("hmset", -4, kW|kD|kF, 1, 1, 1, CmdHMSet, "@write @hash @fast", "hash", "Sets the values of multiple fields.", "2.0.0"),
  ROW("hgetall", 2, kR, 1, 1, 1, CmdHGetAll, "@read @hash @slow", "hash", "Returns all fields and values in a hash.", "2.0.0"),
  ROW("hdel", -3, kW|kF, 1, 1, 1, CmdHDel, "@write @hash @fast", "hash", "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.", "2.0.0"),
  ROW("hlen", 2, kR|kF, 1, 1, 1, CmdHLen, "@read @hash @fast", "hash", "Returns the number of fields in a hash.", "2.0.0"),
  ROW("hexists", 3, kR|kF, 1, 1, 1, CmdHExists, "@read @hash @fast", "hash", "Determines whether a field exists in a hash.", "2.0.0"),
  ROW("hkeys", 2, kR, 1, 1, 1, CmdHKeys, "@read @hash @slow", "hash", "Returns all fields in a hash.", "2.0.0"),
  ROW("hvals", 2, kR, 1, 1, 1, CmdHVals, "@read @hash @slow", "hash", "Returns all values in a hash.", "2.0.0"),
  ROW("hincrby", 4, kW|kD|kF, 1, 1, 1, CmdHIncrBy, "@write @hash @fast", "hash", "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist.", "2.0.0"),
  ROW("hincrbyfloat", 4, kW|kD|kF, 1, 1, 1, CmdHIncrByFloat, "@write @hash @fast", "hash", "Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist.", "2.6.0"),
  ROW("hstrlen", 3, kR|kF, 1, 1, 1, CmdHStrLen, "@read @hash @fast", "hash", "Returns the length of the value of a field.", "3.2.0"),
  ROW("hrandfield", -2, kR, 1, 1, 1, CmdHRandField, "@read @hash @slow", "hash", "Returns one or more random fields from a hash.", "6.2.0"),
  ROW("hscan", -3, kR, 1, 1, 1, CmdHScan, "@read @hash @slow", "hash", "Iterates over fields and values of a hash.", "2.8.0"),

  // --- sorted sets ---
  ROW("zadd", -4, kW|kD|kF, 1, 1, 1, CmdZAdd, "@write @sortedset @fast", "sorted-set", "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist.", "1.2.0"),
  ROW("zincrby", 4, kW|kD|kF, 1, 1, 1, CmdZIncrBy, "@write @sortedset @fast", "sorted-set", "Increments the score of a member in a sorted set.", "1.2.0"),
  ROW("zrem", -3, kW|kF, 1, 1, 1, CmdZRem, "@write @sortedset @fast", "sorted-set", "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.", "1.2.0"),
  ROW("zcard", 2, kR|kF, 1, 1, 1, CmdZCard, "@read @sortedset @fast", "sorted-set", "Returns the number of members in a sorted set.", "1.2.0"),
  ROW("zscore", 3, kR|kF, 1, 1, 1, CmdZScore, "@read @sortedset @fast", "sorted-set", "Returns the score of a member in a sorted set.", "1.2.0"),
  ROW("zmscore", -3, kR|kF, 1, 1, 1, CmdZMScore, "@read @sortedset @fast", "sorted-set", "Returns the score of one or more members in a sorted set.", "6.2.0"),
  ROW("zrank", -3, kR|kF, 1, 1, 1, CmdZRank, "@read @sortedset @fast", "sorted-set", "Returns the index of a member in a sorted set ordered by ascending scores.", "2.0.0"),
  ROW("zrevrank", -3, kR|kF, 1, 1, 1, CmdZRevRank, "@read @sortedset @fast", "sorted-set", "Returns the index of a member in a sorted set ordered by descending scores.", "2.0.0"),
  ROW("zcount", 4, kR|kF, 1, 1, 1, CmdZCount, "@read @sortedset @fast", "sorted-set", "Returns the count of members in a sorted set that have scores within a range.", "2.0.0"),
  ROW("zlexcount", 4, kR|kF, 1, 1, 1, CmdZLexCount, "@read @sortedset @fast", "sorted-set", "Returns the number of members in a sorted set within a lexicographical range.", "2.8.9"),
  ROW("zrange", -4, kR, 1, 1, 1, CmdZRange, "@read @sortedset @slow", "sorted-set", "Returns members in a sorted set within a range of indexes.", "1.2.0"),
  ROW("zrangestore", -5, kW|kD|kReadsSources, 1, 2, 1, CmdZRangeStore, "@write @sortedset @slow", "sorted-set", "Stores a range of members from sorted set in a key.", "6.2.0"),
  ROW("zrevrange", -4, kR, 1, 1, 1, CmdZRevRange, "@read @sortedset @slow", "sorted-set", "Returns members in a sorted set within a range of indexes in reverse order.", "1.2.0"),
  ROW("zrangebyscore", -4, kR, 1, 1, 1, CmdZRangeByScore, "@read @sortedset @slow", "sorted-set", "Returns members in a sorted set within a range of scores.", "1.0.5"),
  ROW("zrevrangebyscore", -4, kR, 1, 1, 1, CmdZRevRangeByScore, "@read @sortedset @slow", "sorted-set", "Returns members in a sorted set within a range of scores in reverse order.", "2.2.0"),
  ROW("zrangebylex", -4, kR, 1, 1, 1, CmdZRangeByLex, "@read @sortedset @slow", "sorted-set", "Returns members in a sorted set within a lexicographical range.", "2.8.9"),
  ROW("zrevrangebylex", -4, kR, 1, 1, 1, CmdZRevRangeByLex, "@read @sortedset @slow", "sorted-set", "Returns members in a sorted set within a lexicographical range in reverse order.", "2.8.9"),
  ROW("zremrangebyscore", 4, kW, 1, 1, 1, CmdZRemRangeByScore, "@write @sortedset @slow", "sorted-set", "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed.", "1.2.0"),
  ROW("zremrangebyrank", 4, kW, 1, 1, 1, CmdZRemRangeByRank, "@write @sortedset @slow", "sorted-set", "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed.", "2.0.0"),
  ROW("zremrangebylex", 4, kW, 1, 1, 1, CmdZRemRangeByLex, "@write @sortedset @slow", "sorted-set", "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed.", "2.8.9"),
  ROW("zpopmin", -2, kW|kF, 1, 1, 1, CmdZPopMin, "@write @sortedset @fast", "sorted-set", "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.", "5.0.0"),
  ROW("bzpopmin", -3, kW|kF|kBlocking, 1, -2, 1, CmdBZPopMin, "@write @sortedset @fast @blocking", "sorted-set", "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.", "5.0.0"),
  ROW("bzpopmax", -3, kW|kF|kBlocking, 1, -2, 1, CmdBZPopMax, "@write @sortedset @fast @blocking", "sorted-set", "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last element was popped.", "5.0.0"),
  ROW("zpopmax", -2, kW|kF, 1, 1, 1, CmdZPopMax, "@write @sortedset @fast", "sorted-set", "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.", "5.0.0"),
  ROW("zmpop", -4, kW, 0, 0, 0, CmdZMPop, "@write @sortedset @slow", "sorted-set", "Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped.", "7.0.0", ZNumKeysKeys),
  ROW("bzmpop", -5, kW|kBlocking, 0, 0, 0, CmdBZMPop, "@write @sortedset @slow @blocking", "sorted-set", "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.", "7.0.0", BLMPopKeys),
  ROW("zpopbyscore", -3, kW|kF, 1, 1, 1, CmdZPopByScore, "@write @sortedset @fast", "sorted-set", "Shoal: returns the lowest-scoring members whose scores are within a range after removing them. Deletes the sorted set if the last member was popped.", "7.2.4"),
  ROW("bzpopbyscore", -4, kW|kF|kBlocking, 0, 0, 0, CmdBZPopByScore, "@write @sortedset @fast @blocking", "sorted-set", "Shoal: removes and returns the lowest-scoring due members (score <= max, max may be NOW) of the first sorted set that has one. Blocks until a member is due otherwise.", "7.2.4", PopByScoreKeys),
  ROW("zrandmember", -2, kR, 1, 1, 1, CmdZRandMember, "@read @sortedset @slow", "sorted-set", "Returns one or more random members from a sorted set.", "6.2.0"),
  ROW("zscan", -3, kR, 1, 1, 1, CmdZScan, "@read @sortedset @slow", "sorted-set", "Iterates over members and scores of a sorted set.", "2.8.0"),
  ROW("zunion", -3, kR, 0, 0, 0, CmdZUnion, "@read @sortedset @slow", "sorted-set", "Returns the union of multiple sorted sets.", "6.2.0", ZNumKeysKeys),
  ROW("zunionstore", -4, kW|kD|kReadsSources, 1, 1, 1, CmdZUnionStore, "@write @sortedset @slow", "sorted-set", "Stores the union of multiple sorted sets in a key.", "2.0.0", ZStoreNumKeysKeys),
  ROW("zinter", -3, kR, 0, 0, 0, CmdZInter, "@read @sortedset @slow", "sorted-set", "Returns the intersect of multiple sorted sets.", "6.2.0", ZNumKeysKeys),
  ROW("zinterstore", -4, kW|kD|kReadsSources, 1, 1, 1, CmdZInterStore, "@write @sortedset @slow", "sorted-set", "Stores the intersect of multiple sorted sets in a key.", "2.0.0", ZStoreNumKeysKeys),
  ROW("zintercard", -3, kR, 0, 0, 0, CmdZInterCard, "@read @sortedset @slow", "sorted-set", "Returns the number of members of the intersect of multiple sorted sets.", "7.0.0", ZNumKeysKeys),
  ROW("zdiff", -3, kR, 0, 0, 0, CmdZDiff, "@read @sortedset @slow", "sorted-set", "Returns the difference between multiple sorted sets.", "6.2.0", ZNumKeysKeys),
  ROW("zdiffstore", -4, kW|kD|kReadsSources, 1, 1, 1, CmdZDiffStore, "@write @sortedset @slow", "sorted-set", "Stores the difference of multiple sorted sets in a key.", "6.2.0", ZStoreNumKeysKeys),

  // --- sets ---
  ROW("sadd", -3, kW|kD|kF, 1, 1, 1, CmdSAdd, "@write @set @fast", "set", "Adds one or more members to a set. Creates the key if it doesn't exist.", "1.0.0"),
  ROW("srem", -3, kW|kF, 1, 1, 1, CmdSRem, "@write @set @fast", "set", "Removes one or more members from a set. Deletes the set if the last member was removed.", "1.0.0"),
  ROW("smembers", 2, kR, 1, 1, 1, CmdSMembers, "@read @set @slow", "set", "Returns all members of a set.", "1.0.0"),
  ROW("sismember", 3, kR|kF, 1, 1, 1, CmdSIsMember, "@read @set @fast", "set", "Determines whether a member belongs to a set.", "1.0.0"),
  ROW("smismember", -3, kR|kF, 1, 1, 1, CmdSMIsMember, "@read @set @fast", "set", "Determines whether multiple members belong to a set.", "6.2.0"),
  ROW("scard", 2, kR|kF, 1, 1, 1, CmdSCard, "@read @set @fast", "set", "Returns the number of members in a set.", "1.0.0"),
  ROW("spop", -2, kW|kF, 1, 1, 1, CmdSPop, "@write @set @fast", "set", "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.", "1.0.0"),
  ROW("srandmember", -2, kR, 1, 1, 1, CmdSRandMember, "@read @set @slow", "set", "Get one or multiple random members from a set", "1.0.0"),
  ROW("smove", 4, kW|kF, 1, 2, 1, CmdSMove, "@write @set @fast", "set", "Moves a member from one set to another.", "1.0.0"),
  ROW("sinter", -2, kR, 1, -1, 1, CmdSInter, "@read @set @slow", "set", "Returns the intersect of multiple sets.", "1.0.0"),
  ROW("sintercard", -3, kR, 0, 0, 0, CmdSInterCard, "@read @set @slow", "set", "Returns the number of members of the intersect of multiple sets.", "7.0.0", ZNumKeysKeys),
  ROW("sinterstore", -3, kW|kD|kReadsSources, 1, -1, 1, CmdSInterStore, "@write @set @slow", "set", "Stores the intersect of multiple sets in a key.", "1.0.0"),
  ROW("sunion", -2, kR, 1, -1, 1, CmdSUnion, "@read @set @slow", "set", "Returns the union of multiple sets.", "1.0.0"),
  ROW("sunionstore", -3, kW|kD|kReadsSources, 1, -1, 1, CmdSUnionStore, "@write @set @slow", "set", "Stores the union of multiple sets in a key.", "1.0.0"),
  ROW("sdiff", -2, kR, 1, -1, 1, CmdSDiff, "@read @set @slow", "set", "Returns the difference of multiple sets.", "1.0.0"),
  ROW("sdiffstore", -3, kW|kD|kReadsSources, 1, -1, 1, CmdSDiffStore, "@write @set @slow", "set", "Stores the difference of multiple sets in a key.", "1.0.0"),
  ROW("sscan", -3, kR, 1, 1, 1, CmdSScan, "@read @set @slow", "set", "Iterates over members of a set.", "2.0.0"),
  // --- lists ---
  ROW("lpush", -3, kW|kD|kF, 1, 1, 1, CmdLPush, "@write @list @fast", "list", "Prepends one or more elements to a list. Creates the key if it doesn't exist.", "1.0.0"),
  ROW("rpush", -3, kW|kD|kF, 1, 1, 1, CmdRPush, "@write @list @fast", "list", "Appends one or more elements to a list. Creates the key if it doesn't exist.", "1.0.0"),
  ROW("lpushx", -3, kW|kD|kF, 1, 1, 1, CmdLPushX, "@write @list @fast", "list", "Prepends one or more elements to a list only when the list exists.", "2.2.0"),
  ROW("rpushx", -3, kW|kD|kF, 1, 1, 1, CmdRPushX, "@write @list @fast", "list", "Appends an element to a list only when the list exists.", "2.2.0"),
  ROW("lpop", -2, kW|kF, 1, 1, 1, CmdLPop, "@write @list @fast", "list", "Returns the first elements in a list after removing it. Deletes the list if the last element was popped.", "1.0.0"),
  ROW("rpop", -2, kW|kF, 1, 1, 1, CmdRPop, "@write @list @fast", "list", "Returns and removes the last elements of a list. Deletes the list if the last element was popped.", "1.0.0"),
  ROW("llen", 2, kR|kF, 1, 1, 1, CmdLLen, "@read @list @fast", "list", "Returns the length of a list.", "1.0.0"),
  ROW("lrange", 4, kR, 1, 1, 1, CmdLRange, "@read @list @slow", "list", "Returns a range of elements from a list.", "1.0.0"),
  ROW("lindex", 3, kR, 1, 1, 1, CmdLIndex, "@read @list @slow", "list", "Returns an element from a list by its index.", "1.0.0"),
  ROW("lset", 4, kW|kD, 1, 1, 1, CmdLSet, "@write @list @slow", "list", "Sets the value of an element in a list by its index.", "1.0.0"),
  ROW("linsert", 5, kW|kD, 1, 1, 1, CmdLInsert, "@write @list @slow", "list", "Inserts an element before or after another element in a list.", "2.2.0"),
  ROW("lrem", 4, kW, 1, 1, 1, CmdLRem, "@write @list @slow", "list", "Removes elements from a list. Deletes the list if the last element was removed.", "1.0.0"),
  ROW("ltrim", 4, kW, 1, 1, 1, CmdLTrim, "@write @list @slow", "list", "Removes elements from both ends a list. Deletes the list if all elements were trimmed.", "1.0.0"),
  ROW("lpos", -3, kR, 1, 1, 1, CmdLPos, "@read @list @slow", "list", "Returns the index of matching elements in a list.", "6.0.6"),
  ROW("rpoplpush", 3, kW|kD, 1, 2, 1, CmdRPopLPush, "@write @list @slow", "list", "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.", "1.2.0"),
  ROW("lmove", 5, kW|kD, 1, 2, 1, CmdLMove, "@write @list @slow", "list", "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.", "6.2.0"),
  ROW("lmpop", -4, kW, 0, 0, 0, CmdLMPop, "@write @list @slow", "list", "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.", "7.0.0", LMPopKeys),
  ROW("blpop", -3, kW|kBlocking, 1, -2, 1, CmdBLPop, "@write @list @slow @blocking", "list", "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", "2.0.0"),
  ROW("brpop", -3, kW|kBlocking, 1, -2, 1, CmdBRPop, "@write @list @slow @blocking", "list", "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", "2.0.0"),
  ROW("brpoplpush", 4, kW|kD|kBlocking, 1, 2, 1, CmdBRPopLPush, "@write @list @slow @blocking", "list", "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.", "2.2.0"),
  ROW("blmove", 6, kW|kD|kBlocking, 1, 2, 1, CmdBLMove, "@write @list @slow @blocking", "list", "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.", "6.2.0"),
  ROW("blmpop", -5, kW|kBlocking, 0, 0, 0, CmdBLMPop, "@write @list @slow @blocking", "list", "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", "7.0.0", BLMPopKeys),
  // --- streams ---
  ROW("xadd", -5, kW|kD|kF, 1, 1, 1, CmdXAdd, "@write @stream @fast", "stream", "Appends a new message to a stream. Creates the key if it doesn't exist.", "5.0.0"),
  ROW("xlen", 2, kR|kF, 1, 1, 1, CmdXLen, "@read @stream @fast", "stream", "Return the number of messages in a stream.", "5.0.0"),
  ROW("xrange", -4, kR, 1, 1, 1, CmdXRange, "@read @stream @slow", "stream", "Returns the messages from a stream within a range of IDs.", "5.0.0"),
  ROW("xrevrange", -4, kR, 1, 1, 1, CmdXRevRange, "@read @stream @slow", "stream", "Returns the messages from a stream within a range of IDs in reverse order.", "5.0.0"),
  ROW("xdel", -3, kW|kF, 1, 1, 1, CmdXDel, "@write @stream @fast", "stream", "Returns the number of messages after removing them from a stream.", "5.0.0"),
  ROW("xtrim", -4, kW, 1, 1, 1, CmdXTrim, "@write @stream @slow", "stream", "Deletes messages from the beginning of a stream.", "5.0.0"),
  ROW("xsetid", -3, kW|kD|kF, 1, 1, 1, CmdXSetId, "@write @stream @fast", "stream", "An internal command for replicating stream values.", "5.0.0"),
  ROW("xread", -4, kR|kBlocking, 0, 0, 0, CmdXRead, "@read @stream @slow @blocking", "stream", "Returns messages from multiple streams with IDs greater than the ones requested. Blocks until a message is available otherwise.", "5.0.0", XReadKeys),
  ROW("xreadgroup", -7, kW|kBlocking, 0, 0, 0, CmdXReadGroup, "@write @stream @slow @blocking", "stream", "Returns new or historical messages from a stream for a consumer in a group. Blocks until a message is available otherwise.", "5.0.0", XReadKeys),
  ROW("xack", -4, kW|kF, 1, 1, 1, CmdXAck, "@write @stream @fast", "stream", "Returns the number of messages that were successfully acknowledged by the consumer group member of a stream.", "5.0.0"),
  ROW("xpending", -3, kR, 1, 1, 1, CmdXPending, "@read @stream @slow", "stream", "Returns the information and entries from a stream consumer group's pending entries list.", "5.0.0"),
  ROW("xclaim", -6, kW|kF, 1, 1, 1, CmdXClaim, "@write @stream @fast", "stream", "Changes, or acquires, ownership of a message in a consumer group, as if the message was delivered a consumer group member.", "5.0.0"),
  ROW("xautoclaim", -6, kW|kF, 1, 1, 1, CmdXAutoClaim, "@write @stream @fast", "stream", "Changes, or acquires, ownership of messages in a consumer group, as if the messages were delivered to as consumer group member.", "6.2.0"),
  ROW("xgroup", -2, kContainer, 0, 0, 0, nullptr, "@slow", "stream", "A container for consumer groups commands.", "5.0.0"),
  ROW("xgroup|create", -5, kW|kD, 2, 2, 1, CmdXGroupCreate, "@write @stream @slow", "stream", "Creates a consumer group.", "5.0.0"),
  ROW("xgroup|setid", -5, kW, 2, 2, 1, CmdXGroupSetId, "@write @stream @slow", "stream", "Sets the last-delivered ID of a consumer group.", "5.0.0"),
  ROW("xgroup|destroy", 4, kW, 2, 2, 1, CmdXGroupDestroy, "@write @stream @slow", "stream", "Destroys a consumer group.", "5.0.0"),
  ROW("xgroup|createconsumer", 5, kW|kD, 2, 2, 1, CmdXGroupCreateConsumer, "@write @stream @slow", "stream", "Creates a consumer in a consumer group.", "6.2.0"),
  ROW("xgroup|delconsumer", 5, kW, 2, 2, 1, CmdXGroupDelConsumer, "@write @stream @slow", "stream", "Deletes a consumer from a consumer group.", "5.0.0"),
  ROW("xgroup|help", 2, kLS, 0, 0, 0, CmdXGroupHelp, "@stream @slow", "stream", "Returns helpful text about the different subcommands.", "5.0.0"),
  ROW("xinfo", -2, kContainer, 0, 0, 0, nullptr, "@slow", "stream", "A container for stream introspection commands.", "5.0.0"),
  ROW("xinfo|stream", -3, kR, 2, 2, 1, CmdXInfoStream, "@read @stream @slow", "stream", "Returns information about a stream.", "5.0.0"),
  ROW("xinfo|groups", 3, kR, 2, 2, 1, CmdXInfoGroups, "@read @stream @slow", "stream", "Returns a list of the consumer groups of a stream.", "5.0.0"),
  ROW("xinfo|consumers", 4, kR, 2, 2, 1, CmdXInfoConsumers, "@read @stream @slow", "stream", "Returns a list of the consumers in a consumer group.", "5.0.0"),
  ROW("xinfo|help", 2, kLS, 0, 0, 0, CmdXInfoHelp, "@stream @slow", "stream", "Returns helpful text about the different subcommands.", "5.0.0"),

  // --- keys ---
  ROW("del", -2, kW|kDeletesKeys, 1, -1, 1, CmdDel, "@keyspace @write @slow", "generic", "Deletes one or more keys.", "1.0.0"),
  ROW("unlink", -2, kW|kF|kDeletesKeys, 1, -1, 1, CmdDel, "@keyspace @write @fast", "generic", "Asynchronously deletes one or more keys.", "4.0.0"),
  ROW("exists", -2, kR|kF, 1, -1, 1, CmdExists, "@keyspace @read @fast", "generic", "Determines whether one or more keys exist.", "1.0.0"),
  ROW("type", 2, kR|kF, 1, 1, 1, CmdType, "@keyspace @read @fast", "generic", "Determines the type of value stored at a key.", "1.0.0"),
  ROW("expire", -3, kW|kF, 1, 1, 1, CmdExpire, "@keyspace @write @fast", "generic", "Sets the expiration time of a key in seconds.", "1.0.0"),
  ROW("pexpire", -3, kW|kF, 1, 1, 1, CmdPExpire, "@keyspace @write @fast", "generic", "Sets the expiration time of a key in milliseconds.", "2.6.0"),
  ROW("expireat", -3, kW|kF, 1, 1, 1, CmdExpireAt, "@keyspace @write @fast", "generic", "Sets the expiration time of a key to a Unix timestamp.", "1.2.0"),
  ROW("pexpireat", -3, kW|kF, 1, 1, 1, CmdPExpireAt, "@keyspace @write @fast", "generic", "Sets the expiration time of a key to a Unix milliseconds timestamp.", "2.6.0"),
  ROW("ttl", 2, kR|kF, 1, 1, 1, CmdTtl, "@keyspace @read @fast", "generic", "Returns the expiration time in seconds of a key.", "1.0.0"),
  ROW("pttl", 2, kR|kF, 1, 1, 1, CmdPTtl, "@keyspace @read @fast", "generic", "Returns the expiration time in milliseconds of a key.", "2.6.0"),
  ROW("expiretime", 2, kR|kF, 1, 1, 1, CmdExpireTime, "@keyspace @read @fast", "generic", "Returns the expiration time of a key as a Unix timestamp.", "7.0.0"),
  ROW("pexpiretime", 2, kR|kF, 1, 1, 1, CmdPExpireTime, "@keyspace @read @fast", "generic", "Returns the expiration time of a key as a Unix milliseconds timestamp.", "7.0.0"),
  ROW("persist", 2, kW|kF, 1, 1, 1, CmdPersist, "@keyspace @write @fast", "generic", "Removes the expiration time of a key.", "2.2.0"),
  ROW("rename", 3, kW|kDeletesFirstKey, 1, 2, 1, CmdRename, "@keyspace @write @slow", "generic", "Renames a key and overwrites the destination.", "1.0.0"),
  ROW("renamenx", 3, kW|kF|kDeletesFirstKey, 1, 2, 1, CmdRenameNx, "@keyspace @write @fast", "generic", "Renames a key only when the target key name doesn't exist.", "1.0.0"),
  ROW("copy", -3, kW|kD|kReadsFirstKey, 1, 2, 1, CmdCopy, "@keyspace @write @slow", "generic", "Copies the value of a key to a new key.", "6.2.0"),
  ROW("move", 3, kW|kF|kDeletesKeys, 1, 1, 1, CmdMove, "@keyspace @write @fast", "generic", "Moves a key to another database.", "1.0.0"),
  ROW("keys", 2, kR|kAllShards, 0, 0, 0, CmdKeys, "@keyspace @read @slow @dangerous", "generic", "Returns all key names that match a pattern.", "1.0.0"),
  ROW("scan", -2, kR|kAllShards, 0, 0, 0, CmdScan, "@keyspace @read @slow", "generic", "Iterates over the key names in the database.", "2.8.0"),
  ROW("randomkey", 1, kR|kAllShards, 0, 0, 0, CmdRandomKey, "@keyspace @read @slow", "generic", "Returns a random key name from the database.", "1.0.0"),
  ROW("dbsize", 1, kR|kF|kAllShards, 0, 0, 0, CmdDbSize, "@keyspace @read @fast", "server", "Returns the number of keys in the database.", "1.0.0"),
  ROW("flushdb", -1, kW|kAllShards, 0, 0, 0, CmdFlushDb, "@keyspace @write @slow @dangerous", "server", "Remove all keys from the current database.", "1.0.0"),
  ROW("flushall", -1, kW|kAllShards, 0, 0, 0, CmdFlushAll, "@keyspace @write @slow @dangerous", "server", "Removes all keys from all databases.", "1.0.0"),
  ROW("swapdb", 3, kW|kF|kAllShards, 0, 0, 0, CmdSwapDb, "@keyspace @write @fast @dangerous", "server", "Swaps two Redis databases.", "4.0.0"),
  ROW("touch", -2, kR|kF, 1, -1, 1, CmdTouch, "@keyspace @read @fast", "generic", "Returns the number of existing keys out of those specified after updating the time they were last accessed.", "3.2.1"),
  ROW("object", -2, kContainer, 0, 0, 0, nullptr, "@slow", "generic", "A container for object introspection commands.", "2.2.3"),
  ROW("object|encoding", 3, kR, 2, 2, 1, CmdObjectEncoding, "@keyspace @read @slow", "generic", "Returns the internal encoding of a Redis object.", "2.2.3"),
  ROW("object|refcount", 3, kR, 2, 2, 1, CmdObjectRefCount, "@keyspace @read @slow", "generic", "Returns the reference count of a value of a key.", "2.2.3"),
  ROW("object|idletime", 3, kR, 2, 2, 1, CmdObjectIdleTime, "@keyspace @read @slow", "generic", "Returns the time since the last access to a Redis object.", "2.2.3"),
  ROW("object|freq", 3, kR, 2, 2, 1, CmdObjectFreq, "@keyspace @read @slow", "generic", "Returns the logarithmic access frequency counter of a Redis object.", "4.0.0"),
  ROW("object|mtime", 3, kR, 2, 2, 1, CmdObjectMTime, "@keyspace @read @slow", "generic", "Returns the unix time in milliseconds of the last write to a key.", "7.0.0"),
  ROW("object|help", 2, kLS, 0, 0, 0, CmdObjectHelp, "@keyspace @slow", "generic", "Returns helpful text about the different subcommands.", "6.2.0"),
  ROW("memory", -2, kContainer, 0, 0, 0, nullptr, "@slow", "server", "A container for memory diagnostics commands.", "4.0.0"),
  ROW("memory|usage", -3, kR, 2, 2, 1, CmdMemoryUsage, "@read @slow", "server", "Estimates the memory usage of a key.", "4.0.0"),
  ROW("memory|help", 2, kLS, 0, 0, 0, CmdMemoryHelp, "@slow", "server", "Returns helpful text about the different subcommands.", "4.0.0"),

  // --- transactions ---
  ROW("multi", 1, kNoScript|kF|kLS|kAllowBusy|kTxControl, 0, 0, 0, CmdMulti, "@fast @transaction", "transactions", "Starts a transaction.", "1.2.0"),
  ROW("exec", 1, kNoScript|kLS|kSkipSlowlog|kTxControl, 0, 0, 0, CmdExec, "@slow @transaction", "transactions", "Executes all commands in a transaction.", "1.2.0"),
  ROW("discard", 1, kNoScript|kF|kLS|kAllowBusy|kTxControl, 0, 0, 0, CmdDiscard, "@fast @transaction", "transactions", "Discards a transaction.", "2.0.0"),
  ROW("watch", -2, kNoScript|kF|kLS|kTxControl, 1, -1, 1, CmdWatch, "@fast @transaction", "transactions", "Monitors changes to keys to determine the execution of a transaction.", "2.2.0"),
  ROW("unwatch", 1, kNoScript|kF|kLS|kAllowBusy|kTxControl, 0, 0, 0, CmdUnwatch, "@fast @transaction", "transactions", "Forgets about watched keys of a transaction.", "2.2.0"),

  // --- scripting ---
  ROW("eval", -3, kNoScript|kMayReplicate|kNoMandatoryKeys|kStale|kScript, 0, 0, 0, CmdEval, "@slow @scripting", "scripting", "Executes a server-side Lua script.", "2.6.0", EvalKeys),
  ROW("evalsha", -3, kNoScript|kMayReplicate|kNoMandatoryKeys|kStale|kScript, 0, 0, 0, CmdEvalSha, "@slow @scripting", "scripting", "Executes a server-side Lua script by SHA1 digest.", "2.6.0", EvalKeys),
  ROW("eval_ro", -3, kNoScript|kNoMandatoryKeys|kStale|kR|kScript, 0, 0, 0, CmdEvalRo, "@slow @scripting", "scripting", "Executes a read-only server-side Lua script.", "7.0.0", EvalKeys),
  ROW("evalsha_ro", -3, kNoScript|kNoMandatoryKeys|kStale|kR|kScript, 0, 0, 0, CmdEvalShaRo, "@slow @scripting", "scripting", "Executes a read-only server-side Lua script by SHA1 digest.", "7.0.0", EvalKeys),
  ROW("script", -2, kContainer, 0, 0, 0, nullptr, "@slow", "scripting", "A container for Lua scripts management commands.", "2.6.0"),
  ROW("script|load", 3, kNoScript|kStale, 0, 0, 0, CmdScriptLoad, "@slow @scripting", "scripting", "Loads a server-side Lua script to the script cache.", "2.6.0"),
  ROW("script|exists", -3, kNoScript, 0, 0, 0, CmdScriptExists, "@slow @scripting", "scripting", "Determines whether server-side Lua scripts exist in the script cache.", "2.6.0"),
  ROW("script|flush", -2, kNoScript, 0, 0, 0, CmdScriptFlush, "@slow @scripting", "scripting", "Removes all server-side Lua scripts from the script cache.", "2.6.0"),
  ROW("script|kill", 2, kNoScript|kAllowBusy, 0, 0, 0, CmdScriptKill, "@slow @scripting", "scripting", "Terminates a server-side Lua script during execution.", "2.6.0"),
  ROW("script|help", 2, kLS, 0, 0, 0, CmdScriptHelp, "@slow @scripting", "scripting", "Returns helpful text about the different subcommands.", "5.0.0"),

  // --- versioned secrets (Shoal) ---
  ROW("kv2.put", -4, kW|kD, 1, 1, 1, CmdKv2Put, "@write @slow", "generic", "Shoal: writes a new version of a versioned secret, optionally with check-and-set.", "7.2.4"),
  ROW("kv2.patch", -4, kW|kD, 1, 1, 1, CmdKv2Patch, "@write @slow", "generic", "Shoal: writes a new version merging fields into the latest live version.", "7.2.4"),
  ROW("kv2.get", -2, kR|kF, 1, 1, 1, CmdKv2Get, "@read @fast", "generic", "Shoal: returns the data of a version of a versioned secret.", "7.2.4"),
  ROW("kv2.metadata", 2, kR, 1, 1, 1, CmdKv2Metadata, "@read @slow", "generic", "Shoal: returns the metadata and version list of a versioned secret.", "7.2.4"),
  ROW("kv2.delete", -2, kW, 1, 1, 1, CmdKv2Delete, "@write @slow", "generic", "Shoal: soft-deletes versions of a versioned secret (by default the latest).", "7.2.4"),
  ROW("kv2.undelete", -4, kW, 1, 1, 1, CmdKv2Undelete, "@write @slow", "generic", "Shoal: restores soft-deleted versions of a versioned secret.", "7.2.4"),
  ROW("kv2.destroy", -4, kW, 1, 1, 1, CmdKv2Destroy, "@write @slow", "generic", "Shoal: wipes the data of versions of a versioned secret for good.", "7.2.4"),
  ROW("kv2.config", -3, kW|kD, 1, 1, 1, CmdKv2Config, "@write @slow", "generic", "Shoal: sets the metadata of a versioned secret.", "7.2.4"),
  ROW("kv2.restore", -10, kW|kD, 1, 1, 1, CmdKv2Restore, "@write @slow", "generic", "Shoal: replaces a key with a versioned secret in a given state (what an AOF rewrite writes).", "7.2.4"),
  ROW("kv2.list", 2, kR|kAllShards, 0, 0, 0, CmdKv2List, "@read @slow", "generic", "Shoal: lists the versioned secrets directly under a path.", "7.2.4"),

  // --- tags, retention, holds (Shoal) ---
  ROW("tag.set", -4, kW|kD|kF|kMetaOnly, 1, 1, 1, CmdTagSet, "@write @fast", "generic", "Shoal: sets tags on a key.", "7.2.4"),
  ROW("tag.get", 2, kR|kF, 1, 1, 1, CmdTagGet, "@read @fast", "generic", "Shoal: returns the tags of a key.", "7.2.4"),
  ROW("tag.del", -3, kW|kF|kMetaOnly, 1, 1, 1, CmdTagDel, "@write @fast", "generic", "Shoal: removes tags from a key.", "7.2.4"),
  ROW("tag.find", -3, kR|kAllShards, 0, 0, 0, CmdTagFind, "@read @slow", "generic", "Shoal: returns the keys that carry a tag, from the tag index.", "7.2.4"),
  ROW("tag.setprefix", -4, kW|kD|kAllShards|kMetaOnly, 0, 0, 0, CmdTagSetPrefix, "@write @slow", "generic", "Shoal: tags every key that starts with a prefix.", "7.2.4"),
  ROW("tag.delkeys", 3, kW|kAllShards, 0, 0, 0, CmdTagDelKeys, "@write @slow", "generic", "Shoal: deletes the keys that carry a tag, skipping retained or held keys.", "7.2.4"),
  ROW("hmerge", -3, kW|kD|kReadsSources, 1, -1, 1, CmdHMerge, "@write @hash @slow", "hash", "Shoal: merges the fields of hashes into a destination hash, later sources winning.", "7.2.4"),
  ROW("retain", -2, kW|kF|kMetaOnly, 1, 1, 1, CmdRetain, "@write @fast", "generic", "Shoal: shows, sets, extends or clears a key's retention lock.", "7.2.4"),
  ROW("legalhold", 3, kW|kF|kMetaOnly, 1, 1, 1, CmdLegalHold, "@write @fast", "generic", "Shoal: shows, sets or releases a key's legal hold.", "7.2.4"),

  // --- connection ---
  ROW("ping", -1, kF, 0, 0, 0, CmdPing, "@fast @connection", "connection", "Returns the server's liveliness response.", "1.0.0"),
  ROW("echo", 2, kF, 0, 0, 0, CmdEcho, "@fast @connection", "connection", "Returns the given string.", "1.0.0"),
  ROW("hello", -1, kNoScript|kNoAuth|kF|kLS|kAllowBusy, 0, 0, 0, CmdHello, "@fast @connection", "connection", "Handshakes with the Redis server.", "6.0.0"),
  ROW("auth", -2, kNoScript|kNoAuth|kF|kLS|kAllowBusy, 0, 0, 0, CmdAuth, "@fast @connection", "connection", "Authenticates the connection.", "1.0.0"),
  ROW("quit", -1, kNoScript|kNoAuth|kF|kLS|kAllowBusy|kTxControl, 0, 0, 0, CmdQuit, "@fast @connection", "connection", "Closes the connection.", "1.0.0"),
  ROW("reset", 1, kNoScript|kNoAuth|kF|kLS|kAllowBusy|kTxControl, 0, 0, 0, CmdReset, "@fast @connection", "connection", "Resets the connection.", "6.2.0"),
  ROW("select", 2, kF|kLS, 0, 0, 0, CmdSelect, "@fast @connection", "connection", "Changes the selected database.", "1.0.0"),
  ROW("client", -2, kContainer, 0, 0, 0, nullptr, "@slow", "connection", "A container for client connection commands.", "2.4.0"),
  ROW("client|id", 2, kNoScript|kLS, 0, 0, 0, CmdClientId, "@slow @connection", "connection", "Returns the unique client ID of the connection.", "5.0.0"),
  ROW("client|setname", 3, kNoScript|kLS, 0, 0, 0, CmdClientSetName, "@slow @connection", "connection", "Sets the connection name.", "2.6.9"),
  ROW("client|getname", 2, kNoScript|kLS, 0, 0, 0, CmdClientGetName, "@slow @connection", "connection", "Returns the name of the connection.", "2.6.9"),
  ROW("client|list", -2, kA|kNoScript|kLS, 0, 0, 0, CmdClientList, "@admin @slow @dangerous @connection", "connection", "Lists open connections.", "2.4.0"),
  ROW("client|info", 2, kNoScript|kLS, 0, 0, 0, CmdClientInfo, "@slow @connection", "connection", "Returns information about the connection.", "6.2.0"),
  ROW("client|kill", -3, kA|kNoScript|kLS, 0, 0, 0, CmdClientKill, "@admin @slow @dangerous @connection", "connection", "Terminates open connections.", "2.4.0"),
  ROW("client|setinfo", 4, kNoScript|kLS, 0, 0, 0, CmdClientSetInfo, "@slow @connection", "connection", "Sets information specific to the client or connection.", "7.2.0"),
  ROW("client|reply", 3, kNoScript|kLS, 0, 0, 0, CmdClientReply, "@slow @connection", "connection", "Instructs the server whether to reply to commands.", "3.2.0"),
  ROW("client|no-evict", 3, kA|kNoScript|kLS, 0, 0, 0, CmdClientNoEvict, "@admin @slow @dangerous @connection", "connection", "Sets the client eviction mode of the connection.", "7.0.0"),
  ROW("client|help", 2, kLS, 0, 0, 0, CmdClientHelp, "@slow @connection", "connection", "Returns helpful text about the different subcommands.", "5.0.0"),

  // --- pub/sub ---
  ROW("subscribe", -2, kPubSub|kNoScript|kLS, 0, 0, 0, CmdSubscribe, "@pubsub @slow", "pubsub", "Listens for messages published to channels.", "2.0.0"),
  ROW("unsubscribe", -1, kPubSub|kNoScript|kLS, 0, 0, 0, CmdUnsubscribe, "@pubsub @slow", "pubsub", "Stops listening to messages posted to channels.", "2.0.0"),
  ROW("psubscribe", -2, kPubSub|kNoScript|kLS, 0, 0, 0, CmdPSubscribe, "@pubsub @slow", "pubsub", "Listens for messages published to channels that match one or more patterns.", "2.0.0"),
  ROW("punsubscribe", -1, kPubSub|kNoScript|kLS, 0, 0, 0, CmdPUnsubscribe, "@pubsub @slow", "pubsub", "Stops listening to messages published to channels that match one or more patterns.", "2.0.0"),
  ROW("ssubscribe", -2, kPubSub|kNoScript|kLS|kChannelKeys, 1, -1, 1, CmdSSubscribe, "@pubsub @slow", "pubsub", "Listens for messages published to shard channels.", "7.0.0"),
  ROW("sunsubscribe", -1, kPubSub|kNoScript|kLS|kChannelKeys, 1, -1, 1, CmdSUnsubscribe, "@pubsub @slow", "pubsub", "Stops listening to messages posted to shard channels.", "7.0.0"),
  ROW("publish", 3, kPubSub|kLS|kF|kMayReplicate, 0, 0, 0, CmdPublish, "@pubsub @fast", "pubsub", "Posts a message to a channel.", "2.0.0"),
  ROW("spublish", 3, kPubSub|kLS|kF|kMayReplicate|kChannelKeys, 1, 1, 1, CmdSPublish, "@pubsub @fast", "pubsub", "Post a message to a shard channel", "7.0.0"),
  ROW("pubsub", -2, kContainer, 0, 0, 0, nullptr, "@slow", "pubsub", "A container for Pub/Sub commands.", "2.8.0"),
  ROW("pubsub|channels", -2, kPubSub|kLS, 0, 0, 0, CmdPubSubChannels, "@pubsub @slow", "pubsub", "Returns the active channels.", "2.8.0"),
  ROW("pubsub|numsub", -2, kPubSub|kLS, 0, 0, 0, CmdPubSubNumSub, "@pubsub @slow", "pubsub", "Returns a count of subscribers to channels.", "2.8.0"),
  ROW("pubsub|numpat", 2, kPubSub|kLS, 0, 0, 0, CmdPubSubNumPat, "@pubsub @slow", "pubsub", "Returns a count of unique pattern subscriptions.", "2.8.0"),
  ROW("pubsub|shardchannels", -2, kPubSub|kLS, 0, 0, 0, CmdPubSubShardChannels, "@pubsub @slow", "pubsub", "Returns the active shard channels.", "7.0.0"),
  ROW("pubsub|shardnumsub", -2, kPubSub|kLS, 0, 0, 0, CmdPubSubShardNumSub, "@pubsub @slow", "pubsub", "Returns the count of subscribers of shard channels.", "7.0.0"),
  ROW("pubsub|help", 2, kLS, 0, 0, 0, CmdPubSubHelp, "@slow", "pubsub", "Returns helpful text about the different subcommands.", "6.2.0"),

  // --- client-side caching ---
  ROW("client|tracking", -3, kNoScript|kLS, 0, 0, 0, CmdClientTracking, "@slow @connection", "connection", "Controls server-assisted client-side caching for the connection.", "6.0.0"),
  ROW("client|caching", 3, kNoScript|kLS, 0, 0, 0, CmdClientCaching, "@slow @connection", "connection", "Instructs the server whether to track the keys in the next request.", "6.0.0"),
  ROW("client|getredir", 2, kNoScript|kLS, 0, 0, 0, CmdClientGetRedir, "@slow @connection", "connection", "Returns the client ID to which the connection's tracking notifications are redirected.", "6.0.0"),
  ROW("client|trackinginfo", 2, kNoScript|kLS, 0, 0, 0, CmdClientTrackingInfo, "@slow @connection", "connection", "Returns information about server-assisted client-side caching for the connection.", "6.2.0"),

  // --- server ---
  ROW("command", -1, kContainer|kLS, 0, 0, 0, CmdCommand, "@slow @connection", "server", "Returns detailed information about all commands.", "2.8.13"),
  ROW("command|count", 2, kLS, 0, 0, 0, CmdCommandCount, "@slow @connection", "server", "Returns a count of commands.", "2.8.13"),
  ROW("command|info", -2, kLS, 0, 0, 0, CmdCommandInfo, "@slow @connection", "server", "Returns information about one, multiple or all commands.", "2.8.13"),
  ROW("command|docs", -2, kLS, 0, 0, 0, CmdCommandDocs, "@slow @connection", "server", "Returns documentary information about one, multiple or all commands.", "7.0.0"),
  ROW("command|list", -2, kLS, 0, 0, 0, CmdCommandList, "@slow @connection", "server", "Returns a list of command names.", "7.0.0"),
  ROW("command|getkeys", -3, kLS, 0, 0, 0, CmdCommandGetKeys, "@slow @connection", "server", "Extracts the key names from an arbitrary command.", "2.8.13"),
  ROW("command|help", 2, kLS, 0, 0, 0, CmdCommandHelp, "@slow @connection", "server", "Returns helpful text about the different subcommands.", "5.0.0"),
  ROW("info", -1, kLS, 0, 0, 0, CmdInfo, "@slow @dangerous", "server", "Returns information and statistics about the server.", "1.0.0"),
  ROW("config", -2, kContainer, 0, 0, 0, nullptr, "@slow", "server", "A container for server configuration commands.", "2.0.0"),
  ROW("config|get", -3, kA|kLS|kNoScript, 0, 0, 0, CmdConfigGet, "@admin @slow @dangerous", "server", "Returns the effective values of configuration parameters.", "2.0.0"),
  ROW("config|set", -4, kA|kLS|kNoScript, 0, 0, 0, CmdConfigSet, "@admin @slow @dangerous", "server", "Sets configuration parameters in-flight.", "2.0.0"),
  ROW("config|resetstat", 2, kA|kLS|kNoScript, 0, 0, 0, CmdConfigResetStat, "@admin @slow @dangerous", "server", "Resets the server's statistics.", "2.0.0"),
  ROW("config|rewrite", 2, kA|kLS|kNoScript, 0, 0, 0, CmdConfigRewrite, "@admin @slow @dangerous", "server", "Persists the effective configuration to file.", "2.8.0"),
  ROW("config|help", 2, kLS, 0, 0, 0, CmdConfigHelp, "@slow", "server", "Returns helpful text about the different subcommands.", "5.0.0"),
  ROW("time", 1, kLS|kF, 0, 0, 0, CmdTime, "@fast", "server", "Returns the server time.", "2.6.0"),
  ROW("lastsave", 1, kLS|kF, 0, 0, 0, CmdLastSave, "@fast @dangerous", "server", "Returns the Unix timestamp of the last successful save to disk.", "1.0.0"),
  ROW("debug", -2, kA|kNoScript|kLS|kAllShards, 0, 0, 0, CmdDebug, "@admin @slow @dangerous", "server", "A container for debugging commands.", "1.0.0"),
  // Snapshots (engine/persistence.h): SAVE and BGSAVE hold every shard.
  ROW("save", 1, kA|kNoScript|kNoMulti|kAllShards, 0, 0, 0, CmdSave, "@admin @slow @dangerous", "server", "Synchronously saves the database(s) to disk.", "1.0.0"),
  ROW("bgsave", -1, kA|kNoScript|kAllShards, 0, 0, 0, CmdBgSave, "@admin @slow @dangerous", "server", "Asynchronously saves the database(s) to disk.", "1.0.0"),
  ROW("shutdown", -1, kA|kNoScript|kLS|kNoMulti|kAllowBusy, 0, 0, 0, CmdShutdown, "@admin @slow @dangerous", "server", "Synchronously saves the database(s) to disk and shuts down the Redis server.", "1.0.0"),
  // Append-only file (aof_family.cc).
  ROW("bgrewriteaof", 1, kA|kNoScript|kLS, 0, 0, 0, CmdBgRewriteAof, "@admin @slow @dangerous", "server", "Asynchronously rewrites the append-only file to disk.", "1.0.0"),
};
// clang-format on
#undef ROW

struct Index {
  absl::flat_hash_map<std::string, const CommandSpec*> by_name;
  Index() {
    for (size_t i = 0; i < std::size(kRows); ++i) {
      kRows[i].id = static_cast<uint16_t>(i);
      by_name[std::string(kRows[i].name)] = &kRows[i];
    }
  }
};

const Index& GetIndex() {
  static const Index index;
  return index;
}

}  // namespace

CommandTable::CommandTable() { GetIndex(); }

const CommandTable& CommandTable::Get() {
  static const CommandTable table;
  return table;
}

absl::Span<const CommandSpec> CommandTable::all() const {
  return absl::Span<const CommandSpec>(kRows, std::size(kRows));
}

const CommandSpec* CommandTable::Find(std::string_view name) const {
  char buf[64];
  if (name.size() > sizeof(buf)) return nullptr;
  for (size_t i = 0; i < name.size(); ++i) buf[i] = AsciiLower(name[i]);
  const auto& map = GetIndex().by_name;
  auto it = map.find(absl::string_view(buf, name.size()));
  return it == map.end() ? nullptr : it->second;
}

const CommandSpec* CommandTable::FindSub(const CommandSpec& container, std::string_view sub) const {
  if (sub.size() > 48) return nullptr;
  return Find(StrCat(container.name, "|", sub));
}

std::vector<const CommandSpec*> CommandTable::Subcommands(const CommandSpec& container) const {
  std::vector<const CommandSpec*> subs;
  std::string prefix = StrCat(container.name, "|");
  for (const CommandSpec& spec : all()) {
    if (spec.name.substr(0, prefix.size()) == prefix) subs.push_back(&spec);
  }
  return subs;
}

bool ArityOk(const CommandSpec& spec, size_t argc) {
  int n = static_cast<int>(argc);
  return spec.arity >= 0 ? n == spec.arity : n >= -spec.arity;
}

void CollectKeys(const CommandSpec& spec, ArgList args, KeyList* keys) {
  if (spec.flags & kChannelKeys) return;
  if (spec.keys_fn != nullptr) {
    spec.keys_fn(args, keys);
    return;
  }
  if (spec.first_key <= 0) return;
  int argc = static_cast<int>(args.size());
  int last = spec.last_key < 0 ? argc + spec.last_key : spec.last_key;
  for (int i = spec.first_key; i <= last && i < argc; i += spec.step) keys->push_back(args[i]);
}

}  // namespace shoal::engine
