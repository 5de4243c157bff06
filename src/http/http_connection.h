// HttpConnection: one HTTP/1.1 client socket on one shard thread's EventLoop, the HTTP
// counterpart of Connection (src/connection.h), with the same threading and ownership.
//
// Parsing is nodejs/http-parser (Debian's libhttp-parser-dev 2.9.4): incremental and
// callback-based, it copes with any split of the input and enforces the grammar (request
// line, header syntax, Content-Length, chunked encoding, which it decodes into on_body).
// The callbacks copy what the router needs into request_; on_message_complete pauses the
// parser, so exactly one request is run at a time and pipelined requests are answered in
// order. A request's one engine command runs through the Session (inline when its key is
// local, else on the owner shard while this connection waits, as Connection does).
//
// Limits, checked while parsing, before anything is buffered: request line and headers
// together at most kMaxHeaderBytes (else 431, or 414 for the URL alone); a body over
// `http-payload-limit` gets 413 as soon as Content-Length announces it (or when a chunked
// body grows past it). Any malformed request gets 400. After such an error reply the
// connection closes; it first stops writing and drains what the client still sends for a
// moment (a "lingering close"), so the client reads the reply instead of a reset.
// Keep-alive follows HTTP/1.1 (HTTP/1.0 only with "Connection: keep-alive").
//
// States: kReading (watching EPOLLIN), kWaiting (a command runs on another shard; input
// interest dropped if the client sends more meanwhile), kWriting (a partial write: EPOLLOUT
// only, reading nothing: back-pressure), kLingering (draining before close), kClosed.
#pragma once

#include <http_parser.h>

#include <cstdint>
#include <memory>
#include <string>

#include "engine/session.h"
#include "src/event_loop.h"
#include "src/http/http_message.h"
#include "src/http/router.h"

namespace shoal::server {

class Server;

class HttpConnection final : public EventLoop::Handler,
                             public std::enable_shared_from_this<HttpConnection> {
 public:
  static constexpr size_t kMaxHeaderBytes = 16 * 1024;

  // Takes ownership of `fd`; constructed, started and destroyed on `loop`'s thread.
  HttpConnection(Server* server, EventLoop* loop, unsigned shard, int fd);
  ~HttpConnection();

  void Start();
  void Close();  // thread-safe
  int64_t last_active_ms() const { return session_->last_active_ms(); }
  engine::Session& session() { return *session_; }

  void OnEvent(uint32_t events) override;

 private:
  enum class State { kReading, kWaiting, kWriting, kLingering, kClosed };

  // http_parser callbacks (parser_.data is this).
  static int OnMessageBegin(http_parser* p);
  static int OnUrl(http_parser* p, const char* at, size_t len);
  static int OnHeaderField(http_parser* p, const char* at, size_t len);
  static int OnHeaderValue(http_parser* p, const char* at, size_t len);
  static int OnHeadersComplete(http_parser* p);
  static int OnBody(http_parser* p, const char* at, size_t len);
  static int OnMessageComplete(http_parser* p);
  static const http_parser_settings kSettings;

  // Counts header bytes; false (with error_status_ set) past the limit.
  bool CountHeaderBytes(size_t len, int status);
  // Keeps the header just read if the router wants it.
  void CommitHeader();

  void OnReadable();
  // Parses and runs requests until the input is used up or a request waits for a shard.
  void Process();
  void RunRequest();
  void OnRunDone();
  void Respond(const http::HttpResponse& response);
  // Replies `status` and closes: the input cannot be trusted any further.
  void Fail(int status, std::string_view why);
  void Flush();
  void AfterWrite();
  void SetInterest(uint32_t events);
  void Linger();
  void Shutdown();

  Server* server_;
  EventLoop* loop_;
  unsigned shard_;
  int fd_;
  State state_ = State::kReading;
  uint32_t interest_ = 0;
  std::unique_ptr<engine::Session> session_;
  http_parser parser_;

  std::string in_;
  size_t in_used_ = 0;
  size_t parsed_ = 0;
  std::string out_;
  size_t out_sent_ = 0;
  bool closing_ = false;  // close once out_ is written
  bool output_full_ = false;  // Process stopped at the output cap with requests left

  // The request being parsed, then run.
  http::HttpRequest request_;
  std::string header_field_, header_value_;
  bool in_header_value_ = false;
  bool expect_continue_ = false;  // "Expect: 100-continue": say 100 before the body
  size_t header_bytes_ = 0;
  uint64_t payload_limit_ = 0;  // http-payload-limit when the headers were read
  int error_status_ = 0;       // set by a callback that stopped the parser
  bool request_ready_ = false;  // on_message_complete ran: request_ is whole
  bool keep_alive_ = true;
  bool head_ = false;
  http::Plan plan_;
  std::string reply_;
  bool in_run_call_ = false;
  bool run_done_inline_ = false;
  std::shared_ptr<HttpConnection> pending_self_;
};

}  // namespace shoal::server
