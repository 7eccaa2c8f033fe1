#include "firewall/drop_set.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace coastguard::firewall {
namespace {

constexpr core::Timestamp kNow = 1'000 * core::kSecond;

core::Cidr Net(std::string_view text) { return *core::Cidr::Parse(text); }
std::string K(std::string_view text) { return Net(text).ToString(); }

// What the kernel's set holds after applying `changes` to `set`, checking that no change would
// be refused (adding an overlap, deleting what is not there).
void Apply(const std::vector<Change>& changes, std::map<std::string, core::Duration>& set) {
  for (const Change& c : changes) {
    const std::string key = c.network.ToString();
    if (c.kind == Change::Kind::kDelete) {
      ASSERT_EQ(set.erase(key), 1u) << "delete of absent " << key;
      continue;
    }
    for (const auto& [other, timeout] : set) {
      const core::Cidr o = Net(other);
      ASSERT_FALSE(o.Contains(c.network.base) || c.network.Contains(o.base))
          << key << " overlaps " << other;
    }
    set[key] = c.timeout;
  }
}

TEST(DropSet, InstallsOnlyTheWidestOfNestedNetworksAndTheNarrowerWhenItGoes) {
  DropSet drops(100);
  std::map<std::string, core::Duration> kernel;
  std::vector<Change> changes;
  drops.Put(Net("203.0.113.7"), kNow + core::kHour, kNow, &changes);
  drops.Put(Net("203.0.113.0/24"), kNow + core::kMinute, kNow, &changes);
  Apply(changes, kernel);
  EXPECT_EQ(kernel.size(), 1u);
  EXPECT_EQ(kernel.count(K("203.0.113.0/24")), 1u);
  EXPECT_EQ(kernel[K("203.0.113.0/24")], core::kMinute);
  // A narrower block while the wider one holds: nothing to add.
  changes.clear();
  drops.Put(Net("203.0.113.9"), kNow + core::kHour, kNow, &changes);
  EXPECT_TRUE(changes.empty());
  // The /24 expires in the kernel by itself; the addresses that outlive it go in.
  kernel.erase(K("203.0.113.0/24"));
  changes.clear();
  // Not while the kernel may still hold it (its timeout started when it was applied)...
  drops.Expire(kNow + core::kMinute, &changes);
  EXPECT_TRUE(changes.empty());
  // ...but once it surely does not.
  drops.Expire(kNow + core::kMinute + 2 * core::kSecond, &changes);
  Apply(changes, kernel);
  EXPECT_EQ(kernel.size(), 2u);
  EXPECT_EQ(kernel.count(K("203.0.113.7")), 1u);
  EXPECT_EQ(kernel[K("203.0.113.7")], core::kHour - core::kMinute - 2 * core::kSecond);
  EXPECT_EQ(drops.installed(), 2u);
}

TEST(DropSet, RemovingAWideNetworkUncoversTheNarrowerOnesStillBlocked) {
  DropSet drops(100);
  std::map<std::string, core::Duration> kernel;
  std::vector<Change> changes;
  drops.Put(Net("2001:db8::/48"), kNow + core::kHour, kNow, &changes);
  drops.Put(Net("2001:db8::5"), kNow + core::kHour, kNow, &changes);
  drops.Put(Net("2001:db8:0:1::/64"), kNow + core::kHour, kNow, &changes);
  drops.Put(Net("2001:db8:0:1::9"), kNow + core::kHour, kNow, &changes);
  Apply(changes, kernel);
  EXPECT_EQ(kernel.size(), 1u);
  changes.clear();
  drops.Remove(Net("2001:db8::/48"), kNow, &changes);
  Apply(changes, kernel);
  // The /64 hides its address; the other address stands alone.
  EXPECT_EQ(kernel.size(), 2u);
  EXPECT_EQ(kernel.count(K("2001:db8:0:1::/64")), 1u);
  EXPECT_EQ(kernel.count(K("2001:db8::5")), 1u);
}

TEST(DropSet, TheLongestOfTheBlocksHoldingANetworkWins) {
  DropSet drops(100);
  std::vector<Change> changes;
  drops.Put(Net("198.51.100.7"), kNow + core::kDay, kNow, &changes);
  changes.clear();
  drops.Put(Net("198.51.100.7"), kNow + core::kMinute, kNow, &changes);
  EXPECT_TRUE(changes.empty());
}

TEST(DropSet, ALongerBlockReplacesTheElementAndAWiderOneEvictsTheNarrower) {
  DropSet drops(100);
  std::map<std::string, core::Duration> kernel;
  std::vector<Change> changes;
  drops.Put(Net("198.51.100.7"), kNow + core::kMinute, kNow, &changes);
  drops.Put(Net("198.51.100.7"), kNow + core::kHour, kNow, &changes);
  Apply(changes, kernel);
  EXPECT_EQ(kernel[K("198.51.100.7")], core::kHour);
  changes.clear();
  drops.Put(Net("198.51.100.0/24"), kNow + core::kDay, kNow, &changes);
  Apply(changes, kernel);
  EXPECT_EQ(kernel.size(), 1u);
  EXPECT_EQ(kernel.count(K("198.51.100.0/24")), 1u);
}

TEST(DropSet, RefusesNewNetworksWhenFullAndMakesRoomFromWhatExpired) {
  DropSet drops(2);
  std::vector<Change> changes;
  EXPECT_TRUE(drops.Put(Net("192.0.2.1"), kNow + core::kSecond, kNow, &changes));
  EXPECT_TRUE(drops.Put(Net("192.0.2.2"), kNow + core::kHour, kNow, &changes));
  EXPECT_FALSE(drops.Put(Net("192.0.2.3"), kNow + core::kHour, kNow, &changes));
  EXPECT_EQ(drops.refused(), 1u);
  // Room comes once the expired block is surely out of the kernel too.
  EXPECT_TRUE(drops.Put(Net("192.0.2.3"), kNow + core::kHour, kNow + 4 * core::kSecond, &changes));
  EXPECT_EQ(drops.size(), 2u);
}

}  // namespace
}  // namespace coastguard::firewall
