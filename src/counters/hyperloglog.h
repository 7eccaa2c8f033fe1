#pragma once

#include <array>
#include <cstdint>

namespace coastguard::counters {

// HyperLogLog distinct counter with 2^12 one-byte registers (4 KiB, standard error 1.04/64 ≈
// 1.6%). Used for service-wide distinct counts (IPs and logins seen failing), where exact sets
// would grow with the attack. Input is an already-mixed 64-bit digest. Not thread-safe.
class HyperLogLog {
 public:
  static constexpr int kPrecision = 12;
  static constexpr uint32_t kRegisters = 1u << kPrecision;

  void Add(uint64_t digest);
  double Estimate() const;
  void Merge(const HyperLogLog& other);
  void Clear() { registers_.fill(0); }

 private:
  std::array<uint8_t, kRegisters> registers_{};
};

}  // namespace coastguard::counters
