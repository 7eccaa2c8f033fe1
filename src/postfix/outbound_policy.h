#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/time.h"
#include "core/verdict.h"
#include "policy/outbound.h"
#include "postfix/policy_request.h"
#include "postfix/postfix_config.h"

namespace coastguard::postfix {

// Postfix's side of the outbound guard, both ways: a policy delegation request becomes an
// OutboundMessage for policy::Outbound (RCPT per recipient, END-OF-MESSAGE per message; other
// stages are not ours to judge), and the verdict becomes Postfix's action text
// ("DUNNO", "DEFER_IF_PERMIT ...", "HOLD ..."). Loop thread.
class OutboundPolicy {
 public:
  OutboundPolicy(policy::Outbound& outbound, PostfixActions actions)
      : outbound_(outbound), actions_(std::move(actions)) {}

  // The action for one request, without "action=".
  std::string_view Decide(const PolicyRequest& request, core::Timestamp now);
  // The action text for a verdict.
  std::string_view Action(const core::Verdict& verdict) const;

  // client_address values that were neither an address nor "unknown" (judged without one).
  uint64_t unreadable_clients() const { return unreadable_clients_; }
  void AppendMetrics(std::string& out) const;

 private:
  policy::Outbound& outbound_;
  PostfixActions actions_;
  uint64_t unreadable_clients_ = 0;
};

}  // namespace coastguard::postfix
