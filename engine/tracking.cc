#include "engine/tracking.h"

#include <mutex>

#include "engine/engine.h"
#include "engine/session.h"
#include "protocol/reply_writer.h"
#include "protocol/strings.h"

namespace shoal::engine {
namespace {

thread_local uint64_t current_client_id = 0;
// BCAST invalidations sent during the running command, so that a command that writes a key
// twice (created, then filled) invalidates it once.
thread_local std::vector<std::pair<uint64_t, std::string>> bcast_sent;

constexpr std::string_view kInvalidateChannel = "__redis__:invalidate";

// The invalidation as `resp` spells it: a push in RESP3, a pub/sub message in RESP2.
std::string EncodeInvalidation(int resp, const std::string_view* key) {
  std::string out;
  protocol::ReplyWriter w(&out, resp);
  if (resp >= 3) {
    w.Push(2);
    w.Bulk("invalidate");
  } else {
    w.Push(3);
    w.Bulk("message");
    w.Bulk(kInvalidateChannel);
  }
  if (key == nullptr) {
    w.Null();
  } else {
    w.Array(1);
    w.Bulk(*key);
  }
  return out;
}

}  // namespace

void TrackingTable::Remember(std::string_view key, uint64_t client) {
  keys_[AsAbsl(key)].insert(client);
}

std::vector<uint64_t> TrackingTable::Take(std::string_view key) {
  auto it = keys_.find(AsAbsl(key));
  if (it == keys_.end()) return {};
  std::vector<uint64_t> clients(it->second.begin(), it->second.end());
  keys_.erase(it);
  return clients;
}

uint64_t Tracking::current_client() { return current_client_id; }
void Tracking::set_current_client(uint64_t id) {
  current_client_id = id;
  if (!bcast_sent.empty()) bcast_sent.clear();
}

void Tracking::Enable(uint64_t client, bool bcast, const std::vector<std::string>& prefixes) {
  clients_.fetch_add(1, std::memory_order_relaxed);
  if (!bcast) return;
  std::unique_lock lock(prefixes_mu_);
  std::vector<std::string> mine = prefixes;
  if (mine.empty()) mine.emplace_back();  // BCAST without PREFIX: every key
  for (const std::string& p : mine) {
    auto it = std::find_if(prefixes_.begin(), prefixes_.end(),
                           [&](const auto& e) { return e.first == p; });
    if (it == prefixes_.end()) it = prefixes_.insert(prefixes_.end(), {p, {}});
    it->second.insert(client);
  }
  prefix_count_.store(prefixes_.size(), std::memory_order_relaxed);
}

void Tracking::Disable(uint64_t client, bool bcast, const std::vector<std::string>& prefixes) {
  clients_.fetch_sub(1, std::memory_order_relaxed);
  if (!bcast) return;
  std::unique_lock lock(prefixes_mu_);
  for (auto& [prefix, clients] : prefixes_) {
    if (prefixes.empty() ? prefix.empty()
                         : std::find(prefixes.begin(), prefixes.end(), prefix) != prefixes.end()) {
      clients.erase(client);
    }
  }
  std::erase_if(prefixes_, [](const auto& e) { return e.second.empty(); });
  prefix_count_.store(prefixes_.size(), std::memory_order_relaxed);
}

void Tracking::OnWrite(TrackingTable& table, std::string_view key) {
  if (!active()) return;
  if (!table.empty()) {
    for (uint64_t client : table.Take(key)) Send(client, &key);
  }
  if (prefix_count_.load(std::memory_order_relaxed) == 0) return;
  std::vector<uint64_t> matched;
  {
    std::shared_lock lock(prefixes_mu_);
    for (const auto& [prefix, clients] : prefixes_) {
      if (key.substr(0, prefix.size()) == prefix) matched.insert(matched.end(), clients.begin(), clients.end());
    }
  }
  for (uint64_t client : matched) {
    auto sent = std::make_pair(client, std::string(key));
    if (std::find(bcast_sent.begin(), bcast_sent.end(), sent) != bcast_sent.end()) continue;
    bcast_sent.push_back(std::move(sent));
    Send(client, &key);
  }
}

void Tracking::OnFlush() {
  for (unsigned i = 0; i < engine_->shard_count(); ++i) engine_->shard(i).tracking().Clear();
  if (!active()) return;
  std::vector<uint64_t> clients;
  engine_->ForEachSession([&](Session* s) {
    if (s->tracking().on.load(std::memory_order_relaxed)) clients.push_back(s->id());
  });
  for (uint64_t client : clients) Send(client, nullptr);
}

void Tracking::Send(uint64_t client, const std::string_view* key) {
  const int64_t now = engine_->clock().NowMs();
  engine_->WithSessions([&](auto find) {
    Session* c = find(client);
    if (c == nullptr) return;
    TrackingState& t = c->tracking();
    if (!t.on.load(std::memory_order_relaxed)) return;
    if (t.noloop.load(std::memory_order_relaxed) && client == current_client_id) return;
    Session* target = c;
    const uint64_t redirect = t.redirect.load(std::memory_order_relaxed);
    if (redirect != 0) {
      target = find(redirect);
      if (target == nullptr) {
        // Redis tells a RESP3 client once that its redirect target is gone.
        if (c->resp() >= 3 && !t.redirect_broken.exchange(true)) {
          std::string bytes;
          protocol::ReplyWriter w(&bytes, 3);
          w.Push(2);
          w.Bulk("tracking-redir-broken");
          w.Integer(static_cast<int64_t>(redirect));
          c->inbox()->Deliver(bytes, nullptr, now);
        }
        return;
      }
    }
    const int resp = target->resp();
    if (resp < 3 && !target->subscribed()) return;  // nowhere to send it in RESP2
    target->inbox()->Deliver(EncodeInvalidation(resp, key), nullptr, now);
  });
}

}  // namespace shoal::engine
