#include "policy/outbound.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace coastguard::policy {
namespace {

using core::Action;
using core::Reason;

constexpr Timestamp kStart = 1'800'000'000 * core::kSecond;

class OutboundTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.bulk_accounts["news@example.com"] = detect::SendingLimits{.recipients_per_hour = 100000,
                                                                      .recipients_per_day = 1000000,
                                                                      .messages_per_hour = 100000,
                                                                      .messages_per_day = 1000000};
    outbound_ = std::make_unique<Outbound>(config_, engine_);
    outbound_->set_on_hold([this](const HoldEvent& e) { holds_.push_back(e); });
  }
  void Login(const std::string& login, const std::string& ip, core::Outcome outcome,
             const std::string& pwhash = "pw", core::Protocol protocol = core::Protocol::kSmtp) {
    now_ += core::kSecond;
    const core::AuthAttempt a{now_, protocol, *core::IpAddress::Parse(ip), login, pwhash, ""};
    engine_.CheckThenReport(a, outcome);
  }
  uint8_t EvidenceFlags(const std::string& login) const {
    const detect::LoginEvidence* e = engine_.Evidence(engine_.LoginDigest(login));
    return e == nullptr || e->suspicious_s == 0 ? 0 : e->flags;
  }
  core::Verdict Send(const std::string& login, int recipients,
                     const std::string& ip = "81.17.5.20") {
    now_ += core::kSecond;
    std::vector<std::string> storage;
    for (int i = 0; i < recipients; ++i) storage.push_back("r" + std::to_string(i) + "@d.example");
    std::vector<std::string_view> rcpts(storage.begin(), storage.end());
    return outbound_->CheckMail({now_, login, *core::IpAddress::Parse(ip), login, "Q1"}, rcpts);
  }

  EngineConfig engine_config_;
  Engine engine_{engine_config_, 1};
  OutboundConfig config_;
  std::unique_ptr<Outbound> outbound_;
  std::vector<HoldEvent> holds_;
  Timestamp now_ = kStart;
};

TEST_F(OutboundTest, OrdinaryMailPasses) {
  Login("alice@example.com", "81.17.5.20", core::Outcome::kSuccess);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(Send("alice@example.com", 2).action, Action::kAllow);
}

TEST_F(OutboundTest, UnauthenticatedMailIsNotOurs) {
  EXPECT_EQ(Send("", 900).action, Action::kAllow);
}

TEST_F(OutboundTest, ABurstOverTheHourlyRecipientLimitIsDeferred) {
  Login("alice@example.com", "81.17.5.20", core::Outcome::kSuccess);
  int deferred = 0;
  for (int i = 0; i < 30; ++i) deferred += Send("alice@example.com", 20).action == Action::kDefer;
  EXPECT_GT(deferred, 0);
  const core::Verdict v = Send("alice@example.com", 1);
  EXPECT_EQ(v.action, Action::kDefer);
  EXPECT_TRUE(v.reasons.Has(Reason::kRateLimited));
}

TEST_F(OutboundTest, MessagesOverTheDailyLimitAreDeferredWhateverTheHour) {
  // 500 messages, one a minute from the start of a day: never more than 60 in an hour.
  now_ = (kStart / core::kDay + 1) * core::kDay;
  Login("alice@example.com", "81.17.5.20", core::Outcome::kSuccess);
  for (int i = 0; i < 500; ++i) {
    ASSERT_EQ(Send("alice@example.com", 1).action, Action::kAllow) << "message " << i;
    now_ += core::kMinute;
  }
  const core::Verdict v = Send("alice@example.com", 1);
  EXPECT_EQ(v.action, Action::kDefer);
  EXPECT_TRUE(v.reasons.Has(Reason::kRateLimited));
}

TEST_F(OutboundTest, TheMonthsInvoicesFromTheAccountsOwnDeskPassInOneHour) {
  // 400 messages of one recipient each within the hour, from where the account logged in
  // the day before: an honest burst. Messages are capped by the day, not by the hour; its
  // 400 recipients stay under the hour's 500.
  Login("billing@example.com", "81.17.5.22", core::Outcome::kSuccess);
  now_ += 20 * core::kHour;
  Login("billing@example.com", "81.17.5.22", core::Outcome::kSuccess);
  for (int i = 0; i < 400; ++i) {
    const core::Verdict v = Send("billing@example.com", 1, "81.17.5.22");
    ASSERT_EQ(v.action, Action::kAllow) << "invoice " << i;
    now_ += 5 * core::kSecond;
  }
}

TEST_F(OutboundTest, ABigInvitationOnceIsFine) {
  Login("bob@example.com", "81.17.5.21", core::Outcome::kSuccess);
  now_ += 7 * core::kHour;  // the login is no longer new
  EXPECT_EQ(Send("bob@example.com", 300, "81.17.5.21").action, Action::kAllow);
}

TEST_F(OutboundTest, MailFromAnAccountThatLoggedInFromAStuffingSourceIsHeld) {
  // The source tried other accounts first, then got into carol's.
  for (int i = 0; i < 3; ++i) {
    Login("victim" + std::to_string(i) + "@example.com", "45.9.9.9", core::Outcome::kBadPassword);
  }
  Login("carol@example.com", "45.9.9.9", core::Outcome::kSuccess);
  const core::Verdict v = Send("carol@example.com", 1, "45.9.9.9");
  EXPECT_EQ(v.action, Action::kHold);
  EXPECT_TRUE(v.reasons.Has(Reason::kCompromisedLogin));
  ASSERT_EQ(holds_.size(), 1u);
  EXPECT_EQ(holds_[0].account, "carol@example.com");
  EXPECT_EQ(holds_[0].queue_id, "Q1");
  EXPECT_NE(holds_[0].evidence.find("45.9.9.9"), std::string::npos);
  // Even from another address: it is the account that is suspect.
  EXPECT_EQ(Send("carol@example.com", 1, "81.17.5.30").action, Action::kHold);
  // Until the operator clears it.
  EXPECT_TRUE(engine_.ClearSuspect(engine_.LoginDigest("carol@example.com"), now_));
  EXPECT_EQ(Send("carol@example.com", 1, "81.17.5.30").action, Action::kAllow);
}

TEST_F(OutboundTest, ABusyServiceIsNoEvidenceAgainstAnAccount) {
  // Users log in at a carrier's shared address; then a service-wide attack starts.
  for (int i = 0; i < 5; ++i) {
    Login("user" + std::to_string(i) + "@example.com", "37.120.5.9", core::Outcome::kSuccess);
  }
  now_ += 2 * core::kHour;  // a quiet morning: the baseline has history to compare with
  for (int i = 0; i < 40; ++i) {
    Login("nobody" + std::to_string(i) + "@example.com", "45.33." + std::to_string(i) + ".7",
          core::Outcome::kUnknownUser);
  }
  ASSERT_TRUE(engine_.service_attack().UnderAttack(now_));
  // Dave's phone lands on that shared address for the first time, and he sends an invoice.
  Login("dave@example.com", "37.120.5.9", core::Outcome::kSuccess);
  const detect::LoginEvidence* e = engine_.Evidence(engine_.LoginDigest("dave@example.com"));
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->suspicious_s, 0u);
  EXPECT_EQ(Send("dave@example.com", 1, "37.120.5.9").action, Action::kAllow);
  EXPECT_TRUE(holds_.empty());
}

TEST_F(OutboundTest, WrongPasswordsFromSeveralNetworksThenAStrangerHoldAKnownAccount) {
  Login("dave@example.com", "81.17.5.22", core::Outcome::kSuccess);  // his usual place
  now_ += 7 * core::kHour;
  // Guesses on IMAP (on submission, from places the account never was, they are refused before
  // any password is checked), then the thief's success there.
  const auto imap = core::Protocol::kImap;
  Login("dave@example.com", "45.1.1.1", core::Outcome::kBadPassword, "p1", imap);
  Login("dave@example.com", "46.2.2.2", core::Outcome::kBadPassword, "p2", imap);
  Login("dave@example.com", "47.3.3.3", core::Outcome::kBadPassword, "p3", imap);
  Login("dave@example.com", "203.0.113.50", core::Outcome::kSuccess, "pw", imap);
  EXPECT_TRUE(EvidenceFlags("dave@example.com") & detect::LoginEvidence::kAfterDistributedFailures);
  EXPECT_EQ(Send("dave@example.com", 1, "203.0.113.50").action, Action::kHold);
}

TEST_F(OutboundTest, BackgroundNoiseBeforeAnAccountsFirstLoginIsNoEvidence) {
  // Bots try julia's address from a few networks, as they try every address they know; then
  // her own first login is seen (a fresh install: no account has a usual place yet).
  Login("julia@example.com", "45.1.1.1", core::Outcome::kBadPassword, "p1");
  Login("julia@example.com", "46.2.2.2", core::Outcome::kBadPassword, "p2");
  Login("julia@example.com", "47.3.3.3", core::Outcome::kBadPassword, "p3");
  Login("julia@example.com", "81.17.5.25", core::Outcome::kSuccess);
  EXPECT_EQ(EvidenceFlags("julia@example.com"), 0);
  EXPECT_EQ(Send("julia@example.com", 1, "81.17.5.25").action, Action::kAllow);
  EXPECT_TRUE(holds_.empty());
}

TEST(OutboundGuessingTest, AGuessingRunEndingInAnAccountsFirstSuccessHoldsIt) {
  EngineConfig engine_config;
  engine_config.account_guessing.block_ttl = 10 * core::kMinute;
  Engine engine(engine_config, 1);
  Outbound outbound(OutboundConfig{}, engine);
  Timestamp now = kStart;
  auto login = [&](const std::string& ip, core::Outcome outcome, const std::string& pwhash) {
    now += core::kSecond;
    engine.CheckThenReport(
        {now, core::Protocol::kImap, *core::IpAddress::Parse(ip), "kim@example.com", pwhash, ""},
        outcome);
  };
  // Distributed guessing on an account never seen succeeding: the account-guessing detector
  // closes it to strangers.
  for (int i = 0; i < 12; ++i) {
    login("45." + std::to_string(i % 4) + ".1.1", core::Outcome::kBadPassword,
          "g" + std::to_string(i));
  }
  now += 11 * core::kMinute;  // the block ran out; a guess then hits
  login("203.0.113.60", core::Outcome::kSuccess, "right");
  const detect::LoginEvidence* e = engine.Evidence(engine.LoginDigest("kim@example.com"));
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(e->flags & detect::LoginEvidence::kAfterDistributedFailures);
  const std::string_view rcpt[] = {"someone@d.example"};
  EXPECT_EQ(outbound
                .CheckMail({now, "kim@example.com", *core::IpAddress::Parse("203.0.113.60"),
                            "kim@example.com", "Q9"},
                           std::vector<std::string_view>(std::begin(rcpt), std::end(rcpt)))
                .action,
            Action::kHold);
}

TEST_F(OutboundTest, AnOperatorsBlockIsNoGuessingRun) {
  // The operator blocked an account no one has logged into yet, then lifted the block; bots
  // try it from three networks; its owner's first login is no thief's.
  const BlockKey key = LoginBlockKey(engine_.LoginDigest("lena@example.com"));
  ASSERT_TRUE(engine_.OperatorBlock(key, "lena@example.com", core::kMinute, now_));
  now_ += 2 * core::kMinute;
  Login("lena@example.com", "45.1.1.1", core::Outcome::kBadPassword, "p1");
  Login("lena@example.com", "46.2.2.2", core::Outcome::kBadPassword, "p2");
  Login("lena@example.com", "47.3.3.3", core::Outcome::kBadPassword, "p3");
  Login("lena@example.com", "81.17.5.26", core::Outcome::kSuccess);
  EXPECT_EQ(EvidenceFlags("lena@example.com"), 0);
}

TEST_F(OutboundTest, AMessageHeldAtItsRecipientsIsReportedOnceAtItsEndWithItsQueueId) {
  // A stuffing source got into carol's account: her next message is held at its first RCPT,
  // when Postfix has no queue id yet.
  for (int i = 0; i < 3; ++i) {
    Login("victim" + std::to_string(i) + "@example.com", "45.9.9.9", core::Outcome::kBadPassword);
  }
  Login("carol@example.com", "45.9.9.9", core::Outcome::kSuccess);
  const auto ip = core::IpAddress::Parse("45.9.9.9");
  OutboundMessage m{now_, "carol@example.com", ip, "carol@example.com", "", "instance-1"};
  EXPECT_EQ(outbound_->CheckRecipient(m, "a@remote.example").action, Action::kHold);
  m.queue_id = "4XyzQ";
  EXPECT_EQ(outbound_->CheckRecipient(m, "b@remote.example").action, Action::kHold);
  EXPECT_TRUE(holds_.empty());  // not per recipient
  // The operator clears her meanwhile: the end no longer holds, but Postfix already did.
  ASSERT_TRUE(engine_.ClearSuspect(engine_.LoginDigest("carol@example.com"), now_));
  EXPECT_EQ(outbound_->CheckMessage(m).action, Action::kAllow);
  ASSERT_EQ(holds_.size(), 1u);
  EXPECT_EQ(holds_[0].queue_id, "4XyzQ");
  EXPECT_EQ(holds_[0].reason, Reason::kCompromisedLogin);
  EXPECT_NE(holds_[0].evidence.find("45.9.9.9"), std::string::npos);
  // Its next message is judged afresh: nothing is left over from this one.
  OutboundMessage next{now_, "carol@example.com", ip, "carol@example.com", "5Abc", "instance-2"};
  EXPECT_EQ(outbound_->CheckRecipient(next, "c@remote.example").action, Action::kAllow);
  EXPECT_EQ(outbound_->CheckMessage(next).action, Action::kAllow);
  EXPECT_EQ(holds_.size(), 1u);
}

TEST(OutboundPendingHoldTest, AMessageHeldAtRcptButDeferredAtItsEndIsNotReportedAsHeld) {
  EngineConfig engine_config;
  Engine engine(engine_config, 1);
  OutboundConfig config;
  config.limits.messages_per_hour = 1;
  Outbound outbound(config, engine);
  std::vector<HoldEvent> holds;
  outbound.set_on_hold([&](const HoldEvent& e) { holds.push_back(e); });
  Timestamp now = kStart;
  auto login = [&](const std::string& who, const std::string& ip, core::Outcome outcome,
                   core::Protocol protocol = core::Protocol::kSmtp) {
    now += core::kSecond;
    engine.CheckThenReport({now, protocol, *core::IpAddress::Parse(ip), who, "pw", ""}, outcome);
  };
  const auto home = core::IpAddress::Parse("81.17.5.20");
  login("carol@example.com", "81.17.5.20", core::Outcome::kSuccess);
  const OutboundMessage first{now, "carol@example.com", home, "carol@example.com", "1A", "i-1"};
  EXPECT_EQ(outbound.CheckRecipient(first, "a@remote.example").action, Action::kAllow);
  EXPECT_EQ(outbound.CheckMessage(first).action, Action::kAllow);  // the hour's one message
  // A stuffing source gets in; her next message is held at RCPT...
  for (int i = 0; i < 3; ++i) {
    login("victim" + std::to_string(i) + "@example.com", "45.9.9.9", core::Outcome::kBadPassword);
  }
  login("carol@example.com", "45.9.9.9", core::Outcome::kSuccess, core::Protocol::kImap);
  const OutboundMessage second{now, "carol@example.com", home, "carol@example.com", "2B", "i-2"};
  EXPECT_EQ(outbound.CheckRecipient(second, "b@remote.example").action, Action::kHold);
  // ...the operator clears her, and its end is over the hour's limit: deferred, not queued.
  ASSERT_TRUE(engine.ClearSuspect(engine.LoginDigest("carol@example.com"), now));
  EXPECT_EQ(outbound.CheckMessage(second).action, Action::kDefer);
  EXPECT_TRUE(holds.empty());
}

TEST_F(OutboundTest, AMessageHeldAtBothStagesIsReportedOnce) {
  for (int i = 0; i < 3; ++i) {
    Login("victim" + std::to_string(i) + "@example.com", "45.9.9.9", core::Outcome::kBadPassword);
  }
  Login("carol@example.com", "45.9.9.9", core::Outcome::kSuccess);
  const OutboundMessage m{
      now_,    "carol@example.com", core::IpAddress::Parse("45.9.9.9"), "carol@example.com",
      "4XyzQ", "instance-1"};
  EXPECT_EQ(outbound_->CheckRecipient(m, "a@remote.example").action, Action::kHold);
  EXPECT_EQ(outbound_->CheckMessage(m).action, Action::kHold);
  EXPECT_EQ(holds_.size(), 1u);
}

TEST_F(OutboundTest, ASpikeRightAfterALoginFromANewPlaceIsHeld) {
  Login("dave@example.com", "81.17.5.22", core::Outcome::kSuccess);
  now_ += 7 * core::kHour;
  for (int i = 0; i < 10; ++i) Send("dave@example.com", 1, "81.17.5.22");  // usually ~10 an hour
  now_ += 2 * core::kHour;
  // Somewhere new: the client reads there first (a first send from there would be refused).
  Login("dave@example.com", "203.0.113.50", core::Outcome::kSuccess, "pw", core::Protocol::kImap);
  int held = 0;
  for (int i = 0; i < 60; ++i)
    held += Send("dave@example.com", 3, "203.0.113.50").action == Action::kHold;
  EXPECT_GT(held, 20);
  EXPECT_FALSE(holds_.empty());
  EXPECT_EQ(holds_[0].reason, Reason::kSendingSpike);
}

TEST_F(OutboundTest, AForeignSenderAfterALoginFromANewPlaceIsHeld) {
  Login("erin@example.com", "81.17.5.23", core::Outcome::kSuccess);
  now_ += 7 * core::kHour;
  // Her own alias domain is fine, a stranger's address is only noted...
  now_ += core::kSecond;
  const std::string_view one[] = {"friend@remote.example"};
  std::vector<std::string_view> rcpts(std::begin(one), std::end(one));
  core::Verdict v = outbound_->CheckMail(
      {now_, "erin@example.com", *core::IpAddress::Parse("81.17.5.23"), "ceo@bank.example", "Q2"},
      rcpts);
  EXPECT_EQ(v.action, Action::kAllow);
  EXPECT_TRUE(v.reasons.Has(Reason::kSenderMismatch));
  // ...until the account has just logged in from somewhere new.
  Login("erin@example.com", "203.0.113.77", core::Outcome::kSuccess, "pw", core::Protocol::kImap);
  v = outbound_->CheckMail(
      {now_, "erin@example.com", *core::IpAddress::Parse("203.0.113.77"), "ceo@bank.example", "Q3"},
      rcpts);
  EXPECT_EQ(v.action, Action::kHold);
  v = outbound_->CheckMail({now_, "erin@example.com", *core::IpAddress::Parse("203.0.113.77"),
                            "erin.alias@example.com", "Q4"},
                           rcpts);
  EXPECT_FALSE(v.reasons.Has(Reason::kSenderMismatch));
}

TEST_F(OutboundTest, ManyFirstTimeRecipientsAfterANewPlaceLoginAreHeld) {
  Login("fred@example.com", "81.17.5.24", core::Outcome::kSuccess);
  now_ += 7 * core::kHour;
  // A busy account: a hundred recipients an hour, all of them people it writes to.
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 100; ++i) Send("fred@example.com", 1, "81.17.5.24");
    now_ += core::kHour;
  }
  Login("fred@example.com", "203.0.113.78", core::Outcome::kSuccess, "pw", core::Protocol::kImap);
  int held = 0;
  for (int i = 0; i < 30; ++i) {
    now_ += core::kSecond;
    std::vector<std::string> storage = {"stranger" + std::to_string(i) + "a@x.example",
                                        "stranger" + std::to_string(i) + "b@y.example"};
    std::vector<std::string_view> rcpts(storage.begin(), storage.end());
    held += outbound_
                ->CheckMail({now_, "fred@example.com", *core::IpAddress::Parse("203.0.113.78"),
                             "fred@example.com", "Q5"},
                            rcpts)
                .action == Action::kHold;
  }
  EXPECT_GT(held, 5);
}

TEST_F(OutboundTest, BulkSendersHaveTheirOwnLimitsAndNoSpikeRule) {
  Login("news@example.com", "198.51.100.80", core::Outcome::kSuccess);
  int hurt = 0;
  for (int i = 0; i < 200; ++i)
    hurt += Send("news@example.com", 50, "198.51.100.80").action != Action::kAllow;
  EXPECT_EQ(hurt, 0);
}

}  // namespace
}  // namespace coastguard::policy
