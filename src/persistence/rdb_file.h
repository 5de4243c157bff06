// Whole-file RDB operations on an engine: writing a snapshot file safely and loading one.
//
// A file is written to "temp-<pid>-<n>.rdb" in the target's directory, fsynced, renamed
// over the target and the directory fsynced, so a crash leaves either the old file or the
// new one, never a torn one. Loading maps the file (mmap) and parses it in place.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "engine/engine.h"
#include "src/persistence/rdb_reader.h"

namespace shoal::persistence {

// Appends bytes to a temporary file through a buffer, keeping the CRC64 of everything
// written; Commit appends the CRC, fsyncs and renames the file into place.
class RdbFileWriter {
 public:
  ~RdbFileWriter();  // removes the temporary file unless committed
  // Creates the temporary file next to `path`. "" or an error message.
  std::string Open(const std::string& path);
  // The buffer to append to (RdbWriter's output); Flush writes it out when it is large.
  std::string* buffer() { return &buf_; }
  std::string MaybeFlush() { return buf_.size() >= kFlushBytes ? Flush() : ""; }
  std::string Flush();
  // Appends the raw bytes of a file written elsewhere (a shard's part of a BGSAVE).
  std::string AppendFile(const std::string& part_path);
  // Writes the buffer and the CRC, fsyncs, renames over the target, fsyncs the directory.
  std::string Commit();

 private:
  static constexpr size_t kFlushBytes = 1 << 20;
  std::string path_, tmp_path_;
  int fd_ = -1;
  uint64_t crc_ = 0;
  std::string buf_;
};

// The encoding thresholds of the engine's config, for loading.
LoadLimits LimitsOf(engine::Engine& engine);
// Where the RDB file lives: <dir>/<dbfilename> from the config.
std::string RdbPath(engine::Engine& engine);

// Writes every database of every shard to `path`. The caller holds every shard (a
// kAllShards command) or the shard threads are not running. Keys already expired at
// `now_ms` are left out. "" or an error message.
std::string SaveAll(engine::Engine& engine, const std::string& path, int64_t now_ms);

// Loads `path` into the engine, replacing keys of the same name; keys already expired
// at `now_ms` are dropped, as Redis drops them when loading. Keys get their saved OBJECT
// MTIME (rdb_shoal.h), or `now_ms` from a file that has none. The caller holds every
// shard or the shard threads are not running. *missing is set when the file does not
// exist (not an error: the server starts empty). "" or an error message.
std::string LoadAll(engine::Engine& engine, const std::string& path, int64_t now_ms,
                    bool* missing, size_t* loaded = nullptr);

// Stores one loaded key in its shard's database (same conditions as LoadAll). Returns its
// node; *replaced is the node of the same name it took the place of, or null.
engine::KeyNode* InsertKey(engine::Engine& engine, LoadedKey&& key,
                           engine::KeyNode** replaced = nullptr);

}  // namespace shoal::persistence
