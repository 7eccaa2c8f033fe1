#pragma once

#include "core/verdict.h"
#include "detect/activity.h"

namespace coastguard::detect {

// One source (an IP, or a /24, /64 or /48 around it) failing on many logins it has no history
// with: horizontal guessing, concentrated credential stuffing, spraying from few places, and
// IPv6 rotation inside one prefix. Sources that many of our users log in from successfully (an
// office NAT, a carrier's CGNAT address) get a proportionally higher threshold.
struct SourceGuessingThresholds {
  int ip_logins = 5;        // distinct failed unfamiliar logins from one IP
  int ipv4_24_logins = 10;  // ... from one IPv4 /24
  int ipv6_64_logins = 5;   // ... from one IPv6 /64 (usually one subscriber)
  int ipv6_48_logins = 10;  // ... from one IPv6 /48
  int unknown_users = 3;    // distinct non-existent logins from one source
  // Each this many successes in the long window raises the thresholds by one.
  int successes_per_extra_login = 20;
  Duration block_ttl = core::kHour;
};

template <typename V>
void DescribeSettings(V& v, SourceGuessingThresholds& t) {
  v.Table("source_guessing");
  v.Integer("ip_logins", t.ip_logins, 1, 16);
  v.Integer("ipv4_24_logins", t.ipv4_24_logins, 1, 16);
  v.Integer("ipv6_64_logins", t.ipv6_64_logins, 1, 16);
  v.Integer("ipv6_48_logins", t.ipv6_48_logins, 1, 16);
  v.Integer("unknown_users", t.unknown_users, 1, 8);
  v.Integer("successes_per_extra_login", t.successes_per_extra_login, 0, 1'000'000);
  v.Duration("block_ttl", t.block_ttl, core::kSecond);
}

class SourceGuessing {
 public:
  SourceGuessing(const SourceGuessingThresholds& t, const Windows& w) : t_(t), w_(w) {}

  // After a failure from `key`: the reason to block it, or kCount for none.
  core::Reason Evaluate(const SourceKey& key, const SourceActivity& source, Timestamp now) const;
  Duration block_ttl() const { return t_.block_ttl; }

 private:
  int LoginThreshold(const SourceKey& key) const;

  SourceGuessingThresholds t_;
  Windows w_;
};

}  // namespace coastguard::detect
