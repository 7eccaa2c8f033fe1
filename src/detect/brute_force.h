#pragma once

#include <cstdint>

#include "detect/activity.h"

namespace coastguard::detect {

// Single-IP brute force on one account: distinct wrong passwords for one login from one IP.
// A device retrying a stale password repeats one pwhash and so counts once; a typo or two stay
// under `delay_from`.
struct BruteForceThresholds {
  int delay_from = 3;  // distinct wrong passwords before answers are delayed
  int block_at = 6;    // distinct wrong passwords that block the login+IP pair
  Duration first_delay = core::kSecond;
  Duration max_delay = 8 * core::kSecond;
  Duration block_ttl = 15 * core::kMinute;
};

template <typename V>
void DescribeSettings(V& v, BruteForceThresholds& t) {
  v.Table("brute_force");
  v.Integer("delay_from", t.delay_from, 1, 8);
  v.Integer("block_at", t.block_at, 1, 8);
  v.Duration("first_delay", t.first_delay, core::kMillisecond);
  v.Duration("max_delay", t.max_delay, core::kMillisecond);
  v.Duration("block_ttl", t.block_ttl, core::kSecond);
  v.Require(t.delay_from <= t.block_at,
            "brute_force.delay_from must not exceed brute_force.block_at");
}

class BruteForce {
 public:
  explicit BruteForce(const BruteForceThresholds& t, const Windows& w) : t_(t), w_(w) {}

  // Tarpit before the password check, doubling per wrong password past delay_from; 0 = none.
  uint32_t DelayMs(const PairActivity& pair, Timestamp now) const;
  // After a failure: has the pair crossed the block threshold?
  bool ShouldBlock(const PairActivity& pair, Timestamp now) const;
  Duration block_ttl() const { return t_.block_ttl; }

 private:
  BruteForceThresholds t_;
  Windows w_;
};

}  // namespace coastguard::detect
