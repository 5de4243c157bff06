#include "src/server.h"

#include <unistd.h>

#include <iostream>

#include "asio/post.hpp"
#include "asio/write.hpp"
#include "mimalloc.h"
#include "protocol/strings.h"
#include "src/asio_executor.h"
#include "src/connection.h"

namespace shoal::server {

Server::Server(engine::Config* config) : config_(config) {
  engine::EngineOptions options;
  options.shards = static_cast<unsigned>(config->GetInt("threads"));
  if (options.shards == 0) options.shards = std::max(1u, std::thread::hardware_concurrency());
  options.databases = static_cast<int>(config->GetInt("databases"));
  options.config = config;
  for (unsigned i = 0; i < options.shards; ++i) {
    auto e = std::make_unique<AsioExecutor>();
    executors_.push_back(e.get());
    options.executors.push_back(std::move(e));
  }
  engine_ = std::make_unique<engine::Engine>(std::move(options));
  connections_.resize(engine_->shard_count());
  engine::ServerInfo& info = engine_->server_info();
  info.used_memory = [] {
    size_t elapsed, user, sys, rss, peak_rss, commit, peak_commit, faults;
    mi_process_info(&elapsed, &user, &sys, &rss, &peak_rss, &commit, &peak_commit, &faults);
    return commit;
  };
  info.rss = [] {
    size_t elapsed, user, sys, rss, peak_rss, commit, peak_commit, faults;
    mi_process_info(&elapsed, &user, &sys, &rss, &peak_rss, &commit, &peak_commit, &faults);
    return rss;
  };
  info.shutdown = [this] { RequestStop(); };
}

Server::~Server() = default;

void Server::Post(unsigned shard, engine::Task task) { executors_[shard]->Post(std::move(task)); }

bool Server::Start() {
  asio::io_context& io = executors_[0]->io();
  port_ = static_cast<unsigned>(config_->GetInt("port"));
  std::vector<std::string> binds;
  std::string bind = config_->GetString("bind");
  size_t pos = 0;
  while (pos < bind.size()) {
    size_t end = bind.find(' ', pos);
    if (end == std::string::npos) end = bind.size();
    std::string addr = bind.substr(pos, end - pos);
    if (!addr.empty()) binds.push_back(addr[0] == '-' ? addr.substr(1) : addr);
    pos = end + 1;
  }
  for (const std::string& addr : binds) {
    asio::error_code ec;
    asio::ip::address ip = asio::ip::make_address(addr == "*" ? "0.0.0.0" : addr, ec);
    if (ec) {
      std::cerr << "Invalid bind address '" << addr << "'\n";
      return false;
    }
    auto acceptor = std::make_unique<asio::ip::tcp::acceptor>(io);
    asio::ip::tcp::endpoint ep(ip, static_cast<unsigned short>(port_));
    acceptor->open(ep.protocol(), ec);
    if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor->bind(ep, ec);
    if (!ec) acceptor->listen(511, ec);
    if (ec) {
      std::cerr << "Could not create server TCP listening socket " << addr << ":" << port_ << ": "
                << ec.message() << "\n";
      return false;
    }
    if (port_ == 0) port_ = acceptor->local_endpoint().port();
    acceptors_.push_back(std::move(acceptor));
  }
  engine_->server_info().tcp_port = static_cast<int>(port_);
  for (unsigned s = 0; s < engine_->shard_count(); ++s) {
    sweep_timers_.push_back(std::make_unique<asio::steady_timer>(executors_[s]->io()));
  }
  engine_->Start();
  for (size_t i = 0; i < acceptors_.size(); ++i) {
    asio::post(io, [this, i] { Accept(i); });
  }
  for (unsigned s = 0; s < engine_->shard_count(); ++s) {
    Post(s, [this, s] { SweepIdle(s); });
  }
  return true;
}

void Server::Accept(size_t listener) {
  unsigned shard = next_shard_++ % engine_->shard_count();
  acceptors_[listener]->async_accept(
      executors_[shard]->io(), [this, listener, shard](const asio::error_code& ec,
                                                       asio::ip::tcp::socket socket) {
        if (ec == asio::error::operation_aborted) return;
        if (!ec) {
          engine_->total_connections.fetch_add(1, std::memory_order_relaxed);
          if (engine_->session_count() >= static_cast<size_t>(config_->GetInt("maxclients"))) {
            engine_->rejected_connections.fetch_add(1, std::memory_order_relaxed);
            asio::error_code wec;
            asio::write(socket, asio::buffer(std::string_view("-ERR max number of clients reached\r\n")), wec);
          } else {
            // The socket belongs to the shard's io_context: start it on that thread.
            auto sock = std::make_shared<asio::ip::tcp::socket>(std::move(socket));
            Post(shard, [this, shard, sock] {
              auto c = std::make_shared<Connection>(this, shard, std::move(*sock));
              c->Start();
            });
          }
        }
        Accept(listener);
      });
}

void Server::Track(std::shared_ptr<Connection> c) {
  unsigned shard = c->session().home();
  connections_[shard].all.insert(std::move(c));
}

void Server::Untrack(Connection* c) {
  auto& set = connections_[c->session().home()].all;
  auto it = set.find(c);
  if (it != set.end()) set.erase(it);
}

void Server::SweepIdle(unsigned shard) {
  int64_t timeout_ms = config_->GetInt("timeout") * 1000;
  if (timeout_ms > 0) {
    int64_t now = engine_->clock().NowMs();
    std::vector<Connection*> idle;
    for (const auto& c : connections_[shard].all) {
      if (now - c->last_active_ms() > timeout_ms) idle.push_back(c.get());
    }
    for (Connection* c : idle) c->Close();
  }
  asio::steady_timer& timer = *sweep_timers_[shard];
  timer.expires_after(std::chrono::seconds(1));
  timer.async_wait([this, shard](const asio::error_code& ec) {
    if (!ec) SweepIdle(shard);
  });
}

void Server::RequestStop() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    stop_requested_ = true;
  }
  stop_cv_.notify_all();
}

void Server::Wait() {
  {
    std::unique_lock<std::mutex> lock(stop_mu_);
    stop_cv_.wait(lock, [this] { return stop_requested_; });
  }
  engine_->Stop();
  // The shard threads are gone: drop what lives on their io_contexts before the engine
  // destroys them (connections unregister their sessions from the still-whole engine).
  acceptors_.clear();
  sweep_timers_.clear();
  connections_.clear();
  engine_.reset();
}

}  // namespace shoal::server
