// Router: what one HTTP request means for the engine.
//
// Routes (paths percent-decoded segment by segment; see key_mapping.h for the RESP keys):
//   GET|HEAD /api2/{ws}/{ns}/{key}       200 with the value and ETag "<md5>", or 404; 304
//                                        when If-None-Match names the current ETag (or *)
//   PUT      /api2/{ws}/{ns}/{key}       204; with If-None-Match: * 201 when inserted;
//                                        412 when If-Match / If-None-Match fails
//   DELETE   /api2/{ws}/{ns}/{key}       204, or 404
//   GET      /api2/{ws}/{ns}?prefix=p    {"workspace":..,"namespace":..,"count":N,"keys":[..]}
//   /api/{ns}/{key} (POST or PUT to write, GET, HEAD, DELETE) and GET /api/{ns}?prefix=p:
//                                        the same in the workspace `http-default-workspace`
//   GET /healthz                         200 "ok"
//   GET /metrics                         Prometheus text (metrics.h)
// /api and /api2 need `Authorization: Bearer <JWT>` when `http-token-secret` is set (401
// otherwise); /healthz and /metrics never do, as Prometheus scrapers carry no token.
// A key holding another type than a string answers 409.
//
// Each request becomes at most one engine command, run through the connection's Session on
// the key's shard (SET, SET NX, SET XX, SETIFMD5, GET, DEL, KEYS, INFO): a conditional
// write is checked and applied in one step there. A Plan owns that command's arguments
// until the connection has run it, then turns its RESP reply into the response.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/session.h"
#include "src/http/http_message.h"

namespace shoal::engine {
class Config;
class Engine;
}  // namespace shoal::engine

namespace shoal::http {

class Plan {
 public:
  // Plans `request`: done() is true when the response is known without the engine (bad
  // path, bad token, /healthz...); otherwise command() is to be run and its reply given
  // to Finish. `now_sec` is the unix time that token expiry is checked against.
  static Plan For(const HttpRequest& request, const engine::Config& config, int64_t now_sec);

  bool done() const { return args_.empty(); }
  const HttpResponse& response() const { return response_; }
  // The command to run (views into this Plan: keep it alive and unmoved while it runs).
  const engine::CmdArgs& command() const { return command_; }
  // Builds the response from the command's RESP reply. `engine` feeds /metrics (only that
  // route reads it: tests of the others pass null).
  const HttpResponse& Finish(std::string_view reply, engine::Engine* engine);

 private:
  enum class Kind { kNone, kGet, kPut, kDelete, kList, kMetrics };

  void SetCommand(std::vector<std::string> args);

  Kind kind_ = Kind::kNone;
  bool created_on_insert_ = false;  // If-None-Match: * answers 201
  std::string not_modified_if_;     // a GET's If-None-Match, when it had one
  std::string workspace_, namespace_;
  std::vector<std::string> args_;
  engine::CmdArgs command_;
  HttpResponse response_;
};

}  // namespace shoal::http
