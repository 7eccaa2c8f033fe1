#include "detect/brute_force.h"

#include <algorithm>

namespace coastguard::detect {

uint32_t BruteForce::DelayMs(const PairActivity& pair, Timestamp now) const {
  const int wrong = static_cast<int>(pair.wrong_pwhashes.Count(now, w_.short_window));
  if (wrong < t_.delay_from) return 0;
  const int doublings = std::min(wrong - t_.delay_from, 20);
  const Duration delay = std::min(t_.first_delay << doublings, t_.max_delay);
  return static_cast<uint32_t>(delay / core::kMillisecond);
}

bool BruteForce::ShouldBlock(const PairActivity& pair, Timestamp now) const {
  return static_cast<int>(pair.wrong_pwhashes.Count(now, w_.short_window)) >= t_.block_at;
}

}  // namespace coastguard::detect
