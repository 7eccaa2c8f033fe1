#include "core/ip_address.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>

#include "absl/hash/hash.h"

namespace coastguard::core {
namespace {

TEST(IpAddress, ParsesIpv4AsMapped) {
  const auto ip = IpAddress::Parse("203.0.113.9");
  ASSERT_TRUE(ip);
  EXPECT_TRUE(ip->is_v4());
  EXPECT_EQ(ip->ToString(), "203.0.113.9");
}

TEST(IpAddress, ParsesIpv6) {
  const auto ip = IpAddress::Parse("2001:db8::1");
  ASSERT_TRUE(ip);
  EXPECT_FALSE(ip->is_v4());
  EXPECT_EQ(ip->ToString(), "2001:db8::1");
}

TEST(IpAddress, RejectsGarbage) {
  EXPECT_FALSE(IpAddress::Parse(""));
  EXPECT_FALSE(IpAddress::Parse("256.1.1.1"));
  EXPECT_FALSE(IpAddress::Parse("1.2.3.4:80"));
  EXPECT_FALSE(IpAddress::Parse("example.com"));
  EXPECT_FALSE(IpAddress::Parse(std::string(100, '1')));
}

TEST(IpAddress, MasksInFamilyBits) {
  EXPECT_EQ(IpAddress::Parse("203.0.113.9")->Masked(24).ToString(), "203.0.113.0");
  EXPECT_EQ(IpAddress::Parse("203.0.113.9")->Masked(16).ToString(), "203.0.0.0");
  EXPECT_EQ(IpAddress::Parse("2001:db8:1:2:3:4:5:6")->Masked(64).ToString(), "2001:db8:1:2::");
  EXPECT_EQ(IpAddress::Parse("2001:db8:1:2:3:4:5:6")->Masked(48).ToString(), "2001:db8:1::");
}

TEST(IpAddress, MasksEveryPrefixLengthBitByBit) {
  // Against a bit-at-a-time reference, for every length in and out of the family's range:
  // the mask works on words, whose byte order must not leak into the result.
  for (const char* text :
       {"203.0.113.255", "255.255.255.255", "2001:db8:ffff:ffff:ffff:ffff:ffff:ff01"}) {
    const IpAddress ip = *IpAddress::Parse(text);
    const int family = ip.family_bits();
    for (int bits = -2; bits <= family + 2; ++bits) {
      std::array<uint8_t, 16> expected = ip.bytes();
      const int kept = 128 - family + std::clamp(bits, 0, family);
      for (int bit = kept; bit < 128; ++bit) {
        expected[static_cast<size_t>(bit / 8)] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
      }
      const IpAddress masked = ip.Masked(bits);
      EXPECT_EQ(masked.bytes(), expected) << text << " /" << bits;
      EXPECT_EQ(masked.is_v4(), ip.is_v4()) << text << " /" << bits;
    }
  }
}

TEST(IpAddress, EqualsAndHashesOnAllSixteenBytes) {
  // Compared and hashed as two words: a difference in any byte, in either word, must show.
  const IpAddress base = *IpAddress::Parse("2001:db8::1");
  const absl::Hash<IpAddress> hash;
  EXPECT_EQ(base, *IpAddress::Parse("2001:0db8:0:0::0001"));
  EXPECT_EQ(hash(base), hash(*IpAddress::Parse("2001:0db8:0:0::0001")));
  for (size_t i = 0; i < 16; ++i) {
    std::array<uint8_t, 16> bytes = base.bytes();
    bytes[i] ^= 0x10;
    const IpAddress other = IpAddress::FromBytes(bytes);
    EXPECT_FALSE(other == base) << i;
    EXPECT_NE(hash(other), hash(base)) << i;
  }
}

TEST(Cidr, ContainsOnlyItsOwnFamilyAndRange) {
  const auto net = Cidr::Parse("10.1.0.0/16");
  ASSERT_TRUE(net);
  EXPECT_TRUE(net->Contains(*IpAddress::Parse("10.1.200.3")));
  EXPECT_FALSE(net->Contains(*IpAddress::Parse("10.2.0.1")));
  EXPECT_FALSE(net->Contains(*IpAddress::Parse("::ffff:0a02:0001")));
  EXPECT_FALSE(Cidr::Parse("10.0.0.0/33"));
  EXPECT_FALSE(Cidr::Parse("10.0.0.0/x"));
  EXPECT_EQ(Cidr::Parse("2001:db8::/32")->ToString(), "2001:db8::/32");
}

}  // namespace
}  // namespace coastguard::core
