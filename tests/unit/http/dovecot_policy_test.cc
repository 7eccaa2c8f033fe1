#include "http/dovecot_policy.h"

#include <gtest/gtest.h>

#include "core/text.h"

namespace coastguard::http {
namespace {

TEST(PolicyParser, ReadsDovecotsAllowBody) {
  PolicyParser parser;
  PolicyRequest r;
  ASSERT_TRUE(parser
                  .Parse(R"({"device_id":"","login":"alice@example.com","protocol":"imap",)"
                         R"("pwhash":"08e7","remote":"127.0.0.1","session_id":"UHlIiD5hhrB/AAAB",)"
                         R"("tls":false})",
                         &r)
                  .ok());
  EXPECT_EQ(r.login, "alice@example.com");
  EXPECT_EQ(r.pwhash, "08e7");
  EXPECT_EQ(r.remote, "127.0.0.1");
  EXPECT_FALSE(r.has_success);
}

TEST(PolicyParser, ReadsReportsWithBooleansOrStringsAndIgnoresNestedAttrs) {
  PolicyParser parser;
  PolicyRequest r;
  ASSERT_TRUE(parser
                  .Parse(R"({"login":"a","remote":"::1","success":"false","policy_reject":true,)"
                         R"("attrs":{"x":["y"]},"fail_type":"account"})",
                         &r)
                  .ok());
  EXPECT_TRUE(r.has_success);
  EXPECT_FALSE(r.success);
  EXPECT_TRUE(r.policy_reject);
  EXPECT_EQ(r.fail_type, "account");
}

TEST(PolicyParser, RefusesBodiesWithoutLoginOrRemote) {
  PolicyParser parser;
  PolicyRequest r;
  EXPECT_EQ(core::Message(parser.Parse(R"({"remote":"1.2.3.4"})", &r)), "missing login");
  EXPECT_EQ(core::Message(parser.Parse(R"({"login":"a"})", &r)), "missing remote");
  EXPECT_EQ(core::Message(parser.Parse(R"({"login":5,"remote":"1.2.3.4"})", &r)),
            "bad value for 'login'");
  EXPECT_FALSE(parser.Parse("", &r).ok());
}

TEST(PolicyReply, SpeaksDovecotsStatusCodes) {
  core::Verdict v;
  EXPECT_EQ(PolicyReply(v, "no"), R"({"status":0,"msg":"","r_attrs":{}})");
  v.action = core::Action::kDelay;
  v.delay_ms = 1500;
  EXPECT_EQ(PolicyReply(v, "no"), R"({"status":2,"msg":"","r_attrs":{}})");
  v.action = core::Action::kReject;
  EXPECT_EQ(PolicyReply(v, "Go \"away\""), R"({"status":-1,"msg":"Go \"away\"","r_attrs":{}})");
}

}  // namespace
}  // namespace coastguard::http
