// Key tags, in the object-tag model: TAG.SET, TAG.GET, TAG.DEL, TAG.FIND, TAG.SETPREFIX
// and TAG.DELKEYS. A key carries at most tag-max-per-key tags (10), each a name of 1 to
// tag-max-key-len bytes (128) and a value of up to tag-max-value-len bytes (256). Tags
// live in the database's KeyMetaStore (key_meta.h), beside the value: changing tags is
// not a write to the value, so a retained key can still be tagged (kMetaOnly).
//
// TAG.FIND is served from each shard's index of (name, value) -> sorted keys: its cost
// grows with the matches, not the keyspace. Its cursor is "0" to start and when done,
// else "k:" followed by the last key returned; the next page starts after that key, so a
// key tagged for the whole walk is returned exactly once, whatever else changes.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/args.h"
#include "engine/command_context.h"
#include "engine/config.h"
#include "engine/errors.h"
#include "engine/families.h"
#include "protocol/strings.h"

namespace shoal::engine {
namespace {

struct TagLimits {
  size_t per_key, key_len, value_len;
};

TagLimits ReadLimits(CommandContext& ctx) {
  Config& c = ctx.engine().config();
  return {static_cast<size_t>(c.GetInt("tag-max-per-key")),
          static_cast<size_t>(c.GetInt("tag-max-key-len")),
          static_cast<size_t>(c.GetInt("tag-max-value-len"))};
}

// Checks the `name value` pairs of args[from..]. False after replying an error.
bool CheckPairs(CommandContext& ctx, size_t from, const TagLimits& limits) {
  if ((ctx.argc() - from) % 2 != 0) return ctx.Error(errors::WrongArgs(ctx.spec.name)), false;
  for (size_t i = from; i < ctx.argc(); i += 2) {
    if (ctx.arg(i).empty() || ctx.arg(i).size() > limits.key_len ||
        ctx.arg(i + 1).size() > limits.value_len) {
      return ctx.Error(errors::TagTooLong(limits.key_len, limits.value_len)), false;
    }
  }
  return true;
}

// How many tags the key would have after setting the pairs of args[from..].
size_t CountAfter(const KeyMeta* meta, CommandContext& ctx, size_t from) {
  std::vector<std::string_view> names;
  if (meta != nullptr) {
    for (const auto& t : meta->tags) names.push_back(t.first);
  }
  for (size_t i = from; i < ctx.argc(); i += 2) {
    if (std::find(names.begin(), names.end(), ctx.arg(i)) == names.end()) {
      names.push_back(ctx.arg(i));
    }
  }
  return names.size();
}

// Sets the pairs of args[from..] on a live node; returns how many tag names were new.
int64_t ApplyTags(CommandContext& ctx, Db& db, KeyNode* node, size_t from) {
  db.EditMeta(node);
  int64_t added = 0;
  for (size_t i = from; i < ctx.argc(); i += 2) {
    added += db.meta().SetTag(node->key(), ctx.arg(i), ctx.arg(i + 1));
  }
  // A change of the key as far as WATCH, the journal and the save rules go.
  db.NotifyWrite(node->key());
  return added;
}

}  // namespace

// TAG.SET key name value [name value ...]: the number of tag names added.
void CmdTagSet(CommandContext& ctx) {
  const TagLimits limits = ReadLimits(ctx);
  if (!CheckPairs(ctx, 2, limits)) return;
  std::string_view key = ctx.arg(1);
  Db& db = ctx.db(key);
  KeyNode* node = db.Find(key);
  if (node == nullptr) return ctx.Error(errors::kNoSuchKey);
  if (CountAfter(db.MetaOf(node), ctx, 2) > limits.per_key) {
    return ctx.Error(errors::TooManyTags(limits.per_key));
  }
  ctx.reply.Integer(ApplyTags(ctx, db, node, 2));
}

// TAG.GET key: the key's tags as a map; nil when the key is missing.
void CmdTagGet(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Db& db = ctx.db(key);
  KeyNode* node = db.FindRead(key);
  if (node == nullptr) return ctx.reply.Null();
  const KeyMeta* meta = db.MetaOf(node);
  ctx.reply.Map(meta != nullptr ? meta->tags.size() : 0);
  if (meta == nullptr) return;
  for (const auto& [name, value] : meta->tags) {
    ctx.reply.Bulk(name);
    ctx.reply.Bulk(value);
  }
}

// TAG.DEL key name [name ...]: how many tags were removed.
void CmdTagDel(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Db& db = ctx.db(key);
  KeyNode* node = db.Find(key);
  if (node == nullptr || db.MetaOf(node) == nullptr) return ctx.reply.Integer(0);
  int64_t removed = 0;
  for (size_t i = 2; i < ctx.argc(); ++i) removed += db.meta().DeleteTag(key, ctx.arg(i));
  db.TrimMeta(node);
  if (removed > 0) db.NotifyWrite(key);
  ctx.reply.Integer(removed);
}

// TAG.FIND name value [CURSOR c] [COUNT n]: [next cursor, keys], keys sorted. Without
// COUNT, every match at once.
void CmdTagFind(CommandContext& ctx) {
  std::string after;
  bool from_start = true;
  int64_t count = INT64_MAX;
  for (size_t i = 3; i < ctx.argc(); i += 2) {
    if (i + 1 >= ctx.argc()) return ctx.Error(errors::kSyntax);
    std::string_view value = ctx.arg(i + 1);
    if (EqualsIgnoreCase(ctx.arg(i), "cursor")) {
      if (value == "0") continue;
      if (value.substr(0, 2) != "k:") return ctx.Error(errors::kInvalidCursor);
      after = value.substr(2);
      from_start = false;
    } else if (EqualsIgnoreCase(ctx.arg(i), "count")) {
      if (!ParseInt64(value, &count)) return ctx.Error(errors::kNotInteger);
      if (count < 1) return ctx.Error(errors::kSyntax);
    } else {
      return ctx.Error(errors::kSyntax);
    }
  }
  // Up to count + 1 keys after `after` from each shard, then the count smallest of all.
  std::vector<std::string_view> keys;
  for (unsigned s = 0; s < ctx.engine().shard_count(); ++s) {
    Db& db = ctx.db_on(s);
    const auto* tagged = db.meta().Tagged(ctx.arg(1), ctx.arg(2));
    if (tagged == nullptr) continue;
    int64_t taken = 0;
    for (auto it = from_start ? tagged->begin() : tagged->upper_bound(after);
         it != tagged->end() && taken <= count; ++it) {
      KeyNode* node = db.table().Find(*it);
      if (node == nullptr || db.IsExpired(node)) continue;
      keys.push_back(*it);
      ++taken;
    }
  }
  std::sort(keys.begin(), keys.end());
  const bool more = static_cast<int64_t>(keys.size()) > count;
  if (more) keys.resize(static_cast<size_t>(count));
  ctx.reply.Array(2);
  ctx.reply.Bulk(more ? StrCat("k:", keys.back()) : std::string("0"));
  ctx.reply.BulkArray(keys.data(), keys.size());
}

// TAG.SETPREFIX prefix name value [name value ...]: tags every live key of the database
// that starts with prefix. Replies [tagged, skipped]: a key that would exceed
// tag-max-per-key is skipped. Runs with every shard parked.
void CmdTagSetPrefix(CommandContext& ctx) {
  const TagLimits limits = ReadLimits(ctx);
  if (!CheckPairs(ctx, 2, limits)) return;
  std::string_view prefix = ctx.arg(1);
  int64_t tagged = 0, skipped = 0;
  for (unsigned s = 0; s < ctx.engine().shard_count(); ++s) {
    Db& db = ctx.db_on(s);
    std::vector<std::string> keys;  // collected first: Find below may change the table
    db.table().ForEach([&](KeyNode* node) {
      if (node->key().substr(0, prefix.size()) == prefix) keys.emplace_back(node->key());
    });
    for (const std::string& key : keys) {
      // Through Find, as every other write: it expires the key, or lets a running
      // snapshot save it before its tags change.
      KeyNode* node = db.Find(key);
      if (node == nullptr) continue;
      if (CountAfter(db.MetaOf(node), ctx, 2) > limits.per_key) {
        ++skipped;
        continue;
      }
      ApplyTags(ctx, db, node, 2);
      ++tagged;
    }
  }
  ctx.reply.Array(2);
  ctx.reply.Integer(tagged);
  ctx.reply.Integer(skipped);
}

// TAG.DELKEYS name value: deletes the database's keys tagged name=value. A retained or
// held key is skipped. Replies [deleted, skipped]. Runs with every shard parked.
void CmdTagDelKeys(CommandContext& ctx) {
  int64_t deleted = 0, skipped = 0;
  for (unsigned s = 0; s < ctx.engine().shard_count(); ++s) {
    Db& db = ctx.db_on(s);
    const auto* tagged = db.meta().Tagged(ctx.arg(1), ctx.arg(2));
    if (tagged == nullptr) continue;
    const std::vector<std::string> keys(tagged->begin(), tagged->end());  // Delete edits it
    for (const std::string& key : keys) {
      KeyNode* node = db.Find(key);
      if (node == nullptr) continue;
      if (db.Undeletable(node)) {
        ++skipped;
        continue;
      }
      db.Delete(node);
      ++deleted;
    }
  }
  ctx.reply.Array(2);
  ctx.reply.Integer(deleted);
  ctx.reply.Integer(skipped);
}

}  // namespace shoal::engine
