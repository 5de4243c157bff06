#include "engine/log.h"

#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

namespace shoal::engine {

void LogWarning(std::string_view message) {
  timeval tv;
  gettimeofday(&tv, nullptr);
  struct tm tm;
  localtime_r(&tv.tv_sec, &tm);
  char stamp[64];
  strftime(stamp, sizeof(stamp), "%d %b %Y %H:%M:%S", &tm);
  std::fprintf(stderr, "%d:M %s.%03d # %.*s\n", static_cast<int>(getpid()), stamp,
               static_cast<int>(tv.tv_usec / 1000), static_cast<int>(message.size()),
               message.data());
}

}  // namespace shoal::engine
