#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coastguard::core {

// An IPv4 or IPv6 address held as 16 raw bytes; IPv4 is stored IPv4-mapped (::ffff:a.b.c.d) so
// that one fixed-size key serves both families. Value type, cheap to copy and hash.
class IpAddress {
 public:
  IpAddress() = default;

  // Parses dotted IPv4 or RFC 4291 IPv6 text; nullopt on anything else (no ports, no zones).
  static std::optional<IpAddress> Parse(std::string_view text);
  static IpAddress FromBytes(const std::array<uint8_t, 16>& bytes);

  bool is_v4() const {
    // ::ffff:0:0/96, read as two words rather than compared byte by byte: this is on every path.
    uint64_t head;
    uint32_t mid;
    __builtin_memcpy(&head, bytes_.data(), 8);
    __builtin_memcpy(&mid, bytes_.data() + 8, 4);
    return head == 0 && mid == kV4MappedMid;
  }
  // Length in bits of the address family (32 or 128).
  int family_bits() const { return is_v4() ? 32 : 128; }
  // The address with all but the first `bits` bits (counted in the family's own length) cleared.
  IpAddress Masked(int bits) const;
  std::string ToString() const;
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }

  // As two words: every table lookup of an attempt compares and hashes addresses (a byte-wise
  // compare of the array called memcmp).
  friend bool operator==(const IpAddress& a, const IpAddress& b) {
    return a.Word(0) == b.Word(0) && a.Word(1) == b.Word(1);
  }
  template <typename H>
  friend H AbslHashValue(H h, const IpAddress& ip) {
    return H::combine(std::move(h), ip.Word(0), ip.Word(1));
  }

 private:
  static constexpr uint32_t kV4MappedMid = 0xffff0000u;  // bytes 00 00 ff ff, little-endian
  uint64_t Word(int i) const {
    uint64_t word;
    __builtin_memcpy(&word, bytes_.data() + 8 * i, 8);
    return word;
  }
  std::array<uint8_t, 16> bytes_{};
};

// A network: base address plus prefix length in the family's own bits ("10.0.0.0/8").
struct Cidr {
  IpAddress base;
  int bits = 0;

  // Accepts "a.b.c.d/n", "x::/n" or a bare address (a host network).
  static std::optional<Cidr> Parse(std::string_view text);
  bool Contains(const IpAddress& ip) const;
  std::string ToString() const;
  friend bool operator==(const Cidr&, const Cidr&) = default;
};

}  // namespace coastguard::core
