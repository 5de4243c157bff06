// RdbPersistence: the server's engine::Persistence for RDB snapshots: SAVE, BGSAVE (a
// point-in-time snapshot the shards write between commands, engine/snapshot.h), LASTSAVE,
// DEBUG RELOAD, the save on shutdown, the `save <seconds> <changes>` rules and INFO's
// rdb_* fields.
//
// Changes since the last save are counted as Redis's `dirty`: the sum of the shards'
// dirty counters (every write adds one) minus its value when the last successful save
// started.
//
// Threads: Save, BgSave and Reload run on a thread that holds every shard. A BGSAVE's
// shard parts are written by the shard threads; a finisher thread joins them into the
// file. The rules are checked by a cron thread (Start) that runs BGSAVE through a
// session of its own, as a client would. Everything else is guarded by mu_.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/engine.h"
#include "engine/persistence.h"

namespace shoal::persistence {

class BgSaveJob;

class RdbPersistence : public engine::Persistence {
 public:
  RdbPersistence();
  ~RdbPersistence() override;

  // Loads the RDB file into an engine whose shard threads are not running yet (server
  // start). A missing file is not an error. "" or an error message.
  std::string LoadOnStart(engine::Engine& engine);
  // Starts the cron thread that applies the save rules; Stop ends it (and waits for a
  // running BGSAVE). Call Stop before the engine's threads stop.
  void Start(engine::Engine& engine);
  void Stop();
  // After the shard threads have stopped: saves if SHUTDOWN (or the save rules) ask for
  // it. Returns "" or the error, which the server logs.
  std::string SaveOnShutdown(engine::Engine& engine);

  std::string Save(engine::Engine& engine) override;
  std::string BgSave(engine::Engine& engine) override;
  int64_t LastSave() const override;
  std::string Reload(engine::Engine& engine) override;
  void SetShutdownSave(ShutdownSave mode) override;
  void InfoRdb(engine::Engine& engine, std::string* out) override;

 private:
  friend class BgSaveJob;
  static uint64_t Dirty(engine::Engine& engine);
  // Called by the BGSAVE finisher thread when the file is done (or failed).
  void BgSaveDone(const std::string& error, uint64_t dirty_at_start, int64_t start_ms,
                  int64_t end_ms);
  void CronLoop(engine::Engine* engine);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  int64_t last_save_s_ = 0;       // LASTSAVE
  uint64_t dirty_at_save_ = 0;    // Dirty() when the last successful save started
  bool last_bgsave_ok_ = true;
  int64_t last_bgsave_try_s_ = 0;
  int64_t last_bgsave_time_s_ = -1;
  int64_t bgsave_start_ms_ = 0;
  uint64_t saves_ = 0;
  size_t last_load_keys_ = 0;
  std::unique_ptr<BgSaveJob> job_;  // the running (or finished, not yet joined) BGSAVE
  std::atomic<bool> bgsave_in_progress_{false};
  ShutdownSave shutdown_mode_ = ShutdownSave::kDefault;
  bool stopping_ = false;
  std::thread cron_;
};

}  // namespace shoal::persistence
