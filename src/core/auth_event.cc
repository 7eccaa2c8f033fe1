#include "core/auth_event.h"

namespace coastguard::core {

std::string_view ProtocolName(Protocol protocol) {
  switch (protocol) {
    case Protocol::kImap: return "imap";
    case Protocol::kPop3: return "pop3";
    case Protocol::kSmtp: return "smtp";
    case Protocol::kSubmission: return "submission";
    case Protocol::kSieve: return "sieve";
    case Protocol::kHttp: return "http";
    case Protocol::kOther: break;
  }
  return "other";
}

Protocol ParseProtocol(std::string_view name) {
  if (name == "imap") return Protocol::kImap;
  if (name == "pop3") return Protocol::kPop3;
  if (name == "smtp") return Protocol::kSmtp;
  if (name == "submission") return Protocol::kSubmission;
  if (name == "sieve" || name == "managesieve") return Protocol::kSieve;
  if (name == "http" || name == "webmail") return Protocol::kHttp;
  return Protocol::kOther;
}

std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kSuccess: return "success";
    case Outcome::kBadPassword: return "bad_password";
    case Outcome::kUnknownUser: return "unknown_user";
    case Outcome::kFailure: return "failure";
  }
  return "bad_password";
}

std::optional<Outcome> ParseOutcome(std::string_view name) {
  if (name == "success") return Outcome::kSuccess;
  if (name == "bad_password") return Outcome::kBadPassword;
  if (name == "unknown_user") return Outcome::kUnknownUser;
  if (name == "failure") return Outcome::kFailure;
  return std::nullopt;
}

}  // namespace coastguard::core
