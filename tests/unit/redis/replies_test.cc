#include "redis/replies.h"

#include <gtest/gtest.h>

#include "resp.h"

namespace coastguard::redis {
namespace {

using testing::Resp;

TEST(KeySlot, MatchesTheClusterSpecification) {
  // The specification's own example: CRC16 of "123456789" is 0x31C3.
  EXPECT_EQ(KeySlot("123456789"), 0x31C3 % 16384);
  EXPECT_EQ(KeySlot("foo"), 12182);  // CLUSTER KEYSLOT foo
  EXPECT_EQ(KeySlot("bar"), 5061);
}

TEST(KeySlot, HashesOnlyTheFirstNonEmptyHashTag) {
  EXPECT_EQ(KeySlot("{user1000}.following"), KeySlot("user1000"));
  EXPECT_EQ(KeySlot("cg:{blocks}:00ff"), KeySlot("blocks"));
  EXPECT_EQ(KeySlot("foo{bar}{zap}"), KeySlot("bar"));
  EXPECT_EQ(KeySlot("foo{{bar}}zap"), KeySlot("{bar"));
  // An empty tag, or none closed, hashes the whole key.
  EXPECT_NE(KeySlot("foo{}{bar}"), KeySlot("bar"));
  EXPECT_NE(KeySlot("foo{bar"), KeySlot("bar"));
}

TEST(Redirect, ReadsMovedAndAskWithTheirTarget) {
  Endpoint asked;
  asked.host = "10.0.0.1";
  auto moved = ParseRedirect("MOVED 3999 127.0.0.1:6381", asked);
  ASSERT_TRUE(moved);
  EXPECT_FALSE(moved->ask);
  EXPECT_EQ(moved->slot, 3999);
  EXPECT_EQ(moved->target.ToString(), "127.0.0.1:6381");
  auto ask = ParseRedirect("ASK 12 [::1]:7000", asked);
  ASSERT_TRUE(ask);
  EXPECT_TRUE(ask->ask);
  EXPECT_EQ(ask->target.host, "::1");
  // Redis leaves the host out when it does not know its own: the asked one's.
  auto hostless = ParseRedirect("MOVED 1 :7002", asked);
  ASSERT_TRUE(hostless);
  EXPECT_EQ(hostless->target.ToString(), "10.0.0.1:7002");
}

TEST(Redirect, RefusesOtherErrorsAndBadFields) {
  const Endpoint asked;
  EXPECT_FALSE(ParseRedirect("ERR unknown command", asked));
  EXPECT_FALSE(ParseRedirect("MOVED 16384 127.0.0.1:1", asked));
  EXPECT_FALSE(ParseRedirect("MOVED 1 127.0.0.1:0", asked));
  EXPECT_FALSE(ParseRedirect("MOVED 1 127.0.0.1", asked));
  EXPECT_FALSE(ParseRedirect("MOVED x 127.0.0.1:1", asked));
  EXPECT_FALSE(ParseRedirect("MOVED 1 :1", asked));  // no host anywhere
}

TEST(ClusterSlots, MapsEverySlotToItsMaster) {
  Endpoint asked;
  asked.host = "127.0.0.1";
  // Two ranges on one master, one on another (with a replica), as Redis 7 answers.
  auto reply = Resp(
      "*3\r\n"
      "*3\r\n:0\r\n:99\r\n*4\r\n$9\r\n127.0.0.1\r\n:7000\r\n$2\r\nid\r\n*0\r\n"
      "*4\r\n:100\r\n:5459\r\n*3\r\n$0\r\n\r\n:7001\r\n$2\r\nid\r\n"
      "*3\r\n$9\r\n127.0.0.1\r\n:7003\r\n$2\r\nid\r\n"
      "*3\r\n:5460\r\n:16383\r\n*2\r\n$9\r\n127.0.0.1\r\n:7000\r\n");
  ASSERT_NE(reply, nullptr);
  auto map = ParseClusterSlots(reply.get(), asked);
  ASSERT_TRUE(map.ok()) << map.status();
  ASSERT_EQ(map->masters.size(), 2u);
  EXPECT_EQ(map->masters[0].ToString(), "127.0.0.1:7000");
  EXPECT_EQ(map->masters[1].ToString(), "127.0.0.1:7001");  // an empty host is the asked one
  EXPECT_EQ(map->owner[0], 0);
  EXPECT_EQ(map->owner[99], 0);
  EXPECT_EQ(map->owner[100], 1);
  EXPECT_EQ(map->owner[5459], 1);
  EXPECT_EQ(map->owner[5460], 0);  // two ranges of one master: one master
  EXPECT_EQ(map->owner[16383], 0);
  EXPECT_EQ(map->covered, 16384u);
}

TEST(ClusterSlots, RefusesWhatIsNotASlotMap) {
  const Endpoint asked;
  EXPECT_FALSE(ParseClusterSlots(nullptr, asked).ok());
  EXPECT_FALSE(
      ParseClusterSlots(Resp("-ERR This instance has cluster support disabled\r\n").get(), asked)
          .ok());
  EXPECT_FALSE(ParseClusterSlots(Resp("*1\r\n*3\r\n:5\r\n:4\r\n*2\r\n$1\r\nh\r\n:1\r\n").get(),
                                 asked)
                   .ok());  // end before start
  EXPECT_FALSE(
      ParseClusterSlots(Resp("*1\r\n*3\r\n:0\r\n:16384\r\n*2\r\n$1\r\nh\r\n:1\r\n").get(), asked)
          .ok());
  EXPECT_FALSE(
      ParseClusterSlots(Resp("*1\r\n*3\r\n:0\r\n:1\r\n*2\r\n$1\r\nh\r\n:0\r\n").get(), asked)
          .ok());  // port 0
  // Overlapping ranges: not a map Redis gives, and each would cost a pass over the slots.
  std::string overlapping = "*3\r\n";
  for (int i = 0; i < 3; ++i) overlapping += "*3\r\n:0\r\n:8000\r\n*2\r\n$1\r\nh\r\n:1\r\n";
  EXPECT_FALSE(ParseClusterSlots(Resp(overlapping).get(), asked).ok());
  EXPECT_FALSE(ParseClusterSlots(Resp("*2\r\n*3\r\n:0\r\n:10\r\n*2\r\n$1\r\nh\r\n:1\r\n"
                                      "*3\r\n:10\r\n:20\r\n*2\r\n$1\r\nh\r\n:2\r\n")
                                     .get(),
                                 asked)
                   .ok());  // one slot owned twice
}

TEST(Sentinel, ReadsTheMasterAddress) {
  auto master = ParseMasterAddress(Resp("*2\r\n$9\r\n127.0.0.1\r\n$4\r\n6380\r\n").get());
  ASSERT_TRUE(master.ok()) << master.status();
  EXPECT_EQ(master->ToString(), "127.0.0.1:6380");
  EXPECT_TRUE(absl::IsNotFound(ParseMasterAddress(Resp("*-1\r\n").get()).status()));
  EXPECT_FALSE(ParseMasterAddress(Resp("*2\r\n$0\r\n\r\n$4\r\n6380\r\n").get()).ok());
  EXPECT_FALSE(ParseMasterAddress(Resp("*2\r\n$1\r\nh\r\n$5\r\n65536\r\n").get()).ok());
  EXPECT_FALSE(ParseMasterAddress(nullptr).ok());
}

TEST(Sentinel, FollowsOnlyItsOwnMastersSwitch) {
  auto moved = ParseSwitchMaster("mymaster 127.0.0.1 6379 127.0.0.1 6380", "mymaster");
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->ToString(), "127.0.0.1:6380");
  EXPECT_FALSE(ParseSwitchMaster("other 127.0.0.1 6379 127.0.0.1 6380", "mymaster"));
  EXPECT_FALSE(ParseSwitchMaster("mymaster 127.0.0.1 6379 127.0.0.1", "mymaster"));
  EXPECT_FALSE(ParseSwitchMaster("mymaster 127.0.0.1 6379 127.0.0.1 6380 x", "mymaster"));
  EXPECT_FALSE(ParseSwitchMaster("mymaster 127.0.0.1 6379 127.0.0.1 99999", "mymaster"));
}

TEST(Role, TellsMastersFromReplicas) {
  EXPECT_EQ(ParseRole(Resp("*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n").get()), "master");
  EXPECT_EQ(ParseRole(Resp("*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:6379\r\n$9\r\nconnected\r\n"
                           ":10\r\n")
                          .get()),
            "slave");
  EXPECT_EQ(ParseRole(Resp("-ERR\r\n").get()), "");
  EXPECT_EQ(ParseRole(Resp("*1\r\n$4\r\nboss\r\n").get()), "");
}

}  // namespace
}  // namespace coastguard::redis
