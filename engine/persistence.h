// Persistence: what the engine's SAVE, BGSAVE, LASTSAVE, DEBUG RELOAD, SHUTDOWN and INFO
// persistence need from whoever writes files. The engine knows nothing about files or the
// RDB format: the server (src/persistence) implements this interface and installs it on
// the Engine (Engine::set_persistence) before it starts. Embedded, none is installed and
// those commands reply an error.
//
// Threads: Save, BgSave and Reload run on the thread of a command that holds every shard
// (kAllShards routing), so they may touch every shard's data. LastSave and Info may run
// on any shard thread and must be thread-safe. The object outlives the engine's threads.
//
// Note for the AOF and KV2 work: the AOF has its own interface; a new value type (tags,
// versioned secrets) needs an RDB type in src/persistence/rdb_writer.cc and rdb_reader.cc.
#pragma once

#include <cstdint>
#include <string>

namespace shoal::engine {

class Engine;

class Persistence {
 public:
  virtual ~Persistence() = default;

  // SAVE: writes the whole dataset now. "" on success, else the error reply's text.
  virtual std::string Save(Engine& engine) = 0;
  // BGSAVE: starts a point-in-time snapshot that the shards write between commands.
  // "" when started, else the error reply's text. `schedule` (BGSAVE SCHEDULE) is
  // accepted and behaves as plain BGSAVE.
  virtual std::string BgSave(Engine& engine) = 0;
  // LASTSAVE: unix seconds of the last successful save (the start time before any).
  virtual int64_t LastSave() const = 0;
  // DEBUG RELOAD: saves, empties every database and loads the file again.
  virtual std::string Reload(Engine& engine) = 0;
  // SHUTDOWN's choice about saving, applied when the server stops: kDefault saves when
  // save rules are configured; kSave always; kNoSave never.
  enum class ShutdownSave { kDefault, kSave, kNoSave };
  virtual void SetShutdownSave(ShutdownSave mode) = 0;
  // INFO persistence's rdb_* lines ("name:value\r\n" each), appended to *out.
  virtual void InfoRdb(Engine& engine, std::string* out) = 0;
};

}  // namespace shoal::engine
