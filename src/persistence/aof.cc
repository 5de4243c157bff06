#include "src/persistence/aof.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <future>
#include <iostream>
#include <memory>
#include <sstream>

#include "engine/transaction.h"
#include "protocol/strings.h"
#include "src/persistence/aof_rewrite.h"

namespace shoal::server {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kEverySec = std::chrono::seconds(1);

void AppendBulk(std::string* out, std::string_view s) {
  out->append(StrCat("$", s.size(), "\r\n"));
  out->append(s);
  out->append("\r\n");
}

int64_t UnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

uint64_t FileSize(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

}  // namespace

AofPaths AofPaths::FromConfig(engine::Config& config) {
  return AofPaths{config.GetString("dir") + "/" + config.GetString("appenddirname"),
                  config.GetString("appendfilename")};
}

void AppendResp(std::string* out, engine::ArgList args) {
  out->append(StrCat("*", args.size(), "\r\n"));
  for (std::string_view a : args) AppendBulk(out, a);
}

void AppendTimeAnnotation(std::string* out, int64_t time_ms) {
  out->append(kTimeAnnotation);
  out->append(StrCat(time_ms, "\r\n"));
}

Aof::Fsync Aof::ParseFsync(std::string_view s) {
  if (EqualsIgnoreCase(s, "always")) return Fsync::kAlways;
  if (EqualsIgnoreCase(s, "no")) return Fsync::kNo;
  return Fsync::kEverySec;
}

Aof::Aof(engine::Engine* engine, AofPaths paths) : engine_(engine), paths_(std::move(paths)) {
  fsync_.store(ParseFsync(engine_->config().GetString("appendfsync")));
}

Aof::~Aof() { Close(); }

// --- Appends (shard threads) --------------------------------------------------------------

void Aof::Encode(int db, engine::ArgList args) {
  if (db != last_db_) {
    std::string n = StrCat(db);
    std::string_view select[] = {"SELECT", n};
    AppendResp(&buf_, engine::ArgList(select, 2));
    last_db_ = db;
  }
  AppendResp(&buf_, args);
}

void Aof::Annotate(int64_t time_ms) {
  if (time_ms == last_time_ || time_ms <= 0) return;
  AppendTimeAnnotation(&buf_, time_ms);
  last_time_ = time_ms;
}

uint64_t Aof::Append(int db, engine::ArgList args, int64_t time_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  const bool wake = buf_.empty();
  Annotate(time_ms);
  Encode(db, args);
  if (wake) cv_.notify_one();
  return ++appended_;
}

uint64_t Aof::AppendAtomic(absl::Span<const engine::JournalRecord> records, int64_t time_ms) {
  if (records.empty()) return 0;
  std::vector<std::vector<std::string_view>> views;
  for (const engine::JournalRecord& r : records) views.emplace_back(r.args.begin(), r.args.end());
  auto list = [](const std::vector<std::string_view>& v) {
    return engine::ArgList(v.data(), v.size());
  };
  std::lock_guard<std::mutex> lock(mu_);
  const bool wake = buf_.empty();
  Annotate(time_ms);
  if (records.size() == 1) {
    Encode(records[0].db, list(views[0]));
  } else {
    // MULTI and EXEC carry no database; SELECT may come between them, as in Redis.
    std::string_view multi[] = {"MULTI"}, exec[] = {"EXEC"};
    AppendResp(&buf_, engine::ArgList(multi, 1));
    for (size_t i = 0; i < records.size(); ++i) Encode(records[i].db, list(views[i]));
    AppendResp(&buf_, engine::ArgList(exec, 1));
  }
  if (wake) cv_.notify_one();
  return ++appended_;
}

bool Aof::WhenDurable(uint64_t lsn, std::function<void()> fn) {
  if (fsync_policy() != Fsync::kAlways) return false;
  std::lock_guard<std::mutex> lock(mu_);
  if (lsn <= durable_ || stop_) return false;
  waiters_.emplace_back(lsn, std::move(fn));
  return true;
}

void Aof::NotifyDurable(uint64_t lsn) {
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (lsn > durable_) durable_ = lsn;
    auto keep = waiters_.begin();
    for (auto& w : waiters_) {
      if (w.first <= durable_) {
        ready.push_back(std::move(w.second));
      } else {
        *keep++ = std::move(w);
      }
    }
    waiters_.erase(keep, waiters_.end());
  }
  for (auto& fn : ready) fn();
}

engine::JournalInfo Aof::Info() const {
  engine::JournalInfo info;
  info.rewrite_in_progress = rewriting_.load();
  info.last_write_ok = last_write_ok_.load();
  info.last_rewrite_ok = last_rewrite_ok_.load();
  info.last_rewrite_time_sec = last_rewrite_sec_.load();
  info.current_size = current_size_.load();
  info.base_size = base_size_.load();
  info.rewrites = rewrites_.load();
  info.delayed_fsync = delayed_fsync_.load();
  std::lock_guard<std::mutex> lock(mu_);
  info.buffer_length = buf_.size();
  return info;
}

// --- Files --------------------------------------------------------------------------------

std::string Aof::OpenIncr(const std::string& name) {
  std::string path = paths_.file(name);
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return StrCat("Can't open the append-only file ", path, ": ", std::strerror(errno));
  if (fd_ >= 0) close(fd_);
  fd_ = fd;
  return "";
}

std::string Aof::Open(bool rewrite) {
  if (mkdir(paths_.dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return StrCat("Can't create the append-only directory ", paths_.dir, ": ", std::strerror(errno));
  }
  std::ifstream in(paths_.manifest(), std::ios::binary);
  if (in) {
    std::stringstream text;
    text << in.rdbuf();
    std::string error;
    if (!AofManifest::Parse(text.str(), &manifest_, &error)) return error;
  }
  writer_ = std::thread([this] { WriterLoop(); });
  std::vector<const AofManifest::File*> incrs = manifest_.incrs();
  if (rewrite || incrs.empty()) {  // a base of what the engine holds
    StartRewrite();  // installs this journal while every shard is parked
    WaitRewrite();
    return last_rewrite_ok_ ? "" : "Can't create the append-only files: see the log";
  }
  uint64_t size = 0;
  for (const AofManifest::File& f : manifest_.files) {
    if (f.type != 'h') size += FileSize(paths_.file(f.name));
  }
  current_size_ = size;
  if (const AofManifest::File* base = manifest_.base()) base_size_ = FileSize(paths_.file(base->name));
  std::lock_guard<std::mutex> lock(file_mu_);
  std::string error = OpenIncr(incrs.back()->name);
  if (error.empty()) engine_->set_journal(this);
  return error;
}

void Aof::Close() {
  WaitRewrite();
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  std::lock_guard<std::mutex> lock(file_mu_);
  if (fd_ >= 0) {
    fsync(fd_);
    close(fd_);
    fd_ = -1;
  }
}

bool Aof::WriteOut(const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = fd_ >= 0 ? write(fd_, data.data() + done, data.size() - done) : -1;
    if (n < 0 && errno == EINTR) continue;
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    std::cerr << "Error writing to the AOF file: " << std::strerror(errno) << "\n";
    last_write_ok_ = false;
    if (fsync_policy() == Fsync::kAlways) {
      std::cerr << "Can't recover from AOF write error when the AOF fsync policy is 'always'. "
                   "Exiting...\n";
      _exit(1);
    }
    if (done > 0 && ftruncate(fd_, lseek(fd_, 0, SEEK_END) - static_cast<off_t>(done)) != 0) {
      std::cerr << "Could not remove the partial AOF write: the next replay may see it torn\n";
    }
    return false;
  }
  current_size_ += data.size();
  last_write_ok_ = true;
  return true;
}

void Aof::WriterLoop() {
  std::string batch;
  Clock::time_point last_fsync = Clock::now();
  bool unsynced = false;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(100), [&] { return stop_ || !buf_.empty(); });
      if (stop_ && buf_.empty()) break;
    }
    // file_mu_ before taking the buffer: a rewrite's switch of incr file (which holds it)
    // then sees every earlier append either written here or still in buf_.
    std::lock_guard<std::mutex> file_lock(file_mu_);
    uint64_t upto;
    {
      std::lock_guard<std::mutex> lock(mu_);
      batch.swap(buf_);
      upto = appended_;
    }
    if (!batch.empty()) {
      if (!WriteOut(batch)) {
        {
          std::lock_guard<std::mutex> lock(mu_);  // keep it, in order, for the next try
          buf_.insert(0, batch);
        }
        batch.clear();
        std::this_thread::sleep_for(std::chrono::seconds(1));
        continue;
      }
      batch.clear();
      unsynced = true;
    }
    const Fsync policy = fsync_policy();
    if (policy == Fsync::kAlways) {
      if (unsynced) fdatasync(fd_);
      unsynced = false;
      last_fsync = Clock::now();
    } else if (policy == Fsync::kEverySec && unsynced && Clock::now() - last_fsync >= kEverySec) {
      fdatasync(fd_);
      unsynced = false;
      last_fsync = Clock::now();
    }
    NotifyDurable(upto);  // under everysec and no nobody waits: this only drains the list
  }
  std::lock_guard<std::mutex> file_lock(file_mu_);
  if (fd_ >= 0) fdatasync(fd_);
  NotifyDurable(appended_);
}

// --- Rewrite ------------------------------------------------------------------------------

bool Aof::StartRewrite() {
  bool expected = false;
  if (!rewriting_.compare_exchange_strong(expected, true)) return false;
  if (rewriter_.joinable()) rewriter_.join();  // the previous one, finished
  rewriter_ = std::thread([this] {
    std::string base, error;
    std::vector<unsigned> all;
    for (unsigned i = 0; i < engine_->shard_count(); ++i) all.push_back(i);
    std::promise<void> done;
    RewriteSnapshot snapshot(engine_);
    bool scanned = false;
    engine_->shard(0).executor().Post([&] {
      auto tx = std::make_shared<engine::Transaction>(engine_, 0, all);
      tx->Start([&] { error = SwitchIncr(&base, &snapshot, &scanned); },
                [&] { done.set_value(); });
    });
    done.get_future().wait();
    // The shards run again; each writes its keys as of the switch between commands.
    if (scanned) base = snapshot.Wait();
    if (error.empty()) {
      FinishRewrite(std::move(base));
    } else {
      std::cerr << "Background AOF rewrite failed: " << error << "\n";
      last_rewrite_ok_ = false;
    }
    rewriting_ = false;
  });
  return true;
}

void Aof::WaitRewrite() {
  while (rewriting_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (rewriter_.joinable()) rewriter_.join();
}

std::string Aof::SwitchIncr(std::string* base, RewriteSnapshot* snapshot, bool* scanned) {
  // The base is the dataset at this instant: a snapshot that the shards write once they
  // run again, or, while a BGSAVE's snapshot runs, a dump made now with every shard held.
  *scanned = snapshot->Start(engine_->clock().NowMs());
  if (!*scanned) DumpDataset(*engine_, base);
  std::lock_guard<std::mutex> file_lock(file_mu_);
  std::string pending;
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending.swap(buf_);
  }
  if (!pending.empty() && (fd_ < 0 || !WriteOut(pending))) {
    std::lock_guard<std::mutex> lock(mu_);
    buf_.insert(0, pending);
    return "can't write the old incr file";
  }
  if (fd_ >= 0) fdatasync(fd_);
  int64_t seq = 1;
  for (const AofManifest::File& f : manifest_.files) seq = std::max(seq, f.seq + 1);
  AofManifest next = manifest_;
  next.files.push_back({AofFileName(paths_.prefix, seq, 'i'), seq, 'i'});
  std::string error = OpenIncr(next.files.back().name);
  if (!error.empty()) return error;
  error = WriteFileAtomically(paths_.manifest(), next.Serialize());
  if (!error.empty()) return error;
  manifest_ = std::move(next);
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_db_ = -1;  // the new file starts with a SELECT and a time annotation
    last_time_ = 0;
  }
  // The first rewrite starts the journal (a no-op later): every write from here on is
  // appended, and none before is, since the dump above holds it.
  engine_->set_journal(this);
  return "";
}

void Aof::FinishRewrite(std::string base) {
  std::vector<std::string> old;
  {
    std::lock_guard<std::mutex> file_lock(file_mu_);
    const AofManifest::File incr = manifest_.files.back();
    AofManifest next;
    next.files.push_back({AofFileName(paths_.prefix, incr.seq, 'b'), incr.seq, 'b'});
    next.files.push_back(incr);
    std::string error = WriteFileAtomically(paths_.file(next.files[0].name), base);
    if (error.empty()) error = WriteFileAtomically(paths_.manifest(), next.Serialize());
    if (!error.empty()) {
      std::cerr << "Background AOF rewrite failed: " << error << "\n";
      last_rewrite_ok_ = false;
      return;
    }
    for (const AofManifest::File& f : manifest_.files) {
      if (f.name != incr.name) old.push_back(f.name);
    }
    manifest_ = std::move(next);
    base_size_ = base.size();
    current_size_ = base.size() + FileSize(paths_.file(incr.name));
  }
  for (const std::string& name : old) unlink(paths_.file(name).c_str());
  last_rewrite_ok_ = true;
  last_rewrite_sec_ = UnixSeconds();
  ++rewrites_;
  std::cerr << "Background AOF rewrite finished successfully\n";
}

}  // namespace shoal::server
