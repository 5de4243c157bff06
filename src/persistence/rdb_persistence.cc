#include "src/persistence/rdb_persistence.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <iostream>

#include "engine/errors.h"
#include "engine/session.h"
#include "engine/shard.h"
#include "engine/snapshot.h"
#include "protocol/strings.h"
#include "src/persistence/rdb_file.h"
#include "src/persistence/rdb_writer.h"

namespace shoal::persistence {
namespace {

constexpr int64_t kBgSaveRetryDelayS = 5;  // Redis's CONFIG_BGSAVE_RETRY_DELAY

int64_t NowMs(engine::Engine& engine) { return engine.clock().NowMs(); }

void Line(std::string* out, std::string_view name, std::string_view value) {
  out->append(name).append(":").append(value).append("\r\n");
}

}  // namespace

// One shard's part of a BGSAVE: an RdbWriter into a buffer that goes to a part file of
// its own when it grows past 1 MB. Used only on its shard's thread.
class ShardPart : public engine::SnapshotSink {
 public:
  ShardPart(BgSaveJob* job, std::string path) : job_(job), path_(std::move(path)) {}
  ~ShardPart() override {
    if (fd_ >= 0) close(fd_);
    unlink(path_.c_str());
  }
  bool Open() {
    fd_ = open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    return fd_ >= 0;
  }
  const std::string& path() const { return path_; }
  const std::string& error() const { return error_; }

  void Key(int db, const engine::KeyNode* node, const engine::KeyMeta* meta) override {
    if (db != db_) {
      writer_.SelectDb(db);
      db_ = db;
    }
    writer_.Key(node->key(), node, meta, db);
    if (buf_.size() >= (1 << 20)) Flush();
  }
  void Done() override;

 private:
  void Flush() {
    std::string_view data = buf_;
    while (!data.empty() && error_.empty()) {
      ssize_t n = write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) error_ = StrCat("Write error saving DB on disk: ", path_);
      else data.remove_prefix(static_cast<size_t>(n));
    }
    buf_.clear();
  }

  BgSaveJob* job_;
  std::string path_;
  int fd_ = -1;
  std::string buf_;
  RdbWriter writer_{&buf_};
  int db_ = -1;
  std::string error_;
};

// A running BGSAVE: the shards' parts and the finisher thread that joins them into the
// RDB file once every shard is Done.
class BgSaveJob {
 public:
  BgSaveJob(RdbPersistence* owner, engine::Engine* engine, std::string path)
      : owner_(owner), engine_(engine), path_(std::move(path)) {}
  ~BgSaveJob() {
    Cancel();
    if (finisher_.joinable()) finisher_.join();
  }

  // With every shard held: opens the part files and starts the snapshot on every shard.
  std::string Start(int64_t start_ms, uint64_t dirty) {
    start_ms_ = start_ms;
    dirty_ = dirty;
    size_t slash = path_.rfind('/');
    std::string dir = slash == std::string::npos ? "." : path_.substr(0, slash);
    for (unsigned s = 0; s < engine_->shard_count(); ++s) {
      parts_.push_back(std::make_unique<ShardPart>(
          this, StrCat(dir, "/temp-bgsave-", getpid(), "-shard", s, ".part")));
      if (!parts_.back()->Open()) return StrCat("Failed opening ", parts_.back()->path());
    }
    pending_ = engine_->shard_count();
    for (unsigned s = 0; s < engine_->shard_count(); ++s) {
      engine_->shard(s).BeginSnapshot(parts_[s].get(), start_ms);
    }
    finisher_ = std::thread([this] { Finish(); });
    return "";
  }

  // Shard thread: one more part is complete.
  void PartDone() {
    std::lock_guard<std::mutex> lock(mu_);
    if (--pending_ == 0) cv_.notify_all();
  }

  void Cancel() {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
    cv_.notify_all();
  }

 private:
  void Finish() {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return pending_ == 0 || cancelled_; });
      if (cancelled_ && pending_ != 0) return;
    }
    std::string error;
    for (auto& part : parts_) {
      if (error.empty()) error = part->error();
    }
    if (error.empty()) {
      RdbFileWriter file;
      error = file.Open(path_);
      if (error.empty()) {
        RdbWriter writer(file.buffer());
        writer.Header(start_ms_, 0);
        for (auto& part : parts_) {
          if (error.empty()) error = file.AppendFile(part->path());
        }
        writer.Eof();
        if (error.empty()) error = file.Commit();
      }
    }
    parts_.clear();  // removes the part files
    owner_->BgSaveDone(error, dirty_, start_ms_, NowMs(*engine_));
  }

  RdbPersistence* owner_;
  engine::Engine* engine_;
  std::string path_;
  int64_t start_ms_ = 0;
  uint64_t dirty_ = 0;
  std::vector<std::unique_ptr<ShardPart>> parts_;
  std::mutex mu_;
  std::condition_variable cv_;
  unsigned pending_ = 0;
  bool cancelled_ = false;
  std::thread finisher_;
};

void ShardPart::Done() {
  writer_.EndKeys();
  Flush();
  if (fd_ >= 0) {
    close(fd_);
    fd_ = -1;
  }
  job_->PartDone();
}

RdbPersistence::RdbPersistence() = default;

RdbPersistence::~RdbPersistence() {
  Stop();
  job_.reset();
}

uint64_t RdbPersistence::Dirty(engine::Engine& engine) {
  uint64_t dirty = 0;
  for (unsigned s = 0; s < engine.shard_count(); ++s) dirty += engine.shard(s).stats().dirty.Get();
  return dirty;
}

std::string RdbPersistence::LoadOnStart(engine::Engine& engine) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_save_s_ = engine.start_ms() / 1000;
  }
  bool missing = false;
  size_t loaded = 0;
  const std::string path = RdbPath(engine);
  std::string error = LoadAll(engine, path, NowMs(engine), &missing, &loaded);
  if (!error.empty()) return error;
  std::lock_guard<std::mutex> lock(mu_);
  dirty_at_save_ = Dirty(engine);
  last_load_keys_ = loaded;
  if (!missing) std::cerr << "DB loaded from disk: " << loaded << " keys from " << path << "\n";
  return "";
}

std::string RdbPersistence::Save(engine::Engine& engine) {
  if (bgsave_in_progress_.load()) return std::string(engine::errors::kBgSaveInProgress);
  const uint64_t dirty = Dirty(engine);
  const int64_t now = NowMs(engine);
  std::string error = SaveAll(engine, RdbPath(engine), now);
  if (!error.empty()) {
    std::cerr << "SAVE failed: " << error << "\n";
    return std::string(engine::errors::kSaveFailed);
  }
  std::lock_guard<std::mutex> lock(mu_);
  last_save_s_ = now / 1000;
  dirty_at_save_ = dirty;
  ++saves_;
  return "";
}

std::string RdbPersistence::BgSave(engine::Engine& engine) {
  std::lock_guard<std::mutex> lock(mu_);
  if (bgsave_in_progress_.load()) return std::string(engine::errors::kBgSaveInProgress);
  // An AOF rewrite's snapshot is running (one snapshot per shard at a time).
  if (engine.shard(0).snapshot_sink() != nullptr) {
    return std::string(engine::errors::kBgSaveWhileRewriting);
  }
  job_.reset();  // the last one's finisher is done (it cleared in_progress last)
  const int64_t now = NowMs(engine);
  last_bgsave_try_s_ = now / 1000;
  job_ = std::make_unique<BgSaveJob>(this, &engine, RdbPath(engine));
  bgsave_in_progress_.store(true);
  bgsave_start_ms_ = now;
  std::string error = job_->Start(now, Dirty(engine));
  if (!error.empty()) {
    // Nothing started on the shards: the part files could not be created.
    bgsave_in_progress_.store(false);
    last_bgsave_ok_ = false;
    std::cerr << "BGSAVE failed: " << error << "\n";
    return std::string(engine::errors::kSaveFailed);
  }
  std::cerr << "Background saving started\n";
  return "";
}

void RdbPersistence::BgSaveDone(const std::string& error, uint64_t dirty_at_start,
                                int64_t start_ms, int64_t end_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  last_bgsave_ok_ = error.empty();
  last_bgsave_time_s_ = (end_ms - start_ms) / 1000;
  if (error.empty()) {
    last_save_s_ = end_ms / 1000;
    dirty_at_save_ = dirty_at_start;
    ++saves_;
    std::cerr << "Background saving terminated with success\n";
  } else {
    std::cerr << "Background saving error: " << error << "\n";
  }
  bgsave_in_progress_.store(false);
  cv_.notify_all();
}

int64_t RdbPersistence::LastSave() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_save_s_;
}

std::string RdbPersistence::Reload(engine::Engine& engine) {
  std::string error = Save(engine);
  if (!error.empty()) return error;
  for (unsigned s = 0; s < engine.shard_count(); ++s) {
    for (int d = 0; d < engine.databases(); ++d) engine.shard(s).db(d).Clear();
  }
  bool missing = false;
  error = LoadAll(engine, RdbPath(engine), NowMs(engine), &missing);
  if (!error.empty() || missing) {
    std::cerr << "DEBUG RELOAD: " << (missing ? "the file is gone" : error) << "\n";
    return std::string(engine::errors::kReloadFailed);
  }
  std::lock_guard<std::mutex> lock(mu_);
  dirty_at_save_ = Dirty(engine);  // the reload's own writes are not changes
  return "";
}

void RdbPersistence::SetShutdownSave(ShutdownSave mode) {
  std::lock_guard<std::mutex> lock(mu_);
  shutdown_mode_ = mode;
}

std::string RdbPersistence::SaveOnShutdown(engine::Engine& engine) {
  ShutdownSave mode;
  {
    std::lock_guard<std::mutex> lock(mu_);
    mode = shutdown_mode_;
  }
  if (mode == ShutdownSave::kNoSave) return "";
  if (mode == ShutdownSave::kDefault) {
    std::vector<std::pair<int64_t, int64_t>> rules;
    std::string text = engine.config().GetString("save");
    if (!engine::Config::ParseSaveRules(text, &rules) || rules.empty()) return "";
  }
  std::cerr << "Saving the final RDB snapshot before exiting.\n";
  std::string error = SaveAll(engine, RdbPath(engine), NowMs(engine));
  if (error.empty()) std::cerr << "DB saved on disk\n";
  return error;
}

void RdbPersistence::InfoRdb(engine::Engine& engine, std::string* out) {
  const uint64_t dirty = Dirty(engine);
  std::lock_guard<std::mutex> lock(mu_);
  const bool running = bgsave_in_progress_.load();
  Line(out, "rdb_changes_since_last_save", StrCat(dirty >= dirty_at_save_ ? dirty - dirty_at_save_ : 0));
  Line(out, "rdb_bgsave_in_progress", running ? "1" : "0");
  Line(out, "rdb_last_save_time", StrCat(last_save_s_));
  Line(out, "rdb_last_bgsave_status", last_bgsave_ok_ ? "ok" : "err");
  Line(out, "rdb_last_bgsave_time_sec", StrCat(last_bgsave_time_s_));
  Line(out, "rdb_current_bgsave_time_sec",
       StrCat(running ? (NowMs(engine) - bgsave_start_ms_) / 1000 : -1));
  Line(out, "rdb_saves", StrCat(saves_));
  Line(out, "rdb_last_cow_size", "0");
  Line(out, "rdb_last_load_keys_expired", "0");
  Line(out, "rdb_last_load_keys_loaded", StrCat(last_load_keys_));
}

void RdbPersistence::Start(engine::Engine& engine) {
  cron_ = std::thread([this, &engine] { CronLoop(&engine); });
}

void RdbPersistence::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  if (cron_.joinable()) cron_.join();
  std::unique_lock<std::mutex> lock(mu_);
  if (job_ != nullptr && bgsave_in_progress_.load()) {
    // The shards may stop before they finish: give up the file (the shutdown save, when
    // asked for, writes it whole).
    job_->Cancel();
  }
}

// Redis's serverCron save-rule check, ten times a second: a rule (seconds, changes) fires
// when at least `changes` writes happened and `seconds` passed since the last save; after
// a failed BGSAVE, only once kBgSaveRetryDelayS have passed.
void RdbPersistence::CronLoop(engine::Engine* engine) {
  std::unique_ptr<engine::Session> session;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::milliseconds(100));
    if (stopping_ || bgsave_in_progress_.load()) continue;
    std::vector<std::pair<int64_t, int64_t>> rules;
    if (!engine::Config::ParseSaveRules(engine->config().GetString("save"), &rules)) continue;
    const int64_t now_s = NowMs(*engine) / 1000;
    const uint64_t dirty = Dirty(*engine) - dirty_at_save_;
    bool due = false;
    for (const auto& [seconds, changes] : rules) {
      if (dirty >= static_cast<uint64_t>(changes) && now_s - last_save_s_ >= seconds &&
          (last_bgsave_ok_ || now_s - last_bgsave_try_s_ > kBgSaveRetryDelayS)) {
        due = true;
      }
    }
    if (!due || dirty == 0) continue;
    lock.unlock();
    if (session == nullptr) session = engine->NewSession();
    session->Execute({"BGSAVE"});
    lock.lock();
  }
}

}  // namespace shoal::persistence
