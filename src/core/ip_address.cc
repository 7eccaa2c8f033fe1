#include "core/ip_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>

namespace coastguard::core {
namespace {

constexpr std::array<uint8_t, 12> kV4MappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
// Longest textual IPv6 address (with embedded IPv4) is 45 characters.
constexpr size_t kMaxAddressText = 45;

}  // namespace

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  if (text.empty() || text.size() > kMaxAddressText) return std::nullopt;
  char buffer[kMaxAddressText + 1];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  std::array<uint8_t, 16> bytes{};
  if (text.find(':') == std::string_view::npos) {
    in_addr v4;
    if (inet_pton(AF_INET, buffer, &v4) != 1) return std::nullopt;
    std::memcpy(bytes.data(), kV4MappedPrefix.data(), kV4MappedPrefix.size());
    std::memcpy(bytes.data() + 12, &v4, 4);
  } else {
    in6_addr v6;
    if (inet_pton(AF_INET6, buffer, &v6) != 1) return std::nullopt;
    std::memcpy(bytes.data(), &v6, 16);
  }
  return FromBytes(bytes);
}

IpAddress IpAddress::FromBytes(const std::array<uint8_t, 16>& bytes) {
  IpAddress ip;
  ip.bytes_ = bytes;
  return ip;
}

namespace {

// The first `bits` bits of a 64-bit word set, the word laid out in memory in network order.
uint64_t NetworkOrderMask(int bits) {
  if (bits <= 0) return 0;
  const uint64_t mask = bits >= 64 ? ~uint64_t{0} : ~(~uint64_t{0} >> bits);
  if constexpr (std::endian::native == std::endian::little) return __builtin_bswap64(mask);
  return mask;
}

}  // namespace

IpAddress IpAddress::Masked(int bits) const {
  const int absolute = std::clamp(is_v4() ? bits + 96 : bits, 0, 128);
  // Two words rather than a byte loop: several prefixes are taken of every attempt's address.
  uint64_t high;
  uint64_t low;
  std::memcpy(&high, bytes_.data(), 8);
  std::memcpy(&low, bytes_.data() + 8, 8);
  high &= NetworkOrderMask(absolute);
  low &= NetworkOrderMask(absolute - 64);
  IpAddress out;
  std::memcpy(out.bytes_.data(), &high, 8);
  std::memcpy(out.bytes_.data() + 8, &low, 8);
  if (is_v4()) std::memcpy(out.bytes_.data(), kV4MappedPrefix.data(), kV4MappedPrefix.size());
  return out;
}

std::string IpAddress::ToString() const {
  char buffer[INET6_ADDRSTRLEN];
  if (is_v4()) {
    inet_ntop(AF_INET, bytes_.data() + 12, buffer, sizeof(buffer));
  } else {
    inet_ntop(AF_INET6, bytes_.data(), buffer, sizeof(buffer));
  }
  return buffer;
}

std::optional<Cidr> Cidr::Parse(std::string_view text) {
  const size_t slash = text.find('/');
  const auto ip = IpAddress::Parse(text.substr(0, slash));
  if (!ip) return std::nullopt;
  int bits = ip->family_bits();
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
    if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    if (bits < 0 || bits > ip->family_bits()) return std::nullopt;
  }
  return Cidr{ip->Masked(bits), bits};
}

bool Cidr::Contains(const IpAddress& ip) const {
  return ip.is_v4() == base.is_v4() && ip.Masked(bits) == base;
}

std::string Cidr::ToString() const { return base.ToString() + "/" + std::to_string(bits); }

}  // namespace coastguard::core
