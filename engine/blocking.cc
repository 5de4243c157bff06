#include "engine/blocking.h"

#include "engine/command_context.h"
#include "engine/command_table.h"
#include "engine/engine.h"
#include "engine/families.h"
#include "engine/session.h"
#include "engine/shard.h"
#include "protocol/reply_writer.h"

namespace shoal::engine {

void BlockingRegistry::Add(int db, std::string_view key, std::shared_ptr<Waiter> w) {
  waiters_[Key(db, std::string(key))].push_back(std::move(w));
}

void BlockingRegistry::OnWrite(int db, std::string_view key) {
  if (waiters_.empty()) return;
  Key k(db, std::string(key));
  if (!waiters_.contains(k)) return;
  for (const Key& r : ready_) {
    if (r == k) return;
  }
  ready_.push_back(std::move(k));
}

void BlockingRegistry::RemoveFinished(int db, std::string_view key) {
  auto it = waiters_.find(Key(db, std::string(key)));
  if (it == waiters_.end()) return;
  std::erase_if(it->second, [](const std::shared_ptr<Waiter>& w) {
    return w->finished.load(std::memory_order_acquire);
  });
  if (it->second.empty()) waiters_.erase(it);
}

void BlockingRegistry::WakeAt(int db, std::string_view key, int64_t at_ms) {
  Key k(db, std::string(key));
  auto [it, inserted] = due_at_.try_emplace(k, at_ms);
  if (!inserted) {
    if (it->second <= at_ms) return;
    it->second = at_ms;
  }
  due_.Add(at_ms, std::move(k));
}

void BlockingRegistry::AdvanceDue(int64_t now_ms) {
  if (due_.size() == 0) return;
  due_.Advance(now_ms, [&](Key&& k, int64_t at) {
    auto it = due_at_.find(k);
    if (it == due_at_.end() || it->second != at) return;  // superseded by an earlier one
    due_at_.erase(it);
    OnWrite(k.first, k.second);
  });
}

size_t BlockingRegistry::waiter_count() const {
  size_t n = 0;
  for (const auto& [k, q] : waiters_) n += q.size();
  return n;
}

void BlockingRegistry::ServeReady(Shard& shard) {
  // The serves share one time snapshot, as a command does: what they stamp (OBJECT
  // MTIME) and what they journal for replay are the same time.
  const bool owns_time = !shard.has_command_time();
  if (owns_time) shard.set_command_time(shard.engine().clock().NowMs());
  // Serving pops, which writes, which may mark keys ready again: take the list first.
  while (!ready_.empty()) {
    std::vector<Key> ready;
    ready.swap(ready_);
    for (const Key& k : ready) {
      auto it = waiters_.find(k);
      if (it == waiters_.end()) continue;
      std::deque<std::shared_ptr<Waiter>>& queue = it->second;
      std::vector<std::shared_ptr<Waiter>> skipped;  // serve_each waiters that stay, in order
      while (!queue.empty()) {
        std::shared_ptr<Waiter> w = queue.front();
        if (!w->Claim()) {  // already served elsewhere, or timed out
          queue.pop_front();
          continue;
        }
        std::vector<std::string_view> args(w->args.begin(), w->args.end());
        protocol::ReplyWriter writer(&w->reply, w->resp);
        CommandContext ctx(*w->session, *static_cast<const CommandSpec*>(w->spec),
                           ArgList(args.data(), args.size()), writer);
        const uint64_t writes = Db::ThreadWrites();
        // A key retained while it waited is not written for it (retention_family.cc): it
        // stays blocked, and the waiters behind it may still be served.
        const bool allowed = !ctx.spec.is_write() || WriteAllowed(ctx, false);
        if (!allowed || !w->serve(ctx, k.second)) {
          w->reply.clear();
          w->finished.store(false, std::memory_order_release);
          if (w->serve_each || !allowed) {
            skipped.push_back(std::move(w));
            queue.pop_front();
            continue;
          }
          break;  // nothing (more) to serve from this key now
        }
        w->rerun = ctx.rerun_requested();
        if (!w->rerun && Db::ThreadWrites() != writes) w->session->JournalCommand(ctx, w->db);
        const bool rerun = w->rerun;
        queue.pop_front();
        Session* session = w->session;
        shard.engine().shard(w->home).executor().Post(
            [session, w = std::move(w)] { session->ResumeBlocked(w.get()); });
        // A re-run goes first (oldest waiter first): the others wait until it has run,
        // when its session marks the key ready again (Session::FinishRerun).
        if (rerun) break;
      }
      queue.insert(queue.begin(), skipped.begin(), skipped.end());
      if (queue.empty()) waiters_.erase(it);
    }
  }
  if (owns_time) shard.set_command_time(0);
}

}  // namespace shoal::engine
