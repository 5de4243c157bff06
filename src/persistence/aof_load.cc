#include "src/persistence/aof_load.h"

#include <unistd.h>

#include <fstream>
#include <future>
#include <sstream>
#include <vector>

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

// Runs `cmds` on the session's home shard thread and waits.
void RunBatch(engine::Engine& engine, engine::Session& session,
              const std::vector<engine::CmdArgs>& cmds, size_t begin, size_t end) {
  std::string out;
  std::promise<void> finished;
  absl::Span<const engine::CmdArgs> span(cmds.data() + begin, end - begin);
  engine.shard(session.home()).executor().Post([&] {
    if (session.Run(span, &out, [&] { finished.set_value(); })) finished.set_value();
  });
  finished.get_future().wait();
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
  size_t offset = 0, valid = 0;      // valid: the end of the last command that may run
  size_t valid_cmds = 0;
  bool in_multi = false;
  bool torn = false;
  while (offset < data.size()) {
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
    RunBatch(engine, session, cmds, i, std::min(valid_cmds, i + kBatch));
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
  for (size_t i = 0; i < files.size() && result.error.empty(); ++i) {
    result.error = ReplayFile(engine, *session, paths, files[i], i + 1 == files.size(),
                              load_truncated, log, &result);
  }
  if (result.error.empty()) {
    log << "DB loaded from append only file: " << result.commands << " commands\n";
  }
  return result;
}

}  // namespace shoal::server
