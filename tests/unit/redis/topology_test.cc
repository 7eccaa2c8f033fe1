#include "redis/topology.h"

#include <gtest/gtest.h>

namespace coastguard::redis {
namespace {

TEST(Topology, OneServerFromTheUrlWithItsLogin) {
  SharedConfig c;
  c.redis = "redis://app:secret@10.0.0.5:6380/2";
  auto t = ResolveTopology(c);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->kind, Topology::Kind::kServer);
  EXPECT_EQ(t->server.ToString(), "10.0.0.5:6380");
  EXPECT_EQ(t->server.user, "app");
  EXPECT_EQ(t->server.password, "secret");
  EXPECT_EQ(t->server.db, 2);
  EXPECT_EQ(t->Describe(), "10.0.0.5:6380");  // never the password
}

TEST(Topology, SentinelsKeepTheirOwnLoginAndTheMasterGetsTheDataLogin) {
  SharedConfig c;
  c.sentinel = {"10.0.0.1:26379", "[::1]", "10.0.0.3:26380"};
  c.master_name = "mymaster";
  c.sentinel_password = "s3";
  c.user = "coastguard";
  c.password = "data";
  c.db = 4;
  auto t = ResolveTopology(c);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->kind, Topology::Kind::kSentinel);
  ASSERT_EQ(t->sentinels.size(), 3u);
  EXPECT_EQ(t->sentinels[1].ToString(), "[::1]:26379");  // Sentinel's default port
  EXPECT_EQ(t->sentinels[0].password, "s3");
  EXPECT_EQ(t->sentinels[0].user, "");
  Endpoint address;
  address.host = "10.0.0.9";
  address.port = 6379;
  const Endpoint master = t->WithLogin(address);
  EXPECT_EQ(master.user, "coastguard");
  EXPECT_EQ(master.password, "data");
  EXPECT_EQ(master.db, 4);
  EXPECT_EQ(t->Describe(), "sentinel:mymaster@10.0.0.1:26379,[::1]:26379,10.0.0.3:26380");
}

TEST(Topology, ClusterSeedsCarryTheLogin) {
  SharedConfig c;
  c.cluster = {"127.0.0.1:7000", "127.0.0.1"};
  c.password = "data";
  auto t = ResolveTopology(c);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->kind, Topology::Kind::kCluster);
  ASSERT_EQ(t->cluster.size(), 2u);
  EXPECT_EQ(t->cluster[1].port, 6379);
  EXPECT_EQ(t->cluster[0].password, "data");
  EXPECT_EQ(t->KindName(), "cluster");
}

TEST(Topology, NamesTheBadAddress) {
  SharedConfig c;
  c.cluster = {"127.0.0.1:7000", "127.0.0.1:99999"};
  auto t = ResolveTopology(c);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(std::string(t.status().message()).find("127.0.0.1:99999"), std::string::npos);
}

}  // namespace
}  // namespace coastguard::redis
