#include "breach/breached_logins.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace coastguard::breach {
namespace {

constexpr core::Timestamp kNow = 1'800'000'000 * core::kSecond;

TEST(BreachedLogins, MarksCountsAndClearsWhenThePasswordChanges) {
  BreachedLogins logins(100, 1);
  const auto first = logins.Report("alice@example.com", "192.0.2.1", "imap", true, 42, kNow);
  ASSERT_NE(first.entry, nullptr);
  EXPECT_TRUE(first.first);
  const auto again = logins.Report("alice@example.com", "192.0.2.2", "pop3", true, 43, kNow + 1);
  EXPECT_FALSE(again.first);
  EXPECT_EQ(again.entry->logins, 2u);
  EXPECT_EQ(again.entry->breach_count, 43u);
  EXPECT_EQ(again.entry->last_ip, "192.0.2.2");
  EXPECT_EQ(again.entry->first_seen, kNow);
  EXPECT_EQ(logins.Report("alice@example.com", "192.0.2.2", "imap", false, 0, kNow + 2).entry,
            nullptr);
  EXPECT_EQ(logins.Find("alice@example.com"), nullptr);
  EXPECT_EQ(logins.stats().cleared, 1u);
  EXPECT_EQ(logins.stats().newly_marked, 1u);
}

TEST(BreachedLogins, WhatAnotherNodeSawMarksHereWithoutCountingOrTellingAgain) {
  struct Recorder : BreachObserver {
    std::vector<std::string> told;
    void BreachReported(std::string_view login, std::string_view, std::string_view, bool breached,
                        uint32_t, core::Timestamp) override {
      told.push_back(std::string(login) + (breached ? " breached" : " clean"));
    }
    void BreachNotified(std::string_view login, core::Timestamp) override {
      told.push_back(std::string(login) + " notified");
    }
  } recorder;
  BreachedLogins logins(100, 1);
  logins.set_observer(&recorder);
  logins.ObserveReport("bob@example.com", "192.0.2.9", "imap", true, 7, kNow);
  const BreachedLogin* bob = logins.Find("bob@example.com");
  ASSERT_NE(bob, nullptr);
  EXPECT_EQ(bob->breach_count, 7u);
  EXPECT_EQ(bob->last_ip, "192.0.2.9");
  logins.ObserveNotified("bob@example.com", kNow + 5);
  EXPECT_EQ(bob->notified, kNow + 5);
  logins.ObserveNotified("bob@example.com", kNow + 1);  // an older notification changes nothing
  EXPECT_EQ(bob->notified, kNow + 5);
  EXPECT_EQ(logins.stats().reports, 0u);
  EXPECT_TRUE(recorder.told.empty());
  // This node's own report and mail are told, for the other nodes.
  logins.Report("bob@example.com", "192.0.2.9", "imap", true, 7, kNow + 9);
  logins.MarkNotified("bob@example.com", kNow + 9);
  EXPECT_EQ(recorder.told,
            (std::vector<std::string>{"bob@example.com breached", "bob@example.com notified"}));
  // A clean password reported elsewhere clears the mark here.
  logins.ObserveReport("bob@example.com", "192.0.2.9", "imap", false, 0, kNow + 10);
  EXPECT_EQ(logins.Find("bob@example.com"), nullptr);
}

TEST(BreachedLogins, AFloodOfLongLoginsStaysWithinItsCapAndByteBound) {
  BreachedLogins logins(100, 1);
  const size_t empty = logins.MemoryBytes();
  for (int i = 0; i < 1000; ++i) {
    const std::string login = std::to_string(i) + std::string(400, 'x') + "@example.com";
    logins.Report(login, std::string(300, '1'), std::string(300, 's'), true, 1, kNow + i);
  }
  EXPECT_EQ(logins.size(), 100u);
  EXPECT_EQ(logins.evictions(), 900u);
  EXPECT_GT(logins.MemoryBytes(), empty + 100 * 3 * 256);  // the strings are counted...
  EXPECT_LE(logins.MemoryBytes(), logins.ByteBound());     // ...and capped at 256 bytes each
  // Evicted and cleared entries give their bytes back.
  for (int i = 0; i < 1000; ++i) {
    const std::string login = std::to_string(i) + std::string(400, 'x') + "@example.com";
    logins.Report(login, "", "", false, 0, kNow + 2000);
  }
  EXPECT_EQ(logins.size(), 0u);
  EXPECT_LE(logins.MemoryBytes(), empty + 100 * sizeof(BreachedLogin) * 2);
}

}  // namespace
}  // namespace coastguard::breach
