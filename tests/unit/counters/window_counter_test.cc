#include "counters/window_counter.h"

#include <gtest/gtest.h>

namespace coastguard::counters {
namespace {

constexpr Duration kWindow = core::kMinute;
constexpr Timestamp kStart = 1'800'000'000 * core::kSecond;  // a bucket boundary (multiple of 60 s)

TEST(WindowCounter, CountsHitsInsideTheWindowExactlyAtBucketBoundaries) {
  WindowCounter c;
  c.Add(kStart, kWindow);
  c.Add(kStart + 10 * core::kSecond, kWindow, 2);
  EXPECT_DOUBLE_EQ(c.Estimate(kStart + 30 * core::kSecond, kWindow), 3.0);
}

TEST(WindowCounter, WeightsThePreviousBucketByItsOverlap) {
  WindowCounter c;
  c.Add(kStart, kWindow, 10);
  // A quarter into the next bucket, three quarters of the previous one still overlap.
  EXPECT_DOUBLE_EQ(c.Estimate(kStart + kWindow + 15 * core::kSecond, kWindow), 7.5);
}

TEST(WindowCounter, ForgetsHitsOlderThanTheWindow) {
  WindowCounter c;
  c.Add(kStart, kWindow, 5);
  EXPECT_DOUBLE_EQ(c.Estimate(kStart + 2 * kWindow, kWindow), 0.0);
  EXPECT_TRUE(c.Empty(kStart + 2 * kWindow, kWindow));
  c.Add(kStart + 3 * kWindow, kWindow);
  EXPECT_DOUBLE_EQ(c.Estimate(kStart + 3 * kWindow, kWindow), 1.0);
}

TEST(WindowCounter, SaturatesInsteadOfWrapping) {
  WindowCounter c;
  c.Add(kStart, kWindow, UINT32_MAX - 1);
  c.Add(kStart, kWindow, 10);
  EXPECT_DOUBLE_EQ(c.Estimate(kStart, kWindow), static_cast<double>(UINT32_MAX));
}

TEST(WindowCounter, AHitFromBeforeTheLatestCountsAsTheLatest) {
  WindowCounter c;
  c.Add(kStart + kWindow, kWindow, 3);
  c.Add(kStart, kWindow, 1);  // the clock went back (or events came out of order)
  // Both are in the window seen from the latest time, and from the earlier one.
  EXPECT_DOUBLE_EQ(c.Estimate(kStart + kWindow, kWindow), 4.0);
  EXPECT_DOUBLE_EQ(c.Estimate(kStart, kWindow), 4.0);
}

}  // namespace
}  // namespace coastguard::counters
