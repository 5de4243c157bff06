#include "engine/pubsub.h"

#include <algorithm>

#include "engine/config.h"
#include "engine/glob.h"
#include "protocol/reply_writer.h"
#include "protocol/strings.h"
#include "xxhash.h"

namespace shoal::engine {

// --- client-output-buffer-limit ------------------------------------------------------------

bool ParseOutputLimits(std::string_view text, OutputLimits* limits) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    size_t start = i;
    while (i < text.size() && text[i] != ' ') ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  if (words.size() % 4 != 0) return false;
  OutputLimits parsed = *limits;
  for (size_t i = 0; i < words.size(); i += 4) {
    OutputLimit* target;
    std::string cls = ToLower(words[i]);
    if (cls == "normal") {
      target = &parsed.normal;
    } else if (cls == "replica" || cls == "slave") {
      target = &parsed.replica;
    } else if (cls == "pubsub") {
      target = &parsed.pubsub;
    } else {
      return false;
    }
    std::optional<int64_t> hard = Config::ParseMemory(words[i + 1]);
    std::optional<int64_t> soft = Config::ParseMemory(words[i + 2]);
    int64_t seconds;
    if (!hard || !soft || !SimpleAtoi(words[i + 3], &seconds) || seconds < 0) return false;
    *target = OutputLimit{*hard, *soft, seconds};
  }
  *limits = parsed;
  return true;
}

bool OutputLimit::Exceeded(int64_t used, int64_t now_ms, int64_t* soft_since_ms) const {
  if (hard_bytes > 0 && used >= hard_bytes) return true;
  if (soft_bytes <= 0 || used < soft_bytes) {
    *soft_since_ms = 0;
    return false;
  }
  if (*soft_since_ms == 0) {
    *soft_since_ms = now_ms;
    return false;
  }
  return now_ms - *soft_since_ms > soft_seconds * 1000;
}

std::string FormatOutputLimits(const OutputLimits& limits) {
  auto one = [](std::string_view name, const OutputLimit& l) {
    return StrCat(name, " ", l.hard_bytes, " ", l.soft_bytes, " ", l.soft_seconds);
  };
  return StrCat(one("normal", limits.normal), " ", one("slave", limits.replica), " ",
                one("pubsub", limits.pubsub));
}

std::string EncodePush(int resp, std::initializer_list<std::string_view> parts) {
  std::string out;
  protocol::ReplyWriter w(&out, resp);
  w.Push(parts.size());
  for (std::string_view p : parts) w.Bulk(p);
  return out;
}

// --- PushInbox -------------------------------------------------------------------------------

bool PushInbox::Deliver(std::string_view bytes, const OutputLimit* limit, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (killed_) return false;
  if (limit != nullptr && limit->enabled()) {
    const int64_t used = static_cast<int64_t>(queued_.size() + bytes.size() +
                                              unsent.load(std::memory_order_relaxed));
    if (limit->Exceeded(used, now_ms, &soft_since_ms_)) {
      killed_ = true;
      queued_.clear();
      queued_.shrink_to_fit();
      if (kill_) kill_();
      return false;
    }
  }
  queued_.append(bytes);
  if (!wake_pending_ && wake_) {
    wake_pending_ = true;
    wake_();
  }
  return true;
}

size_t PushInbox::TakeInto(std::string* out) {
  std::lock_guard<std::mutex> lock(mu_);
  wake_pending_ = false;
  size_t n = queued_.size();
  if (n == 0) return 0;
  out->append(queued_);
  queued_.clear();
  if (queued_.capacity() > (64 << 10)) queued_.shrink_to_fit();
  return n;
}

bool PushInbox::empty() {
  std::lock_guard<std::mutex> lock(mu_);
  return queued_.empty();
}

void PushInbox::SetWake(std::function<void()> wake) {
  std::lock_guard<std::mutex> lock(mu_);
  wake_ = std::move(wake);
  wake_pending_ = false;
  if (!queued_.empty() && wake_) {
    wake_pending_ = true;
    wake_();
  }
}

void PushInbox::SetKill(std::function<void()> kill) {
  std::lock_guard<std::mutex> lock(mu_);
  kill_ = std::move(kill);
}

void PushInbox::Detach() {
  std::lock_guard<std::mutex> lock(mu_);
  wake_ = nullptr;
  kill_ = nullptr;
  killed_ = true;  // nothing more is queued for a session that is gone
  queued_.clear();
}

// --- PubSub ----------------------------------------------------------------------------------

PubSub::PubSub(const Config* config) : config_(config) {}
PubSub::~PubSub() = default;

PubSub::Stripe& PubSub::StripeOf(ChannelKind kind, std::string_view channel) {
  size_t h = XXH3_64bits(channel.data(), channel.size()) % kStripes;
  return stripes_[static_cast<int>(kind)][h];
}

namespace {

void Remove(absl::flat_hash_map<std::string, std::vector<std::shared_ptr<PushInbox>>>& map,
            std::string_view name, const PushInbox* inbox) {
  auto it = map.find(AsAbsl(name));
  if (it == map.end()) return;
  auto& subs = it->second;
  subs.erase(std::remove_if(subs.begin(), subs.end(),
                            [inbox](const auto& p) { return p.get() == inbox; }),
             subs.end());
  if (subs.empty()) map.erase(it);
}

}  // namespace

void PubSub::Subscribe(ChannelKind kind, std::string_view channel,
                       std::shared_ptr<PushInbox> inbox) {
  Stripe& s = StripeOf(kind, channel);
  std::unique_lock lock(s.mu);
  s.channels[AsAbsl(channel)].push_back(std::move(inbox));
}

void PubSub::Unsubscribe(ChannelKind kind, std::string_view channel, const PushInbox* inbox) {
  Stripe& s = StripeOf(kind, channel);
  std::unique_lock lock(s.mu);
  Remove(s.channels, channel, inbox);
}

void PubSub::PSubscribe(std::string_view pattern, std::shared_ptr<PushInbox> inbox) {
  std::unique_lock lock(patterns_mu_);
  patterns_[AsAbsl(pattern)].push_back(std::move(inbox));
  pattern_count_.store(patterns_.size(), std::memory_order_relaxed);
}

void PubSub::PUnsubscribe(std::string_view pattern, const PushInbox* inbox) {
  std::unique_lock lock(patterns_mu_);
  Remove(patterns_, pattern, inbox);
  pattern_count_.store(patterns_.size(), std::memory_order_relaxed);
}

int64_t PubSub::Publish(ChannelKind kind, std::string_view channel, std::string_view message,
                        int64_t now_ms) {
  const OutputLimit limit = config_->GetPubSubLimit();
  int64_t receivers = 0;
  {
    const std::string_view type = kind == ChannelKind::kShard ? "smessage" : "message";
    std::string encoded[2];  // per protocol, on first need
    Stripe& s = StripeOf(kind, channel);
    std::shared_lock lock(s.mu);
    auto it = s.channels.find(AsAbsl(channel));
    if (it != s.channels.end()) {
      for (const auto& inbox : it->second) {
        int resp = inbox->resp.load(std::memory_order_relaxed);
        std::string& b = encoded[resp >= 3 ? 1 : 0];
        if (b.empty()) b = EncodePush(resp, {type, channel, message});
        inbox->Deliver(b, &limit, now_ms);
        ++receivers;
      }
    }
  }
  if (kind == ChannelKind::kShard || pattern_count_.load(std::memory_order_relaxed) == 0) {
    return receivers;
  }
  std::shared_lock lock(patterns_mu_);
  for (const auto& [pattern, subs] : patterns_) {
    if (!GlobMatch(pattern, channel)) continue;
    // Encoded per pattern: the pattern is part of the message.
    std::string encoded[2];
    for (const auto& inbox : subs) {
      int resp = inbox->resp.load(std::memory_order_relaxed);
      std::string& b = encoded[resp >= 3 ? 1 : 0];
      if (b.empty()) b = EncodePush(resp, {"pmessage", pattern, channel, message});
      inbox->Deliver(b, &limit, now_ms);
      ++receivers;
    }
  }
  return receivers;
}

std::vector<std::string> PubSub::Channels(ChannelKind kind,
                                          std::optional<std::string_view> pattern) {
  std::vector<std::string> out;
  for (Stripe& s : stripes_[static_cast<int>(kind)]) {
    std::shared_lock lock(s.mu);
    for (const auto& [name, subs] : s.channels) {
      if (!pattern || GlobMatch(*pattern, name)) out.push_back(name);
    }
  }
  return out;
}

int64_t PubSub::NumSub(ChannelKind kind, std::string_view channel) {
  Stripe& s = StripeOf(kind, channel);
  std::shared_lock lock(s.mu);
  auto it = s.channels.find(AsAbsl(channel));
  return it == s.channels.end() ? 0 : static_cast<int64_t>(it->second.size());
}

int64_t PubSub::NumPat() { return static_cast<int64_t>(pattern_count_.load()); }

int64_t PubSub::ChannelCount(ChannelKind kind) {
  int64_t n = 0;
  for (Stripe& s : stripes_[static_cast<int>(kind)]) {
    std::shared_lock lock(s.mu);
    n += static_cast<int64_t>(s.channels.size());
  }
  return n;
}

}  // namespace shoal::engine
