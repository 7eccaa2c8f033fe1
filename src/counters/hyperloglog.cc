#include "counters/hyperloglog.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace coastguard::counters {

void HyperLogLog::Add(uint64_t digest) {
  const uint32_t index = static_cast<uint32_t>(digest >> (64 - kPrecision));
  const uint64_t rest = (digest << kPrecision) | (uint64_t{1} << (kPrecision - 1));
  const auto rank = static_cast<uint8_t>(std::countl_zero(rest) + 1);
  registers_[index] = std::max(registers_[index], rank);
}

double HyperLogLog::Estimate() const {
  constexpr double m = kRegisters;
  const double alpha = 0.7213 / (1.0 + 1.079 / m);
  double sum = 0.0;
  uint32_t zeros = 0;
  for (const uint8_t r : registers_) {
    sum += std::ldexp(1.0, -r);
    zeros += r == 0;
  }
  const double raw = alpha * m * m / sum;
  // Small-range correction (linear counting), as in Flajolet et al.
  if (raw <= 2.5 * m && zeros > 0) return m * std::log(m / zeros);
  return raw;
}

void HyperLogLog::Merge(const HyperLogLog& other) {
  for (uint32_t i = 0; i < kRegisters; ++i) {
    registers_[i] = std::max(registers_[i], other.registers_[i]);
  }
}

}  // namespace coastguard::counters
