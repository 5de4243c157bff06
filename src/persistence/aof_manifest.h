// The append-only file's manifest, in Redis 7's multi-part layout (redis/src/aof.c), so
// that redis-check-aof reads Shoal's files:
//
//   <dir>/<appenddirname>/<appendfilename>.manifest   one line per file:
//       file appendonly.aof.1.base.aof seq 1 type b
//       file appendonly.aof.1.incr.aof seq 1 type i
//   the base file holds the dataset as commands at the last rewrite; the incr files
//   (in seq order) the writes since. Shoal keeps one base and one incr file; history
//   files (type h) are read and ignored, as Redis ignores them when loading.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::server {

struct AofManifest {
  struct File {
    std::string name;
    int64_t seq = 0;
    char type = 'i';  // 'b' base, 'h' history, 'i' incr
  };
  std::vector<File> files;  // as listed: the base first, then the incr files in seq order

  const File* base() const;
  std::vector<const File*> incrs() const;
  // Parses the manifest's text; false with *error set on a line Redis would refuse.
  static bool Parse(std::string_view text, AofManifest* out, std::string* error);
  std::string Serialize() const;
};

// "appendonly.aof.3.base.aof", "appendonly.aof.3.incr.aof".
std::string AofFileName(std::string_view prefix, int64_t seq, char type);

// Writes `data` to `path` through a temporary file, fsyncs it and renames it into place
// (then fsyncs the directory). "" or the error.
std::string WriteFileAtomically(const std::string& path, std::string_view data);

}  // namespace shoal::server
