#include "detect/brute_force.h"

#include <gtest/gtest.h>

namespace coastguard::detect {
namespace {

constexpr Timestamp kNow = 1'800'000'000 * core::kSecond;

TEST(BruteForce, AStaleDeviceRepeatingOnePasswordIsNeverDelayedOrBlocked) {
  BruteForce detector({}, {});
  PairActivity pair;
  for (int i = 0; i < 50; ++i)
    pair.wrong_pwhashes.Insert(0xabc, kNow + i * core::kMinute, core::kHour);
  EXPECT_EQ(detector.DelayMs(pair, kNow + 50 * core::kMinute), 0u);
  EXPECT_FALSE(detector.ShouldBlock(pair, kNow + 50 * core::kMinute));
}

TEST(BruteForce, DelaysFromTheThirdWrongPasswordDoublingUpToTheCap) {
  BruteForce detector({}, {});
  PairActivity pair;
  pair.wrong_pwhashes.Insert(1, kNow, core::kHour);
  pair.wrong_pwhashes.Insert(2, kNow, core::kHour);
  EXPECT_EQ(detector.DelayMs(pair, kNow), 0u);  // two typos are free
  pair.wrong_pwhashes.Insert(3, kNow, core::kHour);
  EXPECT_EQ(detector.DelayMs(pair, kNow), 1000u);
  pair.wrong_pwhashes.Insert(4, kNow, core::kHour);
  EXPECT_EQ(detector.DelayMs(pair, kNow), 2000u);
  for (uint32_t t = 5; t < 8; ++t) pair.wrong_pwhashes.Insert(t, kNow, core::kHour);
  EXPECT_EQ(detector.DelayMs(pair, kNow), 8000u);
}

TEST(BruteForce, BlocksAtTheConfiguredNumberOfDistinctWrongPasswords) {
  BruteForce detector({}, {});
  PairActivity pair;
  for (uint32_t t = 1; t <= 5; ++t) pair.wrong_pwhashes.Insert(t, kNow, core::kHour);
  EXPECT_FALSE(detector.ShouldBlock(pair, kNow));
  pair.wrong_pwhashes.Insert(6, kNow, core::kHour);
  EXPECT_TRUE(detector.ShouldBlock(pair, kNow));
  // An hour later the guesses have aged out.
  EXPECT_FALSE(detector.ShouldBlock(pair, kNow + core::kHour + core::kSecond));
}

}  // namespace
}  // namespace coastguard::detect
