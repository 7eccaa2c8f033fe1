#include "http/block_request.h"

#include <gtest/gtest.h>

#include "core/text.h"

namespace coastguard::http {
namespace {

using nlohmann::json;

constexpr TargetFields kAdmin{"network", /*login_from_ip=*/false};
constexpr TargetFields kWeakforced{"netmask", /*login_from_ip=*/true};

class BlockRequestTest : public ::testing::Test {
 protected:
  std::string Error(const json& body, const TargetFields& fields) {
    auto target = ParseBlockTarget(body, engine_, fields);
    return target.ok() ? "" : core::Message(target.status());
  }
  policy::Engine engine_{policy::EngineConfig{}, 1};
};

TEST_F(BlockRequestTest, NamesAnAddressANetworkOrALogin) {
  auto ip = ParseBlockTarget({{"ip", "198.51.100.7"}}, engine_, kAdmin);
  ASSERT_TRUE(ip.ok());
  EXPECT_EQ(ip->key.kind, policy::BlockKind::kIp);
  EXPECT_EQ(ip->subject, "198.51.100.7");
  auto network = ParseBlockTarget({{"network", "198.51.100.9/24"}}, engine_, kAdmin);
  ASSERT_TRUE(network.ok());
  EXPECT_EQ(network->key.kind, policy::BlockKind::kPrefix);
  EXPECT_EQ(network->subject, "198.51.100.0/24");
  auto login = ParseBlockTarget({{"login", " Bob@Example.COM"}}, engine_, kAdmin);
  ASSERT_TRUE(login.ok());
  EXPECT_EQ(login->key, policy::LoginBlockKey(engine_.LoginDigest("bob@example.com")));
  EXPECT_EQ(login->subject, "bob@example.com");
}

TEST_F(BlockRequestTest, RefusesAmbiguousOrBadTargets) {
  EXPECT_EQ(Error(json::object(), kAdmin), "give one of ip, network or login");
  EXPECT_EQ(Error({{"ip", "1.2.3.4"}, {"network", "1.2.3.0/24"}}, kAdmin),
            "ip and network are mutually exclusive");
  EXPECT_EQ(Error({{"ip", "1.2.3.4"}, {"login", "a@b.c"}}, kAdmin),
            "give exactly one of ip, network or login");
  EXPECT_EQ(Error({{"ip", "1.2.3.0/24"}}, kAdmin), "bad ip");
  EXPECT_EQ(Error({{"netmask", "1.2.3.0/33"}}, kWeakforced), "bad netmask");
  EXPECT_NE(Error({{"login", ""}}, kAdmin).find("bad login"), std::string::npos);
  // A number where a string belongs is not a target at all.
  EXPECT_EQ(Error({{"ip", 5}}, kAdmin), "give one of ip, network or login");
}

TEST_F(BlockRequestTest, WeakforcedNamesALoginFromOneAddress) {
  auto pair =
      ParseBlockTarget({{"ip", "1.2.3.4"}, {"login", "Bob@example.com"}}, engine_, kWeakforced);
  ASSERT_TRUE(pair.ok());
  EXPECT_EQ(pair->key, policy::LoginIpBlockKey(engine_.LoginDigest("bob@example.com"),
                                               *core::IpAddress::Parse("1.2.3.4")));
  EXPECT_EQ(pair->subject, "bob@example.com from 1.2.3.4");
  // A full-length netmask is one address; a wider one cannot pair with a login.
  EXPECT_TRUE(
      ParseBlockTarget({{"netmask", "1.2.3.4/32"}, {"login", "b@e.c"}}, engine_, kWeakforced).ok());
  EXPECT_EQ(Error({{"netmask", "1.2.3.0/24"}, {"login", "b@e.c"}}, kWeakforced),
            "a network cannot be combined with login");
}

TEST_F(BlockRequestTest, ABlockHasATtlInWholeSecondsAndAnOptionalReason) {
  auto block = ParseBlockRequest({{"ip", "1.2.3.4"}, {"reason", "abuse report"}}, engine_, kAdmin,
                                 "ttl_seconds", core::kHour);
  ASSERT_TRUE(block.ok());
  EXPECT_EQ(block->ttl, core::kHour);
  EXPECT_EQ(block->subject, "1.2.3.4 (abuse report)");
  block = ParseBlockRequest({{"ip", "1.2.3.4"}, {"ttl_seconds", 90}}, engine_, kAdmin,
                            "ttl_seconds", core::kHour);
  ASSERT_TRUE(block.ok());
  EXPECT_EQ(block->ttl, 90 * core::kSecond);
  for (const json& ttl : {json(0), json(-5), json(1.5), json("60"), json(400'000'000'000LL)}) {
    EXPECT_FALSE(ParseBlockRequest({{"ip", "1.2.3.4"}, {"ttl_seconds", ttl}}, engine_, kAdmin,
                                   "ttl_seconds", core::kHour)
                     .ok())
        << ttl.dump();
  }
  // weakforced's expire_secs has no default.
  const auto missing =
      ParseBlockRequest({{"ip", "1.2.3.4"}}, engine_, kWeakforced, "expire_secs", 0);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(core::Message(missing.status()), "expire_secs must be a positive integer");
}

}  // namespace
}  // namespace coastguard::http
