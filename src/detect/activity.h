#pragma once

#include <algorithm>
#include <cstdint>

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

template <typename V>
void DescribeSettings(V& v, Windows& w) {
  v.Table("windows");
  v.Duration("short", w.short_window, core::kMinute);
  v.Duration("long", w.long_window, core::kMinute);
  v.Require(w.long_window >= w.short_window, "windows.long must not be shorter than windows.short");
}

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

// A client's tag: the low 32 bits of its id's digest (the device digest), at least 2, or 1 for
// no id (no id is a client of its own); never 0.
inline uint32_t ClientTag(uint64_t device) {
  return device == 0 ? 1 : std::max<uint32_t>(static_cast<uint32_t>(device), 2);
}

// What one source did lately. Only failures on logins unfamiliar with the source count as
// guessing evidence: an office NAT's stale phones and typos are familiar, an attacker is not.
struct SourceActivity {
  counters::WindowCounter unfamiliar_failures;   // short window
  counters::WindowCounter successes;             // long window
  counters::RecentSet<16> failed_logins;         // distinct unfamiliar logins that failed
  counters::RecentSet<8> unknown_logins;         // distinct logins that do not exist
  counters::RecentSet<4> successful_logins;      // long window
  counters::RecentSet<4> refused_logins;         // short window: strangers refused, with an id
  counters::WindowCounter failed_returning;      // short window: returning devices' failed checks
  counters::WindowCounter returning_admissions;  // short window: known accounts' new devices
  uint32_t last_seen_s = 0;
  // Exact addresses only: the client (ClientTag) every success here came with since the
  // address was last without successes for the long window (0: none since), unless
  // `several_clients`. An address where many accounts succeed through one client is a gateway (a
  // webmail host, the IT person's desk), not a carrier's address shared by everyone's phones.
  uint32_t client_tag = 0;
  bool several_clients = false;
  // A source where this many of our logins succeed in the long window is shared (an office
  // NAT, a campus, a carrier's CGNAT): knowing it tells one of them from a stranger less well.
  static constexpr size_t kCrowdedLogins = decltype(successful_logins)::kCapacity;

  // At least kCrowdedLogins of our logins succeeded here within `window` (the long window).
  bool Crowded(Timestamp now, Duration window) const {
    return successful_logins.Count(now, window) >= kCrowdedLogins;
  }
  // A success here with this device digest (0: no id sent). `idle`: the address had no success
  // within the long window before this one, so the clients start over.
  void NoteClient(uint64_t device, bool idle);
  // Every success here since it was last idle came with this device digest.
  bool OnlyClient(uint64_t device) const;

  // Distinct logins other than `login_tag` that failed here within `window`: what an exit of a
  // combo list or a spraying wave shows, and one person's typos do not.
  size_t FailingOthers(uint32_t login_tag, Timestamp now, Duration window) const;
  // Distinct logins other than `login_tag` refused here as strangers within `window` while
  // presenting a client id: a combo list sending popular ids, whose passwords nobody checked.
  // Any id counts, so that a decoy id cannot hide the one the list sends to its victims.
  size_t RefusedOthers(uint32_t login_tag, Timestamp now, Duration window) const;
  // Eviction order: idle sources go first; sources with evidence of either kind stay longer.
  int64_t Retention(Timestamp now) const;
};

// What happened to one login lately, from everywhere.
struct LoginActivity {
  counters::WindowCounter failures;              // short window
  counters::RecentSet<16> wrong_pwhashes;        // distinct wrong passwords, unfamiliar sources
  counters::RecentSet<8> failing_sources;        // distinct /24 or /64 they came from
  counters::WindowCounter returning_admissions;  // short window (ReturningDevice)
  uint32_t last_seen_s = 0;
  int64_t Retention(Timestamp now) const;
};

// One login from one exact IP.
struct PairActivity {
  counters::RecentSet<8> wrong_pwhashes;  // a stale device repeats one hash: it counts once
  counters::WindowCounter failures;
  uint32_t last_seen_s = 0;
  // ReturningDevice: the password tag of the first refusal of a stranger here, and since when;
  // the tag that earned a password check, and when (0: none); the tag whose check failed.
  uint32_t refused_pw = 0;
  uint32_t refused_since_s = 0;
  uint32_t admitted_pw = 0;
  uint32_t admitted_s = 0;
  uint32_t failed_pw = 0;
  // The client (ClientTag) last refused reading since `refused_since_s`; meaningful only while
  // `refused_reading` is set.
  uint32_t reading_client = 0;
  // Since `refused_since_s`, a refusal came on a protocol that reads mail: what a mail client
  // with a saved password polls with, besides sending.
  bool refused_reading = false;
  // Admitted as a known account's new device: its success vouches for the account's
  // familiarity, not for the address (which must not become proven or crowded by it).
  bool admitted_known_elsewhere = false;
  int64_t Retention(Timestamp now) const;
};

}  // namespace coastguard::detect
