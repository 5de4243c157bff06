#include "src/connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "engine/engine.h"
#include "engine/log.h"
#include "protocol/reply_writer.h"
#include "protocol/strings.h"
#include "src/server.h"

namespace shoal::server {
namespace {

constexpr size_t kReadChunk = 16 * 1024;
constexpr size_t kMaxCommandsPerRound = 1024;
// An output buffer grown past this by a large reply is given back once written.
constexpr size_t kMaxIdleOutput = 1024 * 1024;
// Redis's floor for client-query-buffer-limit (CONFIG refuses less): below it the limit
// cannot be exceeded, so the config is not consulted on the common path.
constexpr size_t kMinQueryBufferLimit = 1024 * 1024;

}  // namespace

std::string FormatAddress(const sockaddr_storage& ss) {
  char ip[INET6_ADDRSTRLEN] = {};
  if (ss.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
    return StrCat(ip, ":", ntohs(a->sin_port));
  }
  if (ss.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
    return StrCat("[", ip, "]:", ntohs(a->sin6_port));
  }
  return "";
}

void DescribeSocket(int fd, engine::Session::ConnectionInfo* info) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) info->addr = FormatAddress(ss);
  len = sizeof(ss);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) info->laddr = FormatAddress(ss);
  info->fd = fd;
}

Connection::Connection(Server* server, EventLoop* loop, unsigned shard, int fd)
    : server_(server), loop_(loop), shard_(shard), fd_(fd) {
  session_ = server_->engine().NewSession(static_cast<int>(shard));
  session_->set_output_limited(true);
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  DescribeSocket(fd_, &session_->connection());
  protocol::ParserLimits limits;
  limits.max_bulk_len = server_->engine().config().GetInt("proto-max-bulk-len");
  parser_.set_limits(limits);
}

Connection::~Connection() {
  // Only when the server is torn down with the connection open (its loop has stopped, so
  // the fd is not unwatched: closing it removes it from the epoll set).
  if (fd_ >= 0) close(fd_);
}

void Connection::Start() {
  std::weak_ptr<Connection> weak = weak_from_this();
  session_->set_close_hook([weak, server = server_, shard = shard_] {
    // Any thread: CLIENT KILL, QUIT. The socket is closed on the connection's own thread.
    server->PostTo(shard, weak, &Connection::Shutdown);
  });
  session_->inbox()->SetWake([weak, server = server_, shard = shard_] {
    // The publisher's thread, under the inbox's lock: only post.
    server->PostTo(shard, weak, &Connection::DeliverPushes);
  });
  session_->set_park_hook([weak, server = server_, shard = shard_] {
    // Our thread, maybe inside Session::Run: write the replies so far on a later turn.
    server->PostTo(shard, weak, &Connection::OnParked);
  });
  server_->Track(shared_from_this());
  if (!loop_->Watch(fd_, EPOLLIN, this)) return Shutdown();
  interest_ = EPOLLIN;
  state_ = State::kReading;
}

void Connection::Close() { server_->PostTo(shard_, weak_from_this(), &Connection::Shutdown); }

void Connection::OnEvent(uint32_t events) {
  // A script of ours is running and the loop is polling while it is busy: our input and
  // buffers belong to that run. Level-triggered, the event comes back after it.
  if (in_run_call_) return;
  switch (state_) {
    case State::kReading:
      if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) OnReadable();
      return;
    case State::kWriting:
      if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) Flush();
      return;
    case State::kWaiting: {
      // A reset or failed socket, or a blocked client (BZPOPMIN ...) that went away: its
      // replies cannot be delivered. Shutdown stops a parked wait (instead of waiting for
      // a timeout that may be never); a round still running completes (pending_self_
      // keeps this object) and finds the connection closed.
      bool gone = events & (EPOLLERR | EPOLLHUP);
      if (gone || (session_->parked() && (events & EPOLLIN) && PeerClosed())) {
        return Shutdown();
      }
      // Input arrived while the Session waits (a pipelining client): stop watching it
      // until the round is done, rather than have level-triggered readiness spin the
      // loop. A client that waits for its reply never gets here, so the cross-shard path
      // costs no epoll_ctl at P=1.
      if (events & EPOLLIN) input_paused_ = true;
      // Room again for what a parked round had to leave unsent.
      if ((events & EPOLLOUT) && session_->parked()) return FlushParked();
      SetInterest(WaitingInterest());
      return;
    }
    case State::kSyncing:
      // As kWaiting: a failed socket closes; input waits until the replies are out.
      if (events & (EPOLLERR | EPOLLHUP)) return Shutdown();
      SetInterest(0);
      return;
    case State::kFlushing:  // our replies go out before the next poll
    case State::kContinuing:
      // The continuation task runs on the loop's next turn; until then events are ignored
      // (level-triggered, they come back if still true).
      return;
    case State::kClosed:
      return;
  }
}

bool Connection::PeerClosed() const {
  char c;
  ssize_t n = recv(fd_, &c, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

void Connection::SetInterest(uint32_t events) {
  if (events == interest_) return;
  if (!loop_->Modify(fd_, events)) return Shutdown();
  interest_ = events;
}

void Connection::OnReadable() {
  bool got = false;
  while (true) {
    if (in_.size() - in_used_ < kReadChunk / 2) in_.resize(std::max(in_.size() * 2, kReadChunk));
    size_t room = in_.size() - in_used_;
    ssize_t n = read(fd_, in_.data() + in_used_, room);
    if (n > 0) {
      in_used_ += static_cast<size_t>(n);
      got = true;
      // A read that filled the buffer may have left more behind: grow and read again.
      if (static_cast<size_t>(n) < room || in_used_ > kMinQueryBufferLimit) break;
      continue;
    }
    if (n == 0) {
      if (got) break;  // run what came before the end; the next read sees the end again
      return Shutdown();
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    return Shutdown();
  }
  if (!got) return;  // spurious readiness
  session_->connection().query_buffer.store(in_used_, std::memory_order_relaxed);
  if (in_used_ > kMinQueryBufferLimit &&
      in_used_ > static_cast<size_t>(
                     server_->engine().config().GetInt("client-query-buffer-limit"))) {
    return Shutdown();  // Redis closes a client whose query buffer passes the limit
  }
  Process();
}

void Connection::Process() {
  if (state_ == State::kClosed) return;
  cmd_count_ = 0;
  parsed_ = 0;
  while (cmd_count_ < kMaxCommandsPerRound) {
    if (cmd_count_ == cmds_.size()) cmds_.emplace_back();
    engine::CmdArgs& args = cmds_[cmd_count_];
    args.clear();
    size_t consumed = 0;
    std::string_view input(in_.data() + parsed_, in_used_ - parsed_);
    protocol::ParseStatus status = parser_.Parse(input, &consumed, &args);
    if (status == protocol::ParseStatus::kIncomplete) break;
    if (status == protocol::ParseStatus::kError) {
      protocol_error_ = parser_.error();
      break;
    }
    parsed_ += consumed;
    if (!args.empty()) ++cmd_count_;
    if (parsed_ == in_used_) break;
  }
  if (cmd_count_ > 0) {
    in_run_call_ = true;
    run_done_inline_ = false;
    bool finished = session_->Run(absl::Span<const engine::CmdArgs>(cmds_.data(), cmd_count_),
                                  &out_, [this] { OnRunDone(); });
    in_run_call_ = false;
    if (!finished && !run_done_inline_) {
      // The Session resumes on this thread later; until then nothing here may change.
      pending_self_ = shared_from_this();
      if (state_ != State::kClosed) state_ = State::kWaiting;
      return;
    }
  }
  AfterRun();
}

void Connection::OnRunDone() {
  if (in_run_call_) {  // called from inside Session::Run: Process finishes the round
    run_done_inline_ = true;
    return;
  }
  std::shared_ptr<Connection> self = std::move(pending_self_);
  AfterRun();
}  // `self` may be the last reference: nothing after this

void Connection::CompactInput() {
  if (parsed_ == 0) return;
  std::memmove(in_.data(), in_.data() + parsed_, in_used_ - parsed_);
  in_used_ -= parsed_;
  parsed_ = 0;
  if (in_.size() > 4 * kReadChunk && in_used_ < kReadChunk) {
    in_.resize(kReadChunk);
    in_.shrink_to_fit();
  }
}

void Connection::AfterRun() {
  if (state_ == State::kClosed) return;
  input_paused_ = false;
  const uint64_t lsn = session_->TakeJournalLsn();
  if (lsn != 0 && server_->HoldUntilDurable(lsn, shard_, [self = shared_from_this()] {
        if (self->state_ == State::kSyncing) self->SendReplies();
      })) {
    state_ = State::kSyncing;
    return;
  }
  SendReplies();
}

void Connection::SendReplies() {
  if (state_ == State::kClosed) return;
  if (!protocol_error_.empty()) {
    protocol::ReplyWriter(&out_).Error(StrCat("ERR ", protocol_error_));
    closing_ = true;
  }
  if (session_->close_requested()) closing_ = true;
  CompactInput();
  TakePushes();
  if (OverOutputLimit(out_.size() - out_sent_)) return;
  if (out_sent_ == out_.size()) return AfterWrite();
  // Written with the other clients' replies, just before the loop polls again.
  state_ = State::kFlushing;
  loop_->BeforePoll([self = shared_from_this()] {
    if (self->state_ == State::kFlushing) self->Flush();
  });
}

void Connection::TakePushes() {
  if (session_->inbox()->TakeInto(&out_) > 0 && state_ == State::kWriting) ReportUnsent();
}

void Connection::ReportUnsent() {
  size_t unsent = out_.size() - out_sent_;
  session_->connection().output_buffer.store(unsent, std::memory_order_relaxed);
  session_->inbox()->unsent.store(unsent, std::memory_order_relaxed);
}

void Connection::DeliverPushes() {
  switch (state_) {
    case State::kReading:
      TakePushes();
      if (out_sent_ == out_.size() || OverOutputLimit(out_.size() - out_sent_)) return;
      state_ = State::kFlushing;
      loop_->BeforePoll([self = shared_from_this()] {
        if (self->state_ == State::kFlushing) self->Flush();
      });
      return;
    case State::kFlushing:  // whole replies are queued; the pushes go after them
    case State::kWriting:
      TakePushes();
      OverOutputLimit(out_.size() - out_sent_);
      return;
    case State::kWaiting:
      // Parked on a blocked command: the replies so far and the pushes go out now, the
      // blocked reply after them. Otherwise a round is writing into out_ (maybe on another
      // thread): AfterRun takes the pushes.
      if (!session_->parked()) return;
      TakePushes();
      if (OverOutputLimit(out_.size() - out_sent_)) return;
      return FlushParked();
    case State::kClosed:
      // Closed while a round was on its way to park (output limit, failed socket): nobody
      // will read its reply, so stop waiting instead of holding the session until a
      // timeout that may never come.
      if (session_->parked()) session_->CancelBlock();
      return;
    case State::kContinuing:
      return;
  }
}

void Connection::OnParked() {
  // Watch the input again, paused or not, so that a client that goes away while blocked
  // is noticed (input that is only more requests pauses it again, in OnEvent).
  input_paused_ = false;
  DeliverPushes();
}

void Connection::FlushParked() {
  while (out_sent_ < out_.size()) {
    ssize_t n = send(fd_, out_.data() + out_sent_, out_.size() - out_sent_, MSG_NOSIGNAL);
    if (n >= 0) {
      out_sent_ += static_cast<size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    return Shutdown();
  }
  if (out_sent_ == out_.size()) {
    // All out: the parked round only appends, so the buffer can start over.
    out_.clear();
    out_sent_ = 0;
    if (out_.capacity() > kMaxIdleOutput) out_.shrink_to_fit();
  }
  ReportUnsent();
  SetInterest(WaitingInterest());
}

uint32_t Connection::WaitingInterest() const {
  uint32_t events = input_paused_ ? 0 : EPOLLIN;
  if (session_->parked() && out_sent_ < out_.size()) events |= EPOLLOUT;
  return events;
}

bool Connection::OverOutputLimit(size_t unsent) {
  if (state_ == State::kClosed) return true;
  if (unsent == 0) return false;  // (AfterWrite has reset the soft timer)
  // Redis's getClientType: a client with any subscription is of class pubsub.
  const bool pubsub = session_->subscribed();
  const engine::Config& config = server_->engine().config();
  const engine::OutputLimit limit = pubsub ? config.GetPubSubLimit() : config.GetNormalLimit();
  if (!limit.enabled()) return false;
  if (!limit.Exceeded(static_cast<int64_t>(unsent), server_->engine().clock().NowMs(),
                      &soft_since_ms_)) {
    return false;
  }
  engine::LogWarning(StrCat("Client ", session_->Describe(),
                            " closed for overcoming of output buffer limits."));
  Shutdown();
  return true;
}

void Connection::CheckOutputLimit() {
  if (state_ == State::kClosed) return;
  OverOutputLimit(session_->connection().output_buffer.load(std::memory_order_relaxed));
}

void Connection::Flush() {
  while (true) {
    ssize_t n = send(fd_, out_.data() + out_sent_, out_.size() - out_sent_, MSG_NOSIGNAL);
    if (n >= 0) {
      out_sent_ += static_cast<size_t>(n);
      if (out_sent_ == out_.size()) return AfterWrite();
      break;  // the socket buffer is full: wait until it drains
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    return Shutdown();
  }
  ReportUnsent();
  state_ = State::kWriting;
  SetInterest(EPOLLOUT);
}

void Connection::AfterWrite() {
  if (!out_.empty()) {
    if (session_->connection().output_buffer.load(std::memory_order_relaxed) != 0) {
      session_->connection().output_buffer.store(0, std::memory_order_relaxed);
      session_->inbox()->unsent.store(0, std::memory_order_relaxed);
    }
    out_.clear();
    out_sent_ = 0;
    if (out_.capacity() > kMaxIdleOutput) out_.shrink_to_fit();
  }
  soft_since_ms_ = 0;  // all written: under any soft limit again
  if (closing_) return Shutdown();
  if (cmd_count_ == kMaxCommandsPerRound && in_used_ > 0) {
    // Requests left in the buffer (over the per-round cap) run before we read again, on
    // the loop's next turn, after the other clients' events.
    state_ = State::kContinuing;
    loop_->Post([self = shared_from_this()] {
      if (self->state_ != State::kContinuing) return;
      self->state_ = State::kReading;
      self->Process();
    });
    return;
  }
  state_ = State::kReading;
  SetInterest(EPOLLIN);
}

void Connection::Shutdown() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  loop_->Unwatch(fd_);
  ::shutdown(fd_, SHUT_RDWR);
  close(fd_);
  fd_ = -1;
  // The server's reference may be the last: release it on a later turn of the loop, so
  // this object does not die inside its own call stack.
  std::shared_ptr<Connection> self = server_->Untrack(this);
  if (self) loop_->Post([self = std::move(self)] {});
  // Parked on a blocked command (CLIENT KILL, output limit, the client went away): stop
  // waiting, so no later write is served to nobody. (A round that parks later is stopped
  // by the park hook: DeliverPushes, kClosed.)
  if (session_->parked()) {
    std::shared_ptr<Connection> keep = shared_from_this();  // the round ends in here
    session_->CancelBlock();
  }
}

}  // namespace shoal::server
