// Helpers shared by the stream commands (stream_family.cc) and the consumer-group commands
// (stream_group_family.cc). Every function runs on the key's shard, inside a handler.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/blocking.h"
#include "engine/db.h"
#include "engine/stream_object.h"

namespace shoal::engine {

class CommandContext;

StreamObject* StreamOf(KeyNode* node);
// The stream at `key`, or null (missing, or *wrong_type when it holds another type).
StreamObject* FindStream(CommandContext& ctx, std::string_view key, bool* wrong_type);

// An entry as Redis replies it: [id, [field, value, ...]].
void ReplyStreamEntry(CommandContext& ctx, StreamId id, std::string_view packed);
void ReplyStreamId(CommandContext& ctx, StreamId id);

// Redis's streamParseStrictIDOrReply ("-" and "+" refused). False after replying.
bool ParseStrictIdOrReply(CommandContext& ctx, std::string_view text, uint64_t missing_seq,
                          StreamId* id);
// Redis's streamParseIntervalIDOrReply ("-", "+", or "(" before a strict ID).
bool ParseIntervalIdOrReply(CommandContext& ctx, std::string_view text, uint64_t missing_seq,
                            StreamId* id, bool* exclusive);
// A signed 64-bit integer, or "value is not an integer or out of range".
bool ParseCountOrReply(CommandContext& ctx, std::string_view text, int64_t* count);
// BLOCK's milliseconds (0: forever) as an absolute deadline (0: none).
bool ParseBlockMsOrReply(CommandContext& ctx, std::string_view text, int64_t* deadline_ms);

// XREAD / XREADGROUP options (Redis's xreadCommand parser).
struct ReadArgs {
  int64_t count = 0;  // 0: all
  bool block = false;
  int64_t deadline_ms = 0;
  size_t streams_arg = 0;  // index of the first key
  size_t streams = 0;
  bool has_group = false;
  std::string_view group;
  std::string_view consumer;
  bool noack = false;
};
bool ParseReadArgs(CommandContext& ctx, bool group, ReadArgs* a);

// Blocks with `args` in place of the command's own (their "$" / IDs made concrete).
void BlockWithArgs(CommandContext& ctx, const std::vector<std::string>& args,
                   const std::vector<std::string_view>& keys, int64_t deadline_ms, ServeFn serve);

// XINFO STREAM FULL's "groups" value (stream_group_family.cc). count: PEL entries per
// group and consumer (0: all).
void ReplyGroupsFull(CommandContext& ctx, StreamObject* s, uint64_t count);

}  // namespace shoal::engine
