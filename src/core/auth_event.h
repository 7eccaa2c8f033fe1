#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/ip_address.h"
#include "core/time.h"

namespace coastguard::core {

enum class Protocol : uint8_t { kOther, kImap, kPop3, kSmtp, kSubmission, kSieve, kHttp };

// A login that sends mail (SMTP AUTH, submission) rather than reads it.
inline bool SendsMail(Protocol p) { return p == Protocol::kSmtp || p == Protocol::kSubmission; }

// What the password check gave (or would give, in replay). kFailure: a failed login whose log
// line does not say whether the password or the user was wrong (log guard).
enum class Outcome : uint8_t { kSuccess, kBadPassword, kUnknownUser, kFailure };

// One login attempt as the engine sees it. Views point into the caller's buffer and are only
// valid for the duration of the call that receives them.
struct AuthAttempt {
  Timestamp ts = 0;
  Protocol protocol = Protocol::kOther;
  IpAddress ip;
  std::string_view login;      // as typed; the engine canonicalises
  std::string_view pwhash;     // Dovecot's truncated salted hash; empty when unknown
  std::string_view client_id;  // IMAP ID / device id; empty when unknown
};

std::string_view ProtocolName(Protocol protocol);
Protocol ParseProtocol(std::string_view name);  // unknown names map to kOther
std::string_view OutcomeName(Outcome outcome);
std::optional<Outcome> ParseOutcome(std::string_view name);

}  // namespace coastguard::core
