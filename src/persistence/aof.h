// Aof: the append-only file, the server's engine::Journal (engine/journal.h).
//
// Files: Redis 7's multi-part layout (aof_manifest.h) under <dir>/<appenddirname>: one
// base file (the dataset as commands, written by a rewrite) and one incr file that every
// write is appended to, in RESP, with SELECT whenever the database changes, so that
// redis-check-aof accepts them and replay (aof_load.h) is plain command execution.
//
// Threads: shard threads call Append, which encodes the command into one shared buffer
// under a mutex and returns the command's sequence number (LSN); nothing else happens on
// a shard thread. One writer thread takes the whole buffer at a time, write()s it to the
// incr file and, under appendfsync always, fdatasync()s it, then tells everyone waiting
// for an LSN up to the batch's last (WhenDurable): group commit, one fsync for every write
// that arrived while the previous fsync ran, whatever shard or client it came from. Under
// everysec the same thread fsyncs once a second, under no never; nobody waits then.
//
// Time annotations: before an entry whose command time (journal.h) differs from the last
// one written to the current incr file, a line "#TS-MS:<unix ms>\r\n" (so a busy log pays a
// few bytes per millisecond, not per command). Redis 7 writes annotations of its own the
// same way ("#TS:<unix s>" under aof-timestamp-enabled), and its loader and
// redis-check-aof skip any line starting with '#' between commands; replay (aof_load.h)
// runs the entries after one at its time. A rewrite's base annotates each key's commands
// with the key's OBJECT MTIME the same way.
//
// Rewrite (BGREWRITEAOF, and the first base when the files do not exist yet): a
// transaction over every shard (so the dataset and the log split at one instant) dumps the
// dataset to memory as commands and switches appends to a new incr file, listed in the
// manifest (old base, old incr, new incr) before anything is written to it; a background
// thread then writes the new base and the final manifest (new base, new incr) and removes
// the old files. A crash at any point leaves a manifest whose files hold every write.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/engine.h"
#include "engine/journal.h"
#include "src/persistence/aof_manifest.h"
#include "src/persistence/aof_rewrite.h"

namespace shoal::server {

struct AofPaths {
  std::string dir;     // <dir>/<appenddirname>
  std::string prefix;  // appendfilename: "appendonly.aof"
  std::string manifest() const { return dir + "/" + prefix + ".manifest"; }
  std::string file(const std::string& name) const { return dir + "/" + name; }
  static AofPaths FromConfig(engine::Config& config);
};

// Appends the RESP array of `args` to *out ("*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n").
void AppendResp(std::string* out, engine::ArgList args);

// The time annotation: kTimeAnnotation, the unix ms in decimal, "\r\n". Its name cannot be
// taken for Redis's "#TS:".
inline constexpr std::string_view kTimeAnnotation = "#TS-MS:";
void AppendTimeAnnotation(std::string* out, int64_t time_ms);

class Aof final : public engine::Journal {
 public:
  enum class Fsync { kAlways, kEverySec, kNo };

  Aof(engine::Engine* engine, AofPaths paths);
  ~Aof() override;  // Close()

  // Opens the files for appending and starts the writer thread; installs this journal on
  // the engine. `rewrite`: starts with a rewrite, a base of the current dataset (turning
  // appendonly on live: files left from before may not match the data); without it the
  // last incr file is appended to (at startup, after replay), unless there are no files.
  // Call from a thread that is not a shard thread, with the engine started. "" or the error.
  std::string Open(bool rewrite = false);
  // Writes and fsyncs what is buffered and stops the writer. Appends after it are lost.
  void Close();

  uint64_t Append(int db, engine::ArgList args, int64_t time_ms) override;
  uint64_t AppendAtomic(absl::Span<const engine::JournalRecord> records,
                        int64_t time_ms) override;
  engine::JournalInfo Info() const override;

  void set_fsync(Fsync f) { fsync_.store(f, std::memory_order_relaxed); }
  Fsync fsync_policy() const { return fsync_.load(std::memory_order_relaxed); }
  static Fsync ParseFsync(std::string_view s);
  // Group commit: false when `lsn` is durable already (or nobody needs to wait: the
  // policy is not always); else true, and `fn` runs on the writer thread once it is.
  bool WhenDurable(uint64_t lsn, std::function<void()> fn);

  // BGREWRITEAOF: starts a rewrite unless one runs. Any thread but a shard thread may
  // wait for it; a shard thread must not (see Rewrite). False when one is in progress.
  bool StartRewrite() override;
  // Waits until no rewrite is in progress (tests, shutdown).
  void WaitRewrite();

 private:
  void WriterLoop();
  // Writes `data` to the incr file; exits the process on failure under always (as
  // Redis: an acknowledged write could be lost), else retries later. Holds file_mu_.
  bool WriteOut(const std::string& data);
  void NotifyDurable(uint64_t lsn);
  void Encode(int db, engine::ArgList args);  // holds mu_
  void Annotate(int64_t time_ms);              // holds mu_: the annotation, when it changed
  // The rewrite's steps: the parked part (dump + switch to a new incr file), then the
  // background part (base file, final manifest, old files removed).
  // Every shard parked: starts the new incr file and the base's snapshot (*scanned), or
  // dumps the base into *base when a BGSAVE's snapshot is running.
  std::string SwitchIncr(std::string* base, RewriteSnapshot* snapshot, bool* scanned);
  void FinishRewrite(std::string base);
  std::string OpenIncr(const std::string& name);  // holds file_mu_

  engine::Engine* engine_;
  AofPaths paths_;
  std::atomic<Fsync> fsync_{Fsync::kEverySec};

  mutable std::mutex mu_;  // guards the fields below up to durable_
  std::condition_variable cv_;
  std::string buf_;
  int last_db_ = -1;
  int64_t last_time_ = 0;  // of the last annotation in the current incr file; 0: none yet
  uint64_t appended_ = 0;  // LSN of the last append
  uint64_t durable_ = 0;
  bool stop_ = false;
  std::vector<std::pair<uint64_t, std::function<void()>>> waiters_;

  std::mutex file_mu_;  // the incr file: held while writing, fsyncing or switching it
  int fd_ = -1;
  AofManifest manifest_;  // under file_mu_
  std::thread writer_;

  std::atomic<bool> rewriting_{false};
  std::thread rewriter_;
  std::atomic<uint64_t> current_size_{0}, base_size_{0}, rewrites_{0}, delayed_fsync_{0};
  std::atomic<bool> last_write_ok_{true}, last_rewrite_ok_{true};
  std::atomic<int64_t> last_rewrite_sec_{-1};
};

}  // namespace shoal::server
