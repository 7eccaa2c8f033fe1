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

// Logins that roam hold far more than the typical few places: the byte bound, not the
// count, keeps the table within its share, evicting the logins least recently used.
TEST(Familiarity, LoginsWithManyPlacesStayWithinTheByteBound) {
  FamiliaritySettings settings;
  settings.max_logins = 100'000;
  settings.max_bytes = 256 << 10;
  FamiliarityStore store(settings);
  Timestamp t = kNow;
  for (uint64_t login = 1; login <= 2000; ++login) {
    for (int place = 0; place < 40; ++place) {
      const std::string ip = "10." + std::to_string(login % 250) + "." + std::to_string(place) +
                             "." + std::to_string(login / 250);
      store.Learn(login, Ip(ip.c_str()), 0, t += core::kSecond, nullptr);
    }
  }
  EXPECT_LE(store.MemoryBytes(), settings.max_bytes);
  EXPECT_GT(store.evictions(), 0u);
  EXPECT_LT(store.logins(), 2000u);
  // The most recent login keeps what it learned.
  EXPECT_EQ(store.Lookup(2000, Ip("10.0.39.8"), 0, t), Familiarity::kPrefix);
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
  // Eight places at most, and on top of them the last eight addresses, which never push a place
  // out.
  EXPECT_EQ(store.Find(kLogin)->Places(), 8u);
  EXPECT_EQ(store.Find(kLogin)->sources.size(), 16u);
}

TEST(Familiarity, ReportsChangesOncePerRefreshPeriod) {
  FamiliarityStore store({});
  std::vector<FamiliarityStore::Change> changes;
  store.Learn(kLogin, Ip("81.17.5.20"), kPhone, kNow, &changes);
  EXPECT_EQ(changes.size(), 5u);  // /24, /16, device, the habit of sending an id, the address
  changes.clear();
  store.Learn(kLogin, Ip("81.17.5.20"), kPhone, kNow + core::kMinute, &changes);
  EXPECT_TRUE(changes.empty());
  store.Learn(kLogin, Ip("81.17.5.20"), kPhone, kNow + 2 * core::kHour, &changes);
  EXPECT_EQ(changes.size(), 5u);
}

TEST(Familiarity, StaysWithinItsLoginBudget) {
  FamiliaritySettings settings;
  settings.max_logins = 1000;
  FamiliarityStore store(settings);
  for (uint64_t login = 0; login < 20'000; ++login) {
    store.Learn(login, Ip("81.17.5.20"), 0, kNow + static_cast<Timestamp>(login), nullptr);
  }
  EXPECT_EQ(store.logins(), 1000u);
  EXPECT_EQ(store.entries(), 4000u);  // /24, /16, the habit and the address of each
  EXPECT_EQ(store.evictions(), 19'000u);
}

using Digests = FamiliarityStore::SourceDigests;

Digests Where(const char* ip, uint64_t device, core::Protocol protocol = core::Protocol::kImap) {
  return Digests::Of(Ip(ip), device, protocol);
}

TEST(Familiarity, ALoginThatAlwaysIdentifiesIsContradictedByAClientWithoutAnId) {
  FamiliarityStore store({});
  // The phone identified itself on IMAP in two separate hours.
  store.Learn(kLogin, Where("37.120.1.1", kPhone), kNow, nullptr);
  EXPECT_EQ(store.Recognize(kLogin, Where("8.8.8.8", 0), kNow).device, DeviceView::kNoInfo);
  store.Learn(kLogin, Where("37.120.2.1", kPhone), kNow + 2 * core::kHour, nullptr);
  const Timestamp later = kNow + 3 * core::kHour;
  EXPECT_EQ(store.Recognize(kLogin, Where("8.8.8.8", 0), later).device, DeviceView::kMissing);
  EXPECT_EQ(store.Recognize(kLogin, Where("8.8.8.8", kPhone + 1), later).device, DeviceView::kNew);
  EXPECT_EQ(store.Recognize(kLogin, Where("8.8.8.8", kPhone), later).device, DeviceView::kMatch);
  // Habits are per protocol: SMTP AUTH never carries an IMAP ID.
  EXPECT_EQ(store.Recognize(kLogin, Where("8.8.8.8", 0, core::Protocol::kSmtp), later).device,
            DeviceView::kNoInfo);
  // A second client that sends no id, seen succeed once, is the login's own habit too.
  store.Learn(kLogin, Where("81.17.5.20", 0), later, nullptr);
  EXPECT_EQ(store.Recognize(kLogin, Where("8.8.8.8", 0), later).device, DeviceView::kNoInfo);
  EXPECT_EQ(store.Recognize(kLogin, Where("8.8.8.8", kPhone + 1), later).device, DeviceView::kNew);
}

TEST(Familiarity, TheOwnersDeviceInTheOwnersPoolIsAsGoodAsTheOwnersPrefix) {
  FamiliarityStore store({});
  store.Learn(kLogin, Where("37.120.1.1", kPhone), kNow, nullptr);
  // One success in the carrier's /16 is not roaming there...
  EXPECT_EQ(store.Lookup(kLogin, Where("37.120.99.9", 0), kNow), Familiarity::kNone);
  EXPECT_EQ(store.Lookup(kLogin, Where("91.1.1.1", kPhone), kNow), Familiarity::kDevice);
  // ...but the same phone at a new address in that pool is its owner.
  EXPECT_EQ(store.Lookup(kLogin, Where("37.120.99.9", kPhone), kNow), Familiarity::kPrefix);
}

TEST(Familiarity, KnowsTheLastEightAddressesALoginUsedThemselves) {
  FamiliarityStore store({});
  const auto recent = [&](const char* ip, Timestamp at) {
    return store.Recognize(kLogin, Where(ip, 0), at).recent_address;
  };
  Timestamp t = kNow;
  store.Learn(kLogin, Where("81.17.5.9", 0), t, nullptr);  // the office
  EXPECT_TRUE(recent("81.17.5.9", t));
  EXPECT_FALSE(recent("81.17.5.10", t));  // its /24 is familiar, the neighbour's address is not
  EXPECT_EQ(store.Lookup(kLogin, Where("81.17.5.10", 0), t), Familiarity::kPrefix);
  EXPECT_FALSE(store.Recognize(kLogin + 1, Where("81.17.5.9", 0), t).recent_address);
  // A phone polling from one address all day takes one place among them.
  for (int i = 0; i < 20; ++i) store.Learn(kLogin, Where("37.120.9.9", kPhone), t, nullptr);
  EXPECT_TRUE(recent("81.17.5.9", t));
  EXPECT_TRUE(recent("37.120.9.9", t));
  // The phone takes six carrier addresses more; the office is still among the last eight.
  for (int i = 0; i < 6; ++i) {
    store.Learn(kLogin, Where(("37.120.5." + std::to_string(i)).c_str(), kPhone),
                t += core::kMinute, nullptr);
  }
  EXPECT_TRUE(recent("81.17.5.9", t));
  // Seen again, the office moves to the front and outlasts seven more of the phone's.
  store.Learn(kLogin, Where("81.17.5.9", 0), t += core::kMinute, nullptr);
  for (int i = 7; i < 14; ++i) {
    store.Learn(kLogin, Where(("37.120.5." + std::to_string(i)).c_str(), kPhone),
                t += core::kMinute, nullptr);
  }
  EXPECT_TRUE(recent("81.17.5.9", t));
  EXPECT_TRUE(recent("37.120.5.7", t));
  EXPECT_FALSE(recent("37.120.5.5", t));  // the ninth most recent is gone
  // The eighth: one more address and the office goes too.
  store.Learn(kLogin, Where("37.120.5.14", kPhone), t += core::kMinute, nullptr);
  EXPECT_FALSE(recent("81.17.5.9", t));
  // Seen again from the middle of the eight, an address is the most recent once more.
  store.Learn(kLogin, Where("37.120.5.10", kPhone), t += core::kMinute, nullptr);
  for (int i = 15; i < 22; ++i) {
    store.Learn(kLogin, Where(("37.120.5." + std::to_string(i)).c_str(), kPhone),
                t += core::kMinute, nullptr);
  }
  EXPECT_TRUE(recent("37.120.5.10", t));
  EXPECT_FALSE(recent("37.120.5.14", t));
  // Nothing is recent for a login whose places all aged out.
  EXPECT_FALSE(recent("37.120.5.21", t + 61 * core::kDay));
}

TEST(Familiarity, RecentAddressesSurviveARestartEightAtMost) {
  FamiliarityStore store({});
  std::vector<FamiliarityStore::Change> journal;
  Timestamp t = kNow;
  for (int i = 0; i < 12; ++i) {
    store.Learn(kLogin, Where(("37.120.5." + std::to_string(i)).c_str(), kPhone),
                t += core::kMinute, &journal);
  }
  FamiliarityStore restored({});
  for (const auto& change : journal) restored.Restore(change.login, change.source);
  for (int i = 0; i < 12; ++i) {
    const std::string ip = "37.120.5." + std::to_string(i);
    EXPECT_EQ(restored.Recognize(kLogin, Where(ip.c_str(), 0), t).recent_address, i >= 4) << ip;
  }
  // The places and the device are all there besides the eight addresses.
  EXPECT_EQ(restored.Find(kLogin)->sources.size(), store.Find(kLogin)->sources.size());
  EXPECT_EQ(restored.Lookup(kLogin, Where("37.120.5.99", 0), t), Familiarity::kPrefix);
  EXPECT_EQ(restored.Recognize(kLogin, Where("8.8.8.8", kPhone), t).device, DeviceView::kMatch);
}

// An address the login comes back to after a pause (the office's NAT, the next morning) has
// settled there; one a phone polls from all afternoon, or passed through once, has not.
TEST(Familiarity, AnAddressReturnedToAfterAPauseIsSettled) {
  FamiliarityStore store({});
  std::vector<FamiliarityStore::Change> journal;
  const auto settled = [&](const FamiliarityStore& s, const char* ip, Timestamp at) {
    return s.Recognize(kLogin, Where(ip, 0), at).settled_address;
  };
  Timestamp t = kNow;
  // A phone polling one carrier address every ten minutes for eight hours.
  for (int i = 0; i < 48; ++i) {
    store.Learn(kLogin, Where("37.120.9.9", kPhone), t += 10 * core::kMinute, &journal);
  }
  EXPECT_TRUE(store.Recognize(kLogin, Where("37.120.9.9", 0), t).recent_address);
  EXPECT_FALSE(settled(store, "37.120.9.9", t));
  // The office, one morning; back the next morning: settled. The neighbour's address is not.
  store.Learn(kLogin, Where("81.17.5.9", 0), t, &journal);
  EXPECT_FALSE(settled(store, "81.17.5.9", t));
  store.Learn(kLogin, Where("81.17.5.9", 0), t += FamiliarityStore::kSettledAfter - core::kMinute,
              &journal);
  EXPECT_FALSE(settled(store, "81.17.5.9", t));  // a pause shorter than kSettledAfter
  store.Learn(kLogin, Where("81.17.5.9", 0), t += FamiliarityStore::kSettledAfter, &journal);
  EXPECT_TRUE(settled(store, "81.17.5.9", t));
  EXPECT_FALSE(settled(store, "81.17.5.10", t));
  EXPECT_FALSE(store.Recognize(kLogin + 1, Where("81.17.5.9", 0), t).settled_address);
  // It is a source of the login's: it survives a restart and ages out with the TTL.
  FamiliarityStore restored({});
  for (const auto& change : journal) restored.Restore(change.login, change.source);
  EXPECT_TRUE(settled(restored, "81.17.5.9", t));
  EXPECT_FALSE(settled(store, "81.17.5.9", t + 61 * core::kDay));
}

}  // namespace
}  // namespace coastguard::detect
