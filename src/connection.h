// Connection: one client socket on one shard thread.
//
// The loop is read, parse, run, write: a read may bring many pipelined requests; all of
// them are parsed in place (argument views point into the read buffer), run in order by
// the Session, and their replies leave in one write. The connection does not read again
// until that write is done, which is the back-pressure for clients that pipeline without
// reading. While the Session waits for another shard, the read buffer stays untouched.
//
// Ownership: a Connection is held by a shared_ptr that every pending asio operation and
// every Session callback captures, so it lives until the last of them has run. It runs
// only on its shard's thread; CLIENT KILL from another thread posts the close to it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "asio/ip/tcp.hpp"
#include "engine/session.h"
#include "protocol/resp_parser.h"

namespace shoal::server {

class Server;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Server* server, unsigned shard, asio::ip::tcp::socket socket);
  ~Connection();

  void Start();
  // Closes the socket; thread-safe (posts to the connection's thread).
  void Close();
  int64_t last_active_ms() const { return session_->last_active_ms(); }
  engine::Session& session() { return *session_; }

 private:
  void Read();
  void OnRead(size_t n);
  // Parses and runs what the buffer holds; writes the replies or waits for the Session.
  void Process();
  void AfterRun();
  void Write();
  void Shutdown();
  void CompactInput();

  Server* server_;
  unsigned shard_;
  asio::ip::tcp::socket socket_;
  std::unique_ptr<engine::Session> session_;
  protocol::RequestParser parser_;

  std::string in_;           // bytes read and not yet consumed
  size_t in_used_ = 0;       // valid bytes at the front of in_
  size_t parsed_ = 0;        // bytes of in_ consumed by requests in cmds_
  std::vector<engine::CmdArgs> cmds_;
  size_t cmd_count_ = 0;     // cmds_[0, cmd_count_) are this round's requests
  std::string out_;
  std::string protocol_error_;  // set when the input was malformed: reply it, then close
  bool closing_ = false;
  bool closed_ = false;
};

}  // namespace shoal::server
