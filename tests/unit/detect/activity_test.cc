#include "detect/activity.h"

#include <gtest/gtest.h>

namespace coastguard::detect {
namespace {

TEST(SourceActivity, KnowsWhetherEverySuccessSinceItWasIdleCameWithOneClient) {
  SourceActivity webmail;
  EXPECT_FALSE(webmail.OnlyClient(0x1234));  // no success yet
  webmail.NoteClient(0x1234, /*idle=*/true);
  for (int i = 0; i < 4; ++i) webmail.NoteClient(0x1234, false);
  EXPECT_TRUE(webmail.OnlyClient(0x1234));
  EXPECT_FALSE(webmail.OnlyClient(0x5678));
  EXPECT_FALSE(webmail.OnlyClient(0));
  // Another client once, or one without an id: no longer one client's gateway.
  SourceActivity carrier = webmail;
  carrier.NoteClient(0x5678, false);
  EXPECT_FALSE(carrier.OnlyClient(0x1234));
  EXPECT_FALSE(carrier.OnlyClient(0x5678));
  webmail.NoteClient(0, false);
  EXPECT_FALSE(webmail.OnlyClient(0x1234));
  EXPECT_FALSE(webmail.OnlyClient(0));
  // After a day without successes the clients start over.
  carrier.NoteClient(0x5678, /*idle=*/true);
  EXPECT_TRUE(carrier.OnlyClient(0x5678));
  EXPECT_FALSE(carrier.OnlyClient(0x1234));
  // Without ids all along is one client too (the same desktop program), and not the digest 1.
  SourceActivity anonymous;
  anonymous.NoteClient(0, true);
  anonymous.NoteClient(0, false);
  EXPECT_TRUE(anonymous.OnlyClient(0));
  EXPECT_FALSE(anonymous.OnlyClient(1));
}

TEST(ClientTag, IsNeverZeroAndKeepsNoIdApart) {
  EXPECT_EQ(ClientTag(0), 1u);
  EXPECT_EQ(ClientTag(1), 2u);
  EXPECT_EQ(ClientTag(0x1'0000'0000ULL), 2u);
  EXPECT_EQ(ClientTag(0xabcdef), 0xabcdefu);
}

}  // namespace
}  // namespace coastguard::detect
