#include "wire/event_line.h"

#include <gtest/gtest.h>

#include <string>

#include "core/text.h"

namespace coastguard::wire {
namespace {

using core::Action;
using core::Reason;
using core::Verdict;

TEST(DecisionLine, ListsReasonsInEnumOrder) {
  Verdict v;
  v.action = Action::kReject;
  v.reasons.Add(Reason::kUnfamiliarSource);
  v.reasons.Add(Reason::kServiceUnderAttack);
  std::string out;
  AppendDecisionLine(v, out);
  EXPECT_EQ(
      out,
      R"({"verdict": "reject", "delay_ms": 0, "reasons": ["service_under_attack", "unfamiliar_source"]})");
}

TEST(DecisionLine, WritesTheDelayAndAVerdictWithoutReasons) {
  Verdict v;
  v.action = Action::kDelay;
  v.delay_ms = 4294967295u;
  std::string out = "{}\n";  // appended to what is there
  AppendDecisionLine(v, out);
  EXPECT_EQ(out,
            "{}\n"
            R"({"verdict": "delay", "delay_ms": 4294967295, "reasons": []})");
}

TEST(EventParser, MatchesFieldNamesAndKeywordsExactly) {
  EventParser parser;
  Event e;
  // Names of a known field's length that are not it are unknown fields, ignored (each after
  // the field it resembles: a repeated field's last value is the one kept).
  ASSERT_TRUE(parser
                  .Parse(R"({"ts": 1, "kind": "auth", "protocol": "submission", "iq": "x",
                             "ip": "192.0.2.1", "login": "a", "logon": "b", "label": "attack",
                             "lebel": "x", "pwhasx": "p", "client_ix": "c", "outcomf": 1,
                             "outcome": "bad_password"})",
                         false, true, &e)
                  .ok());
  EXPECT_EQ(e.attempt.login, "a");
  EXPECT_EQ(e.attempt.protocol, core::Protocol::kSubmission);
  EXPECT_EQ(e.label, "attack");
  EXPECT_TRUE(e.attempt.pwhash.empty());
  EXPECT_TRUE(e.attempt.client_id.empty());
  EXPECT_EQ(e.outcome, core::Outcome::kBadPassword);
  auto error = [&](const char* line) { return core::Message(parser.Parse(line, false, true, &e)); };
  EXPECT_EQ(error(R"({"ts": 1, "kind": "autH", "ip": "1.2.3.4"})"), "unsupported kind");
  EXPECT_EQ(error(R"({"ts": 1, "kind": "aut", "ip": "1.2.3.4"})"), "unsupported kind");
  EXPECT_EQ(error(R"({"ts": 1, "kind": "auth", "protocol": "imap", "ip": "1.2.3.4",
                      "login": "a", "outcome": "successful"})"),
            "outcome must be success, bad_password, unknown_user or failure");
  ASSERT_TRUE(parser
                  .Parse(R"({"ts": 1, "kind": "auth", "protocol": "imapx", "ip": "192.0.2.1",
                             "login": "a", "outcome": "success"})",
                         false, true, &e)
                  .ok());
  EXPECT_EQ(e.attempt.protocol, core::Protocol::kOther);
}

TEST(EventParser, AcceptsTheContractAndIgnoresUnknownFields) {
  EventParser parser;
  Event e;
  ASSERT_TRUE(parser
                  .Parse(R"({"ts": 1793577600.085, "kind": "auth", "protocol": "imap",
                             "ip": "2001:db8::1", "login": "alice@example.com", "pwhash": null,
                             "client_id": "Thunderbird 128", "outcome": "unknown_user",
                             "label": "legit", "extra": {"nested": [1, 2]}})",
                         false, true, &e)
                  .ok());
  EXPECT_EQ(e.attempt.ts, 1793577600085000);
  EXPECT_EQ(e.attempt.login, "alice@example.com");
  EXPECT_EQ(e.attempt.client_id, "Thunderbird 128");
  EXPECT_TRUE(e.attempt.pwhash.empty());
  EXPECT_EQ(e.outcome, core::Outcome::kUnknownUser);
}

TEST(EventParser, ReadsTheAttemptsOfALogLineAndTheFailureOutcome) {
  EventParser parser;
  Event e;
  ASSERT_TRUE(parser
                  .Parse(R"({"ts": 1, "kind": "auth", "protocol": "imap", "ip": "192.0.2.1",
                             "login": "a", "outcome": "failure", "attempts": 3, "line": 7,
                             "source": "dovecot"})",
                         false, true, &e)
                  .ok());
  EXPECT_EQ(e.attempts, 3u);
  EXPECT_EQ(e.outcome, core::Outcome::kFailure);
  ASSERT_TRUE(parser
                  .Parse(R"({"ts": 1, "kind": "auth", "protocol": "imap", "ip": "192.0.2.1",
                             "login": "a", "outcome": "failure"})",
                         false, true, &e)
                  .ok());
  EXPECT_EQ(e.attempts, 1u);
  EXPECT_FALSE(parser
                   .Parse(R"({"ts": 1, "kind": "auth", "protocol": "imap", "ip": "192.0.2.1",
                              "login": "a", "outcome": "failure", "attempts": 0})",
                          false, true, &e)
                   .ok());
}

TEST(EventParser, NamesWhatIsWrong) {
  EventParser parser;
  Event e;
  auto error = [&](const char* line) { return core::Message(parser.Parse(line, false, true, &e)); };
  EXPECT_EQ(error(R"({"kind": "auth"})"), "missing ts");
  EXPECT_EQ(error(R"({"ts": 1, "kind": "teleport", "ip": "1.2.3.4"})"), "unsupported kind");
  EXPECT_EQ(error(R"({"ts": 1, "kind": "mail", "ip": "1.2.3.4"})"), "missing recipients");
  EXPECT_EQ(error(R"({"ts": -5, "kind": "auth"})"), "ts out of range");
  EXPECT_EQ(error(R"({"ts": 1, "kind": "auth", "protocol": "imap", "ip": "1.2.3.4.5"})"),
            "ip is not an IP address");
  EXPECT_EQ(error(R"({"ts": 1, "kind": "auth", "protocol": "imap", "ip": "1.2.3.4",
                      "login": "a", "outcome": "maybe"})"),
            "outcome must be success, bad_password, unknown_user or failure");
  EXPECT_EQ(error(R"([1, 2])"), "not a JSON object");
}

TEST(EventParser, ReadsANativeCheckBodyWithoutAnOutcome) {
  EventParser parser;
  Event event;
  ASSERT_TRUE(parser
                  .Parse(R"({"ts": 1.5, "kind": "auth", "protocol": "imap", "ip": "1.2.3.4",
                             "login": "a@b.c", "extra": {"ignored": true}})",
                         /*padded=*/false, /*require_outcome=*/false, &event)
                  .ok());
  EXPECT_EQ(event.attempt.ts, 1'500'000);
  EXPECT_EQ(event.attempt.login, "a@b.c");
  EXPECT_EQ(event.attempt.protocol, core::Protocol::kImap);
  EXPECT_FALSE(event.has_outcome);
  // A replay line must say what the password check gave.
  EXPECT_FALSE(parser
                   .Parse(R"({"ts": 1, "kind": "auth", "protocol": "imap", "ip": "1.2.3.4",
                              "login": "a@b.c"})",
                          /*padded=*/false, /*require_outcome=*/true, &event)
                   .ok());
}

TEST(EventParser, ReadsAMailLine) {
  EventParser parser;
  Event event;
  ASSERT_TRUE(parser
                  .Parse(R"({"ts": 2, "kind": "mail", "ip": "::1", "sasl_user": "u@d.example",
                             "sender": "u@d.example", "recipients": ["x@y.example", "z@y.example"]})",
                         /*padded=*/false, /*require_outcome=*/true, &event)
                  .ok());
  EXPECT_EQ(event.kind, EventKind::kMail);
  EXPECT_EQ(event.mail.recipients.size(), 2u);
  EXPECT_EQ(event.mail.sasl_user, "u@d.example");
}

TEST(EventParser, ReadsTheTimeAloneForPacing) {
  EventParser parser;
  auto ts = parser.ReadTime(R"({"kind": "auth", "ts": 1793577600.25, "ip": "x"})", false);
  ASSERT_TRUE(ts.ok()) << ts.status();
  EXPECT_EQ(*ts, 1793577600'250000);
  EXPECT_FALSE(parser.ReadTime(R"({"kind": "auth"})", false).ok());
  EXPECT_FALSE(parser.ReadTime(R"({"ts": "soon"})", false).ok());
  EXPECT_FALSE(parser.ReadTime(R"({"ts": -1})", false).ok());
  EXPECT_FALSE(parser.ReadTime("not json", false).ok());
}

}  // namespace
}  // namespace coastguard::wire
