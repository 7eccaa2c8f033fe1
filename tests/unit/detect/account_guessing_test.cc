#include "detect/account_guessing.h"

#include <gtest/gtest.h>

namespace coastguard::detect {
namespace {

constexpr Timestamp kNow = 1'800'000'000 * core::kSecond;

TEST(AccountGuessing, ManyWrongPasswordsFromOneNetworkIsNotDistributed) {
  AccountGuessing detector({}, {});
  LoginActivity login;
  for (uint32_t t = 1; t <= 12; ++t) login.wrong_pwhashes.Insert(t, kNow, core::kHour);
  login.failing_sources.Insert(77, kNow, core::kHour);
  EXPECT_FALSE(detector.ShouldBlock(login, kNow));
}

TEST(AccountGuessing, ManyWrongPasswordsFromSeveralNetworksCloseTheAccountToStrangers) {
  AccountGuessing detector({}, {});
  LoginActivity login;
  for (uint32_t t = 1; t <= 8; ++t) {
    login.wrong_pwhashes.Insert(t, kNow, core::kHour);
    login.failing_sources.Insert(100 + t, kNow, core::kHour);
  }
  EXPECT_TRUE(detector.ShouldBlock(login, kNow));
}

TEST(AccountGuessing, AFewTyposFromAFewPlacesAreFine) {
  AccountGuessing detector({}, {});
  LoginActivity login;
  for (uint32_t t = 1; t <= 4; ++t) {
    login.wrong_pwhashes.Insert(t, kNow, core::kHour);
    login.failing_sources.Insert(100 + t, kNow, core::kHour);
  }
  EXPECT_FALSE(detector.ShouldBlock(login, kNow));
}

}  // namespace
}  // namespace coastguard::detect
