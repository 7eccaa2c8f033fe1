#include "detect/compromise.h"

#include <gtest/gtest.h>

namespace coastguard::detect {
namespace {

constexpr Timestamp kNow = 1'800'000'000 * core::kSecond;

// A stranger's success on an account whose wrong passwords came from three networks.
class DistributedFailuresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (uint32_t network = 1; network <= 3; ++network) {
      login_.failing_sources.Insert(network, kNow - core::kMinute, windows_.short_window);
    }
    success_.familiarity = Familiarity::kNone;
    success_.login = &login_;
  }
  bool Flagged() const {
    return (compromise_.Flags(success_, kNow) & LoginEvidence::kAfterDistributedFailures) != 0;
  }

  Windows windows_;
  Compromise compromise_{CompromiseSettings{}, windows_};
  LoginActivity login_;
  UnfamiliarSuccess success_;
};

TEST_F(DistributedFailuresTest, OnAnAccountWithAUsualPlaceTheNetworksAreEnough) {
  success_.account_known = true;
  EXPECT_TRUE(Flagged());
}

TEST_F(DistributedFailuresTest, OnAnAccountWithoutOneTheyAreBackgroundNoise) {
  success_.account_known = false;
  EXPECT_FALSE(Flagged());
}

TEST_F(DistributedFailuresTest, UnlessTheAccountGuessingDetectorClosedIt) {
  success_.account_known = false;
  success_.account_guessed = true;
  EXPECT_TRUE(Flagged());
}

TEST_F(DistributedFailuresTest, AFamiliarPlaceIsNeverTheEndOfAGuessingRun) {
  success_.account_known = true;
  success_.account_guessed = true;
  success_.familiarity = Familiarity::kWidePrefix;
  EXPECT_FALSE(Flagged());
}

}  // namespace
}  // namespace coastguard::detect
