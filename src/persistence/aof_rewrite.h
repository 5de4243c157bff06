// The base file of an AOF rewrite: the dataset written as the commands that rebuild it,
// as Redis's rewriteAppendOnlyFileRio does (aof.c): per database a SELECT, then per key
// SET / RPUSH / SADD / ZADD / HSET / XADD (collections in commands of at most 64 items),
// the stream's XSETID, groups, consumers and pending entries, and PEXPIREAT for a TTL.
#pragma once

#include <string>

#include "engine/engine.h"

namespace shoal::server {

// Appends the whole dataset to *out. The calling thread must hold every shard (a
// transaction over all of them). Keys already expired are left out.
void DumpDataset(engine::Engine& engine, std::string* out);

}  // namespace shoal::server
