// Replay of the append-only file at startup (Redis's loadAppendOnlyFiles, aof.c).
//
// Reads the manifest, then the base file and the incr files in order, and runs their
// commands through an engine Session, as a client would (MULTI ... EXEC blocks through
// the session's own MULTI, so they apply atomically). A time annotation (aof.h) makes the
// entries after it run at its time (their command time snapshot), so KV2 times and OBJECT
// MTIME come back as the original run set them; entries before any (older files, Redis's
// files) run at the clock. Other '#' lines are skipped, as Redis does. Damage is handled
// as Redis does:
//   - the last file ending in the middle of a command (a write torn by a crash) is cut
//     back to its last whole command (to before an unfinished MULTI block), with a
//     warning in the log, and loading goes on (aof-load-truncated yes, the default; with
//     no, it is an error as below);
//   - anything else (bytes that are not a command, a malformed time annotation, a torn
//     command in a file other than the last, a bad or missing manifest entry) stops the
//     load with an error naming the file and the offset: the server refuses to start
//     rather than drop data.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "engine/engine.h"
#include "src/persistence/aof.h"

namespace shoal::server {

struct AofLoadResult {
  bool found = false;       // a manifest was there
  std::string error;        // set when the server must not start
  uint64_t commands = 0;    // commands replayed
  bool truncated = false;   // a torn tail was cut off
};

// Call with the engine started and no journal installed, from a thread that is not a
// shard thread. Warnings go to `log`.
AofLoadResult LoadAof(engine::Engine& engine, const AofPaths& paths, std::ostream& log,
                      bool load_truncated = true);

}  // namespace shoal::server
