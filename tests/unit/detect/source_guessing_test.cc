#include "detect/source_guessing.h"

#include <gtest/gtest.h>

namespace coastguard::detect {
namespace {

constexpr Timestamp kNow = 1'800'000'000 * core::kSecond;

SourceKey Key(const char* ip, uint8_t bits) {
  return {core::IpAddress::Parse(ip)->Masked(bits), bits};
}

void FailLogins(SourceActivity& s, int n) {
  for (int i = 0; i < n; ++i) s.failed_logins.Insert(1000 + i, kNow, core::kHour);
}

TEST(SourceGuessing, OneIpFailingOnFiveUnfamiliarLoginsIsGuessing) {
  SourceGuessing detector({}, {});
  SourceActivity s;
  FailLogins(s, 4);
  EXPECT_EQ(detector.Evaluate(Key("203.0.113.9", 32), s, kNow), core::Reason::kCount);
  FailLogins(s, 5);
  EXPECT_EQ(detector.Evaluate(Key("203.0.113.9", 32), s, kNow), core::Reason::kIpGuessing);
}

TEST(SourceGuessing, PrefixesHaveTheirOwnThresholds) {
  SourceGuessing detector({}, {});
  SourceActivity s;
  FailLogins(s, 6);
  EXPECT_EQ(detector.Evaluate(Key("203.0.113.9", 24), s, kNow), core::Reason::kCount);
  EXPECT_EQ(detector.Evaluate(Key("2001:db8:1:2::9", 64), s, kNow), core::Reason::kPrefixGuessing);
  EXPECT_EQ(detector.Evaluate(Key("2001:db8:1:2::9", 48), s, kNow), core::Reason::kCount);
  FailLogins(s, 10);
  EXPECT_EQ(detector.Evaluate(Key("203.0.113.9", 24), s, kNow), core::Reason::kPrefixGuessing);
}

TEST(SourceGuessing, AnAddressManyOfOurUsersSucceedFromGetsAHigherThreshold) {
  SourceGuessing detector({}, {});
  SourceActivity office;
  office.successes.Add(kNow, core::kDay, 200);  // +10 over the base of 5
  FailLogins(office, 12);
  EXPECT_EQ(detector.Evaluate(Key("198.51.100.10", 32), office, kNow), core::Reason::kCount);
  FailLogins(office, 15);
  EXPECT_EQ(detector.Evaluate(Key("198.51.100.10", 32), office, kNow), core::Reason::kIpGuessing);
}

TEST(SourceGuessing, EvenTheBusiestAddressIsClosedToStrangersByAComboList) {
  // A campus NAT or a carrier's address: thousands of our logins succeed there every day. Its
  // bar stops at what the source can count (16 distinct failing logins in the short window).
  SourceGuessing detector({}, {});
  SourceActivity nat;
  nat.successes.Add(kNow, core::kDay, 5000);
  FailLogins(nat, 15);
  EXPECT_EQ(detector.Evaluate(Key("198.51.100.10", 32), nat, kNow), core::Reason::kCount);
  EXPECT_EQ(detector.Evaluate(Key("198.51.100.10", 24), nat, kNow), core::Reason::kCount);
  FailLogins(nat, 16);
  EXPECT_EQ(detector.Evaluate(Key("198.51.100.10", 32), nat, kNow), core::Reason::kIpGuessing);
  EXPECT_EQ(detector.Evaluate(Key("198.51.100.10", 24), nat, kNow), core::Reason::kPrefixGuessing);
}

TEST(SourceGuessing, LoginsThatDoNotExistCountFaster) {
  SourceGuessing detector({}, {});
  SourceActivity s;
  for (uint32_t i = 10; i < 13; ++i) s.unknown_logins.Insert(i, kNow, core::kHour);
  EXPECT_EQ(detector.Evaluate(Key("203.0.113.9", 32), s, kNow), core::Reason::kUnknownUsers);
  // A /24 gathers many subscribers: it needs twice as many.
  EXPECT_EQ(detector.Evaluate(Key("203.0.113.9", 24), s, kNow), core::Reason::kCount);
}

}  // namespace
}  // namespace coastguard::detect
