// The base file of an AOF rewrite: the dataset written as the commands that rebuild it,
// as Redis's rewriteAppendOnlyFileRio does (aof.c): per database a SELECT, then per key
// SET / RPUSH / SADD / ZADD / HSET / XADD (collections in commands of at most 64 items),
// the stream's XSETID, groups, consumers and pending entries, and PEXPIREAT for a TTL.
// Each key's commands follow a time annotation of its OBJECT MTIME (aof.h; left out when
// the key before had the same), so replay gives the key its last-write time back.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/engine.h"

namespace shoal::server {

// Appends the whole dataset to *out. The calling thread must hold every shard (a
// transaction over all of them). Keys already expired are left out.
void DumpDataset(engine::Engine& engine, std::string* out);

// The same dump as one instant of a running server, without stopping the shards: a
// point-in-time snapshot (engine/snapshot.h) in which each shard writes its keys between
// its commands. Start it from a thread that holds every shard; Wait from one that is not
// a shard's.
class RewriteSnapshot {
 public:
  explicit RewriteSnapshot(engine::Engine* engine);
  ~RewriteSnapshot();
  // False when a snapshot already runs (a BGSAVE): the caller dumps with the shards held.
  bool Start(int64_t start_ms);
  // Blocks until every shard has handed its keys over; returns the dump.
  std::string Wait();

 private:
  class Part;
  engine::Engine* engine_;
  std::vector<std::unique_ptr<Part>> parts_;
  std::mutex mu_;
  std::condition_variable cv_;
  unsigned pending_ = 0;
};

}  // namespace shoal::server
