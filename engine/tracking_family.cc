// Client-side caching commands: CLIENT TRACKING, CLIENT CACHING, CLIENT GETREDIR and
// CLIENT TRACKINGINFO, with Redis 7.2's replies and error texts (networking.c
// clientCommand, tracking.c). How keys are remembered and invalidations sent: tracking.h.
//
// Threads: none of these commands names a key, so each runs on the session's home thread,
// the only writer of its TrackingState. The REDIRECT target is looked up under the engine's
// session lock (it must exist when tracking is turned on, as in Redis).
#include <algorithm>

#include "engine/args.h"
#include "engine/command_context.h"
#include "engine/families.h"
#include "protocol/strings.h"

namespace shoal::engine {

// CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]
void CmdClientTracking(CommandContext& ctx) {
  uint64_t redirect = 0;
  bool bcast = false, optin = false, optout = false, noloop = false;
  std::vector<std::string> prefixes;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    std::string_view opt = ctx.arg(i);
    const bool more = i + 1 < ctx.argc();
    if (IsOption(opt, "redirect") && more) {
      if (redirect != 0) return ctx.Error(errors::kTrackingOneRedirect);
      int64_t id;
      if (!ParseInt64(ctx.arg(++i), &id)) return ctx.Error(errors::kNotInteger);
      bool exists = false;
      ctx.engine().WithSessions([&](auto find) { exists = find(static_cast<uint64_t>(id)); });
      if (!exists) return ctx.Error(errors::kTrackingNoRedirectTarget);
      redirect = static_cast<uint64_t>(id);
    } else if (IsOption(opt, "bcast")) {
      bcast = true;
    } else if (IsOption(opt, "optin")) {
      optin = true;
    } else if (IsOption(opt, "optout")) {
      optout = true;
    } else if (IsOption(opt, "noloop")) {
      noloop = true;
    } else if (IsOption(opt, "prefix") && more) {
      prefixes.emplace_back(ctx.arg(++i));
    } else {
      return ctx.Error(errors::kSyntax);
    }
  }
  Session& s = ctx.session;
  TrackingState& t = s.tracking();
  if (IsOption(ctx.arg(2), "on")) {
    if (!prefixes.empty() && !bcast) return ctx.Error(errors::kTrackingPrefixNeedsBcast);
    const bool on = t.on.load(std::memory_order_relaxed);
    if (on && t.bcast.load(std::memory_order_relaxed) != bcast) {
      return ctx.Error(errors::kTrackingBcastSwitch);
    }
    if (optin && bcast) return ctx.Error(errors::kTrackingOptWithBcast);
    if (optout && bcast) return ctx.Error(errors::kTrackingOptWithBcast);
    if (optin && optout) return ctx.Error(errors::kTrackingOptinAndOptout);
    if (on && ((optin && t.optout) || (optout && t.optin))) {
      return ctx.Error(errors::kTrackingOptSwitch);
    }
    s.EnableTracking(redirect, bcast, optin, optout, noloop, std::move(prefixes));
  } else if (IsOption(ctx.arg(2), "off")) {
    s.DisableTracking();
  } else {
    return ctx.Error(errors::kSyntax);
  }
  ctx.reply.Ok();
}

// CLIENT CACHING YES|NO: whether the next command's keys are tracked (OPTIN / OPTOUT).
void CmdClientCaching(CommandContext& ctx) {
  TrackingState& t = ctx.session.tracking();
  if (!t.on.load(std::memory_order_relaxed)) return ctx.Error(errors::kCachingNeedsOptMode);
  if (IsOption(ctx.arg(2), "yes")) {
    if (!t.optin) return ctx.Error(errors::kCachingYesNeedsOptin);
    t.caching = 1;
  } else if (IsOption(ctx.arg(2), "no")) {
    if (!t.optout) return ctx.Error(errors::kCachingNoNeedsOptout);
    t.caching = -1;
  } else {
    return ctx.Error(errors::kSyntax);
  }
  ctx.reply.Ok();
}

// CLIENT GETREDIR: -1 when not tracking, 0 when tracking without REDIRECT, else the id.
void CmdClientGetRedir(CommandContext& ctx) {
  const TrackingState& t = ctx.session.tracking();
  if (!t.on.load(std::memory_order_relaxed)) return ctx.reply.Integer(-1);
  ctx.reply.Integer(static_cast<int64_t>(t.redirect.load(std::memory_order_relaxed)));
}

// CLIENT TRACKINGINFO: a map of flags, redirect and prefixes, in Redis's order.
void CmdClientTrackingInfo(CommandContext& ctx) {
  const TrackingState& t = ctx.session.tracking();
  const bool on = t.on.load(std::memory_order_relaxed);
  std::vector<std::string_view> flags;
  if (!on) {
    flags.push_back("off");
  } else {
    flags.push_back("on");
    if (t.bcast.load(std::memory_order_relaxed)) flags.push_back("bcast");
    if (t.optin) {
      flags.push_back("optin");
      if (t.caching == 1) flags.push_back("caching-yes");
    }
    if (t.optout) {
      flags.push_back("optout");
      if (t.caching == -1) flags.push_back("caching-no");
    }
    if (t.noloop.load(std::memory_order_relaxed)) flags.push_back("noloop");
    if (t.redirect_broken.load(std::memory_order_relaxed)) flags.push_back("broken_redirect");
  }
  ctx.reply.Map(3);
  ctx.reply.Bulk("flags");
  ctx.reply.Set(flags.size());
  for (std::string_view f : flags) ctx.reply.Bulk(f);
  ctx.reply.Bulk("redirect");
  ctx.reply.Integer(on ? static_cast<int64_t>(t.redirect.load(std::memory_order_relaxed)) : -1);
  ctx.reply.Bulk("prefixes");
  ctx.reply.Array(t.prefixes.size());
  for (const std::string& p : t.prefixes) ctx.reply.Bulk(p);
}

}  // namespace shoal::engine
