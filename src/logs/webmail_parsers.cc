// Parsers for webmail and groupware: Roundcube, Horde, SquirrelMail, SOGo, OpenWebMail,
// Tine 2.0, Group-Office. Their client address is what the web server saw; a forwarded header
// they add beside it is the client's own claim and is never taken.
#include "logs/parsers.h"
#include "logs/scan.h"

namespace coastguard::logs::parsers {
namespace {

using core::Outcome;
using core::Protocol;

// Loopback, RFC 1918, unique-local and link-local: where a reverse proxy in front of the
// webmail sits, never a client worth blocking.
bool IsLocalNetwork(const core::IpAddress& ip) {
  const auto& b = ip.bytes();
  if (ip.is_v4()) {
    const uint8_t a = b[12];
    const uint8_t c = b[13];
    return a == 127 || a == 10 || (a == 172 && (c & 0xf0) == 16) || (a == 192 && c == 168) ||
           (a == 169 && c == 254);
  }
  bool loopback = b[15] == 1;
  for (int i = 0; i < 15; ++i) loopback = loopback && b[i] == 0;
  return loopback || (b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80);
}

// The client's address in Roundcube's "... from <address>[ (X-Forwarded-For: ...)]<rest>":
// the user's text comes before it and the forwarded headers (the client's too) after it. The
// address is the first " from <address>" whose continuation is what Roundcube writes there:
// for the userlogins log the end of the text, optionally after one parenthesised forwarded
// part; for the errors log (`text_follows`) ". " and the IMAP server's reply. A fake in the
// user's text is followed by the real " from ...", so it does not qualify; a fake in a header
// comes after the real one.
std::optional<size_t> RoundcubeFrom(std::string_view t, core::IpAddress* ip, bool text_follows) {
  size_t at = 0;
  while ((at = t.find(" from ", at)) != kNpos) {
    const size_t begin = at;
    at += 6;
    const std::string_view after = t.substr(at);
    const size_t end = after.find_first_of(" (");
    std::string_view address = end == kNpos ? after : after.substr(0, end);
    std::string_view rest = end == kNpos ? std::string_view() : after.substr(end);
    const bool dot = Ends(address, ".");
    if (dot) address.remove_suffix(1);
    const auto parsed = core::IpAddress::Parse(address);
    if (!parsed) continue;
    bool ok;
    if (text_follows) {
      // "from 203.0.113.9. AUTHENTICATE ...", "from 203.0.113.9 (X-...). AUTHENTICATE ...",
      // or the oldest form with nothing after the address.
      if (dot) {
        ok = rest.empty() || Starts(rest, " ");
      } else if (rest.empty()) {
        ok = true;
      } else {
        std::string_view fwd = Starts(rest, " ") ? rest.substr(1) : rest;
        const size_t close = fwd.find(").");
        ok = Starts(fwd, "(X-") && close != kNpos &&
             (close + 2 == fwd.size() || fwd[close + 2] == ' ');
      }
    } else {
      std::string_view fwd = Starts(rest, " ") ? rest.substr(1) : rest;
      ok = !dot && (rest.empty() || (Starts(fwd, "(X-") && Ends(fwd, ")")));
    }
    if (ok) {
      *ip = *parsed;
      return begin;
    }
  }
  return std::nullopt;
}

}  // namespace

// Roundcube's userlogins and errors logs (file or syslog):
//   [27-Nov-2026 09:17:44 +0000]: <3z506z6r> Failed login for alice@example.com from 203.0.113.9 in
//   session 3z506z6rvddstv6k (error: 0) [27-Nov-2026 09:17:44 +0000]: <3z506z6r> IMAP Error: Login
//   failed for alice@example.com against localhost from 203.0.113.9. AUTHENTICATE PLAIN: ... in
//   /usr/share/roundcube/program/lib/Roundcube/rcube_imap.php on line 211 (POST
//   /?_task=login&_action=login) [27-Nov-2026 09:17:44 +0000]: <3z506z6r> Successful login for
//   alice@example.com (ID: 12) from 203.0.113.9 in session 3z506z6rvddstv6k
bool Roundcube(const LineHeader& h, State&, LogEvent* out) {
  std::string_view m;
  if (h.program == "roundcube") {
    m = h.message;
  } else if (h.program.empty() && h.has_ts) {
    m = h.rest;
  } else {
    return false;
  }
  if (Starts(m, "<")) {
    const size_t close = m.find("> ");
    if (close == kNpos || close > 48) return false;
    m = m.substr(close + 2);
  }
  Outcome outcome = Outcome::kFailure;
  std::string_view body;
  if (Starts(m, "Failed login for ")) {
    body = m.substr(17);
  } else if (Starts(m, "FAILED login for ")) {
    body = m.substr(17);
  } else if (Starts(m, "IMAP Error: Login failed for ")) {
    body = m.substr(29);
    // The file and line log_bug appends, anchored at the end.
    const size_t in = body.rfind(" in ");
    if (in != kNpos && Contains(body.substr(in), " on line ")) body = body.substr(0, in);
  } else if (Starts(m, "Successful login for ")) {
    body = m.substr(21);
    outcome = Outcome::kSuccess;
  } else {
    return false;
  }
  if (const size_t session = body.rfind(" in session "); session != kNpos) {
    body = body.substr(0, session);
  }
  core::IpAddress ip;
  const auto from = RoundcubeFrom(body, &ip, Starts(m, "IMAP Error: "));
  if (!from) return false;
  std::string_view user = body.substr(0, *from);
  if (outcome == Outcome::kSuccess) {
    const size_t id = user.rfind(" (ID: ");
    if (id != kNpos) user = user.substr(0, id);
  } else if (const size_t against = user.rfind(" against "); against != kNpos) {
    user = user.substr(0, against);
  }
  out->ip = ip;
  out->login = user;
  out->protocol = Protocol::kHttp;
  out->outcome = outcome;
  return !user.empty();
}

// Horde and IMP (horde.log, or syslog):
//   Nov 27 09:17:44 HORDE [error] [horde] FAILED LOGIN for alice [203.0.113.9] to Horde [on line
//   116 of "/usr/share/horde/login.php"] Nov 27 09:17:44 HORDE [error] [imp] FAILED LOGIN for alice
//   [127.0.0.1] (forwarded for [203.0.113.9]) to {127.0.0.1:143 [imap/notls]} [pid 21916 on line
//   139 of "..."] Nov 27 09:17:44 HORDE [info] [imp] FAILED LOGIN for alice (203.0.113.9) to
//   {imap://localhost:143/} [pid 1234 on line 160 of "..."] Nov 27 09:17:44 HORDE [notice] [imp]
//   Login success for alice (203.0.113.9) to {imap://localhost/} [pid ...]
bool Horde(const LineHeader& h, State&, LogEvent* out) {
  std::string_view m = h.rest;
  const auto tag = After(m.substr(0, std::min<size_t>(m.size(), 48)), "HORDE");
  if (!tag && h.program != "HORDE" && h.program != "horde") return false;
  Outcome outcome = Outcome::kFailure;
  std::optional<std::string_view> body = After(m, "] FAILED LOGIN for ");
  if (!body) {
    body = After(m, "] Login success for ");
    outcome = Outcome::kSuccess;
  }
  if (!body || m.size() - body->size() > 64) return false;
  std::string_view t = TrimSpaces(*body);
  // From the right: the optional [pid .. on line .. of "file"], the " to {server}" or
  // " to Horde", an optional forwarded part, then the address the web server saw.
  if (Ends(t, "]")) {
    const size_t at = t.rfind(" [");
    if (at != kNpos && (Starts(t.substr(at + 2), "pid ") || Starts(t.substr(at + 2), "on line "))) {
      t = t.substr(0, at);
    }
  }
  size_t to = kNpos;
  if (Ends(t, "}")) {
    to = t.rfind(" to {");
  } else if (Ends(t, " to Horde") || Ends(t, " to free/busy")) {
    to = t.rfind(" to ");
  }
  if (to == kNpos) return false;
  t = t.substr(0, to);
  // "user [ip] (forwarded for [header])" or "user (ip)": the forwarded part is the client's
  // header, the user the client's text. The address is the first "[ip]" or "(ip)" that ends the
  // text or is followed by one forwarded part that does.
  size_t open = kNpos;
  std::string_view address;
  for (size_t at = 0; (at = t.find_first_of("[(", at)) != kNpos; ++at) {
    if (at == 0 || t[at - 1] != ' ') continue;
    const char closer = t[at] == '[' ? ']' : ')';
    const size_t close = t.find(closer, at);
    if (close == kNpos) break;
    const std::string_view rest = t.substr(close + 1);
    if (!rest.empty() && !(Starts(rest, " (forwarded for [") && Ends(rest, "])"))) continue;
    if (!core::IpAddress::Parse(t.substr(at + 1, close - at - 1))) continue;
    open = at - 1;
    address = t.substr(at + 1, close - at - 1);
    t = t.substr(0, close + 1);
    break;
  }
  if (open == kNpos) return false;
  const auto ip = core::IpAddress::Parse(address);
  if (!ip) return false;
  std::string_view user = t.substr(0, open);
  if (Ends(user, ")")) {
    const size_t horde_user = user.rfind(" (Horde user ");
    if (horde_user != kNpos) user = user.substr(0, horde_user);
  }
  out->ip = *ip;
  out->login = user;
  out->protocol = Protocol::kHttp;
  out->outcome = outcome;
  return !user.empty();
}

// SquirrelMail's squirrel_logger plugin:
//   11/27/2026 09:17:44 [LOGIN_ERROR] alice (example.com) from 203.0.113.9: Unknown user or
//   password incorrect.
bool SquirrelMail(const LineHeader& h, State& state, LogEvent* out) {
  std::string_view t = h.program.empty() ? h.rest : h.message;
  if (!h.has_ts) {
    // "MM/DD/YYYY HH:MM:SS"
    if (t.size() < 20 || t[2] != '/' || t[5] != '/') return false;
    std::string_view date = t;
    int v[6] = {};
    const size_t at[6] = {0, 3, 6, 11, 14, 17};
    const size_t len[6] = {2, 2, 4, 2, 2, 2};
    for (int i = 0; i < 6; ++i) {
      for (size_t j = at[i]; j < at[i] + len[i]; ++j) {
        if (!IsDigit(date[j])) return false;
        v[i] = v[i] * 10 + (date[j] - '0');
      }
    }
    if (v[0] < 1 || v[0] > 12 || v[1] < 1 || v[1] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60) {
      return false;
    }
    out->ts = state.clock->FromLocal(v[2], v[0], v[1], v[3], v[4], v[5]);
    t = TrimSpaces(t.substr(19));
  }
  Outcome outcome;
  if (Starts(t, "[LOGIN_ERROR] ")) {
    outcome = Outcome::kFailure;
  } else if (Starts(t, "[LOGIN] ")) {
    outcome = Outcome::kSuccess;
  } else {
    return false;
  }
  t = t.substr(t.find("] ") + 2);
  // "user (domain) from ip: message": the address after the last " from ", ending in ": ".
  const size_t from = t.rfind(" from ");
  if (from == kNpos) return false;
  const std::string_view after = t.substr(from + 6);
  const size_t colon = after.find(": ");
  const auto ip = core::IpAddress::Parse(colon == kNpos ? after : after.substr(0, colon));
  if (!ip) return false;
  std::string_view user = t.substr(0, from);
  if (Ends(user, ")")) {
    const size_t domain = user.rfind(" (");
    if (domain != kNpos) user = user.substr(0, domain);
  }
  out->ip = *ip;
  out->login = user;
  out->protocol = Protocol::kHttp;
  out->outcome = outcome;
  return !user.empty();
}

// SOGo (sogod):
//   Nov 27 09:17:44 sogod [26818]: SOGoRootPage Login from '203.0.113.9' for user 'alice' might not
//   have worked - password policy: 65535  grace: -1  expire: -1  bound: 0 Nov 27 09:17:44 sogod
//   [26818]: SOGoRootPage successful login from '203.0.113.9' for user 'alice' - expire = -1  grace
//   = -1
// Behind proxies the address is a list ("198.51.100.7, 10.0.0.1"): the entries before the last
// were written by whoever sent the request. The client is the last entry that is not a local
// proxy's address.
bool Sogo(const LineHeader& h, State&, LogEvent* out) {
  if (h.program != "sogod") return false;
  const std::string_view m = h.message;
  Outcome outcome;
  std::string_view rest;
  if (auto r = After(m, "SOGoRootPage Login from '"); r && Starts(m, "SOGoRootPage")) {
    outcome = Outcome::kFailure;
    rest = *r;
  } else if (auto s = After(m, "SOGoRootPage successful login from '");
             s && Starts(m, "SOGoRootPage")) {
    outcome = Outcome::kSuccess;
    rest = *s;
  } else {
    return false;
  }
  const size_t quote = rest.find("' for user '");
  // A second one: a header or a user name imitating the fields. Nobody's login has it.
  if (quote == kNpos || rest.find("' for user '", quote + 1) != kNpos) return false;
  const std::string_view list = rest.substr(0, quote);
  const std::string_view user_part = rest.substr(quote + 12);
  const size_t user_end = outcome == Outcome::kFailure ? user_part.rfind("' might not have worked")
                                                       : user_part.rfind("' - expire");
  if (user_end == kNpos || user_end == 0) return false;
  std::optional<core::IpAddress> chosen;
  std::optional<core::IpAddress> last;
  size_t end = list.size();
  while (true) {
    const size_t comma = list.rfind(',', end == 0 ? 0 : end - 1);
    const size_t begin = comma == kNpos || comma >= end ? 0 : comma + 1;
    auto ip = ReadAddress(list.substr(begin, end - begin));
    if (!ip) return false;
    if (!last) last = ip;
    if (!IsLocalNetwork(*ip)) {
      chosen = ip;
      break;
    }
    if (begin == 0) break;
    end = comma;
  }
  out->ip = chosen ? *chosen : *last;
  out->login = user_part.substr(0, user_end);
  out->protocol = Protocol::kHttp;
  out->outcome = outcome;
  return true;
}

// OpenWebMail (openwebmail.log):
//   Sat Nov 27 09:17:44 2026 - [72926] (203.0.113.9) alice - login error - no such user -
//   loginname=alice
// OpenWebMail logs the address it computed, which honours a client's Client-IP and
// X-Forwarded-For headers; docs/logs.md says to strip those in front of it.
bool OpenWebMail(const LineHeader& h, State&, LogEvent* out) {
  if (!h.has_ts || !h.program.empty()) return false;
  const std::string_view t = h.rest;
  if (!Starts(t, "- [")) return false;
  const size_t paren = t.find("] (");
  if (paren == kNpos || paren > 16) return false;
  const std::string_view after = t.substr(paren + 3);
  const size_t close = after.find(") ");
  if (close == kNpos) return false;
  const auto ip = core::IpAddress::Parse(after.substr(0, close));
  if (!ip) return false;
  const std::string_view rest = after.substr(close + 2);
  // "user - message": the user is OpenWebMail's login name, the message its own text.
  const size_t error = rest.find(" - login error - ");
  if (error == kNpos) return false;
  const std::string_view what = rest.substr(error + 17);
  out->ip = *ip;
  out->login = rest.substr(0, error);
  out->protocol = Protocol::kHttp;
  out->outcome = Starts(what, "no such user") ? Outcome::kUnknownUser : Outcome::kFailure;
  return !out->login.empty();
}

// Tine 2.0 (tine20.log):
//   78017 00cff -- none -- - 2026-11-27T09:17:44+00:00 WARN (4): Tinebase_Controller::login::106
//   Login with username alice from 203.0.113.9 failed (-3)!
// Zend_Auth's codes: -1 no such identity, -3 wrong credential.
bool Tine20(const LineHeader& h, State& state, LogEvent* out) {
  const std::string_view t = h.rest;
  const auto login = After(t, "Tinebase_Controller::login::");
  if (!login) return false;
  const auto with = After(*login, " Login with username ");
  if (!with) return false;
  const size_t failed = with->rfind(" failed (");
  if (failed == kNpos || !Ends(*with, ")!")) return false;
  const std::string_view code = with->substr(failed + 9, with->size() - failed - 11);
  const std::string_view head = with->substr(0, failed);
  const size_t from = head.rfind(" from ");
  if (from == kNpos) return false;
  const auto ip = core::IpAddress::Parse(head.substr(from + 6));
  if (!ip) return false;
  if (!h.has_ts) {
    // The timestamp follows the request ids and the user: " - 2026-11-27T09:17:44+00:00 ".
    const size_t dash = t.find(" - ");
    if (dash == kNpos) return false;
    std::string_view when = t.substr(dash + 3);
    if (!ReadTimestamp(when, *state.clock, &out->ts)) return false;
  }
  out->ip = *ip;
  out->login = head.substr(0, from);
  out->protocol = Protocol::kHttp;
  out->outcome = code == "-1"   ? Outcome::kUnknownUser
                 : code == "-3" ? Outcome::kBadPassword
                                : Outcome::kFailure;
  return !out->login.empty();
}

// Group-Office:
//   [Tue Nov 27 09:17:44.123456 2026] [php:notice] [pid 1662] [client 203.0.113.9:17672] Password
//   authentication failed for 'alice' from IP: '203.0.113.9' [2026-11-27 09:17:44]LOGIN FAILED for
//   user: "alice" from IP: 203.0.113.9
// In the web server's error log the [client] is the peer Apache saw; Group-Office's own
// "from IP" is taken only when that peer is a local proxy.
bool GroupOffice(const LineHeader& h, State&, LogEvent* out) {
  std::string_view t = h.program.empty() ? h.rest : h.message;
  // A custom ErrorLogFormat may put the virtual host first: "localhost [Tue Mar ..."
  if (!Contains(t.substr(0, std::min<size_t>(t.size(), 200)), "authentication failed for '") &&
      !Starts(t, "LOGIN FAILED for user: \"")) {
    return false;
  }
  if (Starts(t, "LOGIN FAILED for user: \"")) {
    const size_t from = t.rfind("\" from IP: ");
    if (from == kNpos || from < 24) return false;
    const auto ip = core::IpAddress::Parse(t.substr(from + 11));
    if (!ip) return false;
    out->ip = *ip;
    out->login = t.substr(24, from - 24);
  } else {
    constexpr std::string_view kMarker = "] Password authentication failed for '";
    const size_t marker = t.find(kMarker);
    if (marker == kNpos) return false;
    std::string_view tail = t.substr(marker + kMarker.size());
    // The Referer is the client's and comes last: cut at the first.
    if (const size_t referer = tail.find(", referer: "); referer != kNpos) {
      tail = tail.substr(0, referer);
    }
    if (!Ends(tail, "'")) return false;
    const size_t from = tail.rfind("' from IP: '");
    if (from == kNpos || from == 0) return false;
    const auto claimed = core::IpAddress::Parse(tail.substr(from + 12, tail.size() - from - 13));
    std::optional<core::IpAddress> peer;
    if (auto client = After(t.substr(0, marker + 1), "[client ")) {
      peer = ReadAddress(UpTo(*client, "]"));
    }
    if (!peer && !claimed) return false;
    out->ip = peer && (!claimed || !IsLocalNetwork(*peer)) ? *peer : *claimed;
    out->login = tail.substr(0, from);
  }
  out->protocol = Protocol::kHttp;
  out->outcome = Outcome::kFailure;
  return !out->login.empty();
}

}  // namespace coastguard::logs::parsers
