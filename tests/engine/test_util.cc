#include "tests/engine/test_util.h"

namespace shoal::engine {

void EngineTest::SetUp() {
  EngineOptions options;
  options.shards = GetParam();
  options.clock = &clock_;
  engine_ = std::make_unique<Engine>(std::move(options));
  engine_->Start();
  session_ = engine_->NewSession();
}

void EngineTest::TearDown() {
  session_.reset();
  engine_->Stop();
  engine_.reset();
}

void EngineTest::AdvanceTime(int64_t ms) {
  clock_.Advance(ms);
  engine_->RunExpiry();
}

std::vector<std::string> StrArray(const Value& v) {
  std::vector<std::string> out;
  for (const Value& e : v.elems) out.push_back(e.str);
  return out;
}

}  // namespace shoal::engine
