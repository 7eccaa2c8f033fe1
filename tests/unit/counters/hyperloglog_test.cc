#include "counters/hyperloglog.h"

#include <gtest/gtest.h>

#include "core/digest.h"

namespace coastguard::counters {
namespace {

uint64_t Item(uint64_t i) { return core::Mix64(i, 42); }

TEST(HyperLogLog, SmallCountsAreNearlyExact) {
  HyperLogLog h;
  for (uint64_t i = 0; i < 100; ++i) h.Add(Item(i));
  EXPECT_NEAR(h.Estimate(), 100.0, 3.0);
}

TEST(HyperLogLog, LargeCountsStayWithinFourStandardErrors) {
  HyperLogLog h;
  for (uint64_t i = 0; i < 200'000; ++i) h.Add(Item(i));
  EXPECT_NEAR(h.Estimate(), 200'000.0, 200'000.0 * 0.065);
}

TEST(HyperLogLog, DuplicatesDoNotCount) {
  HyperLogLog h;
  for (int round = 0; round < 10; ++round) {
    for (uint64_t i = 0; i < 1000; ++i) h.Add(Item(i));
  }
  EXPECT_NEAR(h.Estimate(), 1000.0, 50.0);
}

TEST(HyperLogLog, MergeIsTheUnion) {
  HyperLogLog a, b;
  for (uint64_t i = 0; i < 5000; ++i) a.Add(Item(i));
  for (uint64_t i = 2500; i < 7500; ++i) b.Add(Item(i));
  a.Merge(b);
  EXPECT_NEAR(a.Estimate(), 7500.0, 7500.0 * 0.065);
}

}  // namespace
}  // namespace coastguard::counters
