#include "counters/window_counter.h"

#include <algorithm>

namespace coastguard::counters {
namespace {

uint32_t BucketOf(Timestamp now, Duration window) {
  return static_cast<uint32_t>(std::max<Timestamp>(now, 0) / window);
}

}  // namespace

void WindowCounter::Add(Timestamp now, Duration window, uint32_t hits) {
  const uint32_t bucket = BucketOf(now, window);
  if (bucket > bucket_) {
    previous_ = bucket == bucket_ + 1 ? current_ : 0;
    current_ = 0;
    bucket_ = bucket;
  }
  // Saturate rather than wrap: a flood must never turn into a small count.
  current_ = hits > UINT32_MAX - current_ ? UINT32_MAX : current_ + hits;
}

double WindowCounter::Estimate(Timestamp now, Duration window) const {
  const uint32_t bucket = BucketOf(now, window);
  const double elapsed =
      static_cast<double>(std::max<Timestamp>(now, 0) % window) / static_cast<double>(window);
  if (bucket <= bucket_) return current_ + previous_ * (1.0 - elapsed);
  if (bucket == bucket_ + 1) return current_ * (1.0 - elapsed);
  return 0.0;
}

}  // namespace coastguard::counters
