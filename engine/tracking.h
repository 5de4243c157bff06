// Client-side caching (Redis's tracking.c): CLIENT TRACKING and its invalidation messages.
//
// Default mode: every shard keeps a TrackingTable, key -> ids of the clients that read it
// with a read-only command while tracking. The table belongs to the key's shard thread,
// like the key: Session::ExecuteHere records a command's keys on the thread that ran it,
// which may touch them. A write to a key (Db::NotifyWrite, so also deletion, expiry and
// eviction) takes the key's entry out of the table and sends each of its clients one
// invalidation: the client is then forgotten for that key until it reads it again, as in
// Redis. Keys are tracked by name, whatever the database, as Redis does.
//
// BCAST mode: clients register prefixes (the empty prefix matches every key) in the
// engine-wide Tracking object, behind a reader-writer lock; every write checks them. A key
// written several times by one command is invalidated once (Redis batches BCAST
// invalidations per event-loop turn into one message; Shoal sends one message per key).
//
// Sending: the tracking client, or the client it REDIRECTs to, gets the invalidation in its
// PushInbox (pubsub.h): a RESP3 push ["invalidate", [key]], or, for a RESP2 client in
// subscriber mode (subscribed to __redis__:invalidate), the message
// ["message", "__redis__:invalidate", [key]]. FLUSHDB and FLUSHALL send a null instead of
// the key array to every tracking client. A REDIRECT target that has gone away gets the
// tracking client (RESP3) one ["tracking-redir-broken", id] push. NOLOOP skips the client
// whose own command made the write. Clients are found by id under the engine's session
// lock, so a client that went away is skipped.
//
// Cost when nobody tracks: one atomic load per write.
#pragma once

#include <atomic>
#include <cstdint>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace shoal::engine {

class Engine;
class Session;

// A session's CLIENT TRACKING settings. The home thread writes them; the atomics are read
// by the threads that send invalidations.
struct TrackingState {
  std::atomic<bool> on{false};
  std::atomic<bool> noloop{false};
  std::atomic<bool> bcast{false};
  std::atomic<uint64_t> redirect{0};  // 0: none
  std::atomic<bool> redirect_broken{false};
  bool optin = false, optout = false;
  // CLIENT CACHING for the next command: 1 yes, -1 no, 0 not given.
  int caching = 0;
  std::vector<std::string> prefixes;  // BCAST
};

// One shard's remembered keys. Shard thread only.
class TrackingTable {
 public:
  void Remember(std::string_view key, uint64_t client);
  // The clients that read `key` since its last invalidation; forgets them.
  std::vector<uint64_t> Take(std::string_view key);
  bool empty() const { return keys_.empty(); }
  void Clear() { keys_.clear(); }
  size_t size() const { return keys_.size(); }

 private:
  absl::flat_hash_map<std::string, absl::flat_hash_set<uint64_t>> keys_;
};

class Tracking {
 public:
  explicit Tracking(Engine* engine) : engine_(engine) {}

  // The id of the client whose command runs on this thread (for NOLOOP); 0 when none.
  // Setting it starts a command.
  static uint64_t current_client();
  static void set_current_client(uint64_t id);

  // A session turned tracking on / off (home thread). Enable registers BCAST prefixes.
  void Enable(uint64_t client, bool bcast, const std::vector<std::string>& prefixes);
  void Disable(uint64_t client, bool bcast, const std::vector<std::string>& prefixes);
  bool active() const { return clients_.load(std::memory_order_relaxed) > 0; }

  // `key` was written, on its shard's thread (`table` is that shard's).
  void OnWrite(TrackingTable& table, std::string_view key);
  // FLUSHDB / FLUSHALL, with every shard held by the caller: a null invalidation to every
  // tracking client, and every shard's table emptied.
  void OnFlush();

 private:
  // Sends one invalidation (key, or null when `key` is null) for tracking client `client`.
  void Send(uint64_t client, const std::string_view* key);

  Engine* engine_;
  std::atomic<int> clients_{0};
  std::shared_mutex prefixes_mu_;
  std::vector<std::pair<std::string, absl::flat_hash_set<uint64_t>>> prefixes_;
  std::atomic<size_t> prefix_count_{0};
};

}  // namespace shoal::engine
