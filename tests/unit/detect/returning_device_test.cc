#include "detect/returning_device.h"

#include <gtest/gtest.h>

namespace coastguard::detect {
namespace {

constexpr Timestamp kStart = 1'800'000'000 * core::kSecond;
constexpr uint32_t kSaved = 0x5a5a;  // the tag of the password saved in the device
constexpr uint32_t kLogin = 77;
constexpr uint32_t kPhone = 0x1234;  // a client's tag (ClientTag)
constexpr core::Protocol kImap = core::Protocol::kImap;

class ReturningDeviceTest : public ::testing::Test {
 protected:
  using Attempt = ReturningDevice::Attempt;
  // The saved password from one phone, reading or (`sends`) sending.
  static Attempt Phone(uint32_t pw = kSaved, bool sends = false) { return {pw, kPhone, sends}; }
  bool Earned(Timestamp now, uint32_t pw = kSaved) const {
    return returning_.Earned(&pair_, &login_, &address_, false, false, Phone(pw), kLogin, now);
  }
  void Refused(uint32_t pw, core::Protocol protocol, Timestamp now) {
    returning_.NoteRefusal(pair_, Phone(pw, core::SendsMail(protocol)), now);
  }
  ReturningDeviceSettings settings_;
  Windows windows_;
  ReturningDevice returning_{settings_, windows_};
  PairActivity pair_;
  LoginActivity login_;
  SourceActivity address_;
};

TEST_F(ReturningDeviceTest, TheSamePasswordBackAfterAWhileEarnsACheck) {
  Refused(kSaved, kImap, kStart);
  EXPECT_FALSE(Earned(kStart + core::kMinute));  // a tool's immediate retry
  Refused(kSaved, kImap, kStart + core::kMinute);
  EXPECT_TRUE(Earned(kStart + settings_.after));  // the next poll, counted from the first try
  EXPECT_FALSE(Earned(kStart + settings_.after, kSaved + 1));
  EXPECT_FALSE(Earned(kStart + settings_.within + core::kSecond));  // forgotten
}

TEST_F(ReturningDeviceTest, ADeviceThatOnlySendsEarnsNothingUnlessItMayReturnBySending) {
  // A thief's spam run logs in on submission for each batch, from one exit, with the password
  // that works: it never reads mail there.
  Refused(kSaved, core::Protocol::kSubmission, kStart);
  Refused(kSaved, core::Protocol::kSmtp, kStart + core::kMinute);
  const Timestamp later = kStart + settings_.after;
  EXPECT_FALSE(Earned(later));
  // A newsletter account's sending tool is how that account comes back (so is a second client
  // at the account's own place).
  EXPECT_TRUE(returning_.Earned(&pair_, &login_, &address_, false, true, Phone(kSaved, true),
                                kLogin, later));
  // A phone polls for mail too, and then earns its check on either protocol.
  Refused(kSaved, core::Protocol::kPop3, later - core::kSecond);
  EXPECT_TRUE(Earned(later));
  EXPECT_TRUE(returning_.Earned(&pair_, &login_, &address_, false, false, Phone(kSaved, true),
                                kLogin, later));
  // A new password starts over, reading included.
  Refused(kSaved + 1, core::Protocol::kSubmission, later);
  EXPECT_FALSE(Earned(later + settings_.after, kSaved + 1));
}

TEST_F(ReturningDeviceTest, ASendEarnsItsCheckOnlyAsTheClientRefusedReading) {
  // A phone refused reading; its outbox sends later with the same password and client.
  Refused(kSaved, kImap, kStart);
  const Timestamp later = kStart + settings_.after;
  EXPECT_TRUE(returning_.Earned(&pair_, &login_, &address_, false, false, Phone(kSaved, true),
                                kLogin, later));
  // A refused read, then another client's send with that password (a thief's tool refused
  // reading, his spam run sending as another client), or one without an id: no check.
  const Attempt other_client{kSaved, kPhone + 1, true}, without_id{kSaved, ClientTag(0), true};
  EXPECT_FALSE(
      returning_.Earned(&pair_, &login_, &address_, false, false, other_client, kLogin, later));
  EXPECT_FALSE(
      returning_.Earned(&pair_, &login_, &address_, false, false, without_id, kLogin, later));
  // Reading, another client at that address still earns it (a tablet beside the phone).
  EXPECT_TRUE(returning_.Earned(&pair_, &login_, &address_, false, false,
                                Attempt{kSaved, kPhone + 1, false}, kLogin, later));
  // A refused send by another client changes nothing; the last client refused reading counts.
  returning_.NoteRefusal(pair_, other_client, later);
  EXPECT_TRUE(returning_.Earned(&pair_, &login_, &address_, false, false, Phone(kSaved, true),
                                kLogin, later));
  returning_.NoteRefusal(pair_, Attempt{kSaved, kPhone + 1, false}, later);
  EXPECT_TRUE(
      returning_.Earned(&pair_, &login_, &address_, false, false, other_client, kLogin, later));
  EXPECT_FALSE(returning_.Earned(&pair_, &login_, &address_, false, false, Phone(kSaved, true),
                                 kLogin, later));
  // Where it may return by sending (a declared sending application), any client may.
  EXPECT_TRUE(
      returning_.Earned(&pair_, &login_, &address_, false, true, other_client, kLogin, later));
}

TEST_F(ReturningDeviceTest, AnotherPasswordStartsTheWaitAgain) {
  Refused(kSaved, kImap, kStart);
  Refused(kSaved + 1, kImap, kStart + 5 * core::kMinute);
  EXPECT_FALSE(Earned(kStart + settings_.after, kSaved + 1));
  EXPECT_TRUE(Earned(kStart + 5 * core::kMinute + settings_.after, kSaved + 1));
}

TEST_F(ReturningDeviceTest, APasswordKnownToBeWrongEarnsNothing) {
  Refused(kSaved, kImap, kStart);
  const Timestamp later = kStart + settings_.after;
  login_.wrong_pwhashes.Insert(kSaved, later - core::kSecond, windows_.short_window);
  EXPECT_FALSE(Earned(later));
}

TEST_F(ReturningDeviceTest, AnAddressFailingOnOtherLoginsEarnsNothing) {
  Refused(kSaved, kImap, kStart);
  const Timestamp later = kStart + settings_.after;
  // Its own typo does not count against it; one other login's failure is allowed.
  address_.failed_logins.Insert(kLogin, later, windows_.short_window);
  address_.failed_logins.Insert(1, later, windows_.short_window);
  EXPECT_TRUE(Earned(later));
  address_.failed_logins.Insert(2, later, windows_.short_window);
  EXPECT_FALSE(Earned(later));
  // Unless many of our logins succeed there: those failures are a machine behind its NAT.
  EXPECT_TRUE(returning_.Earned(&pair_, &login_, &address_, true, false, Phone(), kLogin, later));
}

TEST_F(ReturningDeviceTest, AnAddressWhoseReturningDevicesFailEarnsNoMore) {
  Refused(kSaved, kImap, kStart);
  const Timestamp later = kStart + settings_.after;
  for (int i = 0; i < settings_.max_failed_per_address; ++i) {
    EXPECT_TRUE(returning_.Earned(&pair_, &login_, &address_, true, false, Phone(), kLogin, later));
    PairActivity admitted;
    admitted.admitted_pw = kSaved;
    returning_.NoteFailedCheck(address_, admitted, later);
    EXPECT_FALSE(ReturningDevice::Admitted(&admitted, kSaved));
    EXPECT_EQ(admitted.failed_pw, kSaved);
  }
  EXPECT_FALSE(returning_.Earned(&pair_, &login_, &address_, true, false, Phone(), kLogin, later));
}

TEST_F(ReturningDeviceTest, AdmissionsPerLoginAreCapped) {
  Timestamp t = kStart;
  for (int i = 0; i < settings_.per_login; ++i) {
    PairActivity pair;
    returning_.NoteRefusal(pair, Phone(kSaved + i), t);
    t += settings_.after;
    ASSERT_TRUE(
        returning_.Earned(&pair, &login_, nullptr, false, false, Phone(kSaved + i), kLogin, t));
    returning_.NoteAdmission(pair, login_, kSaved + i, t);
    EXPECT_TRUE(ReturningDevice::Admitted(&pair, kSaved + i));
  }
  PairActivity pair;
  returning_.NoteRefusal(pair, Phone(kSaved + 100), t);
  EXPECT_FALSE(returning_.Earned(&pair, &login_, nullptr, false, false, Phone(kSaved + 100), kLogin,
                                 t + settings_.after));
}

TEST_F(ReturningDeviceTest, OffEarnsNothing) {
  settings_.enabled = false;
  const ReturningDevice off(settings_, windows_);
  Refused(kSaved, kImap, kStart);
  EXPECT_FALSE(off.Earned(&pair_, &login_, &address_, false, false, Phone(), kLogin,
                          kStart + settings_.after));
}

}  // namespace
}  // namespace coastguard::detect
