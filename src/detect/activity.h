#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

#include "core/ip_address.h"
#include "core/time.h"
#include "counters/recent_set.h"
#include "counters/window_counter.h"

namespace coastguard::detect {

using core::Duration;
using core::Timestamp;

// Windows shared by every record of a table (see WindowCounter on why they are not stored).
struct Windows {
  Duration short_window = core::kHour;  // failures and distinct counts
  Duration long_window = core::kDay;    // successes: what makes a source "proven"
};

// A source is an exact IP or one of its prefixes (/24 for IPv4; /64 and /48 for IPv6).
struct SourceKey {
  core::IpAddress network;
  uint8_t bits = 0;  // prefix length in the family's own bits
  friend bool operator==(const SourceKey&, const SourceKey&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const SourceKey& k) {
    return H::combine(std::move(h), k.network, k.bits);
  }
};

// What one source did lately. Only failures on logins unfamiliar with the source count as
// guessing evidence: an office NAT's stale phones and typos are familiar, an attacker is not.
struct SourceActivity {
  counters::WindowCounter unfamiliar_failures;  // short window
  counters::WindowCounter successes;            // long window
  counters::RecentSet<16> failed_logins;        // distinct unfamiliar logins that failed
  counters::RecentSet<8> unknown_logins;        // distinct logins that do not exist
  counters::RecentSet<4> successful_logins;     // long window
  uint32_t last_seen_s = 0;

  // Eviction order: idle sources go first; sources with evidence of either kind stay longer.
  int64_t Retention(Timestamp now) const;
};

// What happened to one login lately, from everywhere.
struct LoginActivity {
  counters::WindowCounter failures;        // short window
  counters::RecentSet<16> wrong_pwhashes;  // distinct wrong passwords, unfamiliar sources
  counters::RecentSet<8> failing_sources;  // distinct /24 or /64 they came from
  uint32_t last_seen_s = 0;
  int64_t Retention(Timestamp now) const;
};

// One login from one exact IP.
struct PairActivity {
  counters::RecentSet<8> wrong_pwhashes;  // a stale device repeats one hash: it counts once
  counters::WindowCounter failures;
  uint32_t last_seen_s = 0;
  int64_t Retention(Timestamp now) const;
};

// What the auth guard knew about an account's latest suspicious or new-place success, kept for
// the outbound guard: a credential that works is used to send spam within minutes.
struct LoginEvidence {
  enum Flag : uint8_t {
    kFromGuessingSource = 1,        // the address (or its prefix) failed on other accounts
    kUnfamiliarDuringAttack = 2,    // a stranger's login while the service was under attack
    kAfterDistributedFailures = 4,  // wrong passwords from several networks just before
    kNewLocation = 8,               // the account had never succeeded from there
  };
  static constexpr uint8_t kSuspicious =
      kFromGuessingSource | kUnfamiliarDuringAttack | kAfterDistributedFailures;

  uint32_t suspicious_s = 0;    // last success with a suspicious flag
  uint32_t new_location_s = 0;  // last success from a new place
  uint32_t cleared_s = 0;       // an operator cleared the account at this time
  uint8_t flags = 0;            // of the latest suspicious success
  core::IpAddress ip;           // of the latest suspicious success
  std::string login;            // canonical, for operators
  int64_t Retention(Timestamp) const { return std::max(suspicious_s, new_location_s); }
};

}  // namespace coastguard::detect
