#include "counters/recent_set.h"

#include <gtest/gtest.h>

namespace coastguard::counters {
namespace {

constexpr Duration kWindow = core::kHour;
constexpr Timestamp kStart = 1'800'000'000 * core::kSecond;

TEST(RecentSet, CountsDistinctTagsOnce) {
  RecentSet<8> set;
  EXPECT_TRUE(set.Insert(7, kStart, kWindow));
  EXPECT_FALSE(set.Insert(7, kStart + core::kSecond, kWindow));
  EXPECT_TRUE(set.Insert(9, kStart + 2 * core::kSecond, kWindow));
  EXPECT_EQ(set.Count(kStart + 3 * core::kSecond, kWindow), 2u);
}

TEST(RecentSet, CountsOthersLeavingOneTagOut) {
  RecentSet<8> set;
  set.Insert(7, kStart, kWindow);
  set.Insert(9, kStart, kWindow);
  EXPECT_EQ(set.CountOthers(7, kStart, kWindow), 1u);
  EXPECT_EQ(set.CountOthers(5, kStart, kWindow), 2u);
  // An expired tag is no longer among them to leave out.
  set.Insert(5, kStart + 61 * core::kMinute, kWindow);
  EXPECT_EQ(set.CountOthers(7, kStart + 61 * core::kMinute, kWindow), 1u);
  EXPECT_EQ(RecentSet<4>().CountOthers(7, kStart, kWindow), 0u);
}

TEST(RecentSet, ForgetsTagsOlderThanTheWindow) {
  RecentSet<8> set;
  set.Insert(1, kStart, kWindow);
  set.Insert(2, kStart + 30 * core::kMinute, kWindow);
  EXPECT_EQ(set.Count(kStart + 61 * core::kMinute, kWindow), 1u);
  EXPECT_FALSE(set.Contains(1, kStart + 61 * core::kMinute, kWindow));
  // An expired tag seen again counts as new.
  EXPECT_TRUE(set.Insert(1, kStart + 62 * core::kMinute, kWindow));
}

TEST(RecentSet, SaturatesAtCapacityReplacingTheOldest) {
  RecentSet<4> set;
  for (uint32_t tag = 1; tag <= 10; ++tag) set.Insert(tag, kStart + tag * core::kSecond, kWindow);
  EXPECT_EQ(set.Count(kStart + 20 * core::kSecond, kWindow), 4u);
  EXPECT_TRUE(set.Contains(10, kStart + 20 * core::kSecond, kWindow));
  EXPECT_FALSE(set.Contains(1, kStart + 20 * core::kSecond, kWindow));
}

TEST(RecentSet, TagZeroIsAnOrdinaryTag) {
  RecentSet<4> set;
  EXPECT_TRUE(set.Insert(0, kStart, kWindow));
  EXPECT_EQ(set.Count(kStart, kWindow), 1u);
}

TEST(RecentSet, EraseForgetsOneTagAndFreesItsSlot) {
  RecentSet<4> set;
  for (uint32_t tag : {3u, 0u, 5u, 7u}) set.Insert(tag, kStart, kWindow);
  set.Erase(5);
  set.Erase(0);   // the tag 0 too, which is stored as another value
  set.Erase(11);  // never seen: nothing changes
  EXPECT_EQ(set.Count(kStart, kWindow), 2u);
  EXPECT_FALSE(set.Contains(5, kStart, kWindow));
  EXPECT_FALSE(set.Contains(0, kStart, kWindow));
  EXPECT_TRUE(set.Contains(3, kStart, kWindow));
  EXPECT_TRUE(set.Contains(7, kStart, kWindow));
  // The freed slots take new tags before the oldest live one is replaced.
  set.Insert(8, kStart + core::kSecond, kWindow);
  set.Insert(9, kStart + core::kSecond, kWindow);
  EXPECT_EQ(set.Count(kStart + core::kSecond, kWindow), 4u);
  EXPECT_TRUE(set.Contains(3, kStart + core::kSecond, kWindow));
}

}  // namespace
}  // namespace coastguard::counters
