#include "src/persistence/aof_load.h"

#include <unistd.h>

#include <fstream>
#include <future>
#include <sstream>
#include <vector>

#include "engine/args.h"
#include "engine/session.h"
#include "protocol/resp_parser.h"
#include "protocol/strings.h"

namespace shoal::server {
namespace {

constexpr size_t kBatch = 1024;  // commands run per hop to the session's shard

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

// Runs `cmds` on the session's home shard thread and waits, each at its time in `times`
// (0: the clock).
void RunBatch(engine::Engine& engine, engine::Session& session,
              const std::vector<engine::CmdArgs>& cmds, const std::vector<int64_t>& times,
              size_t begin, size_t end) {
  std::string out;
  std::promise<void> finished;
  absl::Span<const engine::CmdArgs> span(cmds.data() + begin, end - begin);
  session.set_command_times(absl::Span<const int64_t>(times.data() + begin, end - begin));
  engine.shard(session.home()).executor().Post([&] {
    if (session.Run(span, &out, [&] { finished.set_value(); })) finished.set_value();
  });
  finished.get_future().wait();
  session.set_command_times({});
}

// An annotation line at data[offset] ('#'), Redis's or Shoal's (aof.h). Sets *end past its
// newline, or returns false when the line has none (a torn tail). A time annotation sets
// *time_ms; a malformed one sets *bad. Any other annotation is skipped, as Redis does.
bool ReadAnnotation(std::string_view data, size_t offset, size_t* end, int64_t* time_ms,
                    bool* bad) {
  const size_t newline = data.find('\n', offset);
  if (newline == std::string_view::npos) return false;
  *end = newline + 1;
  std::string_view line = data.substr(offset, newline + 1 - offset);
  if (line.substr(0, kTimeAnnotation.size()) != kTimeAnnotation) return true;
  std::string_view digits = line.substr(kTimeAnnotation.size());
  int64_t ms = 0;
  *bad = digits.size() < 3 || digits.substr(digits.size() - 2) != "\r\n" ||
         !engine::ParseInt64(digits.substr(0, digits.size() - 2), &ms) || ms <= 0;
  if (!*bad) *time_ms = ms;
  return true;
}

// Parses and replays one file. `last`: the final file, whose torn tail may be cut off.
std::string ReplayFile(engine::Engine& engine, engine::Session& session, const AofPaths& paths,
                       const std::string& name, bool last, bool load_truncated,
                       std::ostream& log, AofLoadResult* result) {
  const std::string path = paths.file(name);
  std::string data;
  if (!ReadFile(path, &data)) {
    return StrCat("Can't open the append-only file ", name, " listed in the manifest");
  }
  protocol::ParserLimits limits;
  limits.max_inline_len = 1024 * 1024;
  protocol::RequestParser parser(limits);
  std::vector<engine::CmdArgs> cmds;
  std::vector<int64_t> times;  // each command's time: the last annotation's, 0 before one
  int64_t time_ms = 0;
  size_t offset = 0, valid = 0;      // valid: the end of the last command that may run
  size_t valid_cmds = 0;
  bool in_multi = false;
  bool torn = false;
  while (offset < data.size()) {
    if (data[offset] == '#') {
      bool bad = false;
      size_t end = 0;
      if (!ReadAnnotation(data, offset, &end, &time_ms, &bad)) {
        torn = true;
        break;
      }
      if (bad) {
        return StrCat("Bad time annotation reading the append only file ", name, " at offset ",
                      offset, " (expected ", kTimeAnnotation, "<unix ms>)");
      }
      offset = end;
      continue;
    }
    if (data[offset] != '*') {
      return StrCat("Bad file format reading the append only file ", name, " at offset ",
                    offset, ": make a backup of your AOF file, then use ./redis-check-aof "
                    "--fix <filename.manifest>");
    }
    engine::CmdArgs args;
    size_t consumed = 0;
    protocol::ParseStatus status =
        parser.Parse(std::string_view(data).substr(offset), &consumed, &args);
    if (status == protocol::ParseStatus::kIncomplete) {
      torn = true;
      break;
    }
    if (status == protocol::ParseStatus::kError || args.empty()) {
      return StrCat("Bad file format reading the append only file ", name, " at offset ",
                    offset, " (", parser.error(), ")");
    }
    offset += consumed;
    if (EqualsIgnoreCase(args[0], "multi")) in_multi = true;
    if (EqualsIgnoreCase(args[0], "exec")) in_multi = false;
    cmds.push_back(std::move(args));
    times.push_back(time_ms);
    if (!in_multi) {
      valid = offset;
      valid_cmds = cmds.size();
    }
  }
  if (in_multi && !torn) torn = true;  // the file ends inside a MULTI block
  if (torn) {
    if (!last) {
      return StrCat("Unexpected end of file reading the append only file ", name,
                    " at offset ", valid, ": only the last file may be truncated");
    }
    if (!load_truncated) {
      return StrCat("Unexpected end of file reading the append only file ", name,
                    " at offset ", valid, ": you can: 1) make a backup of your AOF file, "
                    "then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively "
                    "you can set the 'aof-load-truncated' configuration option to yes and "
                    "restart the server.");
    }
    log << "!!! Warning: short read while loading the AOF file " << name << "!!!\n"
        << "!!! Truncating the AOF " << name << " at offset " << valid << " !!!\n";
    if (truncate(path.c_str(), static_cast<off_t>(valid)) != 0) {
      return StrCat("Error truncating the AOF file ", name, " at offset ", valid);
    }
    log << "AOF " << name << " loaded anyway because aof-load-truncated is enabled\n";
    result->truncated = true;
  }
  for (size_t i = 0; i < valid_cmds; i += kBatch) {
    RunBatch(engine, session, cmds, times, i, std::min(valid_cmds, i + kBatch));
  }
  result->commands += valid_cmds;
  return "";
}

}  // namespace

AofLoadResult LoadAof(engine::Engine& engine, const AofPaths& paths, std::ostream& log,
                      bool load_truncated) {
  AofLoadResult result;
  std::string text;
  if (!ReadFile(paths.manifest(), &text)) return result;
  result.found = true;
  AofManifest manifest;
  if (!AofManifest::Parse(text, &manifest, &result.error)) {
    result.error = StrCat(result.error, " (", paths.manifest(), ")");
    return result;
  }
  std::vector<std::string> files;
  if (const AofManifest::File* base = manifest.base()) files.push_back(base->name);
  for (const AofManifest::File* f : manifest.incrs()) files.push_back(f->name);
  std::unique_ptr<engine::Session> session = engine.NewSession(0);
  session->set_authenticated(true);
  // Entries run at their logged times, while active expiry follows the clock: it waits
  // until the end, so that a key is not dropped under a later entry that saw it alive (as
  // Redis expires nothing while loading). Keys past their expiry then go as usual.
  const bool active_expire = engine.active_expire.exchange(false);
  for (size_t i = 0; i < files.size() && result.error.empty(); ++i) {
    result.error = ReplayFile(engine, *session, paths, files[i], i + 1 == files.size(),
                              load_truncated, log, &result);
  }
  engine.active_expire.store(active_expire);
  if (result.error.empty()) {
    log << "DB loaded from append only file: " << result.commands << " commands\n";
  }
  return result;
}

}  // namespace shoal::server
