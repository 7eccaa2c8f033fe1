#include "detect/service_attack.h"

#include <gtest/gtest.h>

namespace coastguard::detect {
namespace {

constexpr Timestamp kStart = 1'800'000'000 * core::kSecond;

// Thresholds of a service whose baseline is taken as known from the start (warm-up is tested
// on its own).
ServiceAttackThresholds Warm() {
  ServiceAttackThresholds t;
  t.warmup = 0;
  return t;
}

// Spreads `n` unfamiliar failures evenly over the five-minute interval starting at `t`.
void Failures(ServiceAttack& s, Timestamp t, int n, bool unknown = false) {
  for (int i = 0; i < n; ++i)
    s.OnUnfamiliarFailure(unknown, static_cast<uint64_t>(i) * 0x9e3779b97f4a7c15ULL,
                          t + i * (5 * core::kMinute) / n);
}

// Two calm hours at 2 failures per interval; returns when they end.
Timestamp Calm(ServiceAttack& s) {
  Timestamp t = kStart;
  for (int interval = 0; interval < 24; ++interval, t += 5 * core::kMinute) Failures(s, t, 2);
  return t;
}

// A siege of 100 failures per interval, with the 60 refused attempts each interval brings, from
// `from` until `until`; returns when it stopped.
Timestamp Siege(ServiceAttack& s, Timestamp from, Timestamp until) {
  Timestamp t = from;
  for (; t < until; t += 5 * core::kMinute) {
    Failures(s, t, 100);
    for (int i = 0; i < 60; ++i) s.OnUnfamiliarAttempt(t + i * 5 * core::kSecond);
  }
  return t;
}

TEST(ServiceAttack, StaysCalmAtItsUsualRate) {
  ServiceAttack s(Warm());
  for (int interval = 0; interval < 48; ++interval) {
    Failures(s, kStart + interval * 5 * core::kMinute, 8);
  }
  EXPECT_FALSE(s.UnderAttack(kStart + 48 * 5 * core::kMinute));
  EXPECT_NEAR(s.unfamiliar_baseline(), 8.0, 0.5);
  EXPECT_EQ(s.attacks_started(), 0u);
}

TEST(ServiceAttack, NoticesASpikeFarAboveTheBaseline) {
  ServiceAttack s(Warm());
  Timestamp t = kStart;
  for (int interval = 0; interval < 24; ++interval, t += 5 * core::kMinute) Failures(s, t, 5);
  Failures(s, t, 60);
  EXPECT_TRUE(s.UnderAttack(t + 5 * core::kMinute));
  EXPECT_EQ(s.attacks_started(), 1u);
}

TEST(ServiceAttack, EstimatesHowManySourcesAreFailing) {
  ServiceAttack s(Warm());
  Failures(s, kStart, 300);
  EXPECT_NEAR(s.distinct_failing_sources(), 300.0, 15.0);
}

TEST(ServiceAttack, UnknownUsersAloneAreEnough) {
  ServiceAttack s(Warm());
  Failures(s, kStart, 10, /*unknown=*/true);
  EXPECT_TRUE(s.UnderAttack(kStart + 5 * core::kMinute));
}

TEST(ServiceAttack, HoldsWhileRefusedAttemptsKeepComingThenEnds) {
  ServiceAttack s(Warm());
  Failures(s, kStart, 60);
  ASSERT_TRUE(s.UnderAttack(kStart + 5 * core::kMinute));
  // Refused attempts never reach a report; their volume keeps the episode going...
  Timestamp t = kStart + 5 * core::kMinute;
  for (; t < kStart + core::kHour; t += 5 * core::kSecond) s.OnUnfamiliarAttempt(t);
  EXPECT_TRUE(s.UnderAttack(t));
  // ...and when they stop, the episode ends after the hold.
  EXPECT_FALSE(s.UnderAttack(t + 31 * core::kMinute));
  ASSERT_EQ(s.episodes().size(), 1u);
  EXPECT_GE(s.episodes()[0].start, kStart);
  EXPECT_LT(s.episodes()[0].start, kStart + 5 * core::kMinute);
}

TEST(ServiceAttack, TheAttackDoesNotBecomeTheNewBaselineByDefault) {
  ServiceAttack s(Warm());
  Timestamp t = kStart;
  for (int interval = 0; interval < 24; ++interval, t += 5 * core::kMinute) Failures(s, t, 2);
  const double before = s.unfamiliar_baseline();
  for (int interval = 0; interval < 24; ++interval, t += 5 * core::kMinute) Failures(s, t, 100);
  EXPECT_NEAR(s.unfamiliar_baseline(), before, 0.01);
}

TEST(ServiceAttack, LearningUnderAttackMovesTheBaselineSlowly) {
  ServiceAttackThresholds learning = Warm();
  learning.learn_under_attack = 0.25;
  ServiceAttack s(learning);
  Timestamp t = kStart;
  for (int interval = 0; interval < 24; ++interval, t += 5 * core::kMinute) Failures(s, t, 2);
  const double before = s.unfamiliar_baseline();
  for (int interval = 0; interval < 12; ++interval, t += 5 * core::kMinute) Failures(s, t, 100);
  EXPECT_TRUE(s.UnderAttack(t));
  // An hour of attack teaches at a quarter of the calm weight: still far below its level.
  EXPECT_GT(s.unfamiliar_baseline(), before);
  EXPECT_LT(s.unfamiliar_baseline(), 100.0 / 4);
}

TEST(ServiceAttack, AnEpisodeEndsAtItsMaxLengthAndTheSiegeBecomesTheNormal) {
  ServiceAttackThresholds limits = Warm();
  limits.learn_under_attack = 0;  // the cap alone
  limits.max_length = 2 * core::kHour;
  ServiceAttack s(limits);
  const Timestamp siege = Calm(s);
  Timestamp t = Siege(s, siege, siege + 100 * core::kMinute);
  EXPECT_TRUE(s.UnderAttack(t));
  // The same siege goes on for five hours in all.
  t = Siege(s, t, siege + 5 * core::kHour);
  EXPECT_FALSE(s.UnderAttack(t));
  EXPECT_EQ(s.attacks_started(), 1u);  // not started again by the same volume
  ASSERT_EQ(s.episodes().size(), 1u);
  EXPECT_LE(s.episodes()[0].end - s.episodes()[0].start, 2 * core::kHour);
  EXPECT_GT(s.unfamiliar_baseline(), 50.0);
  // A surge far above the siege's level is an attack again.
  Failures(s, t, 800);
  EXPECT_TRUE(s.UnderAttack(t + 5 * core::kMinute));
  EXPECT_EQ(s.attacks_started(), 2u);
}

TEST(ServiceAttack, ASiegeTheBaselineLearnsEndsOnItsOwnBeforeTheCap) {
  ServiceAttackThresholds limits = Warm();
  limits.max_length = 1000 * core::kDay;  // learning alone
  limits.learn_under_attack = 0.25;
  ServiceAttack s(limits);
  const Timestamp siege = Calm(s);
  const Timestamp t = Siege(s, siege, siege + 8 * core::kHour);
  EXPECT_FALSE(s.UnderAttack(t));
  ASSERT_FALSE(s.episodes().empty());
  EXPECT_LT(s.episodes().back().end - s.episodes()[0].start, 6 * core::kHour);
}

TEST(ServiceAttack, AFreshInstallLearnsItsNormalBeforeItCallsAnAttack) {
  ServiceAttack s({});
  // Attack-level failures from the very first minute: nothing to compare them with yet, and
  // refusing every user the guard has not met would refuse them all.
  Timestamp t = kStart;
  for (; t < kStart + 2 * core::kHour; t += 5 * core::kMinute) Failures(s, t, 60);
  EXPECT_FALSE(s.UnderAttack(t));
  EXPECT_EQ(s.attacks_started(), 0u);
  EXPECT_GT(s.unfamiliar_baseline(), 30.0);
  // Far above what it learned, it is an attack.
  Failures(s, t, 400);
  EXPECT_TRUE(s.UnderAttack(t + 5 * core::kMinute));
}

}  // namespace
}  // namespace coastguard::detect
