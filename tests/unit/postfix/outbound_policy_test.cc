#include "postfix/outbound_policy.h"

#include <gtest/gtest.h>

#include <string>

namespace coastguard::postfix {
namespace {

constexpr core::Timestamp kStart = 1'800'000'000 * core::kSecond;

class OutboundPolicyTest : public ::testing::Test {
 protected:
  PolicyRequest Rcpt(std::string_view recipient) {
    PolicyRequest r;
    r.request = "smtpd_access_policy";
    r.protocol_state = "RCPT";
    r.client_address = "81.17.5.20";
    r.sasl_username = "alice@example.com";
    r.sender = "alice@example.com";
    r.recipient = recipient;
    return r;
  }

  policy::Engine engine_{policy::EngineConfig{}, 1};
  policy::OutboundConfig config_ = [] {
    policy::OutboundConfig c;
    c.limits.recipients_per_hour = 3;
    return c;
  }();
  policy::Outbound outbound_{config_, engine_};
  OutboundPolicy policy_{outbound_, PostfixActions{}};
};

TEST_F(OutboundPolicyTest, RecipientsOverTheLimitAreDeferredInPostfixWords) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(policy_.Decide(Rcpt("r" + std::to_string(i) + "@d.example"), kStart + i), "DUNNO");
  }
  EXPECT_EQ(policy_.Decide(Rcpt("r9@d.example"), kStart + 10),
            "DEFER_IF_PERMIT 4.7.1 Sending rate limit exceeded, try again later");
}

TEST_F(OutboundPolicyTest, StagesOtherThanRcptAndEndOfMessageAreNotJudged) {
  PolicyRequest r = Rcpt("x@d.example");
  r.protocol_state = "DATA";
  for (int i = 0; i < 10; ++i) EXPECT_EQ(policy_.Decide(r, kStart + i), "DUNNO");
}

TEST_F(OutboundPolicyTest, AnUnreadableClientAddressIsCountedNotGuessed) {
  PolicyRequest r = Rcpt("x@d.example");
  r.client_address = "unknown";  // what Postfix sends when it has none
  policy_.Decide(r, kStart);
  EXPECT_EQ(policy_.unreadable_clients(), 0u);
  r.client_address = "not-an-address";
  policy_.Decide(r, kStart + 1);
  EXPECT_EQ(policy_.unreadable_clients(), 1u);
  std::string metrics;
  policy_.AppendMetrics(metrics);
  EXPECT_NE(metrics.find("coastguard_postfix_unreadable_client_total 1"), std::string::npos);
}

TEST_F(OutboundPolicyTest, HoldsAreWordedByTheirReason) {
  core::Verdict v;
  v.action = core::Action::kHold;
  v.reasons.Add(core::Reason::kCompromisedLogin);
  EXPECT_EQ(policy_.Action(v), PostfixActions{}.compromised_login);
  v.reasons = {};
  v.reasons.Add(core::Reason::kSendingSpike);
  EXPECT_EQ(policy_.Action(v), PostfixActions{}.sending_spike);
}

}  // namespace
}  // namespace coastguard::postfix
