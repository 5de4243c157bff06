#include "src/connection.h"

#include <cstring>

#include "asio/write.hpp"
#include "engine/engine.h"
#include "protocol/reply_writer.h"
#include "protocol/strings.h"
#include "src/server.h"

namespace shoal::server {
namespace {
constexpr size_t kReadChunk = 16 * 1024;
constexpr size_t kMaxCommandsPerRound = 1024;
}  // namespace

Connection::Connection(Server* server, unsigned shard, asio::ip::tcp::socket socket)
    : server_(server), shard_(shard), socket_(std::move(socket)) {
  session_ = server_->engine().NewSession(static_cast<int>(shard));
  asio::error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  socket_.non_blocking(true, ec);
  auto remote = socket_.remote_endpoint(ec);
  if (!ec) session_->connection().addr = StrCat(remote.address().to_string(), ":", remote.port());
  auto local = socket_.local_endpoint(ec);
  if (!ec) session_->connection().laddr = StrCat(local.address().to_string(), ":", local.port());
  session_->connection().fd = socket_.native_handle();
  protocol::ParserLimits limits;
  limits.max_bulk_len = server_->engine().config().GetInt("proto-max-bulk-len");
  parser_.set_limits(limits);
}

Connection::~Connection() = default;

void Connection::Start() {
  std::weak_ptr<Connection> weak = weak_from_this();
  session_->set_close_hook([weak, server = server_, shard = shard_] {
    // Any thread: CLIENT KILL, QUIT. The socket is closed on the connection's own thread.
    server->Post(shard, [weak] {
      if (auto self = weak.lock()) self->Shutdown();
    });
  });
  server_->Track(shared_from_this());
  Read();
}

void Connection::Close() {
  std::weak_ptr<Connection> weak = weak_from_this();
  server_->Post(shard_, [weak] {
    if (auto self = weak.lock()) self->Shutdown();
  });
}

void Connection::Read() {
  if (closed_) return;
  if (in_.size() - in_used_ < kReadChunk / 2) in_.resize(std::max(in_.size() * 2, kReadChunk));
  auto self = shared_from_this();
  socket_.async_read_some(asio::buffer(in_.data() + in_used_, in_.size() - in_used_),
                          [self](const asio::error_code& ec, size_t n) {
                            if (ec) return self->Shutdown();
                            self->OnRead(n);
                          });
}

void Connection::OnRead(size_t n) {
  in_used_ += n;
  session_->connection().query_buffer.store(in_used_, std::memory_order_relaxed);
  if (in_used_ > static_cast<size_t>(server_->engine().config().GetInt("client-query-buffer-limit"))) {
    return Shutdown();  // Redis closes a client whose query buffer passes the limit
  }
  Process();
}

void Connection::Process() {
  if (closed_) return;
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
    auto self = shared_from_this();
    bool finished = session_->Run(absl::Span<const engine::CmdArgs>(cmds_.data(), cmd_count_),
                                  &out_, [self] { self->AfterRun(); });
    if (!finished) return;
  }
  AfterRun();
}

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
  if (closed_) return;
  if (!protocol_error_.empty()) {
    protocol::ReplyWriter(&out_).Error(StrCat("ERR ", protocol_error_));
    closing_ = true;
  }
  if (session_->close_requested()) closing_ = true;
  CompactInput();
  if (!out_.empty()) return Write();
  if (closing_) return Shutdown();
  Read();
}

void Connection::Write() {
  // Try at once: most replies fit the socket buffer, and that saves a trip through epoll.
  asio::error_code ec;
  size_t n = socket_.write_some(asio::buffer(out_), ec);
  if (ec && ec != asio::error::would_block && ec != asio::error::try_again) return Shutdown();
  if (n == out_.size()) {
    out_.clear();
    if (closing_) return Shutdown();
    // Requests left in the buffer (over the per-round cap) run before we read again.
    if (in_used_ > 0 && cmd_count_ == kMaxCommandsPerRound) return Process();
    return Read();
  }
  out_.erase(0, n);
  session_->connection().output_buffer.store(out_.size(), std::memory_order_relaxed);
  auto self = shared_from_this();
  asio::async_write(socket_, asio::buffer(out_), [self](const asio::error_code& ec, size_t) {
    if (ec) return self->Shutdown();
    self->out_.clear();
    self->session_->connection().output_buffer.store(0, std::memory_order_relaxed);
    if (self->closing_) return self->Shutdown();
    if (self->in_used_ > 0 && self->cmd_count_ == kMaxCommandsPerRound) return self->Process();
    self->Read();
  });
}

void Connection::Shutdown() {
  if (closed_) return;
  closed_ = true;
  asio::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  server_->Untrack(this);
}

}  // namespace shoal::server
