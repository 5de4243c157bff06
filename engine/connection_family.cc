// Connection commands: PING, ECHO, HELLO, AUTH, QUIT, RESET, SELECT and the CLIENT
// container, with Redis 7.2's replies and error texts (networking.c clientCommand,
// server.c pingCommand / helloCommand / resetCommand, acl.c authCommand).
//
// Threads: none of these commands names a key, so each runs on the session's home thread,
// the only writer of the session's state. CLIENT LIST and CLIENT KILL reach other sessions
// only through Engine::ForEachSession, whose lock keeps them alive, and only through what
// Session makes safe from any thread: id(), Describe(), connection() addresses (set before
// the session runs commands), CloseAfterReply() and RequestClose().
//
// Users: Shoal has Redis's "default" user only. Its password is the `requirepass` config;
// with requirepass empty the user is "nopass" and any password authenticates it, as in
// Redis. A session starts authenticated exactly when requirepass is empty (session.cc);
// setting requirepass later leaves existing sessions authenticated, as in Redis.
#include <algorithm>
#include <climits>
#include <map>
#include <optional>
#include <vector>

#include "engine/args.h"
#include "engine/command_context.h"
#include "engine/errors.h"
#include "engine/families.h"
#include "protocol/strings.h"

namespace shoal::engine {
namespace {

constexpr std::string_view kDefaultUser = "default";
constexpr std::string_view kRedisVersion = "7.2.4";

// Compares without an early exit, so the time taken does not tell how much matched.
bool SameSecret(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

// Redis's ACLAuthenticateUser for the default user alone. Marks the session authenticated
// on success; a failure leaves its state as it was (Redis does not log a client out).
bool Authenticate(CommandContext& ctx, std::string_view user, std::string_view pass) {
  if (user == "admin") {
    // The retention administrator (retention_family.cc): authenticated, with admin rights.
    std::string admin = ctx.engine().config().GetString("admin-password");
    if (admin.empty() || !SameSecret(pass, admin)) return false;
    ctx.session.set_authenticated(true);
    ctx.session.set_admin(true);
    return true;
  }
  if (user != kDefaultUser) return false;
  std::string required = ctx.engine().config().GetString("requirepass");
  if (!required.empty() && !SameSecret(pass, required)) return false;
  ctx.session.set_authenticated(true);
  return true;
}

// Redis's validateClientName / validateClientAttr: printable ASCII without spaces.
bool ValidClientAttr(std::string_view v) {
  return std::all_of(v.begin(), v.end(), [](char c) { return c >= '!' && c <= '~'; });
}

// Redis's client types (getClientTypeByName). A Shoal session is a normal client, or a
// pubsub one while it has a subscription: there is no replication.
enum class ClientType { kNormal, kReplica, kPubSub, kMaster };

std::optional<ClientType> ParseClientType(std::string_view name) {
  if (EqualsIgnoreCase(name, "normal")) return ClientType::kNormal;
  if (EqualsIgnoreCase(name, "slave") || EqualsIgnoreCase(name, "replica")) {
    return ClientType::kReplica;
  }
  if (EqualsIgnoreCase(name, "pubsub")) return ClientType::kPubSub;
  if (EqualsIgnoreCase(name, "master")) return ClientType::kMaster;
  return std::nullopt;
}

ClientType TypeOf(const Session& s) {
  return s.subscribed() ? ClientType::kPubSub : ClientType::kNormal;
}

}  // namespace

// PING [message]: +PONG, or the message as a bulk string. A RESP2 client in subscriber
// mode gets ["pong", message or ""] instead, as Redis.
void CmdPing(CommandContext& ctx) {
  if (ctx.argc() > 2) return ctx.Error(errors::WrongArgs(ctx.spec.name));
  if (ctx.session.subscribed() && ctx.reply.resp() == 2) {
    ctx.reply.Array(2);
    ctx.reply.Bulk("pong");
    ctx.reply.Bulk(ctx.argc() == 2 ? ctx.arg(1) : "");
    return;
  }
  if (ctx.argc() == 1) return ctx.reply.SimpleString("PONG");
  ctx.reply.Bulk(ctx.arg(1));
}

void CmdEcho(CommandContext& ctx) { ctx.reply.Bulk(ctx.arg(1)); }

// HELLO [protover [AUTH username password] [SETNAME clientname]]. Authenticates, names the
// client and switches its protocol, then describes the server in the new protocol.
void CmdHello(CommandContext& ctx) {
  int64_t version = 0;
  size_t next = 1;
  if (ctx.argc() >= 2) {
    if (!ParseInt64(ctx.arg(1), &version)) return ctx.Error(errors::kProtoVersionNotInteger);
    if (version < 2 || version > 3) return ctx.Error(errors::kNoProto);
    next = 2;
  }
  std::string_view user, pass, name;
  bool auth = false, setname = false;
  for (size_t i = next; i < ctx.argc(); ++i) {
    size_t more = ctx.argc() - 1 - i;
    if (IsOption(ctx.arg(i), "auth") && more >= 2) {
      auth = true;
      user = ctx.arg(i + 1);
      pass = ctx.arg(i + 2);
      i += 2;
    } else if (IsOption(ctx.arg(i), "setname") && more >= 1) {
      setname = true;
      name = ctx.arg(++i);
      if (!ValidClientAttr(name)) return ctx.Error(errors::kClientNameInvalid);
    } else {
      return ctx.Error(errors::HelloSyntax(ctx.arg(i)));
    }
  }
  if (auth && !Authenticate(ctx, user, pass)) return ctx.Error(errors::kWrongPass);
  if (!ctx.session.authenticated()) return ctx.Error(errors::kHelloNoAuth);
  if (setname) ctx.session.set_name(name);
  if (version != 0) {
    ctx.session.set_resp(static_cast<int>(version));
    ctx.reply.set_resp(static_cast<int>(version));
  }
  ctx.reply.Map(7);
  ctx.reply.Bulk("server");
  ctx.reply.Bulk("redis");
  ctx.reply.Bulk("version");
  ctx.reply.Bulk(kRedisVersion);
  ctx.reply.Bulk("proto");
  ctx.reply.Integer(ctx.session.resp());
  ctx.reply.Bulk("id");
  ctx.reply.Integer(static_cast<int64_t>(ctx.session.id()));
  ctx.reply.Bulk("mode");
  ctx.reply.Bulk("standalone");
  ctx.reply.Bulk("role");
  ctx.reply.Bulk("master");
  ctx.reply.Bulk("modules");
  ctx.reply.Array(0);
}

// AUTH [username] password. The one-argument form needs a configured password, as Redis's
// "default user is nopass" check.
void CmdAuth(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.Error(errors::kSyntax);
  std::string_view user = kDefaultUser;
  std::string_view pass = ctx.arg(ctx.argc() - 1);
  if (ctx.argc() == 2) {
    if (ctx.engine().config().GetString("requirepass").empty()) {
      return ctx.Error(errors::kAuthNotConfigured);
    }
  } else {
    user = ctx.arg(1);
  }
  if (!Authenticate(ctx, user, pass)) return ctx.Error(errors::kWrongPass);
  ctx.reply.Ok();
}

// QUIT: +OK, then the connection closes once its replies are written.
void CmdQuit(CommandContext& ctx) {
  ctx.reply.Ok();
  ctx.session.CloseAfterReply();
}

// RESET: the state of a fresh connection (Redis's clearClientConnectionState): database
// 0, RESP2, no name, replies on, eviction allowed, no subscriptions, no tracking, and
// logged out when a
// password is set. The library name and version stay, as in Redis.
void CmdReset(CommandContext& ctx) {
  Session& s = ctx.session;
  s.DiscardMulti();
  s.UnsubscribeAll();
  s.DisableTracking();
  s.set_db(0);
  s.set_resp(2);
  ctx.reply.set_resp(2);
  s.set_name("");
  s.set_reply_mode(Session::ReplyMode::kOn);
  s.set_no_evict(false);
  s.set_authenticated(ctx.engine().config().GetString("requirepass").empty());
  s.set_admin(false);
  ctx.reply.SimpleString("RESET");
}

void CmdSelect(CommandContext& ctx) {
  int64_t index;
  if (!ParseInt64(ctx.arg(1), &index) || index < INT_MIN || index > INT_MAX) {
    return ctx.Error(errors::kNotInteger);
  }
  if (index < 0 || index >= ctx.engine().databases()) {
    return ctx.Error(errors::kDbIndexOutOfRange);
  }
  ctx.session.set_db(static_cast<int>(index));
  ctx.reply.Ok();
}

// --- CLIENT --------------------------------------------------------------------------------

void CmdClientId(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.session.id()));
}

// CLIENT SETNAME name: an empty name removes it.
void CmdClientSetName(CommandContext& ctx) {
  if (!ValidClientAttr(ctx.arg(2))) return ctx.Error(errors::kClientNameInvalid);
  ctx.session.set_name(ctx.arg(2));
  ctx.reply.Ok();
}

void CmdClientGetName(CommandContext& ctx) {
  std::string name = ctx.session.name();
  name.empty() ? ctx.reply.Null() : ctx.reply.Bulk(name);
}

// CLIENT LIST [TYPE type] | [ID id [id ...]]: one Describe() line per client, each ended by
// "\n", in connection order (ids are handed out in that order); with ID, in the order
// asked, skipping ids that are not connected.
void CmdClientList(CommandContext& ctx) {
  std::optional<ClientType> type;  // no filter when empty
  std::vector<int64_t> ids;
  bool by_id = false;
  if (ctx.argc() == 4 && IsOption(ctx.arg(2), "type")) {
    type = ParseClientType(ctx.arg(3));
    if (!type) return ctx.Error(errors::UnknownClientType(ctx.arg(3)));
  } else if (ctx.argc() > 3 && IsOption(ctx.arg(2), "id")) {
    by_id = true;
    for (size_t i = 3; i < ctx.argc(); ++i) {
      int64_t id;
      if (!ParseInt64(ctx.arg(i), &id)) return ctx.Error(errors::kInvalidClientId);
      ids.push_back(id);
    }
  } else if (ctx.argc() != 2) {
    return ctx.Error(errors::kSyntax);
  }

  std::map<uint64_t, std::string> lines;  // by id
  ctx.engine().ForEachSession([&](Session* s) {
    if (type && TypeOf(*s) != *type) return;
    lines.emplace(s->id(), s->Describe());
  });
  std::string text;
  if (by_id) {
    for (int64_t id : ids) {
      auto it = id > 0 ? lines.find(static_cast<uint64_t>(id)) : lines.end();
      if (it != lines.end()) StrAppend(&text, it->second, "\n");
    }
  } else {
    for (const auto& [id, line] : lines) StrAppend(&text, line, "\n");
  }
  ctx.reply.Verbatim("txt", text);
}

void CmdClientInfo(CommandContext& ctx) {
  ctx.reply.Verbatim("txt", StrCat(ctx.session.Describe(), "\n"));
}

// CLIENT KILL addr (old form: +OK or "No such client"; may kill the caller), or
// CLIENT KILL <filter value> ... (new form: the number killed; SKIPME yes by default).
// Filters: ID, TYPE, ADDR, LADDR, USER, SKIPME. Another session's connection closes on
// its own thread; the caller's closes after this reply.
void CmdClientKill(CommandContext& ctx) {
  std::string_view addr, laddr;
  bool has_addr = false, has_laddr = false;
  std::optional<ClientType> type;
  uint64_t id = 0;
  bool skipme = true;
  bool old_form = ctx.argc() == 3;
  if (old_form) {
    addr = ctx.arg(2);
    has_addr = true;
    skipme = false;
  } else {
    for (size_t i = 2; i < ctx.argc(); i += 2) {
      std::string_view opt = ctx.arg(i);
      if (i + 1 >= ctx.argc()) return ctx.Error(errors::kSyntax);
      std::string_view value = ctx.arg(i + 1);
      if (IsOption(opt, "id")) {
        int64_t v;
        if (!ParseInt64(value, &v) || v < 1) return ctx.Error(errors::kClientIdNotPositive);
        id = static_cast<uint64_t>(v);
      } else if (IsOption(opt, "type")) {
        type = ParseClientType(value);
        if (!type) return ctx.Error(errors::UnknownClientType(value));
      } else if (IsOption(opt, "addr")) {
        addr = value;
        has_addr = true;
      } else if (IsOption(opt, "laddr")) {
        laddr = value;
        has_laddr = true;
      } else if (IsOption(opt, "user")) {
        if (value != kDefaultUser) return ctx.Error(errors::NoSuchUser(value));
      } else if (IsOption(opt, "skipme")) {
        if (IsOption(value, "yes")) {
          skipme = true;
        } else if (IsOption(value, "no")) {
          skipme = false;
        } else {
          return ctx.Error(errors::kSyntax);
        }
      } else {
        return ctx.Error(errors::kSyntax);
      }
    }
  }

  int64_t killed = 0;
  bool kill_self = false;
  Session* self = &ctx.session;
  ctx.engine().ForEachSession([&](Session* s) {
    if (has_addr && s->connection().addr != addr) return;
    if (has_laddr && s->connection().laddr != laddr) return;
    if (type && TypeOf(*s) != *type) return;
    if (id != 0 && s->id() != id) return;
    if (s == self && skipme) return;
    if (s == self) {
      kill_self = true;
    } else {
      s->RequestClose();
    }
    ++killed;
  });
  if (old_form) {
    if (killed == 0) return ctx.Error(errors::kNoSuchClient);
    ctx.reply.Ok();
  } else {
    ctx.reply.Integer(killed);
  }
  if (kill_self) ctx.session.CloseAfterReply();
}

// CLIENT SETINFO LIB-NAME|LIB-VER value: an empty value removes it.
void CmdClientSetInfo(CommandContext& ctx) {
  std::string_view attr = ctx.arg(2), value = ctx.arg(3);
  bool lib_name = IsOption(attr, "lib-name");
  if (!lib_name && !IsOption(attr, "lib-ver")) {
    return ctx.Error(errors::UnrecognizedOption(attr));
  }
  if (!ValidClientAttr(value)) return ctx.Error(errors::ClientAttrInvalid(attr));
  lib_name ? ctx.session.set_lib_name(value) : ctx.session.set_lib_ver(value);
  ctx.reply.Ok();
}

// CLIENT REPLY ON|OFF|SKIP. ON replies +OK; OFF and SKIP reply nothing. The session drops
// the replies of the commands that follow (Session::ExecuteHere); SKIP while OFF stays OFF.
void CmdClientReply(CommandContext& ctx) {
  std::string_view mode = ctx.arg(2);
  Session& s = ctx.session;
  if (IsOption(mode, "on")) {
    s.set_reply_mode(Session::ReplyMode::kOn);
    ctx.reply.Ok();
  } else if (IsOption(mode, "off")) {
    s.set_reply_mode(Session::ReplyMode::kOff);
  } else if (IsOption(mode, "skip")) {
    if (s.reply_mode() != Session::ReplyMode::kOff) s.set_reply_mode(Session::ReplyMode::kSkip);
  } else if (s.reply_mode() == Session::ReplyMode::kOn) {
    ctx.Error(errors::kSyntax);
  } else {
    // Replies are off or this one is skipped: the error is counted but not sent.
    std::string* out = ctx.reply.out();
    size_t mark = out->size();
    ctx.Error(errors::kSyntax);
    out->resize(mark);
    if (s.reply_mode() == Session::ReplyMode::kSkip) s.set_reply_mode(Session::ReplyMode::kOn);
  }
}

// CLIENT NO-EVICT ON|OFF. Shoal does not evict clients; the flag shows in CLIENT LIST.
void CmdClientNoEvict(CommandContext& ctx) {
  if (IsOption(ctx.arg(2), "on")) {
    ctx.session.set_no_evict(true);
  } else if (IsOption(ctx.arg(2), "off")) {
    ctx.session.set_no_evict(false);
  } else {
    return ctx.Error(errors::kSyntax);
  }
  ctx.reply.Ok();
}

void CmdClientHelp(CommandContext& ctx) {
  ctx.ReplyHelp({"CACHING (YES|NO)",
                 "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
                 "GETREDIR",
                 "    Return the client ID we are redirecting to when tracking is enabled.",
                 "GETNAME",
                 "    Return the name of the current connection.",
                 "ID",
                 "    Return the ID of the current connection.",
                 "INFO",
                 "    Return information about the current client connection.",
                 "KILL <ip:port>",
                 "    Kill connection made from <ip:port>.",
                 "KILL <option> <value> [<option> <value> [...]]",
                 "    Kill connections. Options are:",
                 "    * ADDR (<ip:port>|<unixsocket>:0)",
                 "      Kill connections made from the specified address",
                 "    * LADDR (<ip:port>|<unixsocket>:0)",
                 "      Kill connections made to specified local address",
                 "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                 "      Kill connections by type.",
                 "    * USER <username>",
                 "      Kill connections authenticated by <username>.",
                 "    * SKIPME (YES|NO)",
                 "      Skip killing current connection (default: yes).",
                 "    * ID <client-id>",
                 "      Kill connections by client id.",
                 "LIST [options ...]",
                 "    Return information about client connections. Options:",
                 "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                 "      Return clients of specified type.",
                 "REPLY (ON|OFF|SKIP)",
                 "    Control the replies sent to the current connection.",
                 "SETNAME <name>",
                 "    Assign the name <name> to the current connection.",
                 "SETINFO <option> <value>",
                 "    Set client meta attr. Options are:",
                 "    * LIB-NAME: the client lib name.",
                 "    * LIB-VER: the client lib version.",
                 "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
                 "         [OPTIN] [OPTOUT] [NOLOOP]",
                 "    Control server assisted client side caching.",
                 "TRACKINGINFO",
                 "    Report tracking status for the current connection.",
                 "NO-EVICT (ON|OFF)",
                 "    Protect current client connection from eviction."});
}

}  // namespace shoal::engine
