// Parsers for IMAP and POP3 servers: Dovecot, Courier, Cyrus, UW-IMAP, solid-pop3d, Perdition.
#include "logs/parsers.h"
#include "logs/scan.h"

namespace coastguard::logs::parsers {
namespace {

using core::Outcome;
using core::Protocol;

// "Info: ", "Warning: " and friends, which Dovecot's own log file puts before the text.
std::string_view WithoutLevel(std::string_view m) {
  for (std::string_view level : {"Info: ", "Warning: ", "Error: ", "Debug: ", "Fatal: "}) {
    if (Starts(m, level)) return m.substr(level.size());
  }
  return m;
}

Protocol DovecotService(std::string_view service) {
  if (service == "imap-login") return Protocol::kImap;
  if (service == "pop3-login") return Protocol::kPop3;
  if (service == "submission-login") return Protocol::kSubmission;
  if (service == "managesieve-login") return Protocol::kSieve;
  return Protocol::kOther;
}

// "N attempts" -> N (at least 1, at most 1000: a line cannot stand for more).
uint32_t AttemptCount(std::string_view after) {
  uint32_t n = 0;
  size_t i = 0;
  while (i < after.size() && IsDigit(after[i]) && n < 1000) n = n * 10 + (after[i++] - '0');
  return n == 0 ? 1 : std::min<uint32_t>(n, 1000);
}

// A login process's line: "Login: user=<u>, method=PLAIN, rip=203.0.113.9, lip=..., session=<s>"
// or "Disconnected (auth failed, 2 attempts in 4 secs): user=<u>, method=PLAIN, rip=...".
bool DovecotLogin(Protocol protocol, std::string_view m, State& state, LogEvent* out) {
  m = WithoutLevel(m);
  const bool success = Starts(m, "Login: ");
  std::optional<std::string_view> attempts;
  if (!success) {
    // Only the summary of failed attempts counts: "no auth attempts", a disallowed plaintext
    // login, an inactivity timeout or a client that went away while authenticating are not
    // wrong passwords.
    const size_t fields = m.find("): user=<");
    if (fields == kNpos) return false;
    attempts = After(m.substr(0, fields), "(auth failed, ");
    if (!attempts) return false;
  }
  // The fields the client cannot write come after user=<...>, which it can: rip is the last
  // ", rip=", and the user name ends at the last ">, " before it.
  const size_t rip_at = m.rfind(", rip=");
  const size_t user_at = m.find("user=<");
  if (rip_at == kNpos || user_at == kNpos || user_at > rip_at) return false;
  const auto ip = ReadAddress(UpTo(m.substr(rip_at + 6), ", "));
  if (!ip) return false;
  std::string_view user = m.substr(user_at + 6, rip_at - (user_at + 6));
  const size_t user_end = user.rfind(">, ");
  if (user_end != kNpos) {
    user = user.substr(0, user_end);
  } else if (Ends(user, ">")) {
    user.remove_suffix(1);
  } else {
    return false;
  }
  if (user.empty()) return false;
  out->protocol = protocol;
  out->ip = *ip;
  out->login = user;
  std::string_view session;
  if (auto s = AfterLast(m, "session=<")) session = UpTo(*s, ">");
  if (success) {
    out->outcome = Outcome::kSuccess;
    if (!session.empty()) state.dovecot.Take(session);
    return true;
  }
  out->attempts = AttemptCount(*attempts);
  const auto said = session.empty() ? std::nullopt : state.dovecot.Take(session);
  out->outcome = said.value_or(Outcome::kFailure);
  return true;
}

// An auth process's verbose line (auth_verbose=yes), one per passdb lookup:
//   passwd-file(alice@example.com,203.0.113.9,<UHlIiD5hhrB/AAAB>): unknown user
//   pam(alice,203.0.113.9,<s>): pam_authenticate() failed: Authentication failure (...)
//   sql(alice,203.0.113.9,<s>): Password mismatch
// It says which of password and user was wrong, and is remembered for the session until the
// login process's summary line; it is never an attempt of its own, since the summary counts it
// (counting both is what makes fail2ban ban after a third of its maxretry).
bool DovecotAuth(std::string_view m, State& state) {
  m = WithoutLevel(m);
  const size_t open = m.find('(');
  // The first "): " closes the tuple: what follows can quote the password the client sent
  // (auth_verbose_passwords), which is never looked at beyond the words before it.
  const size_t close = open == kNpos ? kNpos : m.find("): ", open);
  if (close == kNpos) return false;
  const std::string_view tuple = m.substr(open + 1, close - open - 1);
  const std::string_view what = m.substr(close + 3);
  Outcome outcome;
  if (Starts(what, "unknown user")) {
    outcome = Outcome::kUnknownUser;
  } else if (Starts(what, "Password mismatch") || Contains(what, "password mismatch") ||
             Starts(what, "invalid credentials") ||
             (Starts(what, "pam_authenticate() failed") && !Contains(what, "User not known"))) {
    outcome = Outcome::kBadPassword;
  } else if (Starts(what, "pam_authenticate() failed")) {
    outcome = Outcome::kUnknownUser;
  } else {
    return false;
  }
  // The session id is the tuple's last field, written by Dovecot: "<...>" at the end.
  if (!Ends(tuple, ">")) return false;
  const size_t lt = tuple.rfind(",<");
  if (lt == kNpos) return false;
  state.dovecot.Record(tuple.substr(lt + 2, tuple.size() - lt - 3), outcome);
  return true;
}

// Dovecot 2.4 moved the tuple into the tag and the passdb name after it:
//   auth(alice,203.0.113.9,sasl:plain)<CvN+E95Uf4e7eEnj>: Info: sql: Password mismatch
//   auth-worker(alice,203.0.113.9)<4711><CvN+E95Uf4e7eEnj>: request [3]: pam: ... (password
//   mismatch?)
void Dovecot24Auth(std::string_view tag, std::string_view m, State& state) {
  if (!Ends(tag, ">")) return;
  const size_t lt = tag.rfind('<');
  if (lt == kNpos || tag.rfind(')') > lt) return;
  const std::string_view session = tag.substr(lt + 1, tag.size() - lt - 2);
  m = WithoutLevel(m);
  if (Starts(m, "request [")) {
    if (auto rest = After(m, "]: ")) m = WithoutLevel(*rest);
  }
  Outcome outcome;
  if (Ends(m, ": unknown user") || Contains(m, "User not known")) {
    outcome = Outcome::kUnknownUser;
  } else if (Ends(m, ": Password mismatch") || Contains(m, "assword mismatch") ||
             Ends(m, ": invalid credentials")) {
    outcome = Outcome::kBadPassword;
  } else {
    return;
  }
  state.dovecot.Record(session, outcome);
}

}  // namespace

void DovecotSessions::Record(std::string_view session, core::Outcome outcome) {
  if (session.empty() || session.size() > 64) return;
  auto [it, inserted] = outcomes_.try_emplace(std::string(session), outcome);
  if (!inserted) {
    // Several passdbs: a password mismatch anywhere means the user exists.
    if (outcome == Outcome::kBadPassword) it->second = outcome;
    return;
  }
  if (order_.size() < kMaxSessions) {
    order_.emplace_back(session);
    return;
  }
  outcomes_.erase(order_[next_]);
  order_[next_].assign(session);
  next_ = (next_ + 1) % kMaxSessions;
}

std::optional<core::Outcome> DovecotSessions::Take(std::string_view session) {
  const auto it = outcomes_.find(absl::string_view(session.data(), session.size()));
  if (it == outcomes_.end()) return std::nullopt;
  const core::Outcome outcome = it->second;
  outcomes_.erase(it);  // its key stays in order_ until its turn; erasing a gone key is a no-op
  return outcome;
}

bool Dovecot(const LineHeader& h, State& state, LogEvent* out) {
  // Syslog: program "dovecot", message "imap-login: Login: ..."; Dovecot's own log file and
  // journald: program "imap-login", message "Info: Login: ..." (2.4 tags "dovecot/imap-login").
  std::string_view program = h.program;
  std::string_view m = h.message;
  if (program == "dovecot") {
    const size_t colon = m.find(": ");
    if (colon == kNpos) return false;
    program = m.substr(0, colon);
    m = m.substr(colon + 2);
  } else if (Starts(program, "dovecot/")) {
    program.remove_prefix(8);
  }
  const Protocol protocol = DovecotService(program);
  if (protocol != Protocol::kOther) return DovecotLogin(protocol, m, state, out);
  if (program == "auth" || Starts(program, "auth-worker")) {
    DovecotAuth(m, state);
  } else if (Starts(program, "auth(") || Starts(program, "auth-worker(")) {
    // 2.4: "auth(alice,203.0.113.9,sasl:plain)<session>: Info: sql: Password mismatch"
    Dovecot24Auth(program, m, state);
  }
  return false;
}

// Courier IMAP/POP3 (imapd, imapd-ssl, pop3d, pop3d-ssl, courierpop3login):
//   LOGIN FAILED, user=alice@example.com, ip=[::ffff:203.0.113.9][, port=[4711]]
//   LOGIN, user=alice@example.com, ip=[::ffff:203.0.113.9], port=[4711], protocol=IMAP
// courieresmtpd: error,relay=::ffff:203.0.113.9,[port=4711,]msg="535 Authentication failed.",cmd:
// ...
bool Courier(const LineHeader& h, State&, LogEvent* out) {
  const std::string_view p = h.program;
  const std::string_view m = WithoutLevel(h.message);
  if (p == "courieresmtpd") {
    if (!Starts(m, "error,relay=") || !Contains(m, ",msg=\"535 ")) return false;
    // The address comes first, before anything the client sent; no user is logged.
    const auto ip = ReadAddress(UpTo(m.substr(12), ","));
    if (!ip) return false;
    out->ip = *ip;
    out->login = {};
    out->protocol = Protocol::kSmtp;
    out->outcome = Outcome::kFailure;
    return true;
  }
  const bool pop = Contains(p, "pop3");
  if (!pop && !Contains(p, "imapd")) return false;
  bool success;
  std::string_view fields;
  if (Starts(m, "LOGIN FAILED, ")) {
    success = false;
    fields = m.substr(14);
  } else if (Starts(m, "LOGIN, user=")) {
    success = true;
    fields = m.substr(7);
  } else {
    return false;
  }
  // The user comes before the address: the address is the last ", ip=[", and the line must end
  // there or with Courier's own port and protocol fields.
  const size_t ip_at = fields.rfind("ip=[");
  if (ip_at == kNpos || ip_at < 2 || fields.substr(ip_at - 2, 2) != ", ") return false;
  const std::string_view tail = fields.substr(ip_at + 4);
  const size_t close = tail.find(']');
  if (close == kNpos) return false;
  const std::string_view after = tail.substr(close + 1);
  if (!after.empty() && !Starts(after, ", port=[")) return false;
  const auto ip = ReadAddress(tail.substr(0, close));
  if (!ip) return false;
  out->login = {};
  if (Starts(fields, "user=") && ip_at >= 2) out->login = fields.substr(5, ip_at - 2 - 5);
  out->ip = *ip;
  out->protocol = pop ? Protocol::kPop3 : Protocol::kImap;
  out->outcome = success ? Outcome::kSuccess : Outcome::kFailure;
  return !success || !out->login.empty();
}

// Cyrus imapd/pop3d (tags imap, imaps, pop3, pop3s, cyrus/imap, ...):
//   badlogin: host.example [203.0.113.9] plaintext alice SASL(-13): authentication failure: ...
//   badlogin: [203.0.113.9] PLAIN [SASL(-13): user not found: ...]
//   login: host.example [203.0.113.9] alice plaintext+TLS User logged in SESSIONID=<...>
bool Cyrus(const LineHeader& h, State&, LogEvent* out) {
  std::string_view p = h.program;
  if (Starts(p, "cyrus/")) p.remove_prefix(6);
  const bool pop = Starts(p, "pop3");
  if (!pop && !Starts(p, "imap") && p != "sieve") return false;
  const std::string_view m = h.message;
  const bool success = Starts(m, "login: ");
  if (!success && !Starts(m, "badlogin: ")) return false;
  const std::string_view rest = m.substr(success ? 7 : 10);
  // The client's host and address come first; the first '[' is Cyrus's (a PTR name has none).
  const size_t open = rest.find('[');
  const size_t close = open == kNpos ? kNpos : rest.find(']', open);
  if (close == kNpos ||
      (open > 0 && rest[open - 1] != ' ' && rest.substr(0, open).find(' ') != kNpos)) {
    return false;
  }
  const auto ip = ReadAddress(rest.substr(open + 1, close - open - 1));
  if (!ip || close + 1 >= rest.size() || rest[close + 1] != ' ') return false;
  std::string_view after = rest.substr(close + 2);
  out->ip = *ip;
  out->protocol = pop ? Protocol::kPop3 : (p == "sieve" ? Protocol::kSieve : Protocol::kImap);
  if (success) {
    // "alice plaintext+TLS User logged in": the user, then the mechanism.
    out->login = UpTo(after, " ");
    out->outcome = Outcome::kSuccess;
    return !out->login.empty() && Contains(after, " User logged in");
  }
  if (Contains(after, "anonymous login refused")) return false;
  const std::string_view mech = UpTo(after, " ");
  after = after.substr(std::min(after.size(), mech.size() + 1));
  out->login = {};
  if (mech == "plaintext") {
    // "alice SASL(-13): ...": the user, then SASL's detail (which cannot contain a space-free
    // "SASL(" prefix before the user's end).
    const size_t sasl = after.rfind(" SASL(");
    out->login = sasl == kNpos ? UpTo(after, " ") : after.substr(0, sasl);
  }
  if (Contains(after, "External SSF not good enough")) return false;
  out->outcome =
      Contains(after, "user not found") || Ends(after, "invalid user")
          ? Outcome::kUnknownUser
          : (Contains(after, "authentication failure") ? Outcome::kBadPassword : Outcome::kFailure);
  return true;
}

// UW-IMAP's imapd and ipop3d (c-client):
//   Login failed user=alice auth=alice host=client.example [203.0.113.9]
//   Login excessive login failures user=alice auth=alice host=client.example [203.0.113.9]
//   Login user=alice host=client.example [203.0.113.9][ nmsgs=3/3]
bool UwImap(const LineHeader& h, State&, LogEvent* out) {
  const std::string_view p = h.program;
  const bool pop = p == "ipop3d";
  if (!pop && p != "imapd") return false;
  const std::string_view m = h.message;
  bool success = false;
  std::string_view fields;
  if (Starts(m, "Login failed user=")) {
    fields = m.substr(13);
  } else if (Starts(m, "Login excessive login failures user=")) {
    fields = m.substr(31);
  } else if (Starts(m, "Login failure user=")) {
    fields = m.substr(14);
  } else if (Starts(m, "Login user=") || Starts(m, "Authenticated user=")) {
    success = true;
    fields = m.substr(m.find("user="));
  } else {
    return false;
  }
  // user= and auth= are the client's raw text: the address is the bracket ending the line
  // (success lines may add " nmsgs=N/N" or " no mailbox").
  std::string_view end = TrimSpaces(fields);
  if (success) {
    if (const size_t n = end.rfind("] nmsgs="); n != kNpos) end = end.substr(0, n + 1);
    if (Ends(end, "] no mailbox")) end.remove_suffix(11);
  }
  if (!Ends(end, "]")) return false;
  const size_t open = end.rfind('[');
  const size_t host = end.rfind(" host=", open);
  if (open == kNpos || host == kNpos) return false;
  const auto ip = ReadAddress(end.substr(open + 1, end.size() - open - 2));
  if (!ip) return false;
  std::string_view user = end.substr(5, host - 5);  // after "user="
  if (!success) {
    const size_t auth = user.rfind(" auth=");
    if (auth != kNpos) user = user.substr(0, auth);
  }
  if (user.empty()) return false;
  out->ip = *ip;
  out->login = user;
  out->protocol = pop ? Protocol::kPop3 : Protocol::kImap;
  out->outcome = success ? Outcome::kSuccess : Outcome::kFailure;
  return true;
}

// solid-pop3d (built with --enable-logextend, which adds the address):
//   authentication failed: no such user: alice - 203.0.113.9
//   authentication failed for user alice - 203.0.113.9
bool SolidPop3d(const LineHeader& h, State&, LogEvent* out) {
  if (h.program != "solid-pop3d") return false;
  const std::string_view m = h.message;
  Outcome outcome;
  std::string_view rest;
  if (auto r = After(m, "authentication failed: no such user: "); r && Starts(m, "auth")) {
    outcome = Outcome::kUnknownUser;
    rest = *r;
  } else if (Starts(m, "authentication failed: can't map user name: ")) {
    outcome = Outcome::kUnknownUser;
    rest = m.substr(44);
  } else if (Starts(m, "authentication failed for mapped user ")) {
    outcome = Outcome::kBadPassword;
    rest = m.substr(38);
  } else if (Starts(m, "authentication failed for user ")) {
    outcome = Outcome::kBadPassword;
    rest = m.substr(31);
  } else if (Starts(m, "APOP authentication failed for mapped user ")) {
    outcome = Outcome::kBadPassword;
    rest = m.substr(43);
  } else if (Starts(m, "APOP authentication failed for user ")) {
    outcome = Outcome::kBadPassword;
    rest = m.substr(36);
  } else {
    return false;
  }
  // The user may contain " - ": the address is after the last one, at the end of the line.
  const size_t dash = rest.rfind(" - ");
  if (dash == kNpos) return false;
  const auto ip = core::IpAddress::Parse(rest.substr(dash + 3));
  if (!ip || dash == 0) return false;
  out->ip = *ip;
  out->login = rest.substr(0, dash);
  out->protocol = Protocol::kPop3;
  out->outcome = outcome;
  return true;
}

// Perdition (tags perdition.imap4, perdition.imaps, perdition.pop3s, ...):
//   Auth: 203.0.113.9:4711->192.0.2.10:993 client-secure=ssl authorisation_id=NONE
//     authentication_id="alice" server="imap.example:993" protocol=IMAP4S server-secure=ssl
//     status="failed: local authentication failure"
bool Perdition(const LineHeader& h, State&, LogEvent* out) {
  const std::string_view p = h.program;
  if (!Starts(p, "perdition")) return false;
  const std::string_view m = h.message;
  if (!Starts(m, "Auth: ")) return false;
  // The client's address and port come first, before anything the client sent.
  const std::string_view peer = UpTo(m.substr(6), " ");
  const size_t arrow = peer.find("->");
  if (arrow == kNpos) return false;
  const std::string_view client = peer.substr(0, arrow);
  const size_t colon = client.rfind(':');
  if (colon == kNpos) return false;
  std::string_view address = client.substr(0, colon);
  if (Starts(address, "[") && Ends(address, "]")) address = address.substr(1, address.size() - 2);
  const auto ip = core::IpAddress::Parse(address);
  if (!ip) return false;
  // The status is Perdition's last field; the user is between authentication_id=" and the
  // last " server=" (the server field is from the configuration).
  const auto status = AfterLast(m, " status=\"");
  const size_t id = m.find(" authentication_id=\"");
  const size_t server = m.rfind("\" server=\"");
  if (!status || id == kNpos || server == kNpos || server < id + 20) return false;
  if (Starts(*status, "ok")) {
    out->outcome = Outcome::kSuccess;
  } else if (Starts(*status, "failed")) {
    out->outcome = Outcome::kFailure;
  } else {
    return false;
  }
  out->ip = *ip;
  out->login = m.substr(id + 20, server - id - 20);
  out->protocol = Contains(p, "pop") ? Protocol::kPop3 : Protocol::kImap;
  return !out->login.empty();
}

}  // namespace coastguard::logs::parsers
