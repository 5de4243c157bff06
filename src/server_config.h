// Loading the configuration: `shoal-server [file] [--name value ...]`, as redis-server
// takes it. The file holds one directive per line (`port 7000`, `bind 127.0.0.1 ::1`,
// comments after '#', quoted values); flags come after the file and override it. A flag's
// value is every argument up to the next `--name`, joined by spaces (`--save 900 1`).
#pragma once

#include <string>
#include <vector>

#include "engine/config.h"

namespace shoal::server {

// Applies the file and flags to `config`. Returns "" or an error message. Directives that
// Shoal does not know are reported in `warnings` and skipped, so that an existing
// redis.conf still starts the server.
std::string LoadConfig(const std::vector<std::string>& args, engine::Config* config,
                       std::string* config_file, std::vector<std::string>* warnings);

// Splits one config line the way Redis's sdssplitargs does (quotes and escapes).
bool SplitConfigLine(const std::string& line, std::vector<std::string>* out);

}  // namespace shoal::server
