// A C++ program that embeds the Shoal engine: no server, no socket.
//
//   build/tools/embed_example
//
// It starts an engine with two shards, writes and reads keys through a Session, and
// prints the replies.
#include <iostream>

#include "engine/engine.h"
#include "engine/session.h"

int main() {
  shoal::engine::EngineOptions options;
  options.shards = 2;
  shoal::engine::Engine engine(std::move(options));
  engine.Start();

  auto session = engine.NewSession();
  std::cout << session->Execute({"SET", "greeting", "hello"}).ToString() << "\n";
  std::cout << session->Execute({"INCRBY", "counter", "41"}).ToString() << "\n";
  std::cout << session->Execute({"INCR", "counter"}).ToString() << "\n";
  std::cout << session->Execute({"MSET", "a", "1", "b", "2"}).ToString() << "\n";
  std::cout << session->Execute({"MGET", "greeting", "a", "b", "missing"}).ToString() << "\n";
  std::cout << session->Execute({"DBSIZE"}).ToString() << "\n";

  session.reset();
  engine.Stop();
  return 0;
}
