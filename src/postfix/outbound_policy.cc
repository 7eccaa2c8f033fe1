#include "postfix/outbound_policy.h"

#include "core/metrics_text.h"

namespace coastguard::postfix {

std::string_view OutboundPolicy::Decide(const PolicyRequest& r, core::Timestamp now) {
  policy::OutboundMessage m{now, r.sasl_username, std::nullopt, r.sender, r.queue_id, r.instance};
  // Postfix sends "unknown" when it has no address for the client (SMTPD_POLICY_README).
  if (!r.client_address.empty() && r.client_address != "unknown") {
    m.client = core::IpAddress::Parse(r.client_address);
    if (!m.client) ++unreadable_clients_;
  }
  core::Verdict verdict;
  if (r.protocol_state == "RCPT") {
    verdict = outbound_.CheckRecipient(m, r.recipient);
  } else if (r.protocol_state == "END-OF-MESSAGE") {
    verdict = outbound_.CheckMessage(m);
  }
  return Action(verdict);
}

std::string_view OutboundPolicy::Action(const core::Verdict& v) const {
  switch (v.action) {
    case core::Action::kHold:
      return v.reasons.Has(core::Reason::kCompromisedLogin) ? actions_.compromised_login
                                                            : actions_.sending_spike;
    case core::Action::kDefer: return actions_.rate_limited;
    default: return "DUNNO";
  }
}

void OutboundPolicy::AppendMetrics(std::string& out) const {
  core::MetricFamily(out, "coastguard_postfix_unreadable_client_total", "counter",
                     "Postfix requests whose client_address was not an address (judged without).",
                     static_cast<double>(unreadable_clients_));
}

}  // namespace coastguard::postfix
