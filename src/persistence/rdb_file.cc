#include "src/persistence/rdb_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "engine/ds/alloc_counter.h"
#include "engine/shard.h"
#include "protocol/strings.h"
#include "src/persistence/crc64.h"
#include "src/persistence/rdb_writer.h"

namespace shoal::persistence {
namespace {

std::atomic<uint64_t> temp_counter{0};

std::string DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

std::string Errno(std::string_view what, const std::string& path) {
  return StrCat(what, " ", path, ": ", std::strerror(errno));
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

RdbFileWriter::~RdbFileWriter() {
  if (fd_ >= 0) {
    close(fd_);
    unlink(tmp_path_.c_str());
  }
}

std::string RdbFileWriter::Open(const std::string& path) {
  path_ = path;
  tmp_path_ = StrCat(DirOf(path), "/temp-", getpid(), "-", temp_counter.fetch_add(1), ".rdb");
  fd_ = open(tmp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) return Errno("Failed opening the temp RDB file", tmp_path_);
  return "";
}

std::string RdbFileWriter::Flush() {
  crc_ = Crc64(crc_, buf_);
  if (!WriteAll(fd_, buf_)) return Errno("Write error saving DB on disk:", tmp_path_);
  buf_.clear();
  return "";
}

std::string RdbFileWriter::AppendFile(const std::string& part_path) {
  std::string error = Flush();
  if (!error.empty()) return error;
  int in = open(part_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return Errno("Failed opening", part_path);
  std::string chunk(kFlushBytes, '\0');
  for (;;) {
    ssize_t n = read(in, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = Errno("Failed reading", part_path);
      break;
    }
    if (n == 0) break;
    std::string_view part(chunk.data(), static_cast<size_t>(n));
    crc_ = Crc64(crc_, part);
    if (!WriteAll(fd_, part)) {
      error = Errno("Write error saving DB on disk:", tmp_path_);
      break;
    }
  }
  close(in);
  return error;
}

std::string RdbFileWriter::Commit() {
  std::string error = Flush();
  if (!error.empty()) return error;
  std::string crc;
  for (int i = 0; i < 8; ++i) crc.push_back(static_cast<char>(crc_ >> (8 * i)));
  if (!WriteAll(fd_, crc)) return Errno("Write error saving DB on disk:", tmp_path_);
  if (fsync(fd_) != 0) return Errno("fsync failed for", tmp_path_);
  close(fd_);
  fd_ = -1;
  if (rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    std::string message = Errno("Error moving temp DB file on the final destination", path_);
    unlink(tmp_path_.c_str());
    return message;
  }
  int dir = open(DirOf(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    fsync(dir);
    close(dir);
  }
  return "";
}

LoadLimits LimitsOf(engine::Engine& engine) {
  engine::Config& config = engine.config();
  LoadLimits limits;
  limits.hash = config.GetListpackLimits("hash");
  limits.zset = config.GetListpackLimits("zset");
  limits.set = config.GetSetLimits();
  limits.list_fill = config.GetListFill();
  limits.databases = engine.databases();
  return limits;
}

std::string RdbPath(engine::Engine& engine) {
  std::string dir = engine.config().GetString("dir");
  if (dir.empty()) dir = ".";
  return StrCat(dir, "/", engine.config().GetString("dbfilename"));
}

std::string SaveAll(engine::Engine& engine, const std::string& path, int64_t now_ms) {
  RdbFileWriter file;
  std::string error = file.Open(path);
  if (!error.empty()) return error;
  RdbWriter writer(file.buffer());
  writer.Header(now_ms, static_cast<uint64_t>(ds::AllocatedBytes()));  // Redis's used-mem
  for (int d = 0; d < engine.databases(); ++d) {
    uint64_t keys = 0, expires = 0;
    for (unsigned s = 0; s < engine.shard_count(); ++s) {
      keys += engine.shard(s).db(d).size();
      expires += engine.shard(s).db(d).expires_count();
    }
    if (keys == 0) continue;
    writer.SelectDb(d);
    writer.ResizeDb(keys, expires);
    for (unsigned s = 0; s < engine.shard_count(); ++s) {
      engine.shard(s).db(d).table().ForEach([&](engine::KeyNode* node) {
        if (!error.empty() || (node->has_expiry() && node->expire_at() <= now_ms)) return;
        writer.Key(node->key(), node, engine.shard(s).db(d).MetaOf(node), d);
        error = file.MaybeFlush();
      });
      if (!error.empty()) return error;
    }
  }
  writer.Eof();
  return file.Commit();
}

engine::KeyNode* InsertKey(engine::Engine& engine, LoadedKey&& key, engine::KeyNode** replaced) {
  engine::Db& db = engine.shard(engine.ShardOf(key.key)).db(key.db);
  engine::KeyNode* old = db.table().Find(key.key);
  if (replaced != nullptr) *replaced = old;
  if (key.type == engine::ObjType::kString) {
    return db.SetString(key.key, old, key.str, key.expire_ms);
  }
  if (old != nullptr) db.Delete(old);
  return db.AddObject(key.key, std::move(key.object), key.expire_ms);
}

std::string LoadAll(engine::Engine& engine, const std::string& path, int64_t now_ms,
                    bool* missing, size_t* loaded) {
  *missing = false;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      *missing = true;
      return "";
    }
    return Errno("Fatal error loading the DB, cannot open", path);
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    close(fd);
    return Errno("Fatal error loading the DB, cannot stat", path);
  }
  const size_t size = static_cast<size_t>(st.st_size);
  void* map = size == 0 ? nullptr : mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (map == MAP_FAILED) return Errno("Fatal error loading the DB, cannot map", path);
  std::string_view data(static_cast<const char*>(map), size);
  RdbReader reader(data, LimitsOf(engine));
  size_t n = 0;
  // The nodes of the keys of the current run (null: dropped as expired), for its mtimes.
  std::vector<engine::KeyNode*> run;
  std::string error = reader.Read([&](LoadedKey&& key) {
    if (key.expire_ms != 0 && key.expire_ms <= now_ms) {
      run.push_back(nullptr);
      return;
    }
    engine::KeyNode* replaced = nullptr;
    engine::KeyNode* node = InsertKey(engine, std::move(key), &replaced);
    if (replaced != nullptr) {
      std::replace(run.begin(), run.end(), replaced, static_cast<engine::KeyNode*>(nullptr));
    }
    run.push_back(node);
    ++n;
  }, [&](KeyMetaRecord&& record) {
    if (record.db >= engine.databases()) return;
    engine::Db& db = engine.shard(engine.ShardOf(record.key)).db(record.db);
    engine::KeyNode* node = db.table().Find(record.key);
    if (node == nullptr) return;  // the key had expired
    db.SetMeta(node, std::move(record.meta));
  }, [&](const std::vector<int64_t>& mtimes) {
    if (mtimes.size() == run.size()) {
      for (size_t i = 0; i < run.size(); ++i) {
        if (run[i] != nullptr) run[i]->set_mtime(mtimes[i]);
      }
    }
    run.clear();
  });
  if (map != nullptr) munmap(map, size);
  if (loaded) *loaded = n;
  if (!error.empty()) return StrCat("Error loading ", path, ": ", error);
  return "";
}

}  // namespace shoal::persistence
