// Connection: one client socket (a non-blocking fd) on one shard thread's EventLoop.
//
// The cycle is read, parse, run, write. The fd is watched level-triggered for EPOLLIN
// while the connection wants input; each readable event does one read() (a second one only
// when the first filled the buffer), parses every complete request in place (argument
// views point into the read buffer, at most kMaxCommandsPerRound of them), runs them in
// order through the Session and write()s all their replies at once. So a request costs
// one read and one write, and no epoll_ctl, also when the round waits for another shard.
//
// States (state_):
//   kReading     watching EPOLLIN; the only state in which input is read.
//   kWaiting     the Session runs a round that waits for another shard; the read buffer
//                stays untouched. EPOLLIN stays registered (a client waiting for its reply
//                sends nothing, so nothing fires); if input does arrive meanwhile, interest
//                is dropped (epoll_ctl MOD to 0) so level-triggered readiness does not spin
//                the loop, and restored when the round is done. A reset peer is still
//                reported and closes the connection at once. While the round is parked on
//                a blocked command (BLPOP ...; Session::parked), the replies so far and
//                any pushes (messages, invalidations) are written at once, EPOLLOUT
//                added when the socket is full; the blocked reply follows later.
//   kContinuing  a round stopped at kMaxCommandsPerRound with requests left in the buffer;
//                a posted task runs them on the loop's next turn (other clients first).
//   kWriting     a write was partial: watching EPOLLOUT only, reading nothing until the
//                replies are out (back-pressure for clients that pipeline without reading).
//   kClosed      fd closed and unwatched; every later callback returns at once.
// epoll_ctl is called only on those rare paths (partial writes, input during a wait).
//
// Output limits (client-output-buffer-limit): before replies or pushes are written, the
// bytes not yet written are checked against the client's class (pubsub when it has a
// subscription, else normal; the inbox also checks pubsub at each message, pubsub.h), and
// once a second by the server's sweep, so a soft limit expires also when no output is
// added. Over the limit the client is closed at once, its pending output dropped. The
// Session also stops a round whose replies reach the hard limit (set_output_limited), so
// the commands pipelined after that point do not run, as in Redis.
//
// Ownership: the Server's per-shard set holds a shared_ptr from Start until Shutdown. While
// the Session runs a round asynchronously, pending_self_ holds another, so the Session,
// the command list and the buffers outlive it. Shutdown hands the last reference to a task
// on the loop, so the object never dies inside its own call stack. Everything runs on the
// shard's thread; Close() (CLIENT KILL, idle timeout) and the Session's close hook post
// the close to it.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/session.h"
#include "protocol/resp_parser.h"
#include "src/event_loop.h"

namespace shoal::server {

class Server;

// "127.0.0.1:6379", "[::1]:6379", as Redis's anetFormatAddr writes them (CLIENT LIST,
// CLIENT KILL ADDR). "" when the address is of another family.
std::string FormatAddress(const sockaddr_storage& ss);
// Fills the peer and local addresses and the fd of a connected socket, for CLIENT LIST.
void DescribeSocket(int fd, engine::Session::ConnectionInfo* info);

class Connection final : public EventLoop::Handler,
                         public std::enable_shared_from_this<Connection> {
 public:
  // Takes ownership of `fd`, a connected non-blocking TCP socket. Constructed, started and
  // destroyed on the thread that runs `loop`, shard `shard`'s loop.
  Connection(Server* server, EventLoop* loop, unsigned shard, int fd);
  ~Connection();

  // Registers with the server and starts reading.
  void Start();
  // Closes the socket; thread-safe (posts to the connection's thread).
  void Close();
  // The once-a-second check of the output limits (the soft limit of a client that stopped
  // reading expires with no new output, as Redis's clientsCron). The connection's thread.
  void CheckOutputLimit();
  int64_t last_active_ms() const { return session_->last_active_ms(); }
  engine::Session& session() { return *session_; }

  void OnEvent(uint32_t events) override;

 private:
  // kFlushing: replies ready, to be written when the loop is about to poll (BeforePoll).
  // kSyncing: replies ready, held until the AOF has fsynced the round's writes
  // (appendfsync always; Server::HoldUntilDurable). Input is not watched meanwhile.
  enum class State { kReading, kWaiting, kContinuing, kFlushing, kSyncing, kWriting, kClosed };

  void OnReadable();
  // Parses and runs what the buffer holds; writes the replies or waits for the Session.
  void Process();
  void OnRunDone();
  // After a round: holds the replies until its writes are durable when it must, then
  // SendReplies.
  void AfterRun();
  void SendReplies();
  // Pushes (pub/sub messages, invalidations) arrived in the session's inbox: when no
  // round is running, or the round is parked on a blocked command, move them into out_
  // (after whole replies only) and write them. A running round takes them itself when it
  // ends (AfterRun).
  void DeliverPushes();
  // The park hook: the round waits for a blocked command (Session::parked).
  void OnParked();
  // Moves the inbox's pushes to the end of out_.
  void TakePushes();
  // Publishes how many bytes of out_ are not yet sent (CLIENT LIST omem, output limits).
  void ReportUnsent();
  // Writes what is left of out_; on a partial write, waits for EPOLLOUT.
  void Flush();
  // While the Session is parked on a blocked command (kWaiting): writes what out_ holds
  // (earlier replies, pushes) without ending the round; a partial write adds EPOLLOUT.
  void FlushParked();
  // kWaiting's epoll interest: EPOLLIN unless input was paused, EPOLLOUT while a parked
  // round has bytes left to write.
  uint32_t WaitingInterest() const;
  // client-output-buffer-limit for this client's class (pubsub when subscribed, else
  // normal), given the bytes not yet written: over the hard limit, or over the soft limit
  // for longer than its seconds, logs and closes the connection and returns true.
  bool OverOutputLimit(size_t unsent);
  void AfterWrite();
  // Changes the epoll interest to `events` (EPOLLIN, EPOLLOUT or 0) if it differs.
  void SetInterest(uint32_t events);
  // True when the peer has closed (or broken) its side: a 1-byte MSG_PEEK reads 0.
  bool PeerClosed() const;
  void Shutdown();
  void CompactInput();

  Server* server_;
  EventLoop* loop_;
  unsigned shard_;
  int fd_;
  State state_ = State::kReading;
  uint32_t interest_ = 0;  // what epoll watches for fd_
  std::unique_ptr<engine::Session> session_;
  protocol::RequestParser parser_;

  std::string in_;           // bytes read and not yet consumed
  size_t in_used_ = 0;       // valid bytes at the front of in_
  size_t parsed_ = 0;        // bytes of in_ consumed by requests in cmds_
  std::vector<engine::CmdArgs> cmds_;
  size_t cmd_count_ = 0;     // cmds_[0, cmd_count_) are this round's requests
  std::string out_;
  size_t out_sent_ = 0;      // bytes of out_ already written
  std::string protocol_error_;  // set when the input was malformed: reply it, then close
  bool closing_ = false;     // close once out_ is written (QUIT, protocol error)
  bool input_paused_ = false;  // kWaiting: input arrived, EPOLLIN dropped until the round ends
  int64_t soft_since_ms_ = 0;  // when the output first passed the soft limit; 0: under it
  bool in_run_call_ = false;        // inside session_->Run
  bool run_done_inline_ = false;    // the Session called `done` before Run returned
  std::shared_ptr<Connection> pending_self_;  // set while a round runs asynchronously
};

}  // namespace shoal::server
