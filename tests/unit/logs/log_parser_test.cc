// Lines written from each server's documentation and logging code (docs/logs.md lists the
// sources), with documentation addresses. Each format: success where the server logs it, a
// wrong password, an unknown user where the log says so, lines that must produce nothing, and
// hostile lines where the client's own text imitates the address field.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "logs/event_json.h"
#include "logs/line_header.h"
#include "logs/log_parser.h"

namespace coastguard::logs {
namespace {

using core::Outcome;
using core::Protocol;

// 2026-11-27T09:17:44Z; zone-less lines are read in TZ=UTC (set in main below).
constexpr int64_t kNov27 = 1795771064;

class UtcEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
  }
};
const auto* const kUtc = ::testing::AddGlobalTestEnvironment(new UtcEnvironment);

struct Parsed {
  bool ok = false;
  LogEvent event;
  std::string login;
  std::string ip;
};

Parsed ParseWith(LogParser& parser, std::string_view line) {
  Parsed p;
  p.ok = parser.Parse(line, &p.event);
  if (p.ok) {
    p.login = std::string(p.event.login);
    p.ip = p.event.ip.ToString();
  }
  return p;
}

Parsed Parse(std::string_view line, LogFormat format = LogFormat::kAuto) {
  LogParser parser(format, Clock(2026, 0));
  return ParseWith(parser, line);
}

void ExpectAttempt(std::string_view line, LogFormat source, Outcome outcome, std::string_view ip,
                   std::string_view login, Protocol protocol) {
  SCOPED_TRACE(std::string(line));
  for (LogFormat format : {LogFormat::kAuto, source}) {
    const Parsed p = Parse(line, format);
    ASSERT_TRUE(p.ok) << "format " << FormatName(format);
    EXPECT_EQ(p.event.source, source);
    EXPECT_EQ(p.event.outcome, outcome) << core::OutcomeName(p.event.outcome);
    EXPECT_EQ(p.ip, ip);
    EXPECT_EQ(p.login, login);
    EXPECT_EQ(p.event.protocol, protocol) << core::ProtocolName(p.event.protocol);
  }
}

void ExpectNothing(std::string_view line) {
  SCOPED_TRACE(std::string(line));
  EXPECT_FALSE(Parse(line).ok);
}

// --- timestamps -------------------------------------------------------------------------------

TEST(LineHeader, ReadsEveryTimestampShape) {
  Clock clock(2026, 0);
  struct Case {
    std::string_view text;
    int64_t seconds;
  } cases[] = {
      {"2026-11-27T09:17:44.088317+00:00 mx1 x: y", kNov27},
      {"2026-11-27T10:17:44+01:00 mx1 x: y", kNov27},
      {"2026-11-27T09:17:44Z mx1 x: y", kNov27},
      {"2026-11-27T09:17:44+0000 mx1 x: y", kNov27},
      {"2026-11-27 09:17:44 x y", kNov27},
      {"Nov 27 09:17:44 mx1 x: y", kNov27},
      {"Nov  7 09:17:44 mx1 x: y", kNov27 - 20 * 86400},
      {"[27-Nov-2026 09:17:44 +0000]: x", kNov27},
      {"[27-Nov-2026 11:17:44 +0200]: x", kNov27},
      {"[27/Nov/2026 09:17:44] x", kNov27},
      {"[2026-11-27 09:17:44]x", kNov27},
      {"[Fri Nov 27 09:17:44.123456 2026] [php:notice] x", kNov27},
      {"Fri Nov 27 09:17:44 2026 - [1] x", kNov27},
  };
  for (const auto& c : cases) {
    core::Timestamp ts = 0;
    std::string_view t = c.text;
    ASSERT_TRUE(ReadTimestamp(t, clock, &ts)) << c.text;
    EXPECT_EQ(ts / core::kSecond, c.seconds) << c.text;
  }
  core::Timestamp ts = 0;
  std::string_view t = "2026-11-27T09:17:44.088317+00:00 x";
  ASSERT_TRUE(ReadTimestamp(t, clock, &ts));
  EXPECT_EQ(ts % core::kSecond, 88317);
  for (std::string_view bad : {"Nov 32 09:17:44 x", "2026-13-27T09:17:44Z x", "Foo 27 09:17:44",
                               "2026-11-27T25:17:44Z x", "[27-Nov-2026 09:17:44 x"}) {
    std::string_view b = bad;
    EXPECT_FALSE(ReadTimestamp(b, clock, &ts)) << bad;
  }
}

TEST(LineHeader, ReadsDaemontoolsTai64nLabels) {
  // 0x4c91b044 seconds after 2^62 + 10: 2010-09-16 05:51:00 UTC (as tai64nlocal shows it).
  Clock clock(2026, 0);
  core::Timestamp ts = 0;
  std::string_view t = "@400000004c91b04e077a9e94 imap-login: Info: x";
  ASSERT_TRUE(ReadTimestamp(t, clock, &ts));
  EXPECT_EQ(ts / core::kSecond, 0x4c91b044);
  EXPECT_EQ(t, "imap-login: Info: x");
}

TEST(LineHeader, GivesYearlessDatesTheYearThatPutsThemBeforeTheFileChanged) {
  const core::Timestamp jan3 = (UtcSeconds(2027, 1, 3, 12, 0, 0)) * core::kSecond;
  Clock clock(0, jan3);
  EXPECT_EQ(clock.YearFor(12, 31), 2026);
  EXPECT_EQ(clock.YearFor(1, 2), 2027);
  EXPECT_EQ(clock.YearFor(1, 4), 2027);  // a day of slack for clocks and zones
  Clock fixed(2020, jan3);
  EXPECT_EQ(fixed.YearFor(12, 31), 2020);
}

TEST(LineHeader, SplitsHostProgramAndMessage) {
  Clock clock(2026, 0);
  LineHeader h = SplitHeader("Nov 27 09:17:44 mx1 postfix/smtpd[123]: warning: x", clock);
  EXPECT_TRUE(h.has_ts);
  EXPECT_EQ(h.host, "mx1");
  EXPECT_EQ(h.program, "postfix/smtpd");
  EXPECT_EQ(h.message, "warning: x");
  h = SplitHeader("Nov 27 09:17:44 imap-login: Info: Login: x", clock);
  EXPECT_EQ(h.host, "");
  EXPECT_EQ(h.program, "imap-login");
  EXPECT_EQ(h.message, "Info: Login: x");
  h = SplitHeader("Nov 27 09:17:44 sogod [26818]: SOGoRootPage x", clock);
  EXPECT_EQ(h.program, "sogod");
  EXPECT_EQ(h.message, "SOGoRootPage x");
  h = SplitHeader("2026-11-27 09:17:44 plain authenticator failed for x", clock);
  EXPECT_EQ(h.program, "");
  EXPECT_EQ(h.rest, "plain authenticator failed for x");
}

// --- Dovecot ----------------------------------------------------------------------------------

TEST(Dovecot, ReadsLoginProcessLinesInEveryEnvelope) {
  ExpectAttempt(
      "2026-11-27T09:17:44.088317+00:00 mx1 dovecot: imap-login: Login: user=<alice@example.com>, "
      "method=PLAIN, rip=203.0.113.9, lip=192.0.2.10, mpid=12665, TLS, session=<UHlIiD5hhrB/AAAB>",
      LogFormat::kDovecot, Outcome::kSuccess, "203.0.113.9", "alice@example.com", Protocol::kImap);
  ExpectAttempt(
      "Nov 27 09:17:44 mx1 dovecot[442]: pop3-login: Aborted login (auth failed, 1 attempts in 17 "
      "secs): user=<test>, method=PLAIN, rip=192.0.2.13, lip=203.0.113.17, session=<YADINsQCDs5B>",
      LogFormat::kDovecot, Outcome::kFailure, "192.0.2.13", "test", Protocol::kPop3);
  ExpectAttempt(
      "Nov 27 09:17:44 imap-login: Info: Disconnected: Connection closed (auth failed, 1 attempts "
      "in 2 secs): user=<bob@example.com>, method=PLAIN, rip=::ffff:198.51.100.7, lip=192.0.2.10, "
      "TLS, session=<k8bq2rQCeMPAqAAB>",
      LogFormat::kDovecot, Outcome::kFailure, "198.51.100.7", "bob@example.com", Protocol::kImap);
  ExpectAttempt(
      "@400000006a27a3ca077a9e94 managesieve-login: Info: Aborted login (auth failed, 1 attempts): "
      "user=<me@example.com>, method=PLAIN, rip=2001:db8::7, lip=2001:db8::25, TLS",
      LogFormat::kDovecot, Outcome::kFailure, "2001:db8::7", "me@example.com", Protocol::kSieve);
  ExpectAttempt(
      "Nov 27 09:17:44 mx1 dovecot: submission-login: Login: user=<carol>, method=PLAIN, "
      "rip=203.0.113.20, lip=192.0.2.10, mpid=7, TLS, session=<abc>",
      LogFormat::kDovecot, Outcome::kSuccess, "203.0.113.20", "carol", Protocol::kSubmission);
  // Dovecot 2.4's wording
  ExpectAttempt(
      "Nov 27 09:17:44 imap-login: Info: Login aborted: Connection closed (auth failed, 3 attempts "
      "in 16 secs) (auth_failed): user=<info@example.com>, method=PLAIN, rip=2001:db8::1:4, "
      "lip=2001:db8::25, TLS, session=<CvN+E95Uf4e7eEnj>",
      LogFormat::kDovecot, Outcome::kFailure, "2001:db8::1:4", "info@example.com", Protocol::kImap);
}

TEST(Dovecot, CountsTheAttemptsOfASummaryLine) {
  const Parsed p = Parse(
      "Nov 27 09:17:44 mx1 dovecot: imap-login: Disconnected (auth failed, 3 attempts in 12 secs): "
      "user=<alice>, method=PLAIN, rip=203.0.113.9, lip=192.0.2.10, TLS, session=<s1>");
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.event.attempts, 3u);
  EXPECT_EQ(p.event.ts / core::kSecond, kNov27);
}

TEST(Dovecot, TakesTheOutcomeFromTheSessionsAuthLinesAndCountsThemOnce) {
  LogParser parser(LogFormat::kAuto, Clock(2026, 0));
  // auth_verbose lines are no attempts of their own...
  EXPECT_FALSE(ParseWith(parser,
                         "Nov 27 09:17:40 mx1 dovecot: auth: passwd-file(ghost@example.com,"
                         "203.0.113.9,<s1>): unknown user")
                   .ok);
  EXPECT_FALSE(ParseWith(parser,
                         "Nov 27 09:17:41 mx1 dovecot: auth-worker(31326): sql(alice,203.0.113.9,"
                         "<s2>): Password mismatch (given password: hunter2): x")
                   .ok);
  // ...they tell the summary lines which of user and password was wrong.
  Parsed p = ParseWith(parser,
                       "Nov 27 09:17:44 mx1 dovecot: imap-login: Disconnected (auth failed, 1 "
                       "attempts in 2 secs): user=<ghost@example.com>, method=PLAIN, "
                       "rip=203.0.113.9, lip=192.0.2.10, TLS, session=<s1>");
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.event.outcome, Outcome::kUnknownUser);
  p = ParseWith(
      parser,
      "Nov 27 09:17:44 mx1 dovecot: pop3-login: Aborted login (auth failed, 1 attempts in "
      "2 secs): user=<alice>, method=PLAIN, rip=203.0.113.9, lip=192.0.2.10, "
      "session=<s2>");
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.event.outcome, Outcome::kBadPassword);
  // Dovecot 2.4's auth lines carry the session in the tag.
  EXPECT_FALSE(ParseWith(parser,
                         "Nov 27 09:17:45 auth(info@example.com,2001:db8::1:4,sasl:login)<s3>: "
                         "Info: sql: Password mismatch")
                   .ok);
  p = ParseWith(parser,
                "Nov 27 09:17:46 imap-login: Info: Login aborted: Connection closed (auth failed, "
                "1 attempts in 2 secs) (auth_failed): user=<info@example.com>, method=PLAIN, "
                "rip=2001:db8::1:4, lip=2001:db8::25, TLS, session=<s3>");
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.event.outcome, Outcome::kBadPassword);
}

TEST(Dovecot, ProducesNothingForDisconnectsWithoutAFailedPassword) {
  ExpectNothing(
      "Nov 27 09:17:44 mx1 dovecot[442]: pop3-login: Disconnected (no auth attempts in 58 secs): "
      "user=<>, rip=192.0.2.13, lip=203.0.113.17, session=<LgDINsQCkttVIMPg>");
  ExpectNothing(
      "Nov 27 09:17:44 mx1 dovecot: pop3-login: Aborted login (tried to use disallowed plaintext "
      "auth): rip=192.0.2.21, lip=203.0.113.193, session=<LgDINsQCkttVIMPg>");
  ExpectNothing(
      "Nov 27 09:17:44 imap-login: Info: Disconnected: Inactivity during authentication "
      "(disconnected while authenticating, waited 180 secs): user=<>, method=PLAIN, "
      "rip=192.0.2.21, lip=203.0.113.193");
  ExpectNothing(
      "Nov 27 09:17:44 imap-login: Info: Login aborted: Connection closed: SSL_read failed (no "
      "auth attempts in 0 secs) (no_auth_attempts): user=<>, rip=192.0.2.21, lip=203.0.113.193");
  ExpectNothing(
      "Nov 27 09:17:44 mx1 dovecot: imap(alice)<123><s>: Disconnected: Logged out in=10 out=20");
  ExpectNothing("Nov 27 09:17:44 mx1 dovecot: master: Dovecot v2.3.19.1 starting up");
}

TEST(Dovecot, TakesTheAddressDovecotWroteNotOneInTheUserName) {
  // The user name is the client's: it comes before rip=, so the real rip= is the last.
  ExpectAttempt(
      "Nov 27 09:17:44 mx1 dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): "
      "user=<x>, method=PLAIN, rip=192.0.2.66, lip=1>, method=PLAIN, rip=203.0.113.9, "
      "lip=192.0.2.10, TLS, session=<s>",
      LogFormat::kDovecot, Outcome::kFailure, "203.0.113.9",
      "x>, method=PLAIN, rip=192.0.2.66, lip=1", Protocol::kImap);
  // A user name that imitates a failure summary cannot make a no-auth disconnect count.
  ExpectNothing(
      "Nov 27 09:17:44 mx1 dovecot: imap-login: Disconnected (no auth attempts in 2 secs): "
      "user=<(auth failed, 9 attempts): user=<x>, rip=192.0.2.1, lip=192.0.2.10");
}

// --- Postfix ----------------------------------------------------------------------------------

TEST(Postfix, ReadsSaslFailuresAndAuthenticatedSubmissions) {
  ExpectAttempt(
      "Nov 27 09:17:44 mx1 postfix/submission/smtpd[16502]: warning: unknown[203.0.113.9]: SASL "
      "LOGIN authentication failed: (reason unavailable), sasl_username=alice@example.com",
      LogFormat::kPostfix, Outcome::kFailure, "203.0.113.9", "alice@example.com",
      Protocol::kSubmission);
  ExpectAttempt(
      "Nov 27 09:17:44 mx1 postfix/smtps/smtpd[42]: warning: mail.example[2001:db8::8b]: SASL "
      "PLAIN authentication failed: UGFzc3dvcmQ6, sasl_username=bob",
      LogFormat::kPostfix, Outcome::kFailure, "2001:db8::8b", "bob", Protocol::kSubmission);
  ExpectAttempt(
      "Nov 27 09:17:44 mx1 postfix/submission/smtpd[2301]: 4F1A2B3C4D: client=unknown"
      "[198.51.100.20], sasl_method=PLAIN, sasl_username=alice@example.com",
      LogFormat::kPostfix, Outcome::kSuccess, "198.51.100.20", "alice@example.com",
      Protocol::kSubmission);
  // Cyrus SASL names no user: the source still counts.
  ExpectAttempt(
      "Nov 27 09:17:44 mx1 postfix/smtpd[3937]: warning: host.example[192.0.2.41]: SASL LOGIN "
      "authentication failed: authentication failure, sasl_username=",
      LogFormat::kPostfix, Outcome::kFailure, "192.0.2.41", "(unnamed)", Protocol::kSmtp);
}

TEST(Postfix, ProducesNothingForRejectsAndServerTrouble) {
  ExpectNothing(
      "Nov 27 09:17:44 mx1 postfix/smtpd[1]: warning: unknown[192.0.2.44]: SASL LOGIN "
      "authentication failed: Connection lost to authentication server, sasl_username=x");
  ExpectNothing(
      "Nov 27 09:17:44 mx1 postfix/smtpd[1]: NOQUEUE: reject: RCPT from unknown[192.0.2.5]: 554 "
      "5.7.1 <a@example.net>: Relay access denied; from=<b@example.org> to=<a@example.net> "
      "proto=ESMTP helo=<x>");
  ExpectNothing(
      "Nov 27 09:17:44 mx1 postfix/smtpd[1]: NOQUEUE: reject: RCPT from unknown[192.0.2.5]: 554 "
      "5.7.1 Service unavailable; Client host [192.0.2.5] blocked using zen.spamhaus.org");
  ExpectNothing(
      "Nov 27 09:17:44 mx1 postfix/smtpd[1]: lost connection after AUTH from "
      "unknown[192.0.2.5]");
  ExpectNothing("Nov 27 09:17:44 mx1 postfix/smtpd[1]: 4F1A: client=unknown[192.0.2.5]");
}

// --- Exim -------------------------------------------------------------------------------------

TEST(Exim, ReadsAuthenticatorFailuresAndAuthenticatedArrivals) {
  ExpectAttempt(
      "2026-11-27 09:17:44 dovecot_login authenticator failed for h1.example.net (User) "
      "[192.0.2.40]: 535 Incorrect authentication data (set_id=scanner)",
      LogFormat::kExim, Outcome::kFailure, "192.0.2.40", "scanner", Protocol::kSubmission);
  ExpectAttempt(
      "2026-11-27 09:17:44 [1234] auth_plain authenticator failed for (rom182) [198.51.100.35]:"
      "41556 I=[203.0.113.1]:25: 535 Incorrect authentication data (set_id=webmaster)",
      LogFormat::kExim, Outcome::kFailure, "198.51.100.35", "webmaster", Protocol::kSmtp);
  // The HELO is the client's and may be an address literal.
  ExpectAttempt(
      "2026-11-27 09:17:44 plain authenticator failed for ([192.168.2.102]) [203.0.113.71]: 535 "
      "Incorrect authentication data: 1 Time(s)",
      LogFormat::kExim, Outcome::kFailure, "203.0.113.71", "(unnamed)", Protocol::kSubmission);
  ExpectAttempt(
      "2026-11-27 09:17:44 1avJcc-0003Py-15 <= alice@example.com H=(Fizah) [192.0.2.102]:1543 "
      "P=esmtpa A=dovecot_login:alice@example.com S=3455 id=x@y",
      LogFormat::kExim, Outcome::kSuccess, "192.0.2.102", "alice@example.com",
      Protocol::kSubmission);
}

TEST(Exim, ProducesNothingForRblRelayAndProtocolRejects) {
  ExpectNothing(
      "2026-11-27 09:17:44 [10099] H=(yakult.example) [192.0.2.178]:3755 I=[203.0.113.4]:25 "
      "F=<a@example.org> rejected RCPT <dir@example.ru>: relay not permitted");
  ExpectNothing(
      "2026-11-27 09:17:44 H=(helo.example) [192.0.2.55] F=<a@example.net> rejected RCPT "
      "<b@example.com>: rejected because 192.0.2.55 is in a black list at zen.spamhaus.org");
  ExpectNothing(
      "2026-11-27 09:17:44 [7513] SMTP protocol error in \"AUTH LOGIN\" H=(ylmf-pc) "
      "[198.51.100.167]:60723 I=[203.0.113.6]:587 AUTH command used when not advertised");
  ExpectNothing(
      "2026-11-27 09:17:44 plain authenticator failed for (x) [192.0.2.1]: 435 Unable to "
      "authenticate at present (set_id=a): lookup deferred");
}

// --- Courier, Cyrus, UW-IMAP, solid-pop3d, Perdition --------------------------------------------

TEST(Courier, ReadsLoginLinesAndTheLastAddress) {
  ExpectAttempt(
      "Nov 27 09:17:44 dns2 imapd: LOGIN FAILED, user=sales@example.com, "
      "ip=[::ffff:192.0.2.4]",
      LogFormat::kCourier, Outcome::kFailure, "192.0.2.4", "sales@example.com", Protocol::kImap);
  ExpectAttempt(
      "Nov 27 09:17:44 srv pop3d-ssl: LOGIN FAILED, user=tester, "
      "ip=[::ffff:192.0.2.5], port=[255]",
      LogFormat::kCourier, Outcome::kFailure, "192.0.2.5", "tester", Protocol::kPop3);
  ExpectAttempt(
      "Nov 27 09:17:44 vz2 imapd: LOGIN, user=alice@example.com, "
      "ip=[::ffff:198.51.100.100], port=[52814], protocol=IMAP",
      LogFormat::kCourier, Outcome::kSuccess, "198.51.100.100", "alice@example.com",
      Protocol::kImap);
  ExpectAttempt(
      "Nov 27 09:17:44 srv courieresmtpd: error,relay=::ffff:192.0.2.60,"
      "msg=\"535 Authentication failed.\",cmd: YWRvYmVhZG9iZQ==",
      LogFormat::kCourier, Outcome::kFailure, "192.0.2.60", "(unnamed)", Protocol::kSmtp);
  // hostile: the user name imitates the address field
  ExpectAttempt(
      "Nov 27 09:17:44 dns2 imapd: LOGIN FAILED, user=x, ip=[::ffff:192.0.2.9], "
      "ip=[::ffff:203.0.113.9]",
      LogFormat::kCourier, Outcome::kFailure, "203.0.113.9", "x, ip=[::ffff:192.0.2.9]",
      Protocol::kImap);
  ExpectNothing("Nov 27 09:17:44 vz2 imapd: Connection, ip=[::ffff:198.51.100.100]");
  ExpectNothing(
      "Nov 27 09:17:44 web courieresmtpd: error,relay=::ffff:192.0.2.61,ident=tmf,"
      "from=<tmf@example.com>,to=<list@example.com>: 550 User unknown.");
}

TEST(Cyrus, ReadsBadloginsAndLogins) {
  ExpectAttempt(
      "Nov 27 09:17:44 host cyrus/imap[5355]: badlogin: localhost.localdomain "
      "[192.0.2.70] plaintext cyrus@localdomain SASL(-13): authentication failure: "
      "checkpass failed",
      LogFormat::kCyrus, Outcome::kBadPassword, "192.0.2.70", "cyrus@localdomain", Protocol::kImap);
  ExpectAttempt(
      "Nov 27 09:17:44 srv01 cyrus/imaps[9496]: badlogin: [192.0.2.72] plaintext info "
      "SASL(-13): user not found: checkpass failed",
      LogFormat::kCyrus, Outcome::kUnknownUser, "192.0.2.72", "info", Protocol::kImap);
  ExpectAttempt(
      "Nov 27 09:17:44 srv cyrus/pop3[18635]: badlogin: [198.51.100.23] DIGEST-MD5 "
      "[SASL(-13): authentication failure: client response doesn't match]",
      LogFormat::kCyrus, Outcome::kBadPassword, "198.51.100.23", "(unnamed)", Protocol::kPop3);
  ExpectAttempt(
      "Nov 27 09:17:44 srv01 cyrus/imaps[9497]: login: client.example.net [192.0.2.73] "
      "alice plaintext+TLS User logged in SESSIONID=<cyrus-9497-1>",
      LogFormat::kCyrus, Outcome::kSuccess, "192.0.2.73", "alice", Protocol::kImap);
  ExpectNothing(
      "Nov 27 09:17:44 srv cyrus/imap[1]: badlogin: [192.0.2.72] anonymous login "
      "refused");
}

TEST(UwImap, TakesTheBracketThatEndsTheLine) {
  ExpectAttempt(
      "Nov 27 09:17:44 Linux2 imapd[666]: Login failed user=lizdy auth=lizdy "
      "host=h2066373.example.net [192.0.2.112]",
      LogFormat::kUwImap, Outcome::kFailure, "192.0.2.112", "lizdy", Protocol::kImap);
  ExpectAttempt(
      "Nov 27 09:17:44 Linux2 ipop3d[668]: Login user=lizdy "
      "host=h2066373.example.net [192.0.2.112] nmsgs=3/3",
      LogFormat::kUwImap, Outcome::kSuccess, "192.0.2.112", "lizdy", Protocol::kPop3);
  ExpectAttempt(
      "Nov 27 09:17:44 Linux2 imapd[666]: Login failed user=a host=x [192.0.2.9] "
      "auth=a host=real.example [203.0.113.9]",
      LogFormat::kUwImap, Outcome::kFailure, "203.0.113.9", "a host=x [192.0.2.9]",
      Protocol::kImap);
  ExpectNothing(
      "Nov 27 09:17:44 abdon imapd[21172]: Login disabled user=test auth=test "
      "host=localhost.localdomain [127.0.0.1]");
}

TEST(SolidPop3d, ReadsFailuresWithTheAddressAtTheEnd) {
  ExpectAttempt(
      "Nov 27 09:17:44 mail solid-pop3d[3822]: authentication failed: no such user: "
      "adrian - 192.0.2.45",
      LogFormat::kSolidPop3d, Outcome::kUnknownUser, "192.0.2.45", "adrian", Protocol::kPop3);
  ExpectAttempt(
      "Nov 27 09:17:44 mail solid-pop3d[3825]: authentication failed for user bob - "
      "6.6.6.6 - 198.51.100.7",
      LogFormat::kSolidPop3d, Outcome::kBadPassword, "198.51.100.7", "bob - 6.6.6.6",
      Protocol::kPop3);
  ExpectNothing("Nov 27 09:17:44 mail solid-pop3d[3827]: root login not allowed - 192.0.2.46x");
}

TEST(Perdition, ReadsTheClientAddressBeforeAnythingTheClientSent) {
  ExpectAttempt(
      "Nov 27 09:17:44 ares perdition.imaps[3194]: Auth: 192.0.2.100:2274->"
      "198.51.100.9:993 client-secure=ssl authorisation_id=NONE "
      "authentication_id=\"carles\" server=\"imap.example.org:993\" protocol=IMAP4S "
      "server-secure=ssl status=\"failed: Re-Authentication Failure\"",
      LogFormat::kPerdition, Outcome::kFailure, "192.0.2.100", "carles", Protocol::kImap);
  ExpectAttempt(
      "Nov 27 09:17:44 ares perdition.pop3s[3194]: Auth: 192.0.2.100:2274->"
      "198.51.100.9:995 client-secure=ssl authorisation_id=NONE "
      "authentication_id=\"ann\" server=\"pop.example.org:995\" protocol=POP3S "
      "server-secure=ssl status=\"ok\"",
      LogFormat::kPerdition, Outcome::kSuccess, "192.0.2.100", "ann", Protocol::kPop3);
  ExpectNothing(
      "Nov 27 09:17:44 ares perdition.imaps[3194]: Fatal Error reading authentication "
      "information from client 192.0.2.100:2274->198.51.100.9:993: Exiting child");
}

// --- Sendmail, Domino, Kerio, Oracle, ASSP -----------------------------------------------------

TEST(Sendmail, ReadsAuthFailuresFromTheLastRelay) {
  ExpectAttempt(
      "Nov 27 09:17:44 relay1 sendmail[16664]: 06I02CNi016764: AUTH failure (LOGIN): "
      "authentication failure (-13) SASL(-13): authentication failure: checkpass "
      "failed, user=user@example.com, relay=example.com [192.0.2.3] (may be forged)",
      LogFormat::kSendmail, Outcome::kBadPassword, "192.0.2.3", "user@example.com",
      Protocol::kSmtp);
  ExpectAttempt(
      "Nov 27 09:17:44 server sm-mta[65696]: 14NNwaRl065696: AUTH failure "
      "(DIGEST-MD5): user not found (-20) SASL(-13): user not found: unable to "
      "canonify user and get auxprops, user=scanner, relay=[192.0.2.5]",
      LogFormat::kSendmail, Outcome::kUnknownUser, "192.0.2.5", "scanner", Protocol::kSmtp);
  ExpectAttempt(
      "Nov 27 09:17:44 relay1 sendmail[1]: 06I02CNi016764: AUTH failure (LOGIN): "
      "authentication failure (-13) SASL(-13): authentication failure: checkpass "
      "failed, user=criminal, relay=[192.0.2.100], relay=[192.0.2.4] (may be forged)",
      LogFormat::kSendmail, Outcome::kBadPassword, "192.0.2.4", "criminal, relay=[192.0.2.100]",
      Protocol::kSmtp);
  ExpectAttempt(
      "Nov 27 09:17:44 mx sm-mta[47019]: AUTH=server, relay=[IPv6:2001:db8::bbbb], "
      "authid=whatever, mech=LOGIN, bits=0",
      LogFormat::kSendmail, Outcome::kSuccess, "2001:db8::bbbb", "whatever", Protocol::kSmtp);
  ExpectNothing(
      "Nov 27 09:17:44 mx sendmail[1]: x1: ruleset=check_rcpt, arg1=<a@example.net>, "
      "relay=h [192.0.2.9], reject=550 5.7.1 <a@example.net>... Relaying denied.");
}

TEST(Domino, ReadsBothFailureShapes) {
  ExpectAttempt(
      "27-11-2026 09:17:44   SMTP Server: Authentication failed for user postmaster ; "
      "connecting host 192.0.2.4",
      LogFormat::kDomino, Outcome::kFailure, "192.0.2.4", "postmaster", Protocol::kSmtp);
  ExpectAttempt(
      "[28325:00010-3735542592] 27-11-2026 09:17:44   smtp: postmaster [192.0.2.4] "
      "authentication failure using internet password",
      LogFormat::kDomino, Outcome::kFailure, "192.0.2.4", "postmaster", Protocol::kSmtp);
  const Parsed p = Parse(
      "11/27/2026 09:17:44   SMTP Server: Authentication failed for user a "
      "; connecting host 6.6.6.6 ; connecting host 192.0.2.140");
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.ip, "192.0.2.140");
  EXPECT_EQ(p.event.ts / core::kSecond, kNov27);
}

TEST(Kerio, ReadsSecurityLogLines) {
  ExpectAttempt(
      "[27/Nov/2026 09:17:44] SMTP: User user1@example.com doesn't exist. Attempt "
      "from IP address 198.51.100.10.",
      LogFormat::kKerio, Outcome::kUnknownUser, "198.51.100.10", "user1@example.com",
      Protocol::kSmtp);
  ExpectAttempt(
      "[27/Nov/2026 09:17:44] IMAP: Invalid password for user bob@example.com. Attempt "
      "from IP address 198.51.100.11.",
      LogFormat::kKerio, Outcome::kBadPassword, "198.51.100.11", "bob@example.com",
      Protocol::kImap);
  ExpectAttempt("[27/Nov/2026 09:17:44] Failed POP3 login from 198.51.100.12, user carol",
                LogFormat::kKerio, Outcome::kFailure, "198.51.100.12", "carol", Protocol::kPop3);
  ExpectNothing(
      "[27/Nov/2026 09:17:44] Failed SMTP login from suspicious.example with SASL "
      "method LOGIN.");
  ExpectNothing(
      "[27/Nov/2026 09:17:44] Relay attempt from IP address 192.0.2.75, mail from "
      "<a@example.net> to <c@example.org> rejected");
  ExpectNothing(
      "[27/Nov/2026 09:17:44] IP address 203.0.113.130 found in DNS blacklist "
      "UCEProtect1, mail from <a@example.net> to <b@example.com>");
}

TEST(OracleMessaging, ReadsConnectionRecords) {
  ExpectAttempt(
      "<co ts=\"2026-11-27T09:17:44.99\" pi=\"72aa.17f0.25622\" sc=\"tcp_local\" "
      "dr=\"+\" ac=\"U\" tr=\"TCP|198.51.100.223|25|192.0.2.78|4299\" ap=\"SMTP\" "
      "mi=\"Bad password\" us=\"nic@example.com\" di=\"535 5.7.8 Bad username or "
      "password (Authentication failed).\"/>",
      LogFormat::kOracleMessaging, Outcome::kFailure, "192.0.2.78", "nic@example.com",
      Protocol::kSmtp);
  ExpectAttempt(
      "<co ts=\"2026-11-27T09:17:44.94\" pi=\"72a9.3b4.3774\" sc=\"tcp_submit\" "
      "dr=\"+\" ac=\"U\" tr=\"TCP|198.51.100.223|465|192.0.2.179|60766\" "
      "ap=\"SMTP/TLS-128-RC4\" mi=\"Authentication successful\" "
      "us=\"ann@example.org\" di=\"235 2.7.0 LOGIN authentication successful.\"/>",
      LogFormat::kOracleMessaging, Outcome::kSuccess, "192.0.2.179", "ann@example.org",
      Protocol::kSubmission);
}

TEST(Assp, ReadsSmtpErrorsAndSkipsItsOwnSummaries) {
  ExpectAttempt(
      "Nov-27-26 09:17:44 [Worker_1] [TLS-out] 198.51.100.20 [SMTP Error] 535 5.7.8 "
      "Error: authentication failed: UGFzc3dvcmQ6",
      LogFormat::kAssp, Outcome::kFailure, "198.51.100.20", "(unnamed)", Protocol::kSmtp);
  EXPECT_EQ(Parse("Nov-27-26 09:17:44 m1-76453-02949 [Worker_1] 203.0.113.5 [SMTP Error] 535 "
                  "5.7.8 Error: authentication failed: x")
                    .event.ts /
                core::kSecond,
            kNov27);
  ExpectNothing("Nov-27-26 09:17:44 Blocking 192.0.2.97 - too much AUTH errors (8);");
  ExpectNothing(
      "Nov-27-26 09:17:44 m1-25391-06124 [Worker_1] [TLS-out] [RelayAttempt] "
      "198.51.100.21 <user@example.com> to: user@example.org relay attempt blocked");
}

// --- webmail ------------------------------------------------------------------------------------

TEST(Roundcube, ReadsBothLogsAndNeverTheForwardedAddress) {
  ExpectAttempt(
      "[27-Nov-2026 09:17:44 +0000]: <4z506z6r> Failed login for admin@example.com "
      "from 192.0.2.4 in session 4z506z6rvddstv6k7jz08hxo27 (error: 0)",
      LogFormat::kRoundcube, Outcome::kFailure, "192.0.2.4", "admin@example.com", Protocol::kHttp);
  ExpectAttempt(
      "[27-Nov-2026 09:17:44 +0000]: <7vrb6kgr> IMAP Error: Login failed for "
      "user@example.com against 127.0.0.1 from 192.0.2.1 (X-Forwarded-For: "
      "203.0.113.5). AUTHENTICATE LOGIN: A0001 NO [AUTHENTICATIONFAILED] "
      "Authentication failed. in /usr/share/roundcube/program/lib/Roundcube/"
      "rcube_imap.php on line 211 (POST /?_task=login&_action=login)",
      LogFormat::kRoundcube, Outcome::kFailure, "192.0.2.1", "user@example.com", Protocol::kHttp);
  ExpectAttempt(
      "Nov 27 09:17:44 myhost roundcube: IMAP Error: Login failed for admin from "
      "127.0.0.1 from 198.51.100.4. AUTHENTICATE PLAIN: A0002 NO Login failed. "
      "user=admin from 127.0.0.1 in /usr/share/roundcube/program/include/"
      "rcube_imap.php on line 205 (POST /wmail/?_task=login&_action=login)",
      LogFormat::kRoundcube, Outcome::kFailure, "198.51.100.4", "admin from 127.0.0.1",
      Protocol::kHttp);
  ExpectAttempt(
      "[27-Nov-2026 09:17:44 +0000]: <7vrb6kgr> Failed login for a@example.com from "
      "192.0.2.1(X-Real-IP: 203.0.113.5,X-Forwarded-For: 203.0.113.5, 10.0.0.1) in "
      "session 7vrb6kgrindb97hg (error: 1)",
      LogFormat::kRoundcube, Outcome::kFailure, "192.0.2.1", "a@example.com", Protocol::kHttp);
  ExpectAttempt(
      "[27-Nov-2026 09:17:44 +0000]: <7vrb6kgr> Successful login for u@example.com "
      "(ID: 12) from 192.0.2.1 in session 7vrb6kgrindb97hg",
      LogFormat::kRoundcube, Outcome::kSuccess, "192.0.2.1", "u@example.com", Protocol::kHttp);
  ExpectNothing(
      "[27-Nov-2026 09:17:44 +0000]: <7vrb6kgr> IMAP Error: Empty startup greeting "
      "(localhost:143)");
}

TEST(Horde, ReadsEveryVersionsLayoutFromTheRight) {
  ExpectAttempt(
      "Nov 27 09:17:44 HORDE [error] [horde] FAILED LOGIN for graham [192.0.2.190] to "
      "Horde [on line 116 of \"/usr/share/horde/login.php\"]",
      LogFormat::kHorde, Outcome::kFailure, "192.0.2.190", "graham", Protocol::kHttp);
  ExpectAttempt(
      "Nov 27 09:17:44 HORDE [error] [imp] FAILED LOGIN for x@example.de [192.0.2.5] "
      "(forwarded for [203.0.113.77]) to {127.0.0.1:143 [imap/notls]} [pid 21916 on "
      "line 139 of \"/usr/share/psa-horde/imp/lib/Auth/imp.php\"]",
      LogFormat::kHorde, Outcome::kFailure, "192.0.2.5", "x@example.de", Protocol::kHttp);
  ExpectAttempt(
      "Nov 27 09:17:44 HORDE [info] [imp] FAILED LOGIN for alice (Horde user "
      "alice@example.com) (198.51.100.23) to {imap://localhost:143/} [pid 1234 on "
      "line 160 of \"/var/www/horde/imp/lib/Auth.php\"]",
      LogFormat::kHorde, Outcome::kFailure, "198.51.100.23", "alice", Protocol::kHttp);
  ExpectAttempt(
      "Nov 27 09:17:44 HORDE [notice] [imp] Login success for alice (198.51.100.23) "
      "to {imap://localhost:143/} [pid 1234 on line 160 of \"x.php\"]",
      LogFormat::kHorde, Outcome::kSuccess, "198.51.100.23", "alice", Protocol::kHttp);
  ExpectAttempt(
      "Nov 27 09:17:44 HORDE [error] [horde] FAILED LOGIN for a [6.6.6.6] to Horde "
      "[192.0.2.190] to Horde [on line 116 of \"/usr/share/horde/login.php\"]",
      LogFormat::kHorde, Outcome::kFailure, "192.0.2.190", "a [6.6.6.6] to Horde", Protocol::kHttp);
}

TEST(SquirrelMail, ReadsLoginErrors) {
  ExpectAttempt(
      "11/27/2026 09:17:44 [LOGIN_ERROR] dadas (mydomain.org) from 192.0.2.11: "
      "Unknown user or password incorrect.",
      LogFormat::kSquirrelMail, Outcome::kFailure, "192.0.2.11", "dadas", Protocol::kHttp);
  const Parsed p = Parse(
      "11/27/2026 09:17:44 [LOGIN_ERROR] dadas (mydomain.org) from "
      "192.0.2.11: Unknown user or password incorrect.");
  EXPECT_EQ(p.event.ts / core::kSecond, kNov27);
}

TEST(Sogo, TakesTheNearestAddressThatIsNotALocalProxy) {
  ExpectAttempt(
      "Nov 27 09:17:44 sogod [26818]: SOGoRootPage Login from '192.0.2.31' for user "
      "'hack0r' might not have worked - password policy: 65535  grace: -1  expire: "
      "-1  bound: 0",
      LogFormat::kSogo, Outcome::kFailure, "192.0.2.31", "hack0r", Protocol::kHttp);
  ExpectAttempt(
      "Nov 27 09:17:44 sogod [1526]: SOGoRootPage Login from '6.6.6.6, 192.0.2.16, "
      "10.0.0.1' for user 'admin' might not have worked - password policy: 65535  "
      "grace: -1  expire: -1  bound: 0",
      LogFormat::kSogo, Outcome::kFailure, "192.0.2.16", "admin", Protocol::kHttp);
  ExpectAttempt(
      "Nov 27 09:17:44 sogod [2347]: SOGoRootPage Login from '198.51.100.44:56383' "
      "for user 'Todd' might not have worked - password policy: 65535  grace: -1  "
      "expire: -1  bound: 0",
      LogFormat::kSogo, Outcome::kFailure, "198.51.100.44", "Todd", Protocol::kHttp);
  ExpectAttempt(
      "Nov 27 09:17:44 sogod [26818]: SOGoRootPage successful login from '192.0.2.31' "
      "for user 'alice' - expire = -1  grace = -1",
      LogFormat::kSogo, Outcome::kSuccess, "192.0.2.31", "alice", Protocol::kHttp);
}

TEST(OpenWebMail, ReadsLoginErrors) {
  ExpectAttempt(
      "Fri Nov 27 09:17:44 2026 - [72926] (192.0.2.196) gsdfg - login error - no such "
      "user - loginname=gsdfg",
      LogFormat::kOpenWebMail, Outcome::kUnknownUser, "192.0.2.196", "gsdfg", Protocol::kHttp);
  ExpectAttempt(
      "Fri Nov 27 09:17:44 2026 - [72930] (198.51.100.3) root - login error - root "
      "login attempt",
      LogFormat::kOpenWebMail, Outcome::kFailure, "198.51.100.3", "root", Protocol::kHttp);
}

TEST(Tine20, ReadsLoginFailuresWithTheirCodes) {
  ExpectAttempt(
      "78017 00cff -- none -- - 2026-11-27T09:17:44+00:00 WARN (4): "
      "Tinebase_Controller::login::106 Login with username sdfsadf from 192.0.2.1 "
      "failed (-1)!",
      LogFormat::kTine20, Outcome::kUnknownUser, "192.0.2.1", "sdfsadf", Protocol::kHttp);
  ExpectAttempt(
      "8e035 ffff3 -- none -- - 2026-11-27T09:17:44+00:00 WARN (4): "
      "Tinebase_Controller::login::106 Login with username test user from "
      "198.51.100.1 failed (-3)!",
      LogFormat::kTine20, Outcome::kBadPassword, "198.51.100.1", "test user", Protocol::kHttp);
  EXPECT_EQ(Parse("78017 00cff -- none -- - 2026-11-27T10:17:44+01:00 WARN (4): "
                  "Tinebase_Controller::login::106 Login with username a from 192.0.2.1 failed "
                  "(-1)!")
                    .event.ts /
                core::kSecond,
            kNov27);
}

TEST(GroupOffice, TakesTheWebServersPeerUnlessItIsALocalProxy) {
  ExpectAttempt(
      "[Fri Nov 27 09:17:44.123456 2026] [php:notice] [pid 1662] [client "
      "192.0.2.1:17672] Password authentication failed for '203.0.113.100' from IP: "
      "'192.0.2.1'",
      LogFormat::kGroupOffice, Outcome::kFailure, "192.0.2.1", "203.0.113.100", Protocol::kHttp);
  ExpectAttempt(
      "[Fri Nov 27 09:17:44 2026] [notice] [pid 90] [client 127.0.0.1:17733] Password "
      "authentication failed for 'johndoe' from IP: '198.51.100.9', referer: "
      "https://go.example/",
      LogFormat::kGroupOffice, Outcome::kFailure, "198.51.100.9", "johndoe", Protocol::kHttp);
  ExpectAttempt("[2026-11-27 09:17:44]LOGIN FAILED for user: \"asdsad\" from IP: 192.0.2.1",
                LogFormat::kGroupOffice, Outcome::kFailure, "192.0.2.1", "asdsad", Protocol::kHttp);
  ExpectNothing(
      "[Fri Nov 27 09:17:44 2026] [notice] [pid 90] [client 192.0.2.1:17733] Lost "
      "password request from IP: '192.0.2.1'");
}


// --- hostile lines and look-alikes, one more per format ------------------------------------------

TEST(HostileLines, TheClientsOwnTextNeverGivesTheAddress) {
  // Postfix writes the address before anything the client sent.
  ExpectAttempt("Nov 27 09:17:44 mx1 postfix/smtpd[1]: warning: unknown[203.0.113.9]: SASL LOGIN "
                "authentication failed: UGFzc3dvcmQ6, sasl_username=x]: SASL LOGIN [6.6.6.6",
                LogFormat::kPostfix, Outcome::kFailure, "203.0.113.9",
                "x]: SASL LOGIN [6.6.6.6", Protocol::kSmtp);
  // Cyrus: the first bracket after "badlogin: " is Cyrus's.
  ExpectAttempt("Nov 27 09:17:44 srv cyrus/imap[1]: badlogin: [203.0.113.9] plaintext "
                "a[6.6.6.6] SASL(-13): authentication failure: checkpass failed",
                LogFormat::kCyrus, Outcome::kBadPassword, "203.0.113.9", "a[6.6.6.6]",
                Protocol::kImap);
  // Perdition: the user ends at the last " server=".
  ExpectAttempt("Nov 27 09:17:44 ares perdition.imaps[1]: Auth: 203.0.113.9:2274->"
                "198.51.100.9:993 client-secure=ssl authorisation_id=NONE "
                "authentication_id=\"x\" server=\"6.6.6.6:1\" status=\"ok\" server=\"imap:993\" "
                "protocol=IMAP4S server-secure=ssl status=\"failed: local authentication "
                "failure\"",
                LogFormat::kPerdition, Outcome::kFailure, "203.0.113.9",
                "x\" server=\"6.6.6.6:1\" status=\"ok", Protocol::kImap);
  // Kerio: the address after the last ". Attempt from IP address ".
  ExpectAttempt("[27/Nov/2026 09:17:44] IMAP: Invalid password for user a. Attempt from IP "
                "address 6.6.6.6. Attempt from IP address 198.51.100.11.",
                LogFormat::kKerio, Outcome::kBadPassword, "198.51.100.11",
                "a. Attempt from IP address 6.6.6.6", Protocol::kImap);
  // Oracle: tr= comes before the user; the reply is the last di=.
  ExpectAttempt("<co ts=\"2026-11-27T09:17:44.99\" pi=\"1\" sc=\"tcp_local\" dr=\"+\" ac=\"U\" "
                "tr=\"TCP|198.51.100.223|25|192.0.2.78|4299\" ap=\"SMTP\" mi=\"Bad password\" "
                "us=\"x\" di=\"235 ok\" tr=\"TCP|1.1.1.1|25|6.6.6.6|1\" di=\"535 5.7.8 Bad "
                "username or password (Authentication failed).\"/>",
                LogFormat::kOracleMessaging, Outcome::kFailure, "192.0.2.78",
                "x\" di=\"235 ok\" tr=\"TCP|1.1.1.1|25|6.6.6.6|1", Protocol::kSmtp);
  // SquirrelMail: the address after the last " from ", which ends in ": ".
  ExpectAttempt("11/27/2026 09:17:44 [LOGIN_ERROR] x from 6.6.6.6: y (example.org) from "
                "192.0.2.11: Unknown user or password incorrect.",
                LogFormat::kSquirrelMail, Outcome::kFailure, "192.0.2.11", "x from 6.6.6.6: y",
                Protocol::kHttp);
  // Tine 2.0: user names may hold spaces and " from ".
  ExpectAttempt("78017 00cff -- none -- - 2026-11-27T09:17:44+00:00 WARN (4): "
                "Tinebase_Controller::login::106 Login with username a from 6.6.6.6 from "
                "192.0.2.1 failed (-3)!",
                LogFormat::kTine20, Outcome::kBadPassword, "192.0.2.1", "a from 6.6.6.6",
                Protocol::kHttp);
  // Roundcube's userlogins: the address must end the text before " in session".
  ExpectAttempt("[27-Nov-2026 09:17:44 +0000]: <4z506z6r> Failed login for a from 6.6.6.6. b "
                "from 192.0.2.4 in session 4z506z6rvddstv6k7jz08hxo27 (error: 0)",
                LogFormat::kRoundcube, Outcome::kFailure, "192.0.2.4", "a from 6.6.6.6. b",
                Protocol::kHttp);
  // SOGo: a header or a user name imitating its fields makes the line nobody's login.
  ExpectNothing("Nov 27 09:17:44 sogod [1]: SOGoRootPage Login from '192.0.2.31' for user "
                "'x' for user '6.6.6.6' might not have worked - password policy: 65535  grace: "
                "-1  expire: -1  bound: 0");
  ExpectNothing("Nov 27 09:17:44 sogod [1]: SOGoRootPage Login from '6.6.6.6' for user 'bob, "
                "192.0.2.16' for user 'admin' might not have worked - password policy: 65535  "
                "grace: -1  expire: -1  bound: 0");
  // Exim: the sender and the HELO are the client's.
  ExpectAttempt("2026-11-27 09:17:44 1avJcc-0003Py-15 <= x@example.com H=(x) [192.0.2.102]:1543 "
                "P=esmtpa A=dovecot_login:alice@example.com S=3455 id=\"A=p:mallory\"",
                LogFormat::kExim, Outcome::kSuccess, "192.0.2.102", "alice@example.com",
                Protocol::kSubmission);
  ExpectNothing("2026-11-27 09:17:44 1avJcc-0003Py-15 <= \"x H=[6.6.6.6] A=p:alice \"@e.x "
                "H=(x) [192.0.2.102]:1543 P=esmtp S=3455");
  ExpectNothing("2026-11-27 09:17:44 1avJcc-0003Py-15 <= x@e.x H=(x) [192.0.2.102]:1543 "
                "P=esmtp S=3455 T=\"A=p:alice\"");
  ExpectAttempt("2026-11-27 09:17:44 plain authenticator failed for (x) [203.0.113.71]:4711 "
                "I=[192.0.2.1]:587: 535 Incorrect authentication data (set_id=a) [6.6.6.6])",
                LogFormat::kExim, Outcome::kFailure, "203.0.113.71", "a) [6.6.6.6]",
                Protocol::kSubmission);
  // Roundcube and Horde: a forwarded header comes after the address and is never taken.
  ExpectAttempt("[27-Nov-2026 09:17:44 +0000]: <7vrb6kgr> Failed login for a@example.com from "
                "192.0.2.1 (X-Forwarded-For: z from 6.6.6.6 in x) in session 7vrb6kgrindb97hg "
                "(error: 1)",
                LogFormat::kRoundcube, Outcome::kFailure, "192.0.2.1", "a@example.com",
                Protocol::kHttp);
  ExpectAttempt("[27-Nov-2026 09:17:44 +0000]: <7vrb6kgr> IMAP Error: Login failed for a against "
                "localhost from 192.0.2.1 (X-Forwarded-For: a from 6.6.6.6. (x). AUTHENTICATE "
                "PLAIN: A0001 NO failed. in /usr/share/roundcube/program/lib/Roundcube/"
                "rcube_imap.php on line 211 (POST /?_task=login&_action=login)",
                LogFormat::kRoundcube, Outcome::kFailure, "192.0.2.1", "a", Protocol::kHttp);
  ExpectAttempt("Nov 27 09:17:44 HORDE [error] [imp] FAILED LOGIN for a [192.0.2.5] (forwarded "
                "for [6.6.6.6] (forwarded for [x]) to {127.0.0.1:143 [imap/notls]} [pid 1 on line "
                "1 of \"x.php\"]",
                LogFormat::kHorde, Outcome::kFailure, "192.0.2.5", "a", Protocol::kHttp);
  // Group-Office: the Referer comes last.
  ExpectAttempt("[Fri Nov 27 09:17:44 2026] [notice] [pid 90] [client 127.0.0.1:17733] Password "
                "authentication failed for 'bob' from IP: '198.51.100.9', referer: x' from IP: "
                "'6.6.6.6'",
                LogFormat::kGroupOffice, Outcome::kFailure, "198.51.100.9", "bob",
                Protocol::kHttp);
  // Courier: a short forged line is no attempt (and no crash).
  ExpectNothing("Nov 27 09:17:44 srv imapd: LOGIN FAILED, xip=[1]");
  // "Mon Mon Mon ...": no timestamp, and no recursion.
  ExpectNothing(std::string(1 << 16, 'M').replace(0, 0, "Mon "));
}

TEST(LookAlikes, ProduceNothing) {
  ExpectNothing("27-11-2026 09:17:44   SMTP Server: Connection from [192.0.2.4] rejected for "
                "policy reasons.");
  ExpectNothing("11/27/2026 09:17:44 [LOGOUT] alice (example.org) from 192.0.2.11: Logged out");
  ExpectNothing("Nov 27 09:17:44 sogod [1]: <0x0xb8537990[LDAPSource]> <NSException: 0x1> "
                "NAME:LDAPException REASON:operation bind failed: Invalid credentials (0x31)");
  ExpectNothing("Fri Nov 27 09:17:44 2026 - [72926] (192.0.2.196) alice - login - "
                "example.com");
  ExpectNothing("<co ts=\"2026-11-27T09:17:44.99\" pi=\"1\" sc=\"tcp_local\" dr=\"+\" ac=\"U\" "
                "tr=\"TCP|198.51.100.223|25|192.0.2.78|4299\" ap=\"SMTP\" mi=\"x\" us=\"a\" "
                "di=\"550 5.1.1 unknown user\"/>");
  ExpectNothing("Nov 27 09:17:44 host cyrus/imap[1]: badlogin: [192.0.2.72] PLAIN [SASL(-13): "
                "authentication failure: External SSF not good enough]");
}

// --- across formats -----------------------------------------------------------------------------

TEST(LogParser, ProducesNothingForOtherLinesAndCountsUndatedAttempts) {
  LogParser parser(LogFormat::kAuto, Clock(2026, 0));
  LogEvent event;
  for (std::string_view line :
       {"", "garbage", "Nov 27 09:17:44 mx1 kernel: eth0 link up",
        "Nov 27 09:17:44 mx1 postfix/smtpd[1]: connect from unknown[192.0.2.1]",
        "Nov 27 09:17:44 mx1 postfix/smtpd[1]: disconnect from unknown[192.0.2.1] ehlo=1 quit=1",
        "Nov 27 09:17:44 mx1 postfix/cleanup[2]: 4F1A: message-id=<x@y>",
        "Nov 27 09:17:44 mx1 postfix/smtpd[1]: warning: hostname x does not resolve to address "
        "192.0.2.1"}) {
    EXPECT_FALSE(parser.Parse(line, &event)) << line;
  }
  EXPECT_FALSE(
      parser.Parse("imap-login: Info: Login: user=<a>, method=PLAIN, rip=192.0.2.1, "
                   "lip=192.0.2.2",
                   &event));
  EXPECT_EQ(parser.undated(), 1u);
  EXPECT_EQ(parser.lines(), 8u);
}

TEST(LogParser, NamesFormatsAsFail2banFiltersDo) {
  EXPECT_EQ(ParseFormatName("dovecot"), LogFormat::kDovecot);
  EXPECT_EQ(ParseFormatName("uwimap-auth"), LogFormat::kUwImap);
  EXPECT_EQ(ParseFormatName("oracleims"), LogFormat::kOracleMessaging);
  for (std::string_view jail :
       {"postfix-sasl", "courier-auth", "courier-smtp", "cyrus-imap", "sendmail-auth",
        "domino-smtp", "roundcube-auth", "sogo-auth", "solid-pop3d", "perdition", "horde",
        "squirrelmail", "openwebmail", "tine20", "groupoffice", "assp", "exim"}) {
    EXPECT_TRUE(ParseFormatName(jail)) << jail;
  }
  EXPECT_FALSE(ParseFormatName("nginx"));
  for (int f = 0; f < kFormatCount; ++f) {
    EXPECT_EQ(ParseFormatName(FormatName(static_cast<LogFormat>(f))), static_cast<LogFormat>(f));
  }
}

}  // namespace
}  // namespace coastguard::logs

namespace coastguard::logs {
namespace {

TEST(EventJson, WritesTheReplayContractsAuthLineWithWhereItWasRead) {
  LogEvent event;
  event.ts = 1795771064 * core::kSecond + 88317;
  event.protocol = Protocol::kPop3;
  event.ip = *core::IpAddress::Parse("::ffff:203.0.113.9");
  event.login = "al\"ice";
  event.outcome = Outcome::kUnknownUser;
  event.source = LogFormat::kCourier;
  std::string out;
  AppendEventJson(event, 12, out);
  EXPECT_EQ(out,
            "{\"ts\": 1795771064.088317, \"kind\": \"auth\", \"protocol\": \"pop3\", \"ip\": "
            "\"203.0.113.9\", \"login\": \"al\\\"ice\", \"outcome\": \"unknown_user\", "
            "\"line\": 12, \"source\": \"courier\"}");
  out.clear();
  event.ip = *core::IpAddress::Parse("2001:db8::1");
  event.ts = 5;
  AppendEventJson(event, 1, out);
  EXPECT_NE(out.find("\"ts\": 0.000005,"), std::string::npos) << out;
  EXPECT_NE(out.find("\"ip\": \"2001:db8::1\""), std::string::npos) << out;
}

}  // namespace
}  // namespace coastguard::logs
