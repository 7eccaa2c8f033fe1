#include "history/timeline.h"

#include <gtest/gtest.h>

#include "core/ip_address.h"

namespace coastguard::history {
namespace {

using core::kMinute;

const core::Timestamp kStart = 1'800'000'000LL * core::kSecond;

core::IpAddress Ip(const char* text) { return *core::IpAddress::Parse(text); }

size_t At(const Timeline& t, core::Timestamp now, size_t minutes, size_t index, Series s) {
  std::vector<uint32_t> column;
  t.ForEachMinute(now, minutes, [&](int64_t, const auto& counts) {
    column.push_back(counts[static_cast<size_t>(s)]);
  });
  return column.at(index);
}

TEST(Timeline, CountsEachVerdictInTheMinuteOfItsTimestamp) {
  Timeline t(60);
  t.Login(kStart, Series::kLoginAllow, Ip("192.0.2.1"), "alice", false);
  t.Login(kStart + 10 * core::kSecond, Series::kLoginReject, Ip("192.0.2.1"), "alice", false);
  t.Login(kStart + kMinute, Series::kLoginReject, Ip("192.0.2.1"), "bob", false);
  t.Count(kStart + kMinute, Series::kMailHold);
  const core::Timestamp now = kStart + kMinute;
  EXPECT_EQ(At(t, now, 2, 0, Series::kLoginAllow), 1u);
  EXPECT_EQ(At(t, now, 2, 0, Series::kLoginReject), 1u);
  EXPECT_EQ(At(t, now, 2, 1, Series::kLoginReject), 1u);
  EXPECT_EQ(At(t, now, 2, 1, Series::kMailHold), 1u);
  EXPECT_EQ(At(t, now, 2, 1, Series::kLoginAllow), 0u);
}

TEST(Timeline, ForgetsMinutesOlderThanItsRing) {
  Timeline t(10);
  t.Count(kStart, Series::kFormHold);
  t.Count(kStart + 10 * kMinute, Series::kFormAccept);  // reuses the first minute's slot
  EXPECT_EQ(At(t, kStart + 10 * kMinute, 10, 9, Series::kFormAccept), 1u);
  EXPECT_EQ(At(t, kStart + 10 * kMinute, 10, 9, Series::kFormHold), 0u);
  // An event from before the ring's reach is dropped, not written over a live minute.
  t.Count(kStart, Series::kFormHold);
  EXPECT_EQ(At(t, kStart + 10 * kMinute, 10, 9, Series::kFormHold), 0u);
}

TEST(Timeline, RecordsOneEpisodePerStretchOfAttackMode) {
  Timeline t(60);
  t.Login(kStart, Series::kLoginAllow, Ip("192.0.2.1"), "a", false);
  t.Login(kStart + kMinute, Series::kLoginReject, Ip("192.0.2.2"), "b", true);
  t.Login(kStart + 2 * kMinute, Series::kLoginReject, Ip("192.0.2.3"), "c", true);
  t.Login(kStart + 3 * kMinute, Series::kLoginAllow, Ip("192.0.2.1"), "a", false);
  t.Login(kStart + 9 * kMinute, Series::kLoginReject, Ip("192.0.2.4"), "d", true);
  ASSERT_EQ(t.episodes().size(), 2u);
  EXPECT_EQ(t.episodes()[0].start, kStart + kMinute);
  EXPECT_EQ(t.episodes()[0].end, kStart + 2 * kMinute);
  EXPECT_EQ(t.episodes()[1].start, kStart + 9 * kMinute);
}

TEST(Timeline, RanksRefusedSourcesPrefixesAndTargetedLogins) {
  Timeline t(60);
  for (int i = 0; i < 5; ++i) t.Login(kStart, Series::kLoginReject, Ip("198.51.100.7"), "x", false);
  for (int i = 0; i < 3; ++i) t.Login(kStart, Series::kLoginReject, Ip("198.51.100.9"), "y", false);
  t.Login(kStart, Series::kLoginReject, Ip("2001:db8::1"), "y", false);
  t.Login(kStart, Series::kLoginAllow, Ip("203.0.113.5"), "z", false);  // not refused: not listed
  t.LoginFailed(kStart, "y");
  const auto sources = t.TopRefusedSources(2);
  ASSERT_EQ(sources.size(), 2u);
  EXPECT_EQ(sources[0].subject, "198.51.100.7");
  EXPECT_EQ(sources[0].count, 5u);
  EXPECT_EQ(sources[1].subject, "198.51.100.9");
  const auto prefixes = t.TopRefusedPrefixes(5);
  ASSERT_EQ(prefixes.size(), 2u);
  EXPECT_EQ(prefixes[0].subject, "198.51.100.0/24");
  EXPECT_EQ(prefixes[0].count, 8u);
  EXPECT_EQ(prefixes[1].subject, "2001:db8::/64");
  const auto logins = t.TopTargetedLogins(5);
  ASSERT_EQ(logins.size(), 2u);
  EXPECT_EQ(logins[0].subject, "x");
  EXPECT_EQ(logins[1].subject, "y");
  EXPECT_EQ(logins[1].count, 5u);  // three refusals, one from v6, one reported failure
}

TEST(Timeline, TopListsCoverTheLastTwoHoursOnly) {
  Timeline t(60);
  t.Login(kStart, Series::kLoginReject, Ip("192.0.2.1"), "old", false);
  t.Login(kStart + core::kHour, Series::kLoginReject, Ip("192.0.2.2"), "recent", false);
  EXPECT_EQ(t.TopRefusedSources(10).size(), 2u);
  t.Login(kStart + 2 * core::kHour, Series::kLoginReject, Ip("192.0.2.3"), "now", false);
  const auto sources = t.TopRefusedSources(10);
  ASSERT_EQ(sources.size(), 2u);
  for (const auto& s : sources) EXPECT_NE(s.subject, "192.0.2.1");
}

TEST(Timeline, StaysBoundedUnderAFloodOfDistinctSources) {
  Timeline t(60);
  for (uint32_t i = 0; i < 50'000; ++i) {
    const core::IpAddress ip = Ip(("10." + std::to_string(i >> 16) + "." +
                                   std::to_string((i >> 8) & 255) + "." + std::to_string(i & 255))
                                      .c_str());
    t.Login(kStart, Series::kLoginReject, ip, "login" + std::to_string(i), false);
  }
  const size_t bytes = t.MemoryBytes();
  for (uint32_t i = 50'000; i < 100'000; ++i) {
    const core::IpAddress ip = Ip(("10." + std::to_string(i >> 16) + "." +
                                   std::to_string((i >> 8) & 255) + "." + std::to_string(i & 255))
                                      .c_str());
    t.Login(kStart, Series::kLoginReject, ip, "login" + std::to_string(i), false);
  }
  EXPECT_LE(t.MemoryBytes(), bytes * 11 / 10);
  EXPECT_LE(t.TopRefusedSources(100'000).size(), 2 * Timeline::kTopCapacity);
}

}  // namespace
}  // namespace coastguard::history
