// Parsers for SMTP servers' AUTH: Postfix, Exim, Sendmail, Domino, Kerio Connect, Oracle
// Communications Messaging Server, ASSP.
#include "logs/parsers.h"
#include "logs/scan.h"

namespace coastguard::logs::parsers {
namespace {

using core::Outcome;
using core::Protocol;

Protocol PostfixService(std::string_view program) {
  // "postfix/smtpd", "postfix/submission/smtpd", "postfix-out/smtps/smtpd"
  if (Contains(program, "/submission/") || Contains(program, "/smtps/")) {
    return Protocol::kSubmission;
  }
  return Protocol::kSmtp;
}

}  // namespace

bool Postfix(const LineHeader& h, State&, LogEvent* out) {
  if (!Starts(h.program, "postfix") || !Ends(h.program, "smtpd")) return false;
  const std::string_view m = h.message;
  // warning: unknown[203.0.113.9]: SASL LOGIN authentication failed: (reason unavailable),
  //   sasl_username=alice@example.com
  if (Starts(m, "warning: ")) {
    const size_t sasl = m.find("]: SASL ");
    if (sasl == kNpos) return false;
    const std::string_view after = m.substr(sasl + 8);
    const size_t failed = after.find(" authentication failed");
    // The mechanism is one word: "LOGIN", "PLAIN", "CRAM-MD5".
    if (failed == kNpos || after.substr(0, failed).find(' ') != kNpos) return false;
    // The client's name comes from its PTR record; the address Postfix saw is the bracket
    // just before "]: SASL".
    const size_t open = m.rfind('[', sasl);
    if (open == kNpos) return false;
    const auto ip = ReadAddress(m.substr(open + 1, sasl - open - 1));
    if (!ip) return false;
    const std::string_view reason = after.substr(failed);
    // The SASL server went away: nobody's password was checked.
    if (Contains(reason, "Connection lost to authentication server")) return false;
    // Cyrus SASL names no user; the source's guessing still counts.
    const auto user = After(reason, ", sasl_username=");
    out->ip = *ip;
    out->login = user ? *user : std::string_view();
    out->protocol = PostfixService(h.program);
    // Dovecot SASL says "authentication failed: Invalid authentication mechanism" etc. only for
    // protocol errors; a wrong password and an unknown user look alike here.
    out->outcome = Outcome::kFailure;
    return true;
  }
  // 4Xyz0a1b2c: client=unknown[203.0.113.9], sasl_method=PLAIN, sasl_username=alice@example.com
  // (one per message submitted after a successful AUTH)
  const size_t client = m.find(": client=");
  if (client == kNpos || client > 32) return false;
  const std::string_view fields = m.substr(client + 9);
  const size_t method = fields.find("], sasl_method=");
  if (method == kNpos) return false;
  const size_t open = fields.rfind('[', method);
  if (open == kNpos) return false;
  const auto ip = ReadAddress(fields.substr(open + 1, method - open - 1));
  const auto user = After(fields.substr(method), ", sasl_username=");
  if (!ip || !user) return false;
  out->login = UpTo(*user, ",");
  if (out->login.empty()) return false;
  out->ip = *ip;
  out->protocol = PostfixService(h.program);
  out->outcome = Outcome::kSuccess;
  return true;
}

// Exim's main log (or syslog with log_file_path = : syslog):
//   dovecot_plain authenticator failed for host.example (helo) [203.0.113.9]:4711
//     I=[192.0.2.10]:587: 535 Incorrect authentication data (set_id=alice@example.com)
// Success is a message arrival: "<= a@example.com H=(helo) [203.0.113.9]:4711 P=esmtpsa
//   X=... A=dovecot_plain:alice@example.com S=..."
namespace {

// Exim's host field, "name (helo) [ip]:port": the name is a verified PTR, the HELO the client's,
// written in parentheses only when it differs. Exim refuses a HELO with spaces unless told not
// to (helo_accept_junk_hosts), so the fields are read as space-separated tokens: the address
// is the first token that starts with '[', after at most a name and a "(helo)". A HELO that is
// itself an address literal, "([192.0.2.1])", is the client's and never taken.
// Returns the address and moves `t` past its token.
std::optional<core::IpAddress> EximHost(std::string_view& t) {
  for (int token = 0; token < 3 && !t.empty(); ++token) {
    const size_t space = t.find(' ');
    const std::string_view word = space == kNpos ? t : t.substr(0, space);
    t = space == kNpos ? std::string_view() : t.substr(space + 1);
    if (Starts(word, "[")) {
      const size_t close = word.find(']');
      if (close == kNpos) return std::nullopt;
      // "]", "]:4711", "]:" (before the reply), "]:4711:"
      std::string_view rest = word.substr(close + 1);
      if (Starts(rest, ":")) rest.remove_prefix(1);
      while (!rest.empty() && IsDigit(rest.front())) rest.remove_prefix(1);
      if (!rest.empty() && rest != ":") return std::nullopt;
      return ReadAddress(word.substr(0, close + 1));
    }
    if (token == 0 && Starts(word, "(")) ++token;  // no name, only the HELO
    if (!Starts(word, "(") && word.find_first_of("[]()") != kNpos) return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

// Exim's main log (or syslog with log_file_path = : syslog):
//   dovecot_plain authenticator failed for host.example (helo) [203.0.113.9]:4711
//     I=[192.0.2.10]:587: 535 Incorrect authentication data (set_id=alice@example.com)
// Success is a message arrival: "<= a@example.com H=(helo) [203.0.113.9]:4711 P=esmtpsa
//   X=... A=dovecot_plain:alice@example.com S=..."
bool Exim(const LineHeader& h, State&, LogEvent* out) {
  if (!h.program.empty() && !Starts(h.program, "exim")) return false;
  std::string_view m = h.program.empty() ? h.rest : h.message;
  // An optional "[pid] " before the text.
  if (Starts(m, "[")) {
    const size_t close = m.find("] ");
    if (close == kNpos || close > 12) return false;
    m = m.substr(close + 2);
  }
  constexpr std::string_view kFailed = " authenticator failed for ";
  const size_t failed = m.find(kFailed);
  // The driver's name is one word at the start of the message.
  if (failed != kNpos && failed > 0 && m.substr(0, failed).find(' ') == kNpos) {
    std::string_view t = m.substr(failed + kFailed.size());
    const auto ip = EximHost(t);
    if (!ip) return false;
    // " I=[local]:port" and " U=ident" may follow, then ": " and the reply. 535 is a refused
    // password; 435 (temporary) and 501 (bad base64, cancelled) are not.
    const bool smtp_port = Starts(t, "I=[") && Contains(UpTo(t, " "), "]:25:");
    std::string_view answer = t;
    if (Starts(t, "I=") || Starts(t, "U=")) {
      const size_t reply = t.find(": ");
      answer = reply == kNpos ? std::string_view() : t.substr(reply + 2);
    }
    if (!Starts(answer, "535 ")) return false;
    out->ip = *ip;
    out->login = {};
    // set_id is the last thing Exim writes (and may be followed by its ": N Time(s)").
    if (auto id = After(answer, " (set_id=")) {
      const size_t end = id->rfind(')');
      if (end != kNpos) out->login = id->substr(0, end);
    }
    out->protocol = smtp_port ? Protocol::kSmtp : Protocol::kSubmission;
    out->outcome = Outcome::kFailure;
    return true;
  }
  // Arrivals: "<id> <= sender [R=..] H=host [U=..] P=proto [X=..] [CV=..] [DN=".."] [A=..]
  // S=..." in this order. The sender is the client's: one token, never quoted (a quoted local
  // part may hold spaces, and such lines are skipped).
  const size_t arrow = m.find(" <= ");
  if (arrow == kNpos || arrow > 24 || m.substr(0, arrow).find(' ') != kNpos) return false;
  std::string_view t = m.substr(arrow + 4);
  if (Starts(t, "\"")) return false;
  t = t.substr(std::min(t.size(), UpTo(t, " ").size() + 1));
  if (Starts(t, "R=")) t = t.substr(std::min(t.size(), UpTo(t, " ").size() + 1));
  if (!Starts(t, "H=")) return false;
  t.remove_prefix(2);
  const auto ip = EximHost(t);
  if (!ip) return false;
  std::string_view auth;
  while (!t.empty()) {
    const std::string_view word = UpTo(t, " ");
    if (Starts(word, "S=") || Starts(word, "id=") || Starts(word, "T=")) break;
    if (Starts(word, "DN=\"")) {
      // A certificate's name, quoted, may hold spaces.
      const size_t close = t.find("\" ", 4);
      if (close == kNpos) return false;
      t = t.substr(close + 2);
      continue;
    }
    if (Starts(word, "A=")) {
      auth = word.substr(2);
      break;
    }
    t = t.substr(std::min(t.size(), word.size() + 1));
  }
  const size_t colon = auth.find(':');
  if (colon == kNpos || colon + 1 == auth.size()) return false;
  out->ip = *ip;
  out->login = auth.substr(colon + 1);
  out->protocol = Protocol::kSubmission;
  out->outcome = Outcome::kSuccess;
  return true;
}

// Sendmail (sendmail, sm-mta), LogLevel 9 or more:
//   06I02CNi016764: AUTH failure (LOGIN): authentication failure (-13) SASL(-13): ...,
//     user=alice@example.com, relay=client.example [203.0.113.9] (may be forged)
//   AUTH=server, relay=client.example [203.0.113.9], authid=alice, mech=PLAIN, bits=0
bool Sendmail(const LineHeader& h, State&, LogEvent* out) {
  const std::string_view p = h.program;
  if (p != "sendmail" && p != "sm-mta" && !Starts(p, "sm-")) return false;
  std::string_view m = h.message;
  // The queue id, when there is one.
  const size_t colon = m.find(": ");
  if (colon != kNpos && colon <= 24 && m.substr(0, colon).find(' ') == kNpos &&
      !Starts(m, "AUTH")) {
    m = m.substr(colon + 2);
  }
  auto relay_address = [](std::string_view relay) -> std::optional<core::IpAddress> {
    // "client.example [203.0.113.9]", "[IPv6:2001:db8::1]", "[203.0.113.9] (may be forged)"
    if (Ends(relay, " (may be forged)")) relay.remove_suffix(16);
    if (!Ends(relay, "]")) return std::nullopt;
    const size_t open = relay.rfind('[');
    if (open == kNpos) return std::nullopt;
    return ReadAddress(relay.substr(open));
  };
  if (Starts(m, "AUTH failure (")) {
    // The user comes before the relay: the relay is the last ", relay=".
    const size_t relay = m.rfind(", relay=");
    if (relay == kNpos) return false;
    const auto ip = relay_address(m.substr(relay + 8));
    if (!ip) return false;
    out->ip = *ip;
    out->login = {};
    const size_t user = m.find(", user=");
    if (user != kNpos && user < relay) out->login = m.substr(user + 7, relay - user - 7);
    const std::string_view what = m.substr(m.find("): ") + 3);
    out->outcome = Starts(what, "user not found")           ? Outcome::kUnknownUser
                   : Starts(what, "authentication failure") ? Outcome::kBadPassword
                                                            : Outcome::kFailure;
    out->protocol = Protocol::kSmtp;
    return true;
  }
  if (Starts(m, "AUTH=server, relay=")) {
    const std::string_view rest = m.substr(19);
    const size_t authid = rest.find(", authid=");
    if (authid == kNpos) return false;
    const auto ip = relay_address(rest.substr(0, authid));
    if (!ip) return false;
    const std::string_view id = rest.substr(authid + 9);
    const size_t mech = id.rfind(", mech=");
    if (mech == kNpos || mech == 0) return false;
    out->ip = *ip;
    out->login = id.substr(0, mech);
    out->protocol = Protocol::kSmtp;
    out->outcome = Outcome::kSuccess;
    return true;
  }
  return false;
}

namespace {

// "03-07-2005 23:07:20" (day first), "01/23/2009 19:54:51" (month first), "22.06.2014 ..."
bool NumericDate(std::string_view t, Clock& clock, core::Timestamp* ts, size_t* used) {
  auto num = [&](size_t at, size_t n, int* v) {
    if (at + n > t.size()) return false;
    *v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (!IsDigit(t[i])) return false;
      *v = *v * 10 + (t[i] - '0');
    }
    return true;
  };
  int a = 0;
  int b = 0;
  int year = 0;
  int hh = 0;
  int mm = 0;
  int ss = 0;
  if (!num(0, 2, &a) || t.size() < 19 || !num(3, 2, &b) || !num(6, 4, &year) || t[10] != ' ' ||
      !num(11, 2, &hh) || t[13] != ':' || !num(14, 2, &mm) || t[16] != ':' || !num(17, 2, &ss)) {
    return false;
  }
  const char sep = t[2];
  if (t[5] != sep || (sep != '-' && sep != '/' && sep != '.')) return false;
  const int day = sep == '/' ? b : a;
  const int month = sep == '/' ? a : b;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60) {
    return false;
  }
  *ts = clock.FromLocal(year, month, day, hh, mm, ss);
  *used = 19;
  return true;
}

}  // namespace

// Domino's console log (log_sessions=2):
//   03-07-2005 23:07:20   SMTP Server: Authentication failed for user alice ; connecting host
//   203.0.113.9 [28325:00010-3735542592] 22-06-2014 09:56:12   smtp: alice [203.0.113.9]
//   authentication failure using internet password
// The date's order follows the server's locale: "-" and "." are read day first, "/" month first.
bool Domino(const LineHeader& h, State& state, LogEvent* out) {
  std::string_view t = h.rest;
  if (h.has_ts && !h.program.empty()) return false;
  if (!h.has_ts) {
    if (Starts(t, "[")) {
      const size_t close = t.find("] ");
      if (close == kNpos || close > 40) return false;
      t = t.substr(close + 2);
    }
    size_t used = 0;
    if (!NumericDate(t, *state.clock, &out->ts, &used)) {
      core::Timestamp ts = 0;
      if (!ReadTimestamp(t, *state.clock, &ts)) return false;
      out->ts = ts;
    } else {
      t = t.substr(used);
    }
  }
  t = TrimSpaces(t);
  if (Starts(t, "SMTP Server")) {
    const auto failed = After(t, ": Authentication failed for user ");
    if (!failed || t.size() - failed->size() > 64) return false;
    // The user may contain "; connecting host": the address is after the last one.
    const size_t host = failed->rfind(" ; connecting host ");
    if (host == kNpos) return false;
    const auto ip = ReadAddress(failed->substr(host + 19));
    if (!ip) return false;
    out->ip = *ip;
    out->login = failed->substr(0, host);
  } else if (Starts(t, "smtp: ")) {
    constexpr std::string_view kSuffix = "] authentication failure using internet password";
    const std::string_view body = TrimSpaces(t.substr(6));
    if (!Ends(body, kSuffix)) return false;
    const std::string_view head = body.substr(0, body.size() - kSuffix.size() + 1);
    const size_t open = head.rfind(" [");
    if (open == kNpos) return false;
    const auto ip = ReadAddress(head.substr(open + 1));
    if (!ip) return false;
    out->ip = *ip;
    out->login = head.substr(0, open);
  } else {
    return false;
  }
  out->protocol = Protocol::kSmtp;
  out->outcome = Outcome::kFailure;
  return true;
}

// Kerio Connect's security.log:
//   [17/Nov/2026 11:31:00] SMTP: User alice@example.com doesn't exist. Attempt from IP address
//   203.0.113.9. [17/Nov/2026 11:31:00] IMAP: Invalid password for user alice@example.com. Attempt
//   from IP address 203.0.113.9. [17/Nov/2026 11:31:00] Failed POP3 login from 203.0.113.9, user
//   alice@example.com
bool Kerio(const LineHeader& h, State&, LogEvent* out) {
  // The service ("SMTP: ") reads as a program tag; the whole text after the date is used.
  if (!h.has_ts || !h.host.empty() || !Starts(h.line_start, "[")) return false;
  std::string_view t = h.rest;
  Protocol protocol = Protocol::kOther;
  auto service = [](std::string_view name) {
    if (name == "SMTP") return Protocol::kSmtp;
    if (name == "IMAP") return Protocol::kImap;
    if (name == "POP3") return Protocol::kPop3;
    if (name == "HTTP" || name == "WebMail") return Protocol::kHttp;
    return Protocol::kOther;
  };
  if (Starts(t, "Failed ")) {
    // "Failed POP3 login from 203.0.113.9, user alice" (the name may be a host name: skipped)
    const std::string_view rest = t.substr(7);
    const size_t login = rest.find(" login from ");
    if (login == kNpos || login > 8) return false;
    const std::string_view from = rest.substr(login + 12);
    const auto ip = ReadAddress(UpTo(from, ", "));
    if (!ip) return false;
    out->ip = *ip;
    out->login = {};
    if (auto user = After(from, ", user ")) out->login = *user;
    out->protocol = service(rest.substr(0, login));
    out->outcome = Outcome::kFailure;
    return true;
  }
  const size_t colon = t.find(": ");
  if (colon != kNpos && colon <= 8) {
    protocol = service(t.substr(0, colon));
    t = t.substr(colon + 2);
  }
  constexpr std::string_view kAttempt = ". Attempt from IP address ";
  const size_t attempt = t.rfind(kAttempt);
  if (attempt == kNpos) return false;
  std::string_view address = t.substr(attempt + kAttempt.size());
  if (Ends(address, ".")) address.remove_suffix(1);
  const auto ip = core::IpAddress::Parse(address);
  if (!ip) return false;
  const std::string_view head = t.substr(0, attempt);
  if (Starts(head, "User ") &&
      (Ends(head, " doesn't exist") || Ends(head, " doesn\u2019t exist"))) {
    out->outcome = Outcome::kUnknownUser;
    out->login = head.substr(5, head.size() - 5 - (Ends(head, " doesn't exist") ? 14 : 16));
  } else if (Starts(head, "Invalid password for user ")) {
    out->outcome = Outcome::kBadPassword;
    out->login = head.substr(26);
  } else {
    return false;
  }
  out->ip = *ip;
  out->protocol = protocol;
  return !out->login.empty();
}

// Oracle Communications Messaging Server's connection log (LOG_FORMAT=4, LOG_CONNECTION bit 5):
//   <co ts="2026-06-02T16:06:33.99" pi="..." sc="tcp_local" dr="+" ac="U"
//     tr="TCP|192.0.2.10|25|203.0.113.9|4299" ap="SMTP" mi="Bad password"
//     us="alice@example.com" di="535 5.7.8 Bad username or password (Authentication failed)."/>
bool OracleMessaging(const LineHeader& h, State& state, LogEvent* out) {
  const std::string_view m = h.rest;
  if (!Starts(m, "<co ts=\"") || !Ends(m, "/>")) return false;
  // tr= comes before the user's us=; di= (the reply) after it: found from the right.
  const auto tr = After(m, "\" tr=\"");
  const auto di = AfterLast(m, "\" di=\"");
  const size_t us = m.find("\" us=\"");
  const size_t di_at = m.rfind("\" di=\"");
  if (!tr || !di || us == kNpos || us > di_at) return false;
  // TCP|server|port|client|port
  std::string_view fields = UpTo(*tr, "\"");
  size_t bar = 0;
  for (int i = 0; i < 3; ++i) {
    bar = fields.find('|', bar);
    if (bar == kNpos) return false;
    ++bar;
  }
  const auto ip = core::IpAddress::Parse(UpTo(fields.substr(bar), "|"));
  if (!ip) return false;
  if (Starts(*di, "535 ")) {
    out->outcome = Outcome::kFailure;
  } else if (Starts(*di, "235 ")) {
    out->outcome = Outcome::kSuccess;
  } else {
    return false;
  }
  core::Timestamp ts = 0;
  std::string_view when = m.substr(8, 22);
  when = UpTo(when, "\"");
  std::string_view w = when;
  if (!ReadTimestamp(w, *state.clock, &ts) || !w.empty()) return false;
  out->ts = ts;
  out->ip = *ip;
  out->login = m.substr(us + 6, di_at - us - 6);
  out->protocol = Contains(m, " sc=\"tcp_submit\"") ? Protocol::kSubmission : Protocol::kSmtp;
  return true;
}

// ASSP's maillog.txt:
//   Jul-30-26 17:07:25 [Worker_1] [TLS-out] 203.0.113.9 [SMTP Error] 535 5.7.8 Error:
//   authentication failed: UGFzc3dvcmQ6
// ASSP names no user. Its "too much AUTH errors" and "max sender authentication errors" lines
// sum up failures already counted, and are skipped.
bool Assp(const LineHeader& h, State& state, LogEvent* out) {
  std::string_view t = h.rest;
  if (h.has_ts || t.size() < 20 || t[3] != '-' || t[6] != '-' || t[9] != ' ') return false;
  // "Jul-30-26 17:07:25": month name, day, two-digit year.
  static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  const size_t month_at = kMonths.find(t.substr(0, 3));
  if (month_at == kNpos || month_at % 3 != 0) return false;
  int day = 0;
  int year = 0;
  int hh = 0;
  int mm = 0;
  int ss = 0;
  auto two = [&](size_t at, int* v) {
    if (!IsDigit(t[at]) || !IsDigit(t[at + 1])) return false;
    *v = (t[at] - '0') * 10 + (t[at + 1] - '0');
    return true;
  };
  if (!two(4, &day) || !two(7, &year) || !two(10, &hh) || t[12] != ':' || !two(13, &mm) ||
      t[15] != ':' || !two(16, &ss) || t[18] != ' ' || day < 1 || day > 31 || hh > 23 || mm > 59 ||
      ss > 60) {
    return false;
  }
  t = t.substr(19);
  constexpr std::string_view kError = " [SMTP Error] 535 ";
  const size_t error = t.find(kError);
  if (error == kNpos || !Contains(t.substr(error), "authentication failed")) return false;
  // The address is the last token before "[SMTP Error]", after the session id and tags.
  const std::string_view head = t.substr(0, error);
  const size_t space = head.rfind(' ');
  const auto ip = core::IpAddress::Parse(space == kNpos ? head : head.substr(space + 1));
  if (!ip) return false;
  out->ts =
      state.clock->FromLocal(2000 + year, static_cast<int>(month_at / 3) + 1, day, hh, mm, ss);
  out->ip = *ip;
  out->login = {};
  out->protocol = Protocol::kSmtp;
  out->outcome = Outcome::kFailure;
  return true;
}

}  // namespace coastguard::logs::parsers
