#include "src/http/http_connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>

#include "engine/engine.h"
#include "protocol/strings.h"
#include "src/connection.h"
#include "src/server.h"

namespace shoal::server {
namespace {

constexpr size_t kReadChunk = 16 * 1024;
// An output buffer grown past this is given back once written; Process also stops running
// requests while this much output waits.
constexpr size_t kMaxIdleOutput = 1024 * 1024;
// How long and how much a closing connection drains before it gives up on the client.
constexpr std::chrono::milliseconds kLingerTime(2000);

HttpConnection* Self(http_parser* p) { return static_cast<HttpConnection*>(p->data); }

}  // namespace

const http_parser_settings HttpConnection::kSettings = [] {
  http_parser_settings s;
  http_parser_settings_init(&s);
  s.on_message_begin = OnMessageBegin;
  s.on_url = OnUrl;
  s.on_header_field = OnHeaderField;
  s.on_header_value = OnHeaderValue;
  s.on_headers_complete = OnHeadersComplete;
  s.on_body = OnBody;
  s.on_message_complete = OnMessageComplete;
  return s;
}();

HttpConnection::HttpConnection(Server* server, EventLoop* loop, unsigned shard, int fd)
    : server_(server), loop_(loop), shard_(shard), fd_(fd) {
  session_ = server_->engine().NewSession(static_cast<int>(shard));
  // The HTTP front checks its own bearer tokens; requirepass guards RESP clients.
  session_->set_authenticated(true);
  session_->set_name("http");
  DescribeSocket(fd_, &session_->connection());
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  http_parser_init(&parser_, HTTP_REQUEST);
  parser_.data = this;
}

HttpConnection::~HttpConnection() {
  if (fd_ >= 0) close(fd_);
}

void HttpConnection::Start() {
  session_->set_close_hook([weak = weak_from_this(), server = server_, shard = shard_] {
    server->PostTo(shard, weak, &HttpConnection::Shutdown);
  });
  server_->Track(shared_from_this());
  if (!loop_->Watch(fd_, EPOLLIN, this)) return Shutdown();
  interest_ = EPOLLIN;
}

void HttpConnection::Close() {
  server_->PostTo(shard_, weak_from_this(), &HttpConnection::Shutdown);
}

// --- Parser callbacks ---------------------------------------------------------------------

int HttpConnection::OnMessageBegin(http_parser* p) {
  HttpConnection* c = Self(p);
  c->request_ = http::HttpRequest();
  c->header_field_.clear();
  c->header_value_.clear();
  c->in_header_value_ = false;
  c->header_bytes_ = 0;
  return 0;
}

bool HttpConnection::CountHeaderBytes(size_t len, int status) {
  header_bytes_ += len;
  if (header_bytes_ <= kMaxHeaderBytes) return true;
  error_status_ = status;
  return false;
}

int HttpConnection::OnUrl(http_parser* p, const char* at, size_t len) {
  HttpConnection* c = Self(p);
  if (!c->CountHeaderBytes(len, 414)) return -1;
  c->request_.url.append(at, len);
  return 0;
}

int HttpConnection::OnHeaderField(http_parser* p, const char* at, size_t len) {
  HttpConnection* c = Self(p);
  if (!c->CountHeaderBytes(len, 431)) return -1;
  if (c->in_header_value_) c->CommitHeader();
  c->header_field_.append(at, len);
  return 0;
}

int HttpConnection::OnHeaderValue(http_parser* p, const char* at, size_t len) {
  HttpConnection* c = Self(p);
  if (!c->CountHeaderBytes(len, 431)) return -1;
  c->in_header_value_ = true;
  c->header_value_.append(at, len);
  return 0;
}

void HttpConnection::CommitHeader() {
  // A repeated header joins its values with ", " (RFC 9110 5.3); the router refuses the
  // lists that result for If-Match and If-None-Match.
  auto keep = [this](std::string* into, bool* seen) {
    if (*seen) StrAppend(into, ", ");
    into->append(header_value_);
    if (seen) *seen = true;
  };
  bool unused = false;
  if (EqualsIgnoreCase(header_field_, "authorization")) {
    keep(&request_.authorization, &unused);
  } else if (EqualsIgnoreCase(header_field_, "if-match")) {
    keep(&request_.if_match, &request_.has_if_match);
  } else if (EqualsIgnoreCase(header_field_, "if-none-match")) {
    keep(&request_.if_none_match, &request_.has_if_none_match);
  } else if (EqualsIgnoreCase(header_field_, "expect") &&
             EqualsIgnoreCase(header_value_, "100-continue")) {
    expect_continue_ = true;
  }
  header_field_.clear();
  header_value_.clear();
  in_header_value_ = false;
}

int HttpConnection::OnHeadersComplete(http_parser* p) {
  HttpConnection* c = Self(p);
  if (c->in_header_value_) c->CommitHeader();
  uint64_t limit = static_cast<uint64_t>(
      std::max<int64_t>(0, c->server_->engine().config().GetInt("http-payload-limit")));
  c->payload_limit_ = limit;
  bool has_length = p->content_length != ULLONG_MAX && !(p->flags & F_CHUNKED);
  if (has_length && p->content_length > limit) {
    c->error_status_ = 413;
    return -1;
  }
  if (c->expect_continue_ && (has_length || (p->flags & F_CHUNKED))) {
    c->out_.append("HTTP/1.1 100 Continue\r\n\r\n");
  }
  c->expect_continue_ = false;
  return 0;
}

int HttpConnection::OnBody(http_parser* p, const char* at, size_t len) {
  HttpConnection* c = Self(p);
  if (c->request_.body.size() + len > c->payload_limit_) {
    c->error_status_ = 413;
    return -1;
  }
  c->request_.body.append(at, len);
  return 0;
}

int HttpConnection::OnMessageComplete(http_parser* p) {
  HttpConnection* c = Self(p);
  c->request_.method = http_method_str(static_cast<http_method>(p->method));
  c->keep_alive_ = http_should_keep_alive(p) != 0;
  c->request_ready_ = true;
  http_parser_pause(p, 1);  // one request at a time: Process runs it, then resumes
  return 0;
}

// --- Reading and running -------------------------------------------------------------------

void HttpConnection::OnEvent(uint32_t events) {
  if (in_run_call_) return;
  switch (state_) {
    case State::kReading:
    case State::kLingering:
      if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) OnReadable();
      return;
    case State::kWriting:
      if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) Flush();
      return;
    case State::kWaiting:
      if (events & (EPOLLERR | EPOLLHUP)) return Shutdown();
      SetInterest(0);  // input while a command runs elsewhere: read it afterwards
      return;
    case State::kClosed:
      return;
  }
}

void HttpConnection::OnReadable() {
  if (in_.size() - in_used_ < kReadChunk / 2) in_.resize(std::max(in_.size() * 2, kReadChunk));
  ssize_t n;
  do {
    n = read(fd_, in_.data() + in_used_, in_.size() - in_used_);
  } while (n < 0 && errno == EINTR);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
  if (n <= 0) return Shutdown();
  if (state_ == State::kLingering) return;  // drained and dropped
  in_used_ += static_cast<size_t>(n);
  Process();
}

void HttpConnection::Process() {
  while (state_ == State::kReading && !closing_) {
    if (out_.size() >= kMaxIdleOutput) {
      // Replies pile up (large values, a deep pipeline): write them before running more,
      // so a few bytes of requests cannot make the output grow without bound.
      output_full_ = true;
      break;
    }
    if (request_ready_) {
      request_ready_ = false;
      RunRequest();
      continue;  // ran inline (or now waiting: the loop condition ends it)
    }
    if (parsed_ == in_used_) break;  // never call the parser with 0 bytes: that means EOF
    size_t n = http_parser_execute(&parser_, &kSettings, in_.data() + parsed_, in_used_ - parsed_);
    parsed_ += n;
    http_errno err = HTTP_PARSER_ERRNO(&parser_);
    if (err == HPE_PAUSED) {
      http_parser_pause(&parser_, 0);
      // After an upgrade request (or CONNECT) the rest is not HTTP: answer, then close.
      if (parser_.upgrade) keep_alive_ = false;
      continue;
    }
    if (err != HPE_OK) {
      if (error_status_ == 0 && err == HPE_HEADER_OVERFLOW) error_status_ = 431;
      Fail(error_status_ != 0 ? error_status_ : 400, http_errno_description(err));
      break;
    }
  }
  if (state_ == State::kWaiting || state_ == State::kClosed) return;
  if (parsed_ > 0) {
    std::memmove(in_.data(), in_.data() + parsed_, in_used_ - parsed_);
    in_used_ -= parsed_;
    parsed_ = 0;
    if (in_.size() > 4 * kReadChunk && in_used_ < kReadChunk) {
      in_.resize(kReadChunk);
      in_.shrink_to_fit();
    }
  }
  if (out_sent_ < out_.size()) return Flush();
  AfterWrite();
}

void HttpConnection::RunRequest() {
  head_ = request_.method == "HEAD";
  int64_t now_sec = server_->engine().clock().NowMs() / 1000;
  plan_ = http::Plan::For(request_, server_->engine().config(), now_sec);
  request_.body.clear();
  request_.body.shrink_to_fit();
  if (plan_.done()) return Respond(plan_.response());
  reply_.clear();
  in_run_call_ = true;
  run_done_inline_ = false;
  bool finished = session_->Run(absl::Span<const engine::CmdArgs>(&plan_.command(), 1), &reply_,
                                [this] { OnRunDone(); });
  in_run_call_ = false;
  if (!finished && !run_done_inline_) {
    pending_self_ = shared_from_this();
    if (state_ != State::kClosed) state_ = State::kWaiting;
    return;
  }
  Respond(plan_.Finish(reply_, &server_->engine()));
}

void HttpConnection::OnRunDone() {
  if (in_run_call_) {
    run_done_inline_ = true;
    return;
  }
  std::shared_ptr<HttpConnection> self = std::move(pending_self_);
  if (state_ == State::kClosed) return;
  state_ = State::kReading;
  Respond(plan_.Finish(reply_, &server_->engine()));
  SetInterest(EPOLLIN);
  Process();
}  // `self` may be the last reference: nothing after this

void HttpConnection::Respond(const http::HttpResponse& response) {
  if (!keep_alive_) closing_ = true;
  http::WriteResponse(response, head_, closing_, &out_);
  plan_ = http::Plan();
}

void HttpConnection::Fail(int status, std::string_view why) {
  closing_ = true;
  head_ = false;
  http::WriteResponse(http::HttpResponse::Text(status, why), false, true, &out_);
}

// --- Writing and closing --------------------------------------------------------------------

void HttpConnection::Flush() {
  while (true) {
    ssize_t n = send(fd_, out_.data() + out_sent_, out_.size() - out_sent_, MSG_NOSIGNAL);
    if (n >= 0) {
      out_sent_ += static_cast<size_t>(n);
      if (out_sent_ == out_.size()) return AfterWrite();
      break;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    return Shutdown();
  }
  state_ = State::kWriting;
  SetInterest(EPOLLOUT);
}

void HttpConnection::AfterWrite() {
  out_.clear();
  out_sent_ = 0;
  if (out_.capacity() > kMaxIdleOutput) out_.shrink_to_fit();
  if (closing_) return Linger();
  state_ = State::kReading;
  SetInterest(EPOLLIN);
  if (output_full_) {
    // Process stopped at the output cap with requests left in the buffer: go on with them
    // on the loop's next turn (other clients first, and no recursion).
    output_full_ = false;
    loop_->Post([self = shared_from_this()] {
      if (self->state_ == State::kReading) self->Process();
    });
  }
}

void HttpConnection::Linger() {
  if (state_ == State::kClosed || state_ == State::kLingering) return;
  state_ = State::kLingering;
  ::shutdown(fd_, SHUT_WR);
  SetInterest(EPOLLIN);
  std::weak_ptr<HttpConnection> weak = weak_from_this();
  loop_->After(kLingerTime, [weak] {
    if (auto self = weak.lock()) self->Shutdown();
  });
}

void HttpConnection::SetInterest(uint32_t events) {
  if (events == interest_ || state_ == State::kClosed) return;
  if (!loop_->Modify(fd_, events)) return Shutdown();
  interest_ = events;
}

void HttpConnection::Shutdown() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  loop_->Unwatch(fd_);
  close(fd_);
  fd_ = -1;
  std::shared_ptr<HttpConnection> self = server_->Untrack(this);
  if (self) loop_->Post([self = std::move(self)] {});
}

}  // namespace shoal::server
