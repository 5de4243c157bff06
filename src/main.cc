// shoal-server: a Redis-compatible server. `shoal-server [redis.conf] [--name value ...]`
// Loads the configuration, starts the Server (one epoll EventLoop per shard thread) and
// waits on the main thread for SIGINT, SIGTERM or SHUTDOWN.
#include <csignal>
#include <iostream>
#include <thread>

#include "engine/config.h"
#include "src/server.h"
#include "src/server_config.h"

namespace {

shoal::server::Server* g_server = nullptr;

// SIGINT and SIGTERM wake a watcher thread through sigwait, so nothing unsafe runs in a
// signal handler.
void WatchSignals(sigset_t set) {
  std::thread([set] {
    int sig = 0;
    sigwait(&set, &sig);
    std::cerr << "Received " << (sig == SIGINT ? "SIGINT" : "SIGTERM")
              << ", shutting down.\n";
    if (g_server) g_server->RequestStop();
  }).detach();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "--version" || args[0] == "-v")) {
    std::cout << "Shoal server v=7.2.4 (shoal 0.1)\n";
    return 0;
  }
  shoal::engine::Config config;
  std::string config_file;
  std::vector<std::string> warnings;
  std::string err = shoal::server::LoadConfig(args, &config, &config_file, &warnings);
  for (const std::string& w : warnings) std::cerr << "warning: " << w << "\n";
  if (!err.empty()) {
    std::cerr << err << "\n";
    return 1;
  }

  // Block the signals in every thread (the shard threads inherit the mask).
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  shoal::server::Server server(&config);
  server.engine().server_info().config_file = config_file;
  server.engine().server_info().executable = argv[0];
  if (!server.Start()) return 1;
  g_server = &server;
  WatchSignals(set);
  std::cerr << "Shoal ready: port " << server.port();
  if (server.http_port() != 0) std::cerr << ", HTTP port " << server.http_port();
  std::cerr << ", " << server.engine().shard_count() << " shard threads.\n";
  server.Wait();
  g_server = nullptr;
  std::cerr << "Shoal is now ready to exit, bye bye...\n";
  return 0;
}
