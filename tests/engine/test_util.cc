#include "tests/engine/test_util.h"

#include <atomic>
#include <thread>

#include "engine/object.h"
#include "engine/shard.h"

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
  sessions_.clear();
  session_.reset();
  engine_->Stop();
  engine_.reset();
}

std::future<Value> EngineTest::Start(std::vector<std::string> args) {
  auto s = std::shared_ptr<Session>(engine_->NewSession().release());
  sessions_.push_back(s);
  return std::async(std::launch::async, [s, args] { return s->Execute(args); });
}

size_t EngineTest::Waiters() {
  std::atomic<size_t> n{0};
  engine_->RunOnEachShard([&](Shard& shard) { n += shard.blocking().waiter_count(); });
  return n;
}

void EngineTest::AwaitWaiters(size_t n) {
  for (int i = 0; i < 5000 && Waiters() < n; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_GE(Waiters(), n);
}

int EngineTest::CountTornReads(const std::vector<std::string>& keys,
                               const std::function<void()>& writes) {
  std::vector<std::string> mget = {"mget"};
  mget.insert(mget.end(), keys.begin(), keys.end());
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::thread reader([&] {
    auto s = NewSession();
    for (int i = 0; i < 2000 && !stop.load(); ++i) {
      std::vector<std::string> values = StrArray(s->Execute(mget));
      for (const std::string& v : values) {
        if (v != values[0]) ++torn;
      }
    }
  });
  writes();
  stop = true;
  reader.join();
  return torn.load();
}

void EngineTest::AdvanceTime(int64_t ms) {
  clock_.Advance(ms);
  engine_->RunExpiry();
}

namespace {
class TestObject : public Object {
 public:
  ObjType type() const override { return ObjType::kList; }
  std::string_view encoding() const override { return "listpack"; }
  size_t MemoryUsage() const override { return sizeof(*this); }
  std::unique_ptr<Object> Clone() const override { return std::make_unique<TestObject>(); }
};
}  // namespace

void EngineTest::AddTestObject(std::string_view key) {
  unsigned owner = engine_->ShardOf(key);
  engine_->RunOnEachShard([&](Shard& shard) {
    if (shard.index() == owner) shard.db(0).AddObject(key, std::make_unique<TestObject>());
  });
}

std::vector<std::string> StrArray(const Value& v) {
  std::vector<std::string> out;
  for (const Value& e : v.elems) out.push_back(e.str);
  return out;
}

std::vector<Value> ParseReplies(std::string_view bytes) {
  std::vector<Value> out;
  protocol::ReplyParser parser;
  while (!bytes.empty()) {
    Value v;
    size_t consumed = 0;
    if (parser.Parse(bytes, &consumed, &v) != protocol::ParseStatus::kOk) {
      ADD_FAILURE() << "unparsable replies: " << bytes;
      break;
    }
    out.push_back(std::move(v));
    bytes.remove_prefix(consumed);
  }
  return out;
}

}  // namespace shoal::engine
