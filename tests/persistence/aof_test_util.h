// Support for the AOF tests: a Journal that records what the engine appends.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "engine/journal.h"
#include "protocol/strings.h"

namespace shoal::engine {

// Records every append as "db: ARG ARG ..."; an atomic group of several as "MULTI", its
// records, "EXEC".
class FakeJournal : public Journal {
 public:
  uint64_t Append(int db, ArgList args, int64_t time_ms) override {
    std::lock_guard<std::mutex> lock(mu_);
    times_.push_back(time_ms);
    log_.push_back(Line(db, std::vector<std::string>(args.begin(), args.end())));
    return ++lsn_;
  }
  uint64_t AppendAtomic(absl::Span<const JournalRecord> records, int64_t time_ms) override {
    if (records.empty()) return 0;
    std::lock_guard<std::mutex> lock(mu_);
    times_.push_back(time_ms);
    if (records.size() > 1) log_.push_back("MULTI");
    for (const JournalRecord& r : records) log_.push_back(Line(r.db, r.args));
    if (records.size() > 1) log_.push_back("EXEC");
    return ++lsn_;
  }
  JournalInfo Info() const override { return {}; }
  bool StartRewrite() override { return true; }

  // What was appended since the last call.
  std::vector<std::string> Take() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::exchange(log_, {});
  }
  // The time of each append (one per Append or AppendAtomic) since the last call.
  std::vector<int64_t> TakeTimes() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::exchange(times_, {});
  }

 private:
  static std::string Line(int db, const std::vector<std::string>& args) {
    return StrCat(db, ": ", StrJoin(args, " "));
  }
  std::mutex mu_;
  std::vector<std::string> log_;
  std::vector<int64_t> times_;
  uint64_t lsn_ = 0;
};

}  // namespace shoal::engine
