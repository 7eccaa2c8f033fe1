#include "detect/familiarity.h"

#include <gtest/gtest.h>

namespace coastguard::detect {
namespace {

constexpr Timestamp kNow = 1'800'000'000 * core::kSecond;
constexpr uint64_t kLogin = 42;
constexpr uint64_t kPhone = 7;

core::IpAddress Ip(const char* text) { return *core::IpAddress::Parse(text); }

TEST(Familiarity, KnowsTheAddressItsPrefixAndTheDevice) {
  FamiliarityStore store({});
  store.Learn(kLogin, Ip("81.17.5.20"), kPhone, kNow, nullptr);
  EXPECT_EQ(store.Lookup(kLogin, Ip("81.17.5.20"), 0, kNow), Familiarity::kPrefix);
  EXPECT_EQ(store.Lookup(kLogin, Ip("81.17.5.99"), 0, kNow), Familiarity::kPrefix);
  EXPECT_EQ(store.Lookup(kLogin, Ip("8.8.8.8"), kPhone, kNow), Familiarity::kDevice);
  EXPECT_EQ(store.Lookup(kLogin, Ip("8.8.8.8"), 0, kNow), Familiarity::kNone);
  EXPECT_EQ(store.Lookup(kLogin, Ip("81.17.6.20"), 0, kNow), Familiarity::kNone);
  EXPECT_EQ(store.Lookup(kLogin + 1, Ip("81.17.5.20"), kPhone, kNow), Familiarity::kNone);
}

TEST(Familiarity, AWidePrefixCountsOnlyWhereTheLoginRoams) {
  FamiliarityStore store({});
  store.Learn(kLogin, Ip("37.120.1.1"), 0, kNow, nullptr);
  // One home connection in a /16 says nothing about its neighbours...
  EXPECT_EQ(store.Lookup(kLogin, Ip("37.120.200.9"), 0, kNow), Familiarity::kNone);
  // ...a phone seen at several places in its carrier's pool does.
  store.Learn(kLogin, Ip("37.120.77.3"), 0, kNow + core::kMinute, nullptr);
  EXPECT_EQ(store.Lookup(kLogin, Ip("37.120.200.9"), 0, kNow), Familiarity::kWidePrefix);
}

TEST(Familiarity, LearnsIpv6PerSlash64) {
  FamiliarityStore store({});
  store.Learn(kLogin, Ip("2001:db8:1:2::aaaa"), 0, kNow, nullptr);
  EXPECT_EQ(store.Lookup(kLogin, Ip("2001:db8:1:2::bbbb"), 0, kNow), Familiarity::kPrefix);
  EXPECT_EQ(store.Lookup(kLogin, Ip("2001:db8:1:3::aaaa"), 0, kNow), Familiarity::kNone);
}

TEST(Familiarity, AgesOutAfterTheTtl) {
  FamiliarityStore store({});
  store.Learn(kLogin, Ip("81.17.5.20"), 0, kNow, nullptr);
  EXPECT_EQ(store.Lookup(kLogin, Ip("81.17.5.20"), 0, kNow + 59 * core::kDay),
            Familiarity::kPrefix);
  EXPECT_EQ(store.Lookup(kLogin, Ip("81.17.5.20"), 0, kNow + 61 * core::kDay), Familiarity::kNone);
}

TEST(Familiarity, AFullListKeepsTheHomeOverOneOffCarrierAddresses) {
  FamiliaritySettings settings;
  settings.max_sources_per_login = 8;
  FamiliarityStore store(settings);
  // Home, seen every evening for a week.
  for (int day = 0; day < 7; ++day) {
    store.Learn(kLogin, Ip("81.17.5.20"), 0, kNow + day * core::kDay, nullptr);
  }
  // Then a day of roaming through the carrier's pool.
  for (int i = 0; i < 40; ++i) {
    const std::string ip = "37.120." + std::to_string(i) + ".9";
    store.Learn(kLogin, Ip(ip.c_str()), 0, kNow + 7 * core::kDay + i * core::kMinute, nullptr);
  }
  EXPECT_EQ(store.Lookup(kLogin, Ip("81.17.5.20"), 0, kNow + 8 * core::kDay), Familiarity::kPrefix);
  EXPECT_LE(store.Find(kLogin)->sources.size(), 8u);
}

TEST(Familiarity, ReportsChangesOncePerRefreshPeriod) {
  FamiliarityStore store({});
  std::vector<FamiliarityStore::Change> changes;
  store.Learn(kLogin, Ip("81.17.5.20"), kPhone, kNow, &changes);
  EXPECT_EQ(changes.size(), 3u);  // /24, /16, device
  changes.clear();
  store.Learn(kLogin, Ip("81.17.5.20"), kPhone, kNow + core::kMinute, &changes);
  EXPECT_TRUE(changes.empty());
  store.Learn(kLogin, Ip("81.17.5.20"), kPhone, kNow + 2 * core::kHour, &changes);
  EXPECT_EQ(changes.size(), 3u);
}

TEST(Familiarity, StaysWithinItsLoginBudget) {
  FamiliaritySettings settings;
  settings.max_logins = 1000;
  FamiliarityStore store(settings);
  for (uint64_t login = 0; login < 20'000; ++login) {
    store.Learn(login, Ip("81.17.5.20"), 0, kNow + static_cast<Timestamp>(login), nullptr);
  }
  EXPECT_EQ(store.logins(), 1000u);
  EXPECT_EQ(store.entries(), 2000u);
  EXPECT_EQ(store.evictions(), 19'000u);
}

}  // namespace
}  // namespace coastguard::detect
