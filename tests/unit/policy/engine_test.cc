#include "policy/engine.h"

#include <gtest/gtest.h>

#include <string>

namespace coastguard::policy {
namespace {

using core::Action;
using core::Outcome;
using core::Reason;

constexpr Timestamp kStart = 1'800'000'000 * core::kSecond;

// Drives an engine the way Dovecot does: check, then report unless rejected.
class EngineTest : public ::testing::Test {
 protected:
  core::Verdict Attempt(const std::string& login, const std::string& ip, Outcome outcome,
                        const std::string& pwhash = "", const std::string& client_id = "",
                        core::Protocol protocol = core::Protocol::kImap) {
    return AttemptOn(engine_, login, ip, outcome, pwhash, client_id, protocol);
  }
  core::Verdict AttemptOn(Engine& engine, const std::string& login, const std::string& ip,
                          Outcome outcome, const std::string& pwhash,
                          const std::string& client_id = "",
                          core::Protocol protocol = core::Protocol::kImap) {
    now_ += core::kSecond;
    core::AuthAttempt a{now_, protocol, *core::IpAddress::Parse(ip), login, pwhash, client_id};
    const core::Verdict v = engine.Check(a);
    if (v.action != Action::kReject) engine.Report(a, outcome);
    return v;
  }
  core::Verdict Login(const std::string& login, const std::string& ip,
                      const std::string& client_id = "") {
    return Attempt(login, ip, Outcome::kSuccess, "good", client_id);
  }
  // As Dovecot with auth_policy_check_after_auth: allow, the password check, allow again, then
  // the report. Returns the second answer, the one that decides.
  core::Verdict DovecotAttempt(const std::string& login, const std::string& ip, Outcome outcome,
                               const std::string& pwhash, const std::string& client_id = "") {
    now_ += core::kSecond;
    core::AuthAttempt a{now_,     core::Protocol::kImap, *core::IpAddress::Parse(ip), login, pwhash,
                        client_id};
    if (engine_.Check(a).action == Action::kReject) return engine_.Check(a);
    a.ts += core::kSecond / 5;
    const core::Verdict after = engine_.Check(a);
    if (after.action != Action::kReject) engine_.Report(a, outcome);
    return after;
  }
  // Unknown users from fresh addresses: keeps the service in attack mode.
  void Siege(int round) {
    for (int i = 0; i < 40; ++i) {
      Attempt(User(1000 + i), "45." + std::to_string(33 + round) + "." + std::to_string(i) + ".7",
              Outcome::kUnknownUser, "x");
    }
  }
  // 50 accounts at home with one client over two refresh periods (so they identify on IMAP),
  // then a siege.
  void IdentifyingAccountsUnderSiege() {
    for (int round = 0; round < 2; ++round) {
      for (int i = 0; i < 50; ++i) Login(User(i), "81.17.5." + std::to_string(i), "Thunderbird");
      now_ += 2 * core::kHour;
    }
    Siege(0);
  }
  static std::string User(int i) { return "user" + std::to_string(i) + "@example.com"; }

  EngineConfig config_;
  Engine engine_{config_, 1};
  Timestamp now_ = kStart;
};

TEST_F(EngineTest, AllowsAnOrdinaryLogin) {
  const core::Verdict v = Login("alice@example.com", "81.17.5.20");
  EXPECT_EQ(v.action, Action::kAllow);
  EXPECT_TRUE(v.reasons.empty());
}

TEST_F(EngineTest, BlocksSingleIpBruteForceOnOneAccountOnly) {
  for (int i = 0; i < 6; ++i) {
    Attempt("alice@example.com", "203.0.113.9", Outcome::kBadPassword, "p" + std::to_string(i));
  }
  const core::Verdict v = Login("alice@example.com", "203.0.113.9");
  EXPECT_EQ(v.action, Action::kReject);
  EXPECT_TRUE(v.reasons.Has(Reason::kBlockedLoginIp));
  EXPECT_TRUE(v.reasons.Has(Reason::kBruteForce));
  EXPECT_EQ(Login("bob@example.com", "203.0.113.9").action, Action::kAllow);
  EXPECT_EQ(Login("alice@example.com", "81.17.5.20").action, Action::kAllow);
}

TEST_F(EngineTest, BlocksOneIpGuessingAcrossAccountsButNotItsOwnUsers) {
  Login(User(1), "203.0.113.9");  // someone who really logs in from there
  for (int i = 10; i < 16; ++i) Attempt(User(i), "203.0.113.9", Outcome::kBadPassword, "123456");
  const core::Verdict stranger = Login(User(20), "203.0.113.9");
  EXPECT_EQ(stranger.action, Action::kReject);
  EXPECT_TRUE(stranger.reasons.Has(Reason::kBlockedIp));
  EXPECT_TRUE(stranger.reasons.Has(Reason::kIpGuessing));
  EXPECT_EQ(Login(User(1), "203.0.113.9").action, Action::kAllow);
}

TEST_F(EngineTest, NeverLocksOutAnOfficeNatOfThousands) {
  const std::string office = "198.51.100.10";
  for (int i = 0; i < 2000; ++i) Login(User(i), office);
  // A busy morning: stale phones and typos, all from the same address.
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 2000; i += 10) {
      Attempt(User(i), office, Outcome::kBadPassword, "old-" + std::to_string(i));
    }
  }
  int hurt = 0;
  for (int i = 0; i < 2000; ++i) hurt += Login(User(i), office).action != Action::kAllow;
  EXPECT_EQ(hurt, 0);
  // A new colleague's first login there works too.
  EXPECT_EQ(Login(User(5000), office).action, Action::kAllow);
}

TEST_F(EngineTest, AStalePasswordDeviceDoesNotBlockItsUserOrItsIp) {
  const std::string home = "81.17.5.20";
  Login("alice@example.com", home);
  for (int i = 0; i < 40; ++i) Attempt("alice@example.com", home, Outcome::kBadPassword, "old");
  EXPECT_EQ(Login("alice@example.com", home).action, Action::kAllow);
  EXPECT_EQ(Login("bob@example.com", home).action, Action::kAllow);
}

TEST_F(EngineTest, BlocksIpv6RotationInsideOneSlash64) {
  for (int i = 0; i < 6; ++i) {
    Attempt(User(i), "2001:db8:1:2::" + std::to_string(100 + i), Outcome::kBadPassword, "x");
  }
  const core::Verdict v = Login(User(50), "2001:db8:1:2::999");
  EXPECT_EQ(v.action, Action::kReject);
  EXPECT_TRUE(v.reasons.Has(Reason::kBlockedPrefix));
}

TEST_F(EngineTest, ClosesAnAccountUnderDistributedGuessingToStrangersOnly) {
  Login("alice@example.com", "81.17.5.20");
  for (int i = 0; i < 8; ++i) {
    Attempt("alice@example.com", "45." + std::to_string(i) + ".1.1", Outcome::kBadPassword,
            "guess" + std::to_string(i));
  }
  const core::Verdict stranger = Login("alice@example.com", "77.7.7.7");
  EXPECT_EQ(stranger.action, Action::kReject);
  EXPECT_TRUE(stranger.reasons.Has(Reason::kAccountUnderAttack));
  EXPECT_EQ(Login("alice@example.com", "81.17.5.20").action, Action::kAllow);
}

TEST_F(EngineTest, UnderServiceWideAttackRefusesStrangersButNotFamiliarPlacesOrDevices) {
  for (int i = 0; i < 50; ++i) Login(User(i), "81.17.5." + std::to_string(i), "Thunderbird");
  // One try each from thousands of addresses: no single source crosses a threshold.
  now_ += 2 * core::kHour;  // a quiet morning: the baseline has history to compare with
  for (int i = 0; i < 40; ++i) {
    Attempt(User(100 + i), "45.33." + std::to_string(i) + ".7", Outcome::kUnknownUser, "x");
  }
  ASSERT_TRUE(engine_.service_attack().UnderAttack(now_));
  const core::Verdict stranger = Login(User(3), "91.91.91.91");
  EXPECT_EQ(stranger.action, Action::kReject);
  EXPECT_TRUE(stranger.reasons.Has(Reason::kServiceUnderAttack));
  EXPECT_TRUE(stranger.reasons.Has(Reason::kUnfamiliarSource));
  EXPECT_EQ(Login(User(4), "81.17.5.4").action, Action::kAllow);
  EXPECT_EQ(Login(User(5), "91.91.91.92", "Thunderbird").action, Action::kAllow);
}

TEST_F(EngineTest, UnderAttackAPasswordWithoutTheOwnersClientIsAStrangerEvenAtAProvenAddress) {
  const std::string cgnat = "37.120.5.9";  // a carrier's CGNAT address, shared by many
  for (int i = 0; i < 50; ++i) Login(User(i), "81.17.5." + std::to_string(i), "Thunderbird");
  // The victim's phone always identifies itself, in the carrier's pool and elsewhere.
  Login(User(1), cgnat, "K-9 Mail 6.8");
  now_ += 2 * core::kHour;
  Login(User(1), "37.120.7.1", "K-9 Mail 6.8");
  for (int i = 10; i < 20; ++i) Login(User(i), cgnat, "iPhone Mail");
  now_ += 2 * core::kHour;  // a quiet morning: the baseline has history to compare with
  for (int i = 0; i < 40; ++i) {
    Attempt(User(100 + i), "45.33." + std::to_string(i) + ".7", Outcome::kUnknownUser, "x");
  }
  ASSERT_TRUE(engine_.service_attack().UnderAttack(now_));
  ASSERT_TRUE(engine_.Proven(*core::IpAddress::Parse(cgnat), now_));
  // The stolen password, from the same shared address, without the phone's client id.
  const core::Verdict thief = Login(User(1), cgnat);
  EXPECT_EQ(thief.action, Action::kReject);
  EXPECT_TRUE(thief.reasons.Has(Reason::kServiceUnderAttack));
  // The owner's phone at a new address of its pool gets in, and so does a colleague new there.
  EXPECT_EQ(Login(User(1), "37.120.88.2", "K-9 Mail 6.8").action, Action::kAllow);
  EXPECT_EQ(Login(User(30), cgnat, "Thunderbird").action, Action::kAllow);
}

TEST_F(EngineTest, UnderAttackANewcomerBackWithTheSamePasswordGetsItsCheckAndStaysUnflagged) {
  for (int i = 0; i < 50; ++i) Login(User(i), "81.17.5." + std::to_string(i), "Thunderbird");
  now_ += 2 * core::kHour;  // a quiet morning: the baseline has history to compare with
  auto siege = [&] {
    for (int i = 0; i < 40; ++i) {
      Attempt(User(100 + i), "45.33." + std::to_string(i) + ".7", Outcome::kUnknownUser, "x");
    }
  };
  siege();
  ASSERT_TRUE(engine_.service_attack().UnderAttack(now_));
  // A first login ever (a new user's phone), and a known account from a stranger's place.
  const std::string newcomer = User(300);
  EXPECT_EQ(Attempt(newcomer, "62.1.2.3", Outcome::kSuccess, "saved", "iPhone Mail").action,
            Action::kReject);
  EXPECT_EQ(Attempt(User(3), "62.9.9.9", Outcome::kSuccess, "good", "Outlook").action,
            Action::kReject);
  now_ += 5 * core::kMinute;  // a tool's retry comes too soon
  EXPECT_EQ(Attempt(newcomer, "62.1.2.3", Outcome::kSuccess, "saved", "iPhone Mail").action,
            Action::kReject);
  now_ += 6 * core::kMinute;  // the phone's next poll
  siege();
  ASSERT_TRUE(engine_.service_attack().UnderAttack(now_));
  const core::Verdict back =
      Attempt(newcomer, "62.1.2.3", Outcome::kSuccess, "saved", "iPhone Mail");
  EXPECT_EQ(back.action, Action::kAllow);
  EXPECT_TRUE(back.reasons.Has(Reason::kReturningDevice));
  // Its success was not a stranger's during an attack: nothing to hold its mail for.
  const detect::LoginEvidence* e = engine_.Evidence(engine_.LoginDigest(newcomer));
  EXPECT_TRUE(e == nullptr || (e->flags & detect::LoginEvidence::kSuspicious) == 0);
  EXPECT_TRUE(
      Attempt(newcomer, "62.1.2.3", Outcome::kSuccess, "saved", "iPhone Mail").reasons.empty());
  // An account with places of its own stays closed to the stranger that comes back only by
  // sending, however often he comes.
  const auto submit = [&] {
    return Attempt(User(3), "62.9.9.9", Outcome::kSuccess, "good", "Outlook",
                   core::Protocol::kSubmission);
  };
  EXPECT_EQ(submit().action, Action::kReject);
  now_ += 11 * core::kMinute;
  siege();
  ASSERT_TRUE(engine_.service_attack().UnderAttack(now_));
  EXPECT_EQ(submit().action, Action::kReject);
}

TEST_F(EngineTest, UnderAttackAKnownAccountsNewDesktopThatComesBackToReadMailGetsItsCheck) {
  // Over two refresh periods: the accounts identify on IMAP, so another id is a new device.
  IdentifyingAccountsUnderSiege();
  ASSERT_TRUE(engine_.service_attack().UnderAttack(now_));
  // The account's new desktop at a desk it never used, and a thief's spam run with the same
  // kind of password from an exit: both strangers while the attack lasts.
  const auto desk = [&](core::Protocol protocol) {
    return Attempt(User(3), "62.9.9.9", Outcome::kSuccess, "good", "Evolution", protocol);
  };
  const auto spam_run = [&] {
    return Attempt(User(4), "62.5.5.5", Outcome::kSuccess, "good", "Evolution",
                   core::Protocol::kSubmission);
  };
  EXPECT_EQ(desk(core::Protocol::kImap).action, Action::kReject);
  EXPECT_EQ(spam_run().action, Action::kReject);
  now_ += 11 * core::kMinute;
  Siege(1);
  ASSERT_TRUE(engine_.service_attack().UnderAttack(now_));
  // The desktop polls again and sends what was written meanwhile: its poll earns the check.
  EXPECT_EQ(desk(core::Protocol::kSubmission).action, Action::kReject);
  const core::Verdict back = desk(core::Protocol::kImap);
  EXPECT_EQ(back.action, Action::kAllow);
  EXPECT_TRUE(back.reasons.Has(Reason::kReturningDevice));
  EXPECT_EQ(desk(core::Protocol::kSubmission).action, Action::kAllow);
  // The spam run only sends.
  EXPECT_EQ(spam_run().action, Action::kReject);
}

TEST_F(EngineTest, UnderAttackAKnownAccountsPasswordWithoutItsIdNeverEarnsACheck) {
  // The account identified on IMAP over two refresh periods: a missing id is a stranger's.
  IdentifyingAccountsUnderSiege();
  ASSERT_TRUE(engine_.service_attack().UnderAttack(now_));
  const auto poll = [&] { return Attempt(User(3), "62.9.9.9", Outcome::kSuccess, "good", ""); };
  EXPECT_EQ(poll().action, Action::kReject);
  now_ += 11 * core::kMinute;
  Siege(1);
  ASSERT_TRUE(engine_.service_attack().UnderAttack(now_));
  const core::Verdict again = poll();
  EXPECT_EQ(again.action, Action::kReject);
  EXPECT_FALSE(again.reasons.Has(Reason::kReturningDevice));
}

TEST_F(EngineTest, ASendReturnsOnlyAsTheClientRefusedReadingThere) {
  IdentifyingAccountsUnderSiege();
  ASSERT_TRUE(engine_.service_attack().UnderAttack(now_));
  // An account with no place yet: a newcomer's phone, or a thief's tool, refused reading.
  const std::string newcomer = User(200);
  const auto attempt = [&](const std::string& client_id, core::Protocol protocol) {
    return Attempt(newcomer, "62.7.7.7", Outcome::kSuccess, "good", client_id, protocol);
  };
  ASSERT_EQ(attempt("K-9 Mail", core::Protocol::kImap).action, Action::kReject);
  now_ += 11 * core::kMinute;
  Siege(1);
  ASSERT_TRUE(engine_.service_attack().UnderAttack(now_));
  // Back with the password, sending as another client or as none: a spam run behind the tool's
  // refused read, no check.
  for (const std::string client_id : {"Microsoft Outlook", ""}) {
    const core::Verdict v = attempt(client_id, core::Protocol::kSubmission);
    EXPECT_EQ(v.action, Action::kReject) << client_id;
    EXPECT_FALSE(v.reasons.Has(Reason::kReturningDevice)) << client_id;
  }
  // The phone's outbox, as the phone: its check.
  const core::Verdict outbox = attempt("K-9 Mail", core::Protocol::kSubmission);
  EXPECT_EQ(outbox.action, Action::kAllow);
  EXPECT_TRUE(outbox.reasons.Has(Reason::kReturningDevice));
}

TEST_F(EngineTest, UnderAttackADeviceThatOnlySendsIsNoReturningDeviceUnlessDeclaredBulk) {
  config_.sending_applications = {"newsletter@example.com"};
  Engine engine(config_, 1);
  for (int i = 0; i < 50; ++i) {
    AttemptOn(engine, User(i), "81.17.5." + std::to_string(i), Outcome::kSuccess, "good",
              "Thunderbird");
  }
  now_ += 2 * core::kHour;
  auto siege = [&](int round) {
    for (int i = 0; i < 40; ++i) {
      AttemptOn(engine, User(1000 + i),
                "45." + std::to_string(33 + round) + "." + std::to_string(i) + ".7",
                Outcome::kUnknownUser, "x");
    }
  };
  siege(0);
  ASSERT_TRUE(engine.service_attack().UnderAttack(now_));
  // A spam run with a password that works logs in on submission for every batch, from one
  // exit; the newsletter tool sends from its new host the same way.
  const std::string victim = User(300), newsletter = "newsletter@example.com";
  const auto submit = [&](const std::string& login, const std::string& ip) {
    return AttemptOn(engine, login, ip, Outcome::kSuccess, "right", "",
                     core::Protocol::kSubmission);
  };
  for (int minute = 0; minute <= 30; minute += 2) {
    if (minute % 10 == 0) siege(1 + minute);
    ASSERT_TRUE(engine.service_attack().UnderAttack(now_));
    EXPECT_EQ(submit(victim, "62.1.2.3").action, Action::kReject) << minute;
    now_ += 2 * core::kMinute;
  }
  // The operator's declared sending application earns its check like a saved password does.
  EXPECT_EQ(submit(newsletter, "62.7.7.7").action, Action::kReject);
  now_ += 11 * core::kMinute;
  siege(40);
  const core::Verdict back = submit(newsletter, "62.7.7.7");
  EXPECT_EQ(back.action, Action::kAllow);
  EXPECT_TRUE(back.reasons.Has(Reason::kReturningDevice));
}

TEST_F(EngineTest, AKnownAccountsFirstLoginFromANewPlaceToSendIsAStrangersSpamRun) {
  config_.sending_applications = {"newsletter@example.com"};
  Engine engine(config_, 1);
  const std::string owner = User(1), newcomer = User(2), newsletter = "newsletter@example.com";
  const auto login = [&](const std::string& who, const std::string& ip,
                         const std::string& client_id, core::Protocol protocol) {
    return AttemptOn(engine, who, ip, Outcome::kSuccess, "good", client_id, protocol);
  };
  const auto submit = [&](const std::string& who, const std::string& ip,
                          const std::string& client_id = "") {
    return login(who, ip, client_id, core::Protocol::kSubmission);
  };
  ASSERT_EQ(login(owner, "81.17.5.20", "Thunderbird", core::Protocol::kImap).action,
            Action::kAllow);
  ASSERT_EQ(login(newsletter, "81.17.5.21", "Thunderbird", core::Protocol::kImap).action,
            Action::kAllow);
  now_ += core::kHour;
  ASSERT_FALSE(engine.service_attack().UnderAttack(now_));

  // The password, from somewhere the account never was, straight into submission: refused,
  // and no less so for coming back with it (a spam run logs in for every batch).
  const core::Verdict spam_run = submit(owner, "62.1.2.3");
  EXPECT_EQ(spam_run.action, Action::kReject);
  EXPECT_TRUE(spam_run.reasons.Has(Reason::kStrangerSending));
  EXPECT_TRUE(spam_run.reasons.Has(Reason::kUnfamiliarSource));
  EXPECT_EQ(submit(owner, "62.1.2.3", "Outlook").action, Action::kReject);
  now_ += 11 * core::kMinute;
  const core::Verdict again = submit(owner, "62.1.2.3");
  EXPECT_EQ(again.action, Action::kReject);
  EXPECT_FALSE(again.reasons.Has(Reason::kReturningDevice));

  // The owner's client there reads first, which teaches the place; its sends pass.
  EXPECT_EQ(login(owner, "62.1.2.3", "K-9 Mail", core::Protocol::kImap).action, Action::kAllow);
  EXPECT_EQ(submit(owner, "62.1.2.3").action, Action::kAllow);
  // Its own client id vouches wherever it is (a native API caller that sends one; submission
  // through Postfix and Dovecot carries none).
  EXPECT_EQ(submit(owner, "62.77.1.2", "Thunderbird").action, Action::kAllow);
  // An account with no place of its own yet has none to differ from (a fresh install).
  EXPECT_EQ(submit(newcomer, "62.1.9.9").action, Action::kAllow);
  // The operator's declared sending application sends from its new host.
  EXPECT_EQ(submit(newsletter, "62.7.7.7").action, Action::kAllow);
}

TEST_F(EngineTest, RefusedSendsOfStrangersStillCountTowardsAttackMode) {
  // Known accounts, an hour and more of calm; then a spam run tries their passwords on
  // submission from many exits. Refused before any password is checked, the attempts leave no
  // failures, yet the service is under attack.
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 40; ++i) Login(User(i), "81.17.5." + std::to_string(i), "Thunderbird");
    now_ += 2 * core::kHour;
  }
  ASSERT_FALSE(engine_.service_attack().UnderAttack(now_));
  for (int i = 0; i < 40; ++i) {
    const core::Verdict v = Attempt(User(i), "45.33." + std::to_string(i) + ".7",
                                    Outcome::kBadPassword, "combo", "", core::Protocol::kSmtp);
    ASSERT_TRUE(v.reasons.Has(Reason::kStrangerSending) ||
                v.reasons.Has(Reason::kServiceUnderAttack))
        << i;
  }
  EXPECT_TRUE(engine_.service_attack().UnderAttack(now_));
}

TEST_F(EngineTest, OneAddressRetryingARefusedSendDoesNotHoldAttackMode) {
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 40; ++i) Login(User(i), "81.17.5." + std::to_string(i), "Thunderbird");
    now_ += 2 * core::kHour;
  }
  // No block ever stops it: a thief retrying, or a mail client's outbox.
  for (int i = 0; i < 120; ++i) {
    const core::Verdict v = Attempt(User(i % 3), "45.33.1.7", Outcome::kBadPassword, "combo", "",
                                    core::Protocol::kSmtp);
    ASSERT_TRUE(v.reasons.Has(Reason::kStrangerSending)) << i;
    ASSERT_FALSE(engine_.service_attack().UnderAttack(now_)) << i;
  }
}

TEST_F(EngineTest, ARefusedSendDoesNotReturnAsTheDeviceRefusedReadingThere) {
  // The account always identifies on IMAP; a client without an id is refused reading at a new
  // place (stranger_device), then sends from there with the same password.
  for (int round = 0; round < 2; ++round) {
    ASSERT_EQ(Login(User(1), "81.17.5.20", "Thunderbird").action, Action::kAllow);
    now_ += 2 * core::kHour;
  }
  const core::Verdict read = Attempt(User(1), "62.1.2.3", Outcome::kSuccess, "good", "");
  ASSERT_TRUE(read.reasons.Has(Reason::kStrangerDevice));
  now_ += 11 * core::kMinute;
  // Reading, it would now earn its password check; a send earns nothing, whatever it did before.
  const core::Verdict send =
      Attempt(User(1), "62.1.2.3", Outcome::kSuccess, "good", "", core::Protocol::kSubmission);
  EXPECT_EQ(send.action, Action::kReject);
  EXPECT_TRUE(send.reasons.Has(Reason::kStrangerSending));
  EXPECT_FALSE(send.reasons.Has(Reason::kReturningDevice));
  const core::Verdict back = Attempt(User(1), "62.1.2.3", Outcome::kSuccess, "good", "");
  EXPECT_EQ(back.action, Action::kAllow);
  EXPECT_TRUE(back.reasons.Has(Reason::kReturningDevice));
}

TEST_F(EngineTest, TheRuleOffLetsAStrangersSendThrough) {
  config_.familiarity.refuse_stranger_sends = false;
  Engine off(config_, 1);
  Engine on(EngineConfig{}, 1);
  for (Engine* engine : {&off, &on}) {
    AttemptOn(*engine, User(1), "81.17.5.20", Outcome::kSuccess, "good", "Thunderbird");
  }
  now_ += core::kHour;
  const auto send = [&](Engine& engine) {
    return AttemptOn(engine, User(1), "62.1.2.3", Outcome::kSuccess, "good", "",
                     core::Protocol::kSubmission);
  };
  EXPECT_EQ(send(on).action, Action::kReject);
  EXPECT_EQ(send(off).action, Action::kAllow);
}

TEST_F(EngineTest, ALoggedSendIsLearnedWhateverItsVerdict) {
  // A log line reports what the server already let through: Coastguard's verdict is what it
  // would have said, and the place is learned all the same.
  ASSERT_EQ(Login(User(1), "81.17.5.20", "Thunderbird").action, Action::kAllow);
  now_ += core::kHour;
  const std::string login = User(1);
  const core::AuthAttempt logged{
      now_, core::Protocol::kSmtp, *core::IpAddress::Parse("62.1.2.3"), login, "", ""};
  const core::Verdict v = engine_.CheckLogged(logged, Outcome::kSuccess);
  EXPECT_EQ(v.action, Action::kReject);
  EXPECT_TRUE(v.reasons.Has(Reason::kStrangerSending));
  EXPECT_EQ(engine_.stats().checks, engine_.stats().reports);
  EXPECT_EQ(Attempt(User(1), "62.1.2.3", Outcome::kSuccess, "good", "", core::Protocol::kSubmission)
                .action,
            Action::kAllow);
}

TEST_F(EngineTest, ASendFromAnAddressManyOfOurLoginsUseIsNoStrangersSpamRun) {
  // A webmail host: our users log in there (IMAP, then submission for each message).
  const std::string webmail = "62.1.2.3";
  for (int i = 10; i < 16; ++i) {
    ASSERT_EQ(Attempt(User(i), webmail, Outcome::kSuccess, "good", "Roundcube").action,
              Action::kAllow);
  }
  ASSERT_EQ(Login(User(1), "81.17.5.20", "Thunderbird").action, Action::kAllow);
  now_ += core::kHour;
  // A user's first message written there, before the webmail's IMAP login is seen.
  const core::Verdict v = Attempt(User(1), webmail, Outcome::kSuccess, "good", "Roundcube",
                                  core::Protocol::kSubmission);
  EXPECT_EQ(v.action, Action::kAllow);
  EXPECT_FALSE(v.reasons.Has(Reason::kStrangerSending));
  // Only that very address is shared: another known account's send from the next address,
  // which no one else uses, is refused.
  ASSERT_EQ(Login(User(2), "81.17.5.21", "Thunderbird").action, Action::kAllow);
  EXPECT_EQ(Attempt(User(2), "62.1.2.4", Outcome::kSuccess, "good", "", core::Protocol::kSubmission)
                .action,
            Action::kReject);
}

TEST_F(EngineTest, AClientTheAccountNeverUsedSendingFirstIsAStrangerEvenInItsOwnCarriersPool) {
  const std::string owner = User(1);
  const auto submit = [&](const std::string& ip, const std::string& client_id) {
    return Attempt(owner, ip, Outcome::kSuccess, "good", client_id, core::Protocol::kSubmission);
  };
  // The owner's phone reads and sends from its carrier's /24 with its id, over two refresh
  // periods (it identifies when sending); at home, a desktop reads there after a night away.
  for (int round = 0; round < 2; ++round) {
    ASSERT_EQ(Login(owner, "80.246.27." + std::to_string(10 + round), "iPhone Mail").action,
              Action::kAllow);
    ASSERT_EQ(submit("80.246.27." + std::to_string(10 + round), "iPhone Mail").action,
              Action::kAllow);
    ASSERT_EQ(Login(owner, "81.17.5.20", "Thunderbird").action, Action::kAllow);
    now_ += 8 * core::kHour;
  }
  // The carrier's address a proxy exit has: many of our users' phones succeed there.
  const std::string exit = "80.246.27.135";
  for (int i = 10; i < 16; ++i) {
    ASSERT_EQ(Login(User(i), exit, i % 2 == 0 ? "K-9 Mail" : "Samsung Email").action,
              Action::kAllow);
  }
  // The stolen password, with another client's id, straight into submission from that address
  // in the owner's own /24: refused before the password check, and the id is not learned.
  const core::Verdict spam_run = submit(exit, "Microsoft Outlook");
  EXPECT_EQ(spam_run.action, Action::kReject);
  EXPECT_TRUE(spam_run.reasons.Has(Reason::kStrangerSending));
  EXPECT_EQ(submit("80.246.27.136", "Microsoft Outlook").action, Action::kReject);
  // The owner's own phone sends there as ever.
  EXPECT_EQ(submit(exit, "iPhone Mail").action, Action::kAllow);
  // A new client that reads first teaches its id; its sends pass from then on.
  EXPECT_EQ(Login(owner, "80.246.27.140", "Outlook for iOS").action, Action::kAllow);
  EXPECT_EQ(submit("80.246.27.141", "Outlook for iOS").action, Action::kAllow);
  // At the address the account keeps coming back to (home), a new laptop may send first; not
  // from another address of the home's /24.
  EXPECT_EQ(submit("81.17.5.21", "Evolution").action, Action::kReject);
  EXPECT_EQ(submit("81.17.5.20", "Evolution").action, Action::kAllow);
  // A gateway all its accounts come through with one client (a webmail host): its first send
  // there is the webmail's, not a stranger's.
  const std::string webmail = "62.1.2.3";
  for (int i = 20; i < 23; ++i) {
    ASSERT_EQ(Attempt(User(i), webmail, Outcome::kSuccess, "good", "Roundcube").action,
              Action::kAllow);
  }
  EXPECT_EQ(submit(webmail, "Roundcube").action, Action::kReject);  // 3 logins: not yet busy
  ASSERT_EQ(Attempt(User(23), webmail, Outcome::kSuccess, "good", "Roundcube").action,
            Action::kAllow);
  EXPECT_EQ(submit(webmail, "Roundcube").action, Action::kAllow);
  // Its gateway is for its own client: another client sending first there is a stranger.
  EXPECT_EQ(submit(webmail, "Mailspring").action, Action::kReject);
}

TEST_F(EngineTest, AnAccountsSecondClientAtItsOwnCrowdedOfficeMayReturnBySendingAlone) {
  // A busy office /24, where the account sends with an id; a desktop program then sends without.
  for (int i = 0; i < 20; ++i) Login(User(i), "81.17.5." + std::to_string(10 + i), "Outlook");
  const auto submit = [&](const std::string& login, const std::string& ip,
                          const std::string& client_id) {
    return Attempt(login, ip, Outcome::kSuccess, "good", client_id, core::Protocol::kSubmission);
  };
  const std::string owner = User(100), stranger = User(101);
  for (int i = 0; i < 2; ++i) {  // the habit of identifying on SMTP, over two refresh periods
    ASSERT_EQ(submit(owner, "81.17.5.9", "Outlook").action, Action::kAllow);
    ASSERT_EQ(submit(stranger, "62.1.2.3", "Outlook").action, Action::kAllow);
    now_ += 2 * core::kHour;
  }
  const core::Verdict first = submit(owner, "81.17.5.9", "");
  ASSERT_EQ(first.action, Action::kReject);
  ASSERT_TRUE(first.reasons.Has(Reason::kStrangerDevice));
  ASSERT_EQ(submit(stranger, "81.17.5.77", "").action, Action::kReject);
  now_ += 11 * core::kMinute;
  const core::Verdict back = submit(owner, "81.17.5.9", "");
  EXPECT_EQ(back.action, Action::kAllow);
  EXPECT_TRUE(back.reasons.Has(Reason::kReturningDevice));
  // The same program in someone else's account, where that account never was: still refused.
  EXPECT_EQ(submit(stranger, "81.17.5.77", "").action, Action::kReject);
}

TEST_F(EngineTest, TheOfficeAddressAnAccountSettledAtVouchesForItsProgramWithoutAnId) {
  // A busy office /24 (crowded), where billing@ sends with its mail client's id.
  for (int i = 0; i < 20; ++i) Login(User(i), "81.17.5." + std::to_string(10 + i), "Outlook");
  const std::string billing = "billing@example.com";
  const auto submit = [&](const std::string& ip, const std::string& client_id) {
    return Attempt(billing, ip, Outcome::kSuccess, "good", client_id, core::Protocol::kSubmission);
  };
  ASSERT_EQ(submit("81.17.5.9", "Mac Mail").action, Action::kAllow);
  now_ += 2 * core::kHour;  // the habit of identifying on SMTP: two refresh periods
  ASSERT_EQ(submit("81.17.5.9", "Mac Mail").action, Action::kAllow);
  now_ += detect::FamiliarityStore::kSettledAfter;  // the next morning, at the same desk
  ASSERT_EQ(submit("81.17.5.9", "Mac Mail").action, Action::kAllow);
  ASSERT_EQ(submit("81.17.5.8", "Mac Mail").action, Action::kAllow);  // once, at another desk
  // The internet guesses at billing@ all day: closed to unfamiliar sources.
  const auto guess = [&](int round) {
    for (int i = 0; i < 9; ++i) {
      Attempt(billing, std::to_string(198 + i % 3) + "." + std::to_string(round) + ".100.7",
              Outcome::kBadPassword, "guess" + std::to_string(round * 10 + i));
    }
  };
  guess(1);
  const core::Verdict stranger = submit("203.0.113.8", "");
  ASSERT_EQ(stranger.action, Action::kReject);
  ASSERT_TRUE(stranger.reasons.Has(Reason::kBlockedLogin));
  // An id-less client is refused at the desk the account used once, and anywhere else behind
  // the office's NAT...
  EXPECT_EQ(submit("81.17.5.8", "").action, Action::kReject);
  EXPECT_EQ(submit("81.17.5.30", "").action, Action::kReject);
  // ...and at the address the account settled at while strangers fail there (a bot behind the
  // same NAT)...
  Attempt(User(50), "81.17.5.9", Outcome::kBadPassword, "123456");
  const core::Verdict bot = submit("81.17.5.9", "");
  EXPECT_EQ(bot.action, Action::kReject);
  EXPECT_TRUE(bot.reasons.Has(Reason::kBlockedLogin));
  // ...or once the address was blocked for strangers' guessing there: the failures that closed
  // it age out, its block's refusals leave none.
  now_ += 61 * core::kMinute;
  for (int i = 51; i < 57; ++i) Attempt(User(i), "81.17.5.9", Outcome::kBadPassword, "123456");
  now_ += 61 * core::kMinute;
  guess(2);
  ASSERT_EQ(submit("203.0.113.8", "").action, Action::kReject);
  EXPECT_EQ(submit("81.17.5.9", "").action, Action::kReject);
  // Otherwise the invoicing program sends from the address the account settled at, with the
  // account still closed to strangers.
  now_ += 25 * core::kHour;
  guess(3);
  ASSERT_EQ(submit("203.0.113.8", "").action, Action::kReject);
  EXPECT_EQ(submit("81.17.5.9", "").action, Action::kAllow);
}

TEST_F(EngineTest, TheAccountsClientIdDoesNotVouchFromAnAddressFailingOnOtherAccounts) {
  for (int i = 0; i < 50; ++i) {
    Login(User(i), "81.17.5." + std::to_string(i), i < 3 ? "iPhone Mail" : "Thunderbird");
  }
  now_ += 2 * core::kHour;
  Siege(0);
  ASSERT_TRUE(engine_.service_attack().UnderAttack(now_));
  // A traveller's own phone at a hotel: the id vouches for a place the account never was.
  EXPECT_EQ(Login(User(0), "203.0.113.50", "iPhone Mail").action, Action::kAllow);
  // A spraying wave that sends the most common id: one wrong guess goes to the password check,
  // after which that id from that address is a stranger's.
  EXPECT_NE(
      Attempt(User(1), "198.51.100.9", Outcome::kBadPassword, "Winter2026!", "iPhone Mail").action,
      Action::kReject);
  const core::Verdict v =
      Attempt(User(2), "198.51.100.9", Outcome::kSuccess, "Winter2026!", "iPhone Mail");
  EXPECT_EQ(v.action, Action::kReject);
  EXPECT_TRUE(v.reasons.Has(Reason::kServiceUnderAttack));
}

TEST_F(EngineTest, TheAccountsClientIdDoesNotVouchWhereStrangersWereRefusedOnOtherAccounts) {
  for (int i = 0; i < 50; ++i) {
    Login(User(i), "81.17.5." + std::to_string(i), i < 3 ? "iPhone Mail" : "Thunderbird");
  }
  // A shared office address the accounts 40-43 use: crowded.
  const std::string office = "81.17.9.1";
  for (int i = 40; i < 44; ++i) Login(User(i), office, "Thunderbird");
  now_ += 2 * core::kHour;
  Siege(0);
  ASSERT_TRUE(engine_.service_attack().UnderAttack(now_));
  // A spraying exit sending popular ids, a decoy first: refused as a stranger on accounts that
  // use another client, before any password was checked, so no failure shows there.
  const std::string exit = "198.51.100.9";
  EXPECT_EQ(Attempt(User(10), exit, Outcome::kBadPassword, "Winter2026!", "Outlook").action,
            Action::kReject);
  EXPECT_EQ(Attempt(User(11), exit, Outcome::kBadPassword, "Winter2026!", "iPhone Mail").action,
            Action::kReject);
  // An account that does use the id the exit sends is no traveller there.
  const core::Verdict v = Attempt(User(2), exit, Outcome::kSuccess, "Winter2026!", "iPhone Mail");
  EXPECT_EQ(v.action, Action::kReject);
  EXPECT_TRUE(v.reasons.Has(Reason::kServiceUnderAttack));
  // At a hotel, one other account refused is a companion's new phone.
  const std::string hotel = "203.0.113.50";
  ASSERT_EQ(Attempt(User(22), hotel, Outcome::kSuccess, "good", "iPhone Mail").action,
            Action::kReject);
  EXPECT_EQ(Login(User(0), hotel, "iPhone Mail").action, Action::kAllow);
  // A busy office vouches for its colleagues' new devices, so nothing is refused there to
  // count against a visitor's own phone.
  EXPECT_EQ(Attempt(User(44), office, Outcome::kSuccess, "good", "Outlook").action, Action::kAllow);
  EXPECT_EQ(Attempt(User(45), office, Outcome::kSuccess, "good", "K-9 Mail").action,
            Action::kAllow);
  EXPECT_EQ(Login(User(1), office, "iPhone Mail").action, Action::kAllow);
}

TEST_F(EngineTest, AReturningDeviceWithAWrongPasswordGetsOneCheckOnly) {
  for (int i = 0; i < 50; ++i) Login(User(i), "81.17.5." + std::to_string(i), "Thunderbird");
  now_ += 2 * core::kHour;
  for (int i = 0; i < 40; ++i) {
    Attempt(User(100 + i), "45.33." + std::to_string(i) + ".7", Outcome::kUnknownUser, "x");
  }
  const std::string newcomer = User(300);
  EXPECT_EQ(Attempt(newcomer, "62.1.2.3", Outcome::kBadPassword, "old").action, Action::kReject);
  now_ += 11 * core::kMinute;
  ASSERT_TRUE(engine_.service_attack().UnderAttack(now_));
  EXPECT_EQ(Attempt(newcomer, "62.1.2.3", Outcome::kBadPassword, "old").action, Action::kAllow);
  now_ += 11 * core::kMinute;
  ASSERT_TRUE(engine_.service_attack().UnderAttack(now_));
  EXPECT_EQ(Attempt(newcomer, "62.1.2.3", Outcome::kBadPassword, "old").action, Action::kReject);
}

TEST_F(EngineTest, AReturningDeviceGetsInThroughDovecotsCheckBeforeAndAfterThePassword) {
  for (int i = 0; i < 50; ++i) Login(User(i), "81.17.5." + std::to_string(i), "Thunderbird");
  now_ += 2 * core::kHour;
  Siege(0);
  ASSERT_TRUE(engine_.service_attack().UnderAttack(now_));
  const std::string newcomer = User(300);
  EXPECT_EQ(DovecotAttempt(newcomer, "62.1.2.3", Outcome::kSuccess, "saved").action,
            Action::kReject);
  now_ += 11 * core::kMinute;
  Siege(1);
  const core::Verdict back = DovecotAttempt(newcomer, "62.1.2.3", Outcome::kSuccess, "saved");
  EXPECT_EQ(back.action, Action::kAllow);
  EXPECT_TRUE(back.reasons.Has(Reason::kReturningDevice));
  // Learned: the place is its own now.
  EXPECT_TRUE(DovecotAttempt(newcomer, "62.1.2.3", Outcome::kSuccess, "saved").reasons.empty());
}

TEST_F(EngineTest, AReturningDevicesWrongPasswordIsNeverCheckedThereAgain) {
  for (int i = 0; i < 50; ++i) Login(User(i), "81.17.5." + std::to_string(i), "Thunderbird");
  now_ += 2 * core::kHour;
  Siege(0);
  const std::string newcomer = User(300);
  EXPECT_EQ(DovecotAttempt(newcomer, "62.1.2.3", Outcome::kBadPassword, "old").action,
            Action::kReject);
  now_ += 11 * core::kMinute;
  Siege(1);
  EXPECT_EQ(DovecotAttempt(newcomer, "62.1.2.3", Outcome::kBadPassword, "old").action,
            Action::kAllow);
  // Past the hour the login's own record of wrong passwords forgets; the address's does not.
  for (int round = 2; round < 6; ++round) {
    now_ += 25 * core::kMinute;
    Siege(round);
    ASSERT_TRUE(engine_.service_attack().UnderAttack(now_));
    EXPECT_EQ(DovecotAttempt(newcomer, "62.1.2.3", Outcome::kBadPassword, "old").action,
              Action::kReject)
        << round;
  }
}

TEST_F(EngineTest, TheOwnersTyposAtASharedAddressAreNotGuessing) {
  // A fresh install: nobody is familiar yet, and people mistype before they get in.
  const std::string office = "81.17.5.1";
  for (int i = 0; i < 12; ++i) {
    Attempt(User(i), office, Outcome::kBadPassword, "typo");
    EXPECT_EQ(Login(User(i), office).action, Action::kAllow) << i;
  }
  // A guesser there still stands out.
  for (int i = 0; i < 5; ++i) Attempt(User(100 + i), office, Outcome::kBadPassword, "guess");
  EXPECT_EQ(Login(User(200), office).action, Action::kReject);
}

TEST_F(EngineTest, TheAccountsOwnPhoneOnAnotherNetworkPassesABlockedPrefix) {
  // The phone always identifies, and roams in its carrier's /16.
  for (int n = 0; n < 3; ++n) {
    Login(User(1), "37.120." + std::to_string(n) + ".9", "K-9 Mail 6.8");
    now_ += 2 * core::kHour;
  }
  // Abroad, on another carrier, whose /24 a combo list's exits got blocked.
  for (int i = 0; i < 12; ++i) {
    Attempt(User(100 + i), "91.64.88." + std::to_string(i), Outcome::kBadPassword, "x");
  }
  const core::Verdict stranger = Login(User(2), "91.64.88.50", "K-9 Mail 6.8");
  EXPECT_EQ(stranger.action, Action::kReject);
  EXPECT_TRUE(stranger.reasons.Has(Reason::kBlockedPrefix));
  EXPECT_EQ(Login(User(1), "91.64.88.51").action, Action::kReject);  // the password, no phone
  EXPECT_EQ(Login(User(1), "91.64.88.52", "K-9 Mail 6.8").action, Action::kAllow);
  const detect::LoginEvidence* e = engine_.Evidence(engine_.LoginDigest(User(1)));
  EXPECT_TRUE(e == nullptr || (e->flags & detect::LoginEvidence::kSuspicious) == 0);
}

TEST_F(EngineTest, ACrowdedCarrierPrefixVouchesForASendOnlyFromAnAddressTheAccountUsed) {
  const auto submit = [&](const std::string& login, const std::string& ip) {
    return Attempt(login, ip, Outcome::kSuccess, "good", "", core::Protocol::kSubmission);
  };
  // The phone reads mail with its id from its carrier's CGNAT /24, which many users share; the
  // account has never sent.
  for (int n = 0; n < 2; ++n) {
    ASSERT_EQ(Login(User(1), "37.120.5.9", "K-9 Mail 6.8").action, Action::kAllow);
    now_ += 2 * core::kHour;
  }
  for (int i = 0; i < 6; ++i) Login(User(10 + i), "37.120.5." + std::to_string(20 + i), "Outlook");
  // A combo list's exits in the same pool get the /24 blocked.
  for (int i = 0; i < 12; ++i) {
    Attempt(User(100 + i), "37.120.5." + std::to_string(100 + i), Outcome::kBadPassword, "x");
  }
  ASSERT_EQ(Login(User(2), "37.120.5.60", "K-9 Mail 6.8").action, Action::kReject);
  // The stolen password, sent from an exit in the pool the account never had: no vouching.
  const core::Verdict exit = submit(User(1), "37.120.5.200");
  EXPECT_EQ(exit.action, Action::kReject);
  EXPECT_TRUE(exit.reasons.Has(Reason::kBlockedPrefix));
  // The owner's phone sends from where it reads: its own.
  EXPECT_EQ(submit(User(1), "37.120.5.9").action, Action::kAllow);
  // Moved to a new address in the pool, it reads there first, then sends from there too.
  EXPECT_EQ(Login(User(1), "37.120.5.201", "K-9 Mail 6.8").action, Action::kAllow);
  EXPECT_EQ(submit(User(1), "37.120.5.201").action, Action::kAllow);
  // Reading from the pool's other addresses still needs no more than the phone.
  EXPECT_EQ(Login(User(1), "37.120.5.202", "K-9 Mail 6.8").action, Action::kAllow);
}

TEST_F(EngineTest, TheAddressAnAccountSendsFromVouchesNoMoreWhileABotBehindItGuesses) {
  const auto submit = [&](const std::string& login, const std::string& ip) {
    return Attempt(login, ip, Outcome::kSuccess, "good", "", core::Protocol::kSubmission);
  };
  // An office NAT's /24 that many of our users share (crowded); the account reads there with its
  // client and sends without an id, as submission through Postfix does.
  for (int i = 0; i < 6; ++i) Login(User(10 + i), "81.17.5." + std::to_string(20 + i), "Outlook");
  ASSERT_EQ(Login(User(1), "81.17.5.9", "Thunderbird").action, Action::kAllow);
  ASSERT_EQ(submit(User(1), "81.17.5.9").action, Action::kAllow);
  // A bot behind the same address runs a combo list: the address is closed to strangers.
  for (int i = 0; i < 6; ++i) {
    Attempt(User(100 + i), "81.17.5.9", Outcome::kBadPassword, "x" + std::to_string(i));
  }
  const core::Verdict stolen = submit(User(2), "81.17.5.9");
  ASSERT_EQ(stolen.action, Action::kReject);
  // The account's send from there, which nothing tells from the bot's with its password, waits
  // until the guessing ends; its mail client still reads there.
  const core::Verdict send = submit(User(1), "81.17.5.9");
  EXPECT_EQ(send.action, Action::kReject);
  EXPECT_TRUE(send.reasons.Has(Reason::kBlockedIp));
  EXPECT_EQ(Login(User(1), "81.17.5.9", "Thunderbird").action, Action::kAllow);
  // Sends from the account's address elsewhere in the /24, where nobody guesses, still go.
  ASSERT_EQ(Login(User(1), "81.17.5.8", "Thunderbird").action, Action::kAllow);
  EXPECT_EQ(submit(User(1), "81.17.5.8").action, Action::kAllow);
}

TEST_F(EngineTest, AKnownAccountsNewTabletInItsBlockedCarrierPrefixGetsItsCheckByReadingMail) {
  // The carrier's /24, where the account's phone and others' succeed, always identifying.
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 6; ++i) {
      Login(User(i), "37.120.5." + std::to_string(10 + i), "K-9 Mail 6.8");
    }
    now_ += 2 * core::kHour;
  }
  Login(User(20), "93.104.7.7", "Thunderbird");  // known from home
  // A combo list's exits in the same /24, one guess each: the /24 is closed to strangers.
  for (int i = 0; i < 12; ++i) {
    Attempt(User(100 + i), "37.120.5." + std::to_string(100 + i), Outcome::kBadPassword, "x");
  }
  const auto tablet = [&](core::Protocol protocol) {
    return Attempt(User(1), "37.120.5.77", Outcome::kSuccess, "good", "iPad Mail", protocol);
  };
  const auto thief = [&](core::Protocol protocol) {
    return Attempt(User(20), "37.120.5.88", Outcome::kSuccess, "good", "iPad Mail", protocol);
  };
  const core::Verdict first = tablet(core::Protocol::kImap);
  ASSERT_EQ(first.action, Action::kReject);
  ASSERT_TRUE(first.reasons.Has(Reason::kBlockedPrefix));
  // Another account's password from the same /24: tried on IMAP, then the spam run.
  ASSERT_EQ(thief(core::Protocol::kImap).action, Action::kReject);
  now_ += 11 * core::kMinute;
  const core::Verdict back = tablet(core::Protocol::kImap);
  EXPECT_EQ(back.action, Action::kAllow);
  EXPECT_TRUE(back.reasons.Has(Reason::kReturningDevice));
  EXPECT_EQ(thief(core::Protocol::kSubmission).action, Action::kReject);
}

TEST_F(EngineTest, AKnownAccountsNewDeviceNeverEarnsACheckAtAnAddressBlockedForItsOwnGuessing) {
  for (int i = 0; i < 10; ++i) Login(User(i), "93.104.7." + std::to_string(i), "Thunderbird");
  const std::string exit = "45.9.9.9";
  for (int i = 0; i < 6; ++i) Attempt(User(100 + i), exit, Outcome::kBadPassword, "x");
  const auto poll = [&] { return Attempt(User(1), exit, Outcome::kSuccess, "good", "Outlook"); };
  const core::Verdict first = poll();
  ASSERT_EQ(first.action, Action::kReject);
  ASSERT_TRUE(first.reasons.Has(Reason::kBlockedIp));
  // Its guesses leave the window; it keeps knocking, which keeps the block on.
  for (int i = 0; i < 8; ++i) {
    now_ += 11 * core::kMinute;
    const core::Verdict again = poll();
    EXPECT_EQ(again.action, Action::kReject) << i;
    EXPECT_FALSE(again.reasons.Has(Reason::kReturningDevice)) << i;
  }
}

TEST_F(EngineTest, UnderAttackOneAddressEarnsChecksForAFewKnownAccountsNewDevicesOnly) {
  IdentifyingAccountsUnderSiege();
  ASSERT_TRUE(engine_.service_attack().UnderAttack(now_));
  // One exit with four accounts' passwords that work, each polled like a mail client.
  const auto poll = [&](int user) {
    return Attempt(User(user), "62.9.9.9", Outcome::kSuccess, "good", "Evolution");
  };
  for (int user = 1; user <= 4; ++user) ASSERT_EQ(poll(user).action, Action::kReject);
  now_ += 11 * core::kMinute;
  Siege(1);
  ASSERT_TRUE(engine_.service_attack().UnderAttack(now_));
  int admitted = 0;
  for (int user = 1; user <= 4; ++user) admitted += poll(user).action == Action::kAllow;
  EXPECT_EQ(admitted, 2);
}

TEST_F(EngineTest, APasswordWithoutTheOwnersClientFromANewPlaceIsRefusedAttackOrNot) {
  // The owner's phone always identifies on IMAP, at home and on the road.
  Login(User(1), "93.104.7.7", "K-9 Mail 6.8");
  now_ += 2 * core::kHour;
  Login(User(1), "37.120.7.1", "K-9 Mail 6.8");
  ASSERT_FALSE(engine_.service_attack().UnderAttack(now_));
  const core::Verdict thief = Login(User(1), "45.9.9.9");
  EXPECT_EQ(thief.action, Action::kReject);
  EXPECT_TRUE(thief.reasons.Has(Reason::kStrangerDevice));
  EXPECT_FALSE(thief.reasons.Has(Reason::kServiceUnderAttack));
  EXPECT_EQ(Login(User(1), "45.10.9.10", "K-9 Mail 6.8").action, Action::kAllow);
  // A new desktop client at a new office comes back with its saved password and gets in.
  now_ += 11 * core::kMinute;
  const core::Verdict desktop = Login(User(1), "45.9.9.9");
  EXPECT_EQ(desktop.action, Action::kAllow);
  EXPECT_TRUE(desktop.reasons.Has(Reason::kReturningDevice));
  EXPECT_EQ(Login(User(1), "93.104.7.7").action, Action::kAllow);  // a second client at home
}

TEST_F(EngineTest, AnOfficeNatClosedForAnInfectedMachineStillLetsAColleaguesDeskIn) {
  const std::string office = "81.17.5.1";
  for (int i = 0; i < 6; ++i) Login(User(i), office, "Thunderbird");
  Login(User(20), "93.104.7.7", "K-9 Mail 6.8");  // known from home, never at the office
  // The machine behind the NAT runs a combo list.
  for (int i = 0; i < 8; ++i) Attempt(User(100 + i), office, Outcome::kBadPassword, "x");
  const core::Verdict first = Login(User(20), office, "Outlook");
  ASSERT_EQ(first.action, Action::kReject);
  ASSERT_TRUE(first.reasons.Has(Reason::kBlockedIp));
  EXPECT_EQ(Login(User(0), office, "Thunderbird").action, Action::kAllow);  // familiar there
  now_ += 11 * core::kMinute;
  const core::Verdict desk = Login(User(20), office, "Outlook");
  EXPECT_EQ(desk.action, Action::kAllow);
  EXPECT_TRUE(desk.reasons.Has(Reason::kReturningDevice));
  // The machine retrying its combos gets two wrong checks there, then no more.
  for (int i = 0; i < 3; ++i) {
    Attempt(User(200 + i), office, Outcome::kBadPassword, "combo");
  }
  now_ += 11 * core::kMinute;
  int checked = 0;
  for (int i = 0; i < 3; ++i) {
    checked +=
        Attempt(User(200 + i), office, Outcome::kBadPassword, "combo").action != Action::kReject;
  }
  EXPECT_EQ(checked, 2);
}

TEST_F(EngineTest, ASecondClientWithoutAnIdAtHomeIsNoStranger) {
  for (int i = 0; i < 50; ++i) Login(User(i), "81.17.5." + std::to_string(i), "Thunderbird");
  Login(User(1), "93.104.7.7", "Thunderbird");
  now_ += 2 * core::kHour;
  Login(User(1), "93.104.7.7", "Thunderbird");
  now_ += 2 * core::kHour;  // a quiet morning: the baseline has history to compare with
  for (int i = 0; i < 40; ++i) {
    Attempt(User(100 + i), "45.33." + std::to_string(i) + ".7", Outcome::kUnknownUser, "x");
  }
  ASSERT_TRUE(engine_.service_attack().UnderAttack(now_));
  // A phone without IMAP ID on the home Wi-Fi: the home /24 is the owner's alone.
  EXPECT_EQ(Login(User(1), "93.104.7.7").action, Action::kAllow);
  EXPECT_EQ(engine_.Evidence(engine_.LoginDigest(User(1))), nullptr);
}

TEST_F(EngineTest, RepeatOffendersAreBlockedOnTheirFirstFailureAfterExpiry) {
  for (int i = 0; i < 5; ++i) Attempt(User(i), "203.0.113.9", Outcome::kBadPassword, "x");
  now_ += 2 * core::kHour;  // block expired, counters aged out
  EXPECT_EQ(Attempt(User(50), "203.0.113.9", Outcome::kBadPassword, "x").action, Action::kAllow);
  EXPECT_EQ(Login(User(51), "203.0.113.9").action, Action::kReject);
}

TEST_F(EngineTest, AllowListsWin) {
  engine_.AllowNetwork(*core::Cidr::Parse("203.0.113.0/24"), true);
  for (int i = 0; i < 20; ++i) Attempt(User(i), "203.0.113.9", Outcome::kBadPassword, "x");
  const core::Verdict v = Login(User(30), "203.0.113.9");
  EXPECT_EQ(v.action, Action::kAllow);
  EXPECT_TRUE(v.reasons.Has(Reason::kAllowlisted));
}

TEST_F(EngineTest, OperatorBlocksApplyToEveryone) {
  Login("alice@example.com", "203.0.113.9");
  engine_.OperatorBlock(NetworkBlockKey(*core::Cidr::Parse("203.0.113.0/24")), "203.0.113.0/24",
                        core::kHour, now_);
  const core::Verdict v = Login("alice@example.com", "203.0.113.9");
  EXPECT_EQ(v.action, Action::kReject);
  EXPECT_TRUE(v.reasons.Has(Reason::kManual));
}

TEST_F(EngineTest, BadInputIsAllowedAndSaysSo) {
  const core::Verdict v = Attempt("   ", "203.0.113.9", Outcome::kBadPassword);
  EXPECT_EQ(v.action, Action::kAllow);
  EXPECT_TRUE(v.reasons.Has(Reason::kBadInput));
}

TEST(EngineMemory, StaysWithinItsBudgetUnderAFloodOfDistinctKeys) {
  EngineConfig config;
  config.memory_budget_mb = 16;
  Engine engine(config, 1);
  Timestamp t = kStart;
  for (uint32_t i = 0; i < 300'000; ++i) {
    std::array<uint8_t, 16> bytes{};
    bytes[10] = bytes[11] = 0xff;
    bytes[12] = static_cast<uint8_t>(i >> 24);
    bytes[13] = static_cast<uint8_t>(i >> 16);
    bytes[14] = static_cast<uint8_t>(i >> 8);
    bytes[15] = static_cast<uint8_t>(i);
    const std::string login = "flood" + std::to_string(i) + "@example.com";
    core::AuthAttempt a{t += core::kMillisecond,
                        core::Protocol::kImap,
                        core::IpAddress::FromBytes(bytes),
                        login,
                        "abcd",
                        ""};
    // Report every attempt, refused or not: the point is the tables' bound, not the verdicts.
    engine.Check(a);
    engine.Report(a, Outcome::kBadPassword);
  }
  const Engine::TableSizes sizes = engine.sizes();
  EXPECT_LE(sizes.memory_bytes, 16u << 20);
  EXPECT_GT(sizes.source_evictions + sizes.login_evictions + sizes.pair_evictions, 0u);
}

}  // namespace
}  // namespace coastguard::policy

namespace coastguard::policy {
namespace {

TEST_F(EngineTest, RecentDecisionsKeepTheDeviceTheOutcomeAndThePlaceAsItWasThen) {
  Login("Alice@Example.com", "81.17.5.20", "Thunderbird/115 with a very long version string");
  Attempt("alice@example.com", "81.17.5.20", Outcome::kBadPassword, "typo");
  ASSERT_EQ(engine_.recent().size(), 2u);
  const RecentDecision& first = engine_.recent()[0];
  EXPECT_EQ(first.login_name(), "alice@example.com");
  EXPECT_EQ(first.device_id(), std::string("Thunderbird/115 with a very long version string")
                                   .substr(0, RecentDecision::kDeviceBytes));
  EXPECT_EQ(first.protocol, core::Protocol::kImap);
  ASSERT_TRUE(first.has_outcome);
  EXPECT_EQ(first.outcome, Outcome::kSuccess);
  // The first login came from a new place; the success made it familiar only afterwards.
  EXPECT_EQ(first.familiarity, detect::Familiarity::kNone);
  const RecentDecision& second = engine_.recent()[1];
  EXPECT_EQ(second.outcome, Outcome::kBadPassword);
  EXPECT_TRUE(detect::IsFamiliar(second.familiarity));
}

TEST_F(EngineTest, FeedsTheTimelineWithVerdictsFailuresAndAttackMode) {
  history::Timeline timeline(60);
  engine_.set_timeline(&timeline);
  Login("alice@example.com", "81.17.5.20");
  for (int i = 0; i < 30; ++i) Attempt(User(i), "203.0.113.9", Outcome::kBadPassword, "123456");
  std::array<uint32_t, static_cast<size_t>(history::Series::kCount)> total{};
  timeline.ForEachMinute(now_, 60, [&](int64_t, const auto& counts) {
    for (size_t i = 0; i < counts.size(); ++i) total[i] += counts[i];
  });
  const auto at = [&](history::Series s) { return total[static_cast<size_t>(s)]; };
  EXPECT_EQ(at(history::Series::kLoginAllow) + at(history::Series::kLoginDelay) +
                at(history::Series::kLoginReject),
            31u);
  EXPECT_GT(at(history::Series::kLoginReject), 0u);
  EXPECT_GT(at(history::Series::kLoginFailure), 0u);
  ASSERT_FALSE(timeline.TopRefusedSources(1).empty());
  EXPECT_EQ(timeline.TopRefusedSources(1)[0].subject, "203.0.113.9");
}

}  // namespace
}  // namespace coastguard::policy

namespace coastguard::policy {
namespace {

// Records what the engine tells an observer (the shared state's replication).
class RecordingObserver : public AttemptObserver {
 public:
  void Checked(const core::AuthAttempt& a) override {
    events.push_back("check " + std::string(a.login));
  }
  void Reported(const core::AuthAttempt& a, core::Outcome o) override {
    events.push_back("report " + std::string(a.login) + " " + std::string(core::OutcomeName(o)));
  }
  std::vector<std::string> events;
};

// The pwhash is a view, as in the attempt: a literal or a string that outlives the attempt.
core::AuthAttempt Guess(Timestamp ts, const char* ip, std::string_view pwhash) {
  return {ts, core::Protocol::kImap, *core::IpAddress::Parse(ip), "alice@example.com", pwhash, ""};
}

TEST(EngineObserve, AnotherNodesGuessesCountHereAsIfTheyHadComeHere) {
  EngineConfig config;
  Engine here(config, 7);
  Timestamp now = kStart;
  std::vector<std::string> pwhashes;
  for (int i = 0; i < 6; ++i) pwhashes.push_back("p" + std::to_string(i));
  for (const std::string& pw : pwhashes) {
    now += core::kSecond;
    const core::AuthAttempt a = Guess(now, "203.0.113.9", pw);
    const core::Outcome bad = core::Outcome::kBadPassword;
    here.Observe(a, nullptr);
    here.Observe(a, &bad);
  }
  // Six guesses seen elsewhere: the pair is blocked here as on the node that saw them.
  now += core::kSecond;
  const core::Verdict v = here.Check(Guess(now, "203.0.113.9", "right"));
  EXPECT_EQ(v.action, Action::kReject);
  EXPECT_TRUE(v.reasons.Has(Reason::kBlockedLoginIp));
  // Observed attempts are not this node's decisions: one check counted, six observed twice.
  EXPECT_EQ(here.stats().checks, 1u);
  EXPECT_EQ(here.stats().observed, 12u);
  EXPECT_EQ(here.stats().actions[static_cast<size_t>(Action::kReject)], 1u);
  EXPECT_EQ(here.recent().size(), 1u);
}

TEST(EngineObserve, TellsTheObserverWhatItWasAskedButNotWhatItObserved) {
  EngineConfig config;
  Engine engine(config, 7);
  RecordingObserver observer;
  engine.set_observer(&observer);
  const core::AuthAttempt a = Guess(kStart, "192.0.2.1", "x");
  engine.Check(a);
  engine.Report(a, core::Outcome::kSuccess);
  engine.CheckThenReport(a, core::Outcome::kBadPassword);
  const core::Outcome bad = core::Outcome::kBadPassword;
  engine.Observe(a, nullptr);
  engine.Observe(a, &bad);
  core::AuthAttempt unreadable = a;
  unreadable.login = "";
  engine.Check(unreadable);  // bad input: nothing to share
  EXPECT_EQ(observer.events,
            (std::vector<std::string>{"check alice@example.com", "report alice@example.com success",
                                      "check alice@example.com",
                                      "report alice@example.com bad_password"}));
}

}  // namespace
}  // namespace coastguard::policy
