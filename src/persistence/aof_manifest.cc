#include "src/persistence/aof_manifest.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "protocol/strings.h"

namespace shoal::server {
namespace {

std::vector<std::string_view> SplitWords(std::string_view line) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

std::string DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

const AofManifest::File* AofManifest::base() const {
  for (const File& f : files) {
    if (f.type == 'b') return &f;
  }
  return nullptr;
}

std::vector<const AofManifest::File*> AofManifest::incrs() const {
  std::vector<const File*> out;
  for (const File& f : files) {
    if (f.type == 'i') out.push_back(&f);
  }
  return out;
}

bool AofManifest::Parse(std::string_view text, AofManifest* out, std::string* error) {
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string_view> words = SplitWords(line);
    File f;
    bool has_name = false, has_seq = false, has_type = false;
    for (size_t i = 0; i + 1 < words.size(); i += 2) {
      if (words[i] == "file") {
        f.name = std::string(words[i + 1]);
        has_name = true;
      } else if (words[i] == "seq") {
        has_seq = SimpleAtoi(words[i + 1], &f.seq) && f.seq > 0;
      } else if (words[i] == "type") {
        has_type = words[i + 1].size() == 1 &&
                   (words[i + 1][0] == 'b' || words[i + 1][0] == 'h' || words[i + 1][0] == 'i');
        if (has_type) f.type = words[i + 1][0];
      }
    }
    if (words.size() % 2 != 0 || !has_name || !has_seq || !has_type ||
        f.name.find('/') != std::string::npos) {
      *error = StrCat("Invalid AOF manifest file format at line ", line_no);
      return false;
    }
    if (f.type == 'b' && out->base() != nullptr) {
      *error = "Found duplicate base file information in the AOF manifest";
      return false;
    }
    out->files.push_back(std::move(f));
  }
  return true;
}

std::string AofManifest::Serialize() const {
  std::string out;
  for (const File& f : files) {
    out += StrCat("file ", f.name, " seq ", f.seq, " type ", std::string(1, f.type), "\n");
  }
  return out;
}

std::string AofFileName(std::string_view prefix, int64_t seq, char type) {
  return StrCat(prefix, ".", seq, type == 'b' ? ".base.aof" : ".incr.aof");
}

std::string WriteFileAtomically(const std::string& path, std::string_view data) {
  std::string tmp = path + ".tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return StrCat("Can't open ", tmp, ": ", std::strerror(errno));
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string err = StrCat("Can't write ", tmp, ": ", std::strerror(errno));
      close(fd);
      return err;
    }
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0 || close(fd) != 0) return StrCat("Can't fsync ", tmp, ": ", std::strerror(errno));
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    return StrCat("Can't rename ", tmp, " to ", path, ": ", std::strerror(errno));
  }
  int dir = open(DirOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    fsync(dir);
    close(dir);
  }
  return "";
}

}  // namespace shoal::server
