#include "src/persistence/lzf.h"

namespace shoal::persistence {

bool LzfDecompress(std::string_view in, size_t out_len, std::string* out) {
  out->assign(out_len, '\0');
  size_t ip = 0, op = 0;
  while (ip < in.size()) {
    unsigned ctrl = static_cast<unsigned char>(in[ip++]);
    if (ctrl < 32) {  // literal run of ctrl + 1 bytes
      size_t len = ctrl + 1;
      if (ip + len > in.size() || op + len > out_len) return false;
      out->replace(op, len, in.substr(ip, len));
      ip += len;
      op += len;
      continue;
    }
    size_t len = ctrl >> 5;
    if (len == 7) {
      if (ip >= in.size()) return false;
      len += static_cast<unsigned char>(in[ip++]);
    }
    len += 2;
    if (ip >= in.size()) return false;
    size_t back = ((ctrl & 0x1f) << 8) + static_cast<unsigned char>(in[ip++]) + 1;
    if (back > op || op + len > out_len) return false;
    // Byte by byte: the reference may overlap the bytes being written.
    for (size_t i = 0; i < len; ++i, ++op) (*out)[op] = (*out)[op - back];
  }
  return op == out_len;
}

}  // namespace shoal::persistence
