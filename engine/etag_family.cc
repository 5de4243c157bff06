// Conditional writes by content digest, for the HTTP front's If-Match (src/http/).
//
// SETIFMD5 key value md5 replaces a string only while the MD5 of its current value is
// `md5` (32 hex digits, either case). The check and the write are one step on the key's
// shard, so of several writers that all read the same ETag exactly one wins; the others
// get nil (HTTP 412) and must read again. No digest is stored: it is computed from the
// value on each call (O(value length)), so every other write path stays as it is and a
// value written over RESP has the ETag that its bytes give it.
//
// As SET XX, a missing key is not written (nil). A key of another type is WRONGTYPE: it
// has no digest to compare. The write drops the key's TTL, as SET without KEEPTTL does.
#include "engine/command_context.h"
#include "engine/digest.h"
#include "engine/errors.h"
#include "engine/families.h"
#include "engine/shard.h"
#include "protocol/strings.h"

namespace shoal::engine {

// SETIFMD5 key value md5: OK when written, nil when the key is missing or its value's MD5
// differs.
void CmdSetIfMd5(CommandContext& ctx) {
  std::string_view key = ctx.arg(1), value = ctx.arg(2), md5 = ctx.arg(3);
  if (!IsMd5Hex(md5)) return ctx.Error(errors::kInvalidMd5);
  Db& db = ctx.db(key);
  bool wrong_type;
  KeyNode* node = db.FindOfType(key, ObjType::kString, &wrong_type);
  if (wrong_type) return ctx.Error(errors::kWrongType);
  if (node == nullptr || ToLower(md5) != Md5Hex(Db::StringOf(node))) return ctx.reply.Null();
  db.SetString(key, node, value, 0);
  ctx.reply.Ok();
}

}  // namespace shoal::engine
