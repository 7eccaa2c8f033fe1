#include "policy/blocks.h"

#include <gtest/gtest.h>

namespace coastguard::policy {
namespace {

constexpr Timestamp kNow = 1'800'000'000 * core::kSecond;

BlockKey IpKey(const char* ip) { return NetworkBlockKey(*core::Cidr::Parse(ip)); }

TEST(BlockList, BlocksUntilTheTtlThenForgets) {
  BlockList blocks({});
  blocks.Add(IpKey("203.0.113.9"), "203.0.113.9", core::Reason::kIpGuessing,
             BlockScope::kUnfamiliar, core::kHour, kNow);
  EXPECT_NE(blocks.Find(IpKey("203.0.113.9"), kNow + 59 * core::kMinute), nullptr);
  EXPECT_EQ(blocks.Find(IpKey("203.0.113.9"), kNow + core::kHour), nullptr);
  EXPECT_EQ(blocks.Find(IpKey("203.0.113.10"), kNow), nullptr);
}

TEST(BlockList, DoublesTheTtlForRepeatOffenders) {
  BlockList blocks({});
  const BlockKey key = IpKey("203.0.113.9");
  blocks.Add(key, "x", core::Reason::kIpGuessing, BlockScope::kUnfamiliar, core::kHour, kNow);
  EXPECT_TRUE(blocks.RecentOffender(key, kNow + 2 * core::kHour));
  const Block& again = blocks.Add(key, "x", core::Reason::kIpGuessing, BlockScope::kUnfamiliar,
                                  core::kHour, kNow + 2 * core::kHour);
  EXPECT_EQ(again.offenses, 2u);
  EXPECT_EQ(again.expires, kNow + 4 * core::kHour);
}

TEST(BlockList, CapsEscalationAtMaxTtl) {
  BlockList blocks({});
  const BlockKey key = IpKey("203.0.113.9");
  Timestamp t = kNow;
  const Block* block = nullptr;
  for (int i = 0; i < 10; ++i) {
    block =
        &blocks.Add(key, "x", core::Reason::kIpGuessing, BlockScope::kUnfamiliar, core::kHour, t);
    t = block->expires + core::kMinute;
  }
  EXPECT_EQ(block->expires - block->created, core::kDay);
}

TEST(BlockList, ForgetsOffendersAfterTheMemoryWindow) {
  BlockList blocks({});
  const BlockKey key = IpKey("203.0.113.9");
  blocks.Add(key, "x", core::Reason::kIpGuessing, BlockScope::kUnfamiliar, core::kHour, kNow);
  EXPECT_EQ(blocks.Purge(kNow + 2 * core::kHour), 0u);
  EXPECT_EQ(blocks.Purge(kNow + core::kHour + core::kDay), 1u);
  EXPECT_FALSE(blocks.RecentOffender(key, kNow + 2 * core::kDay));
}

TEST(BlockList, KnowsAKeyBlockedNowOrWithinTheOffenseMemory) {
  BlockList blocks({});
  const BlockKey key = IpKey("203.0.113.9");
  EXPECT_FALSE(blocks.BlockedLately(key, kNow));
  blocks.Add(key, "x", core::Reason::kIpGuessing, BlockScope::kUnfamiliar, core::kHour, kNow);
  EXPECT_TRUE(blocks.BlockedLately(key, kNow));                    // in force
  EXPECT_TRUE(blocks.BlockedLately(key, kNow + 2 * core::kHour));  // ran out, remembered
  EXPECT_FALSE(blocks.BlockedLately(key, kNow + core::kHour + core::kDay));
  EXPECT_FALSE(blocks.BlockedLately(IpKey("203.0.113.10"), kNow));
}

TEST(BlockList, TellsWhatAKeyWasBlockedForWhileItIsRemembered) {
  BlockList blocks({});
  const BlockKey key = LoginBlockKey(42);
  EXPECT_FALSE(blocks.BlockedFor(key, core::Reason::kAccountUnderAttack, kNow));
  blocks.Add(key, "x", core::Reason::kAccountUnderAttack, BlockScope::kUnfamiliar, core::kHour,
             kNow);
  EXPECT_TRUE(blocks.BlockedFor(key, core::Reason::kAccountUnderAttack, kNow));  // in force
  EXPECT_FALSE(blocks.BlockedFor(key, core::Reason::kManual, kNow));
  EXPECT_TRUE(blocks.BlockedFor(key, core::Reason::kAccountUnderAttack, kNow + 2 * core::kHour));
  // Past expiry plus the offense memory (a day): forgotten.
  EXPECT_FALSE(
      blocks.BlockedFor(key, core::Reason::kAccountUnderAttack, kNow + core::kHour + core::kDay));
}

TEST(BlockList, TouchKeepsABlockUpWhileItIsHit) {
  BlockList blocks({});
  const BlockKey key = IpKey("203.0.113.9");
  blocks.Add(key, "x", core::Reason::kIpGuessing, BlockScope::kUnfamiliar, core::kHour, kNow);
  blocks.Touch(key, kNow + 50 * core::kMinute, core::kHour);
  EXPECT_NE(blocks.Find(key, kNow + 100 * core::kMinute), nullptr);
}

TEST(BlockList, RefusesNewBlocksWhenFullOfLiveOnes) {
  BlockSettings settings;
  settings.max_blocks = 16;
  BlockList blocks(settings);
  for (int i = 0; i < 20; ++i) {
    const std::string ip = "203.0.113." + std::to_string(i);
    blocks.Add(IpKey(ip.c_str()), ip, core::Reason::kIpGuessing, BlockScope::kUnfamiliar,
               core::kHour, kNow);
  }
  EXPECT_EQ(blocks.size(), 16u);
  EXPECT_EQ(blocks.dropped(), 4u);
}

// When full, a block in force matters more than the memory of an expired one; and a new block
// gets in as soon as one has expired, whatever was refused before.
TEST(BlockList, AFullListMakesRoomOnceABlockExpires) {
  BlockSettings settings;
  settings.max_blocks = 16;
  BlockList blocks(settings);
  for (int i = 0; i < 16; ++i) {
    const std::string ip = "203.0.113." + std::to_string(i);
    blocks.Add(IpKey(ip.c_str()), ip, core::Reason::kIpGuessing, BlockScope::kUnfamiliar,
               i == 0 ? core::kMinute : core::kHour, kNow);
  }
  const BlockKey late = IpKey("198.51.100.1");
  EXPECT_EQ(blocks
                .Add(late, "x", core::Reason::kIpGuessing, BlockScope::kUnfamiliar, core::kHour,
                     kNow + core::kSecond)
                .offenses,
            0u);  // refused
  EXPECT_FALSE(blocks.Put(
      late, Block{kNow, kNow + core::kHour, core::Reason::kManual, BlockScope::kAll, 1, "x"},
      kNow + 30 * core::kSecond));
  // The first block expired (it is still within the offence memory): it makes room.
  EXPECT_TRUE(blocks.Put(
      late, Block{kNow, kNow + 3 * core::kHour, core::Reason::kManual, BlockScope::kAll, 1, "x"},
      kNow + 2 * core::kMinute));
  EXPECT_NE(blocks.Find(late, kNow + 2 * core::kMinute), nullptr);
  EXPECT_EQ(blocks.size(), 16u);
  EXPECT_EQ(blocks.dropped(), 2u);
}

TEST(AllowList, MatchesNetworksAndLogins) {
  AllowList allows;
  allows.AddNetwork(*core::Cidr::Parse("10.0.0.0/8"));
  allows.AddLogin(99, "monitor@example.com");
  EXPECT_TRUE(allows.Allows(*core::IpAddress::Parse("10.1.2.3"), 1));
  EXPECT_TRUE(allows.Allows(*core::IpAddress::Parse("8.8.8.8"), 99));
  EXPECT_FALSE(allows.Allows(*core::IpAddress::Parse("8.8.8.8"), 1));
  EXPECT_TRUE(allows.RemoveNetwork(*core::Cidr::Parse("10.0.0.0/8")));
  EXPECT_FALSE(allows.Allows(*core::IpAddress::Parse("10.1.2.3"), 1));
}

}  // namespace
}  // namespace coastguard::policy
