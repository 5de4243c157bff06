#include "src/server_config.h"

#include <fstream>
#include <sstream>

#include "protocol/strings.h"

namespace shoal::server {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = AsciiLower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string Apply(engine::Config* config, const std::string& name, const std::string& value,
                  std::vector<std::string>* warnings, const std::string& where) {
  if (!config->Has(name)) {
    warnings->push_back(StrCat(where, "unknown directive '", name, "' ignored"));
    return "";
  }
  std::string err = config->Set(name, value, /*startup=*/true);
  return err.empty() ? "" : StrCat(where, err);
}

}  // namespace

bool SplitConfigLine(const std::string& line, std::vector<std::string>* out) {
  size_t i = 0, n = line.size();
  while (true) {
    while (i < n && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i >= n) return true;
    std::string cur;
    bool in_dq = false, in_sq = false;
    while (i < n) {
      char c = line[i];
      if (in_dq) {
        if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && HexValue(line[i + 2]) >= 0 &&
            HexValue(line[i + 3]) >= 0) {
          cur.push_back(static_cast<char>(HexValue(line[i + 2]) * 16 + HexValue(line[i + 3])));
          i += 4;
          continue;
        }
        if (c == '\\' && i + 1 < n) {
          char e = line[i + 1];
          cur.push_back(e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e == 'b' ? '\b' : e == 'a' ? '\a' : e);
          i += 2;
          continue;
        }
        if (c == '"') {
          if (i + 1 < n && !std::isspace(static_cast<unsigned char>(line[i + 1]))) return false;
          in_dq = false;
          ++i;
          break;
        }
        cur.push_back(c);
        ++i;
      } else if (in_sq) {
        if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
          cur.push_back('\'');
          i += 2;
          continue;
        }
        if (c == '\'') {
          if (i + 1 < n && !std::isspace(static_cast<unsigned char>(line[i + 1]))) return false;
          in_sq = false;
          ++i;
          break;
        }
        cur.push_back(c);
        ++i;
      } else {
        if (std::isspace(static_cast<unsigned char>(c))) break;
        if (c == '"') in_dq = true;
        else if (c == '\'') in_sq = true;
        else cur.push_back(c);
        ++i;
      }
    }
    if (in_dq || in_sq) return false;
    out->push_back(std::move(cur));
  }
}

std::string LoadConfig(const std::vector<std::string>& args, engine::Config* config,
                       std::string* config_file, std::vector<std::string>* warnings) {
  size_t i = 0;
  if (!args.empty() && args[0].rfind("--", 0) != 0) {
    *config_file = args[0];
    std::ifstream in(args[0]);
    if (!in) return StrCat("Fatal error, can't open config file '", args[0], "'");
    std::string line;
    int lineno = 0;
    while (std::getline(in, line)) {
      ++lineno;
      std::vector<std::string> parts;
      if (!SplitConfigLine(line, &parts)) {
        return StrCat("*** FATAL CONFIG FILE ERROR *** line ", lineno, ": unbalanced quotes");
      }
      if (parts.empty() || parts[0][0] == '#') continue;
      std::string name = ToLower(parts[0]);
      std::vector<std::string> values(parts.begin() + 1, parts.end());
      std::string err = Apply(config, name, StrJoin(values, " "), warnings,
                              StrCat(args[0], ":", lineno, ": "));
      if (!err.empty()) return err;
    }
    i = 1;
  }
  while (i < args.size()) {
    if (args[i].rfind("--", 0) != 0 || args[i].size() == 2) {
      return StrCat("Invalid argument '", args[i], "': expected --name value");
    }
    std::string name = ToLower(args[i].substr(2));
    std::vector<std::string> values;
    for (++i; i < args.size() && args[i].rfind("--", 0) != 0; ++i) values.push_back(args[i]);
    std::string err = Apply(config, name, StrJoin(values, " "), warnings, "");
    if (!err.empty()) return err;
  }
  return "";
}

}  // namespace shoal::server
