#include "src/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <future>
#include <iostream>
#include <thread>

#include "mimalloc.h"
#include "protocol/strings.h"
#include "src/connection.h"
#include "src/http/http_connection.h"
#include "src/persistence/aof_load.h"

namespace shoal::server {
namespace {

constexpr int kListenBacklog = 511;  // Redis's tcp-backlog default
constexpr std::string_view kMaxClientsReply = "-ERR max number of clients reached\r\n";
constexpr std::string_view kMaxClientsHttpReply =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 30\r\nConnection: close\r\n\r\n"
    "max number of clients reached\n";

// An accepted fd on its way to its shard: closed if the task is dropped unrun (shutdown).
class OwnedFd {
 public:
  explicit OwnedFd(int fd) : fd_(fd) {}
  OwnedFd(OwnedFd&& o) noexcept : fd_(o.Release()) {}
  OwnedFd& operator=(OwnedFd&&) = delete;
  ~OwnedFd() {
    if (fd_ >= 0) close(fd_);
  }
  int Release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

}  // namespace

Server::Server(engine::Config* config)
    : config_(config), rdb_(std::make_unique<persistence::RdbPersistence>()) {
  engine::EngineOptions options;
  options.shards = static_cast<unsigned>(config->GetInt("threads"));
  if (options.shards == 0) options.shards = std::max(1u, std::thread::hardware_concurrency());
  options.databases = static_cast<int>(config->GetInt("databases"));
  options.config = config;
  for (unsigned i = 0; i < options.shards; ++i) {
    auto loop = std::make_unique<EventLoop>(config);
    loops_.push_back(loop.get());
    options.executors.push_back(std::move(loop));
  }
  engine_ = std::make_unique<engine::Engine>(std::move(options));
  connections_.resize(engine_->shard_count());
  engine::ServerInfo& info = engine_->server_info();
  info.rss = [] {
    size_t elapsed, user, sys, rss, peak_rss, commit, peak_commit, faults;
    mi_process_info(&elapsed, &user, &sys, &rss, &peak_rss, &commit, &peak_commit, &faults);
    return rss;
  };
  info.shutdown = [this] { RequestStop(); };
  engine_->set_persistence(rdb_.get());
}

bool Server::LoadRdb() {
  if (config_->GetInt("appendonly") != 0) return true;  // the AOF is replayed instead
  std::string error = rdb_->LoadOnStart(*engine_);
  if (!error.empty()) {
    std::cerr << "Fatal error loading the DB: " << error << ". Exiting.\n";
    return false;
  }
  return true;
}

Server::~Server() = default;

Server::Listener::~Listener() { close(fd_); }

void Server::Listener::OnEvent(uint32_t events) { server_->AcceptAll(this); }

void Server::Post(unsigned shard, engine::Task task) { loops_[shard]->Post(std::move(task)); }

int Server::Listen(const std::string& addr, bool optional, unsigned* port) {
  // Redis spells the wildcards "*" (IPv4) and "::*" (IPv6).
  std::string host = addr == "*" ? "0.0.0.0" : addr == "::*" ? "::" : addr;
  sockaddr_storage ss{};
  socklen_t len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(*port));
    len = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(*port));
    len = sizeof(sockaddr_in6);
  } else {
    std::cerr << "Invalid bind address '" << addr << "'\n";
    return -1;
  }
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  bool ok = fd >= 0;
  int one = 1;
  if (ok) ok = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0;
  // As Redis: an IPv6 socket takes only IPv6, so "* ::*" can share the port.
  if (ok && ss.ss_family == AF_INET6) {
    ok = setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) == 0;
  }
  if (ok) ok = bind(fd, reinterpret_cast<sockaddr*>(&ss), len) == 0;
  if (ok) ok = listen(fd, kListenBacklog) == 0;
  if (!ok) {
    int err = errno;
    if (fd >= 0) close(fd);
    if (optional && (err == EADDRNOTAVAIL || err == EAFNOSUPPORT || err == EPROTONOSUPPORT)) {
      return -2;  // Redis skips a "-addr" that this machine does not have
    }
    std::cerr << "Could not create server TCP listening socket " << addr << ":" << *port << ": "
              << std::strerror(err) << "\n";
    return -1;
  }
  if (*port == 0) {
    len = sizeof(ss);
    getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
    *port = ntohs(ss.ss_family == AF_INET ? v4->sin_port : v6->sin6_port);
  }
  return fd;
}

bool Server::ListenAll(unsigned* port, bool http) {
  std::string bind = config_->GetString("bind");
  size_t pos = 0;
  bool any = false;
  while (pos < bind.size()) {
    size_t end = bind.find(' ', pos);
    if (end == std::string::npos) end = bind.size();
    std::string addr = bind.substr(pos, end - pos);
    pos = end + 1;
    if (addr.empty()) continue;
    bool optional = addr[0] == '-';
    int fd = Listen(optional ? addr.substr(1) : addr, optional, port);
    if (fd == -2) continue;
    if (fd < 0) return false;
    listeners_.push_back(std::make_unique<Listener>(this, fd, http));
    any = true;
  }
  if (!any) {
    std::cerr << "Failed listening on port " << *port << " (tcp), aborting.\n";
    return false;
  }
  return true;
}

bool Server::Start() {
  if (!LoadRdb()) return false;
  port_ = static_cast<unsigned>(config_->GetInt("port"));
  if (!ListenAll(&port_, /*http=*/false)) return false;
  http_port_ = static_cast<unsigned>(config_->GetInt("http-port"));
  if (http_port_ != 0 && !ListenAll(&http_port_, /*http=*/true)) return false;
  engine_->server_info().tcp_port = static_cast<int>(port_);
  for (unsigned s = 0; s < engine_->shard_count(); ++s) {
    loops_[s]->Every(std::chrono::seconds(1), [this, s] { SweepIdle(s); });
  }
  engine_->Start();
  if (!ReplayAof()) return false;
  rdb_->Start(*engine_);
  // Clients are accepted once the data is loaded.
  std::promise<bool> watched;
  loops_[0]->Post([&] {
    bool ok = true;
    for (auto& l : listeners_) {
      if (!loops_[0]->Watch(l->fd(), EPOLLIN, l.get())) {
        std::cerr << "epoll_ctl: " << std::strerror(errno) << "\n";
        ok = false;
      }
    }
    watched.set_value(ok);
  });
  return watched.get_future().get();
}

bool Server::ReplayAof() {
  if (config_->GetInt("appendonly") != 0) {
    AofLoadResult loaded = LoadAof(*engine_, AofPaths::FromConfig(*config_), std::cerr,
                                   config_->GetInt("aof-load-truncated") != 0);
    if (!loaded.error.empty()) {
      std::cerr << "Fatal error loading the AOF: " << loaded.error << "\n";
      return false;
    }
  }
  std::string error = ApplyAppendOnly(/*startup=*/true);
  if (!error.empty()) {
    std::cerr << error << "\n";
    return false;
  }
  config_->OnChange([this](const std::string& name) { OnConfigChange(name); });
  return true;
}

std::string Server::ApplyAppendOnly(bool startup) {
  std::lock_guard<std::mutex> lock(aof_mu_);
  const bool want = config_->GetInt("appendonly") != 0;
  Aof* current = aof_.load();
  if (want && current == nullptr) {
    auto aof = std::make_unique<Aof>(engine_.get(), AofPaths::FromConfig(*config_));
    std::string error = aof->Open(/*rewrite=*/!startup);  // installs it as the journal
    if (!error.empty()) return StrCat("Can't open the append only file: ", error);
    aof_.store(aof.get());
    aofs_.push_back(std::move(aof));
  } else if (!want && current != nullptr) {
    engine_->set_journal(nullptr);
    aof_.store(nullptr);
    current->Close();
  }
  return "";
}

void Server::OnConfigChange(const std::string& name) {
  if (name == "appendfsync") {
    if (Aof* aof = aof_.load()) aof->set_fsync(Aof::ParseFsync(config_->GetString(name)));
  } else if (name == "appendonly") {
    // Turning it on writes a base of the dataset with every shard parked: not on the
    // shard thread that runs CONFIG SET.
    std::lock_guard<std::mutex> lock(togglers_mu_);
    togglers_.emplace_back([this] {
      std::string error = ApplyAppendOnly(/*startup=*/false);
      if (!error.empty()) std::cerr << error << "\n";
    });
  }
}

bool Server::HoldUntilDurable(uint64_t lsn, unsigned shard, std::function<void()> resume) {
  Aof* aof = aof_.load();
  if (aof == nullptr) return false;
  return aof->WhenDurable(lsn, [this, shard, resume = std::move(resume)]() mutable {
    Post(shard, std::move(resume));
  });
}

void Server::AcceptAll(Listener* listener) {
  while (true) {
    int fd = accept4(listener->fd(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      switch (errno) {
        case EAGAIN:
#if EWOULDBLOCK != EAGAIN
        case EWOULDBLOCK:
#endif
          return;
        // The connection went away before we took it, or (as accept(2) advises) a
        // network error that belongs to that connection: take the next one.
        case EINTR: case ECONNABORTED: case EPROTO: case ENETDOWN: case ENOPROTOOPT:
        case EHOSTDOWN: case ENONET: case EHOSTUNREACH: case EOPNOTSUPP: case ENETUNREACH:
          continue;
        default: {
          // Out of fds or memory: readiness is level-triggered, so stop watching for a
          // while instead of spinning; the pending connections wait in the backlog.
          std::cerr << "Accepting client connection: " << std::strerror(errno) << "\n";
          EventLoop* loop = loops_[0];
          loop->Unwatch(listener->fd());
          loop->After(std::chrono::milliseconds(100), [loop, listener] {
            loop->Watch(listener->fd(), EPOLLIN, listener);
          });
          return;
        }
      }
    }
    engine_->total_connections.fetch_add(1, std::memory_order_relaxed);
    if (engine_->session_count() >= static_cast<size_t>(config_->GetInt("maxclients"))) {
      engine_->rejected_connections.fetch_add(1, std::memory_order_relaxed);
      // A fresh socket's buffer takes these few bytes at once; if not, the client loses
      // only the explanation.
      std::string_view reply = listener->http() ? kMaxClientsHttpReply : kMaxClientsReply;
      (void)send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
      close(fd);
      continue;
    }
    unsigned shard = next_shard_++ % engine_->shard_count();
    if (listener->http()) {
      StartHttp(shard, fd);
      continue;
    }
    // We are on shard 0's loop. While a script is busy, its thread (and every thread it
    // parked) polls sockets but runs no posted task, so a client that comes to send
    // SCRIPT KILL is started here, where the loop polls too.
    if (shard == 0 || engine_->scripts().any_busy()) {
      auto c = std::make_shared<Connection>(this, loops_[0], 0, fd);
      c->Start();
      continue;
    }
    Post(shard, [this, shard, owned = OwnedFd(fd)]() mutable {
      auto c = std::make_shared<Connection>(this, loops_[shard], shard, owned.Release());
      c->Start();
    });
  }
}

void Server::StartHttp(unsigned shard, int fd) {
  if (shard == 0) {
    std::make_shared<HttpConnection>(this, loops_[0], 0, fd)->Start();
    return;
  }
  Post(shard, [this, shard, owned = OwnedFd(fd)]() mutable {
    std::make_shared<HttpConnection>(this, loops_[shard], shard, owned.Release())->Start();
  });
}

namespace {

// Removes `c` from its shard's set and returns the set's reference (null if it had none).
template <typename C>
std::shared_ptr<C> Extract(absl::flat_hash_set<std::shared_ptr<C>>& set, C* c) {
  auto it = set.find(c);
  if (it == set.end()) return nullptr;
  auto node = set.extract(it);
  return std::move(node.value());
}

// Closes the connections of `set` idle for longer than timeout_ms.
template <typename C>
void CloseIdle(const absl::flat_hash_set<std::shared_ptr<C>>& set, int64_t now,
               int64_t timeout_ms) {
  std::vector<C*> idle;
  for (const auto& c : set) {
    if (now - c->last_active_ms() > timeout_ms) idle.push_back(c.get());
  }
  for (C* c : idle) c->Close();
}

}  // namespace

void Server::Track(std::shared_ptr<HttpConnection> c) {
  unsigned shard = c->session().home();
  connections_[shard].http.insert(std::move(c));
}

std::shared_ptr<HttpConnection> Server::Untrack(HttpConnection* c) {
  return Extract(connections_[c->session().home()].http, c);
}

void Server::Track(std::shared_ptr<Connection> c) {
  unsigned shard = c->session().home();
  connections_[shard].all.insert(std::move(c));
}

std::shared_ptr<Connection> Server::Untrack(Connection* c) {
  return Extract(connections_[c->session().home()].all, c);
}

void Server::SweepIdle(unsigned shard) {
  // Copied first: a check may close (and untrack) a connection.
  std::vector<std::shared_ptr<Connection>> all(connections_[shard].all.begin(),
                                               connections_[shard].all.end());
  for (const auto& c : all) c->CheckOutputLimit();
  int64_t timeout_ms = config_->GetInt("timeout") * 1000;
  if (timeout_ms <= 0) return;
  int64_t now = engine_->clock().NowMs();
  CloseIdle(connections_[shard].all, now, timeout_ms);
  CloseIdle(connections_[shard].http, now, timeout_ms);
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
  rdb_->Stop();
  {
    std::lock_guard<std::mutex> lock(togglers_mu_);
    for (std::thread& t : togglers_) t.join();
  }
  if (Aof* aof = aof_.load()) aof->WaitRewrite();
  engine_->Stop();
  // Every write is appended: flush and fsync the AOF.
  engine_->set_journal(nullptr);
  for (auto& aof : aofs_) aof->Close();
  // The shard threads are gone: save if SHUTDOWN or the save rules ask for it.
  std::string error = rdb_->SaveOnShutdown(*engine_);
  if (!error.empty()) std::cerr << "Error trying to save the DB: " << error << "\n";
  // The shard threads are gone: close the listeners and drop the connections (which
  // unregister their sessions from the still-whole engine) before the engine destroys the
  // loops they were registered with.
  listeners_.clear();
  connections_.clear();
  engine_.reset();
}

}  // namespace shoal::server
