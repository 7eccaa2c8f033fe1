#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/ip_address.h"
#include "core/time.h"
#include "detect/activity.h"
#include "detect/familiarity.h"

namespace coastguard::detect {

// What makes a successful login suspicious ([compromise] in the config). A credential that works
// is used to send spam within minutes, so the auth guard keeps, per account, what it knew about
// its latest success from a place the account does not know, and the outbound guard holds the
// account's mail while that success is suspicious.
struct CompromiseSettings {
  // The address itself failed on at least this many other accounts (unfamiliar with it) in the
  // short window...
  int guessing_source_logins = 2;
  // ...or tried at least this many accounts that do not exist.
  int guessing_source_unknown_logins = 1;
  // Wrong passwords for the account came from at least this many networks (/24, /64) in the
  // short window just before a stranger got in: the end of a distributed guessing run.
  int distributed_networks = 3;
  // An address at least this many accounts logged in from successfully in the long window, with
  // more successes than unfamiliar failures, is "proven" (an office NAT, a carrier's CGNAT
  // address): its typos are not guessing, and attack mode does not refuse strangers there.
  int proven_logins = 2;
};

template <typename V>
void DescribeSettings(V& v, CompromiseSettings& s) {
  v.Table("compromise");
  v.Integer("guessing_source_logins", s.guessing_source_logins, 1, 16);
  v.Integer("guessing_source_unknown_logins", s.guessing_source_unknown_logins, 1, 8);
  v.Integer("distributed_networks", s.distributed_networks, 1, 8);
  v.Integer("proven_logins", s.proven_logins, 1, 4);
}

// What the auth guard knew about an account's latest suspicious or new-place success, kept for
// the outbound guard.
struct LoginEvidence {
  enum Flag : uint8_t {
    kFromGuessingSource = 1,        // the address (or its prefix) failed on other accounts
    kUnfamiliarDuringAttack = 2,    // a stranger's login while the service was under attack
    kAfterDistributedFailures = 4,  // wrong passwords from several networks just before
    kNewLocation = 8,               // the account had never succeeded from there
    kStrangerDevice = 16,           // no client id where the account always sends one, or a new one
                                    // from a place the account never used
  };
  // What makes a success suspicious is what it shows about the account. Attack mode alone is
  // the service being busy, not evidence: a phone moving in its carrier's pool then is no
  // thief (the flag is kept for operators).
  static constexpr uint8_t kSuspicious = kFromGuessingSource | kAfterDistributedFailures;

  uint32_t suspicious_s = 0;    // last success with a suspicious flag
  uint32_t new_location_s = 0;  // last success from a new place
  uint32_t cleared_s = 0;       // an operator cleared the account at this time
  uint8_t flags = 0;            // of the latest suspicious success
  core::IpAddress ip;           // of the latest suspicious success
  std::string login;            // canonical, for operators

  // A suspicious success within `window` before `now` that no operator has cleared since.
  bool SuspiciousAt(Timestamp now, Duration window) const {
    return suspicious_s != 0 && cleared_s < suspicious_s &&
           core::FromSeconds(suspicious_s) + window > now;
  }
  // A success from a new place within `window` before `now`, not cleared since.
  bool NewPlaceAt(Timestamp now, Duration window) const {
    return new_location_s > cleared_s && core::FromSeconds(new_location_s) + window > now;
  }
  int64_t Retention(Timestamp) const { return std::max(suspicious_s, new_location_s); }
};

// Everything the engine knows about a success from a place the account is not familiar with
// (a familiar place is neither new nor suspicious and never gets this far).
struct UnfamiliarSuccess {
  Familiarity familiarity = Familiarity::kNone;  // kNone, kWidePrefix or kDevice
  DeviceView device = DeviceView::kNoInfo;
  bool account_known = false;               // the account has succeeded from somewhere before
  bool under_attack = false;                // the service is in attack mode
  const SourceActivity* address = nullptr;  // the exact address's record, if any
  bool address_proven = false;              // see CompromiseSettings::proven_logins
  bool source_blocked = false;  // the address or a prefix around it is (or recently was) blocked
  const LoginActivity* login = nullptr;  // the account's recent failures, if any
  // The account is closed for distributed guessing ([account_guessing]), or was within the
  // blocks' offense memory (an operator's block does not count). Looked up only for an account
  // with no success within the familiarity TTL.
  bool account_guessed = false;
  // The account's own device roaming, or a refused stranger let through as a returning device
  // (detect::ReturningDevice): attack mode and a blocked prefix around a clean address say
  // nothing about it.
  bool vouched = false;
};

// Judges successes for compromise evidence. Stateless apart from its settings; the engine owns
// the records it reads and the evidence table it writes.
class Compromise {
 public:
  Compromise(const CompromiseSettings& settings, const Windows& windows)
      : s_(settings), w_(windows) {}

  bool Proven(const SourceActivity* address, Timestamp now) const;
  // LoginEvidence flags for the success; 0 when there is nothing to remember.
  uint8_t Flags(const UnfamiliarSuccess& success, Timestamp now) const;
  // Stores the success's flags in the account's evidence.
  static void Record(LoginEvidence& evidence, uint8_t flags, Timestamp now,
                     const core::IpAddress& ip, std::string_view login);

 private:
  CompromiseSettings s_;
  Windows w_;
};

// "from an address that failed on other accounts, ..." for log lines and webhooks.
std::string DescribeEvidence(uint8_t flags);
// Calls fn("from_guessing_source") etc. for each suspicious flag set, for the admin API.
template <typename Fn>
void ForEachEvidenceName(uint8_t flags, Fn&& fn) {
  if (flags & LoginEvidence::kFromGuessingSource) fn("from_guessing_source");
  if (flags & LoginEvidence::kUnfamiliarDuringAttack) fn("unfamiliar_during_attack");
  if (flags & LoginEvidence::kAfterDistributedFailures) fn("after_distributed_failures");
  if (flags & LoginEvidence::kStrangerDevice) fn("stranger_device");
}

}  // namespace coastguard::detect
