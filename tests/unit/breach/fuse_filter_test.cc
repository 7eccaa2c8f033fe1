#include "breach/fuse_filter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace coastguard::breach {
namespace {

std::vector<uint64_t> RandomKeys(size_t n, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<uint64_t> keys(n);
  for (uint64_t& key : keys) key = random();
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

TEST(FuseFilter, ContainsEveryKeyItWasBuiltFrom) {
  FuseBuilder builder;
  for (const size_t n : {0, 1, 2, 3, 10, 1000, 100000}) {
    const std::vector<uint64_t> keys = RandomKeys(n, n + 1);
    FuseLayout layout;
    std::vector<uint8_t> fingerprints;
    ASSERT_TRUE(builder.Build(keys, 7, &layout, &fingerprints)) << n;
    for (const uint64_t key : keys) ASSERT_TRUE(FuseContains(layout, fingerprints.data(), key));
  }
}

TEST(FuseFilter, FalsePositivesNearOneIn256AtAboutNineBitsPerKey) {
  const std::vector<uint64_t> keys = RandomKeys(1'000'000, 11);
  FuseBuilder builder;
  FuseLayout layout;
  std::vector<uint8_t> fingerprints;
  ASSERT_TRUE(builder.Build(keys, 3, &layout, &fingerprints));
  const double bits_per_key =
      8.0 * static_cast<double>(fingerprints.size()) / static_cast<double>(keys.size());
  EXPECT_LT(bits_per_key, 9.1);
  std::mt19937_64 others(99);
  size_t positives = 0;
  constexpr size_t kProbes = 1'000'000;
  for (size_t i = 0; i < kProbes; ++i) {
    const uint64_t key = others();
    if (!std::binary_search(keys.begin(), keys.end(), key) &&
        FuseContains(layout, fingerprints.data(), key)) {
      ++positives;
    }
  }
  // 1/256 = 0.39 %; a million probes put the rate within a few hundredths of a percent.
  const double rate = static_cast<double>(positives) / kProbes;
  EXPECT_GT(rate, 0.0030);
  EXPECT_LT(rate, 0.0048);
}

TEST(FuseFilter, DuplicateKeysFailInsteadOfLooping) {
  FuseBuilder builder;
  FuseLayout layout;
  std::vector<uint8_t> fingerprints;
  const std::vector<uint64_t> keys = {5, 5, 9};
  EXPECT_FALSE(builder.Build(keys, 1, &layout, &fingerprints));
}

}  // namespace
}  // namespace coastguard::breach
