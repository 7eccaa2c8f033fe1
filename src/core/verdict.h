#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/enum_set.h"

namespace coastguard::core {

// Login attempts get allow, delay or reject; outbound mail also defer and hold.
enum class Action : uint8_t { kAllow, kDelay, kReject, kDefer, kHold };

// Machine-readable reasons. The order is the order they are listed in a decision line, so it is
// part of the replay contract: append new reasons at the end, never reorder.
enum class Reason : uint8_t {
  kAllowlisted,
  kBlockedIp,
  kBlockedPrefix,
  kBlockedLogin,
  kBlockedLoginIp,
  kBruteForce,          // many distinct wrong passwords for one login from one IP
  kAccountUnderAttack,  // many distinct wrong passwords for one login from many places
  kIpGuessing,          // one IP failing on many logins it has no history with
  kPrefixGuessing,      // the same from one /24, /64 or /48
  kUnknownUsers,        // a source trying logins that do not exist
  kServiceUnderAttack,  // service-wide failure rates far above their baseline
  kUnfamiliarSource,    // the login has never succeeded from here or with this device
  kBadInput,            // the request could not be read; decided fail-open
  kManual,              // an operator's block
  kRateLimited,         // an account over its sending limits
  kCompromisedLogin,    // the account's recent login came from a place the auth guard flagged
  kSendingSpike,        // far above the account's usual volume right after a login from a new place
  kSenderMismatch,      // envelope sender is not the account's own address or domain
  kReturningDevice,     // a refused stranger back with the same password: let through to the check
  kStrangerDevice,      // no client id where the account always sends one, from a new place
  kStrangerSending,     // a known account sending first from a place, or with a client, not its own
  kCount
};

inline constexpr std::string_view kReasonNames[] = {
    "allowlisted",      "blocked_ip",      "blocked_prefix",       "blocked_login",
    "blocked_login_ip", "brute_force",     "account_under_attack", "ip_guessing",
    "prefix_guessing",  "unknown_users",   "service_under_attack", "unfamiliar_source",
    "bad_input",        "manual",          "rate_limited",         "compromised_login",
    "sending_spike",    "sender_mismatch", "returning_device",     "stranger_device",
    "stranger_sending"};
static_assert(std::size(kReasonNames) == static_cast<size_t>(Reason::kCount));

inline std::string_view ReasonName(Reason r) { return kReasonNames[static_cast<size_t>(r)]; }
std::string_view ActionName(Action a);

// Reasons as a bit mask, listed in enum order.
using ReasonSet = EnumSet<Reason, uint32_t>;

struct Verdict {
  Action action = Action::kAllow;
  uint32_t delay_ms = 0;
  ReasonSet reasons;
};

}  // namespace coastguard::core
