#include "redis/endpoint.h"

#include <gtest/gtest.h>

namespace coastguard::redis {
namespace {

TEST(RedisUrl, ReadsHostPortDbAndCredentials) {
  auto e = ParseRedisUrl("redis://app:p%40ss@10.0.0.5:6380/3");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->host, "10.0.0.5");
  EXPECT_EQ(e->port, 6380);
  EXPECT_EQ(e->db, 3);
  EXPECT_EQ(e->user, "app");
  EXPECT_EQ(e->password, "p@ss");
  EXPECT_EQ(e->ToString(), "10.0.0.5:6380");  // never the password
}

TEST(RedisUrl, ALoneCredentialIsThePassword) {
  auto e = ParseRedisUrl("redis://secret@localhost");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->user, "");
  EXPECT_EQ(e->password, "secret");
  EXPECT_EQ(e->port, 6379);
}

TEST(RedisUrl, ReadsBracketedIpv6AndUnixSockets) {
  auto v6 = ParseRedisUrl("redis://[::1]:7000/0");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->ToString(), "[::1]:7000");
  auto unix_socket = ParseRedisUrl("unix:///run/redis/redis.sock?db=2");
  ASSERT_TRUE(unix_socket.ok());
  EXPECT_EQ(unix_socket->unix_path, "/run/redis/redis.sock");
  EXPECT_EQ(unix_socket->db, 2);
}

TEST(RedisUrl, RefusesWhatItCannotUse) {
  for (const char* bad : {"rediss://host", "http://host", "redis://", "redis://host:0",
                          "redis://host:99999", "redis://::1:6379", "redis://host/x",
                          "unix://relative.sock", "redis://a:%zz@host", "redis://a:%4@host"}) {
    EXPECT_FALSE(ParseRedisUrl(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace coastguard::redis
