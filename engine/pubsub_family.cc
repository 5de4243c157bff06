// Pub/Sub commands: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, SSUBSCRIBE,
// SUNSUBSCRIBE, SPUBLISH and the PUBSUB container, with Redis 7.2's replies (pubsub.c).
//
// State: a session's subscriptions (Session::subscriptions, ordered sets) and the
// engine-wide registry (pubsub.h) always agree: a name is in the registry for a session
// exactly when it is in the session's set. None of these commands names a key, so each
// runs on the session's home thread, the only writer of its subscriptions. Shard channels
// have key positions in the table, as Redis 7's NOT_KEY key specs (COMMAND INFO shows
// them), but the row's kChannelKeys keeps them out of routing: without cluster mode a
// shard channel belongs to no shard, and channels of different slots mix freely.
//
// Replies: each (un)subscription confirms with [kind, channel, count], an array in RESP2
// and a push in RESP3. count is the session's channels plus patterns for the global kinds
// and its shard channels for the shard kind. Unsubscribing from everything while
// subscribed to nothing confirms once with a null channel. RESP2 subscriber mode (which
// commands may run) is enforced by Session::Run.
#include <algorithm>

#include "engine/command_context.h"
#include "engine/families.h"
#include "engine/glob.h"
#include "protocol/strings.h"

namespace shoal::engine {
namespace {

enum class SubKind { kChannel, kPattern, kShard };

struct KindInfo {
  std::string_view subscribe, unsubscribe;
};
constexpr KindInfo kInfo[] = {{"subscribe", "unsubscribe"},
                              {"psubscribe", "punsubscribe"},
                              {"ssubscribe", "sunsubscribe"}};

std::set<std::string>& SetOf(Subscriptions& subs, SubKind kind) {
  switch (kind) {
    case SubKind::kChannel: return subs.channels;
    case SubKind::kPattern: return subs.patterns;
    case SubKind::kShard: return subs.shard_channels;
  }
  return subs.channels;
}

int64_t CountFor(const Subscriptions& subs, SubKind kind) {
  if (kind == SubKind::kShard) return static_cast<int64_t>(subs.shard_channels.size());
  return static_cast<int64_t>(subs.channels.size() + subs.patterns.size());
}

void ReplyConfirm(CommandContext& ctx, std::string_view what, const std::string* name,
                  int64_t count) {
  ctx.reply.Push(3);
  ctx.reply.Bulk(what);
  name != nullptr ? ctx.reply.Bulk(*name) : ctx.reply.Null();
  ctx.reply.Integer(count);
}

void AddToRegistry(CommandContext& ctx, SubKind kind, std::string_view name) {
  PubSub& registry = ctx.engine().pubsub();
  const auto& inbox = ctx.session.inbox();
  if (kind == SubKind::kPattern) return registry.PSubscribe(name, inbox);
  registry.Subscribe(kind == SubKind::kShard ? ChannelKind::kShard : ChannelKind::kGlobal, name,
                     inbox);
}

void RemoveFromRegistry(CommandContext& ctx, SubKind kind, std::string_view name) {
  PubSub& registry = ctx.engine().pubsub();
  const PushInbox* inbox = ctx.session.inbox().get();
  if (kind == SubKind::kPattern) return registry.PUnsubscribe(name, inbox);
  registry.Unsubscribe(kind == SubKind::kShard ? ChannelKind::kShard : ChannelKind::kGlobal,
                       name, inbox);
}

void Subscribe(CommandContext& ctx, SubKind kind) {
  Subscriptions& subs = ctx.session.subscriptions();
  std::set<std::string>& set = SetOf(subs, kind);
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string name(ctx.arg(i));
    if (set.insert(name).second) {
      AddToRegistry(ctx, kind, name);
      subs.UpdateCounts();
    }
    ReplyConfirm(ctx, kInfo[static_cast<int>(kind)].subscribe, &name, CountFor(subs, kind));
  }
}

void Unsubscribe(CommandContext& ctx, SubKind kind) {
  Subscriptions& subs = ctx.session.subscriptions();
  std::set<std::string>& set = SetOf(subs, kind);
  const std::string_view what = kInfo[static_cast<int>(kind)].unsubscribe;
  std::vector<std::string> names;
  if (ctx.argc() > 1) {
    for (size_t i = 1; i < ctx.argc(); ++i) names.emplace_back(ctx.arg(i));
  } else {
    names.assign(set.begin(), set.end());
    if (names.empty()) return ReplyConfirm(ctx, what, nullptr, CountFor(subs, kind));
  }
  for (const std::string& name : names) {
    if (set.erase(name) > 0) {
      RemoveFromRegistry(ctx, kind, name);
      subs.UpdateCounts();
    }
    ReplyConfirm(ctx, what, &name, CountFor(subs, kind));
  }
}

void Publish(CommandContext& ctx, ChannelKind kind) {
  ctx.reply.Integer(ctx.engine().pubsub().Publish(kind, ctx.arg(1), ctx.arg(2), ctx.now_ms()));
}

// PUBSUB CHANNELS / SHARDCHANNELS [pattern]: sorted, which Redis does not promise.
void ReplyChannels(CommandContext& ctx, ChannelKind kind) {
  if (ctx.argc() > 3) return ctx.Error(errors::SubcommandSyntax(ctx.arg(1), "PUBSUB"));
  std::optional<std::string_view> pattern;
  if (ctx.argc() == 3) pattern = ctx.arg(2);
  std::vector<std::string> channels = ctx.engine().pubsub().Channels(kind, pattern);
  std::sort(channels.begin(), channels.end());
  ctx.reply.Array(channels.size());
  for (const std::string& c : channels) ctx.reply.Bulk(c);
}

// PUBSUB NUMSUB / SHARDNUMSUB [channel ...]: channel, count pairs (a flat array in both
// protocols, as Redis 7.2).
void ReplyNumSub(CommandContext& ctx, ChannelKind kind) {
  ctx.reply.Array((ctx.argc() - 2) * 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    ctx.reply.Bulk(ctx.arg(i));
    ctx.reply.Integer(ctx.engine().pubsub().NumSub(kind, ctx.arg(i)));
  }
}

}  // namespace

void CmdSubscribe(CommandContext& ctx) { Subscribe(ctx, SubKind::kChannel); }
void CmdUnsubscribe(CommandContext& ctx) { Unsubscribe(ctx, SubKind::kChannel); }
void CmdPSubscribe(CommandContext& ctx) { Subscribe(ctx, SubKind::kPattern); }
void CmdPUnsubscribe(CommandContext& ctx) { Unsubscribe(ctx, SubKind::kPattern); }
void CmdSSubscribe(CommandContext& ctx) { Subscribe(ctx, SubKind::kShard); }
void CmdSUnsubscribe(CommandContext& ctx) { Unsubscribe(ctx, SubKind::kShard); }
void CmdPublish(CommandContext& ctx) { Publish(ctx, ChannelKind::kGlobal); }
void CmdSPublish(CommandContext& ctx) { Publish(ctx, ChannelKind::kShard); }

void CmdPubSubChannels(CommandContext& ctx) { ReplyChannels(ctx, ChannelKind::kGlobal); }
void CmdPubSubShardChannels(CommandContext& ctx) { ReplyChannels(ctx, ChannelKind::kShard); }
void CmdPubSubNumSub(CommandContext& ctx) { ReplyNumSub(ctx, ChannelKind::kGlobal); }
void CmdPubSubShardNumSub(CommandContext& ctx) { ReplyNumSub(ctx, ChannelKind::kShard); }
void CmdPubSubNumPat(CommandContext& ctx) { ctx.reply.Integer(ctx.engine().pubsub().NumPat()); }

void CmdPubSubHelp(CommandContext& ctx) {
  ctx.ReplyHelp({"CHANNELS [<pattern>]",
                 "    Return the currently active channels matching a <pattern> (default: '*').",
                 "NUMPAT",
                 "    Return number of subscriptions to patterns.",
                 "NUMSUB [<channel> ...]",
                 "    Return the number of subscribers for the specified channels, excluding",
                 "    pattern subscriptions(default: no channels).",
                 "SHARDCHANNELS [<pattern>]",
                 "    Return the currently active shard level channels matching a <pattern> (default: '*').",
                 "SHARDNUMSUB [<shardchannel> ...]",
                 "    Return the number of subscribers for the specified shard level channel(s)"});
}

}  // namespace shoal::engine
