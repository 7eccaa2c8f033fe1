#include "core/auth_event.h"

#include "core/text.h"

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
  if (IsWord(name, "imap")) return Protocol::kImap;
  if (IsWord(name, "pop3")) return Protocol::kPop3;
  if (IsWord(name, "smtp")) return Protocol::kSmtp;
  if (IsWord(name, "submission")) return Protocol::kSubmission;
  if (IsWord(name, "sieve") || IsWord(name, "managesieve")) return Protocol::kSieve;
  if (IsWord(name, "http") || IsWord(name, "webmail")) return Protocol::kHttp;
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
  if (IsWord(name, "success")) return Outcome::kSuccess;
  if (IsWord(name, "bad_password")) return Outcome::kBadPassword;
  if (IsWord(name, "unknown_user")) return Outcome::kUnknownUser;
  if (IsWord(name, "failure")) return Outcome::kFailure;
  return std::nullopt;
}

}  // namespace coastguard::core
