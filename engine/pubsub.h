// Pub/Sub: the engine-wide registry of subscriptions, and each session's inbox of pushes.
//
// Delivery across threads. A subscriber's connection lives on one shard thread, a
// publisher's on any other, so a message crosses threads in two steps:
//   1. PUBLISH runs on the publisher's home thread. It looks the channel up in the
//      registry and appends the encoded message to each subscriber's PushInbox, under
//      that inbox's mutex, before PUBLISH returns. The receiver count it replies is the
//      number of inboxes it appended to: the subscribers at publish time, as in Redis.
//   2. An inbox that goes from empty to non-empty calls its wake hook once; the server's
//      connection posts a drain task to its own thread, which moves the queued bytes into
//      its output buffer between two whole replies (never inside one) and writes them.
//      An embedded session (no connection) keeps the pushes until TakePushes.
// Order: one publisher's PUBLISH calls run one after the other on its thread and each has
// appended to every inbox before it returns, and an inbox is a FIFO, so every subscriber
// sees one publisher's messages in publish order. (Two publishers interleave arbitrarily,
// as two Redis clients do.)
//
// The registry: channel name -> subscribers, split into kStripes stripes by the channel's
// hash, each behind a reader-writer lock; patterns in one list behind its own lock (plus
// an atomic count, so a PUBLISH with no pattern subscriber anywhere takes no pattern
// lock). PUBLISH takes only reader locks, so publishers on different threads do not
// serialize on the registry; (un)subscribing takes one stripe's writer lock. Shard
// channels (SSUBSCRIBE / SPUBLISH) are a second, separate namespace: without cluster mode
// Redis keeps them apart from the global channels and gives them no patterns.
//
// Ownership: the registry holds shared_ptrs to inboxes, so a publisher may append to the
// inbox of a session that is going away; the session removes its subscriptions in its
// destructor and Detach()es the inbox's hooks first, so no hook runs after it is gone.
//
// Output limits (client-output-buffer-limit, class pubsub): an inbox checks, at every
// append, its queued bytes plus the bytes its connection has not yet been able to send
// (reported in `unsent`). Over the hard limit, or over the soft limit for longer than its
// seconds, the message is dropped, the inbox refuses everything after, and its kill hook
// closes the client (logged), as Redis's checkClientOutputBufferLimits. Memory per slow
// subscriber stays bounded by the limit plus one message.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace shoal::engine {

// One client class's limits from client-output-buffer-limit; 0 disables a limit.
struct OutputLimit {
  int64_t hard_bytes = 0;
  int64_t soft_bytes = 0;
  int64_t soft_seconds = 0;

  bool enabled() const { return hard_bytes > 0 || soft_bytes > 0; }
  // Redis's checkClientOutputBufferLimits: true when `used` bytes reach the hard limit, or
  // have been over the soft limit for longer than soft_seconds. *soft_since_ms is the
  // client's timer (0: under the soft limit), started and reset here.
  bool Exceeded(int64_t used, int64_t now_ms, int64_t* soft_since_ms) const;
};

// client-output-buffer-limit: "normal 0 0 0 replica 256mb 64mb 60 pubsub 32mb 8mb 60".
struct OutputLimits {
  OutputLimit normal, replica, pubsub;
};
// Parses Redis's syntax: class/hard/soft/seconds quadruples (any subset of the classes;
// "slave" is "replica"). Returns false on a bad class or number; *limits keeps the
// classes not named.
bool ParseOutputLimits(std::string_view text, OutputLimits* limits);
// As CONFIG GET shows it: "normal 0 0 0 slave 268435456 67108864 60 pubsub ...".
std::string FormatOutputLimits(const OutputLimits& limits);

class PushInbox {
 public:
  // The client's protocol, which decides how pushes are encoded; the session keeps it.
  std::atomic<int> resp{2};
  // Bytes the connection has taken but not yet sent (its socket is full); the connection
  // keeps it, the limit check reads it.
  std::atomic<size_t> unsent{0};

  // Any thread. Appends one whole push (`bytes`) unless that puts the client over `limit`
  // (null: no limit): then drops it and, the first time, calls the kill hook. Calls the
  // wake hook when the inbox was empty. False when dropped.
  bool Deliver(std::string_view bytes, const OutputLimit* limit, int64_t now_ms);
  // The owner's thread: appends the queued pushes to *out; returns how many bytes.
  size_t TakeInto(std::string* out);
  bool empty();
  // Hooks run on the delivering thread, under the inbox's lock: they must only post work
  // elsewhere (or flag), never call back into the inbox.
  void SetWake(std::function<void()> wake);
  void SetKill(std::function<void()> kill);
  // Clears both hooks (the session is going away).
  void Detach();

 private:
  std::mutex mu_;
  std::string queued_;
  bool wake_pending_ = false;  // woken, and not drained since
  bool killed_ = false;
  int64_t soft_since_ms_ = 0;  // when the soft limit was first passed; 0: under it
  std::function<void()> wake_;
  std::function<void()> kill_;
};

// A session's own subscriptions. Home thread only, except the counts, which CLIENT LIST
// reads from any thread.
struct Subscriptions {
  std::set<std::string> channels, patterns, shard_channels;
  std::atomic<int> channel_count{0}, pattern_count{0}, shard_count{0};
  void UpdateCounts() {
    channel_count.store(static_cast<int>(channels.size()), std::memory_order_relaxed);
    pattern_count.store(static_cast<int>(patterns.size()), std::memory_order_relaxed);
    shard_count.store(static_cast<int>(shard_channels.size()), std::memory_order_relaxed);
  }
  // Any subscription: the RESP2 subscriber mode, CLIENT LIST's `P` and type pubsub.
  bool any() const {
    return channel_count.load(std::memory_order_relaxed) +
               pattern_count.load(std::memory_order_relaxed) +
               shard_count.load(std::memory_order_relaxed) >
           0;
  }
};

// Global channels, or shard channels (SSUBSCRIBE, SPUBLISH, PUBSUB SHARD*).
enum class ChannelKind { kGlobal = 0, kShard = 1 };

// The registry. Thread-safe.
class Config;

class PubSub {
 public:
  // Reads the pubsub output limit from `config`, which outlives the registry.
  explicit PubSub(const Config* config);
  ~PubSub();

  // Adds / removes one subscriber of a channel or pattern (the session has checked that
  // it was not / was subscribed).
  void Subscribe(ChannelKind kind, std::string_view channel, std::shared_ptr<PushInbox> inbox);
  void Unsubscribe(ChannelKind kind, std::string_view channel, const PushInbox* inbox);
  void PSubscribe(std::string_view pattern, std::shared_ptr<PushInbox> inbox);
  void PUnsubscribe(std::string_view pattern, const PushInbox* inbox);

  // Delivers `message` to the channel's subscribers, then (global channels) to the
  // subscribers of every matching pattern; returns how many received it.
  int64_t Publish(ChannelKind kind, std::string_view channel, std::string_view message,
                  int64_t now_ms);

  // PUBSUB CHANNELS / SHARDCHANNELS: the channels with a subscriber, matching `pattern`
  // when given, in no particular order.
  std::vector<std::string> Channels(ChannelKind kind, std::optional<std::string_view> pattern);
  int64_t NumSub(ChannelKind kind, std::string_view channel);
  int64_t NumPat();  // distinct patterns with a subscriber
  int64_t ChannelCount(ChannelKind kind);

 private:
  static constexpr size_t kStripes = 32;
  using Subscribers = std::vector<std::shared_ptr<PushInbox>>;
  struct Stripe {
    std::shared_mutex mu;
    absl::flat_hash_map<std::string, Subscribers> channels;
  };
  Stripe& StripeOf(ChannelKind kind, std::string_view channel);

  const Config* config_;
  Stripe stripes_[2][kStripes];
  std::shared_mutex patterns_mu_;
  absl::flat_hash_map<std::string, Subscribers> patterns_;
  std::atomic<size_t> pattern_count_{0};
};

// A push as the subscriber's protocol spells it: RESP2 an array, RESP3 a push (`>`) of
// bulk strings.
std::string EncodePush(int resp, std::initializer_list<std::string_view> parts);

}  // namespace shoal::engine
