#pragma once

#include <cstdint>

#include "core/time.h"

namespace coastguard::counters {

using core::Duration;
using core::Timestamp;

// Counts hits in a sliding window from two fixed buckets: the current one and the previous one,
// weighted by how much of it still overlaps (now - window, now]. Exact at bucket boundaries;
// Cloudflare measured 0.003% error on real traffic. 12 bytes, no allocation.
// The window is passed on every call rather than stored, so millions of counters sharing one
// window pay nothing for it; callers must always pass the same window to a given counter.
// Not thread-safe; owned by whoever owns the table it sits in.
class WindowCounter {
 public:
  void Add(Timestamp now, Duration window, uint32_t hits = 1);
  // Estimated hits in (now - window, now]. Times before the last Add count as that time.
  double Estimate(Timestamp now, Duration window) const;
  // True once nothing in the window remains.
  bool Empty(Timestamp now, Duration window) const { return Estimate(now, window) <= 0.0; }

 private:
  uint32_t bucket_ = 0;  // index of the current bucket: now / window
  uint32_t current_ = 0;
  uint32_t previous_ = 0;
};

}  // namespace coastguard::counters
