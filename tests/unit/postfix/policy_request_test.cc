#include "postfix/policy_request.h"

#include <gtest/gtest.h>

namespace coastguard::postfix {
namespace {

constexpr char kRcpt[] =
    "request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n"
    "client_address=203.0.113.9\nclient_name=unknown\nsender=alice@example.com\n"
    "recipient=x@one.example\nrecipient_count=0\nqueue_id=\ninstance=1a2b.5f0c1d2e.a1b2c.0\n"
    "size=48213\nsasl_method=PLAIN\nsasl_username=alice@example.com\nccert_subject=\n\n";

TEST(PolicyReader, ReadsARequestAndIgnoresUnknownAttributes) {
  PolicyReader reader;
  reader.Feed(kRcpt);
  PolicyRequest r;
  std::string error;
  ASSERT_EQ(reader.Next(&r, &error), PolicyReader::Result::kRequest) << error;
  EXPECT_EQ(r.protocol_state, "RCPT");
  EXPECT_EQ(r.client_address, "203.0.113.9");
  EXPECT_EQ(r.recipient, "x@one.example");
  EXPECT_EQ(r.sasl_username, "alice@example.com");
  EXPECT_EQ(r.size, 48213u);
  EXPECT_EQ(r.instance, "1a2b.5f0c1d2e.a1b2c.0");
  EXPECT_EQ(reader.Next(&r, &error), PolicyReader::Result::kNeedMore);
}

TEST(PolicyReader, WaitsForTheEmptyLineAcrossReads) {
  PolicyReader reader;
  const std::string text = kRcpt;
  PolicyRequest r;
  std::string error;
  reader.Feed(text.substr(0, 40));
  EXPECT_EQ(reader.Next(&r, &error), PolicyReader::Result::kNeedMore);
  reader.Feed(text.substr(40, text.size() - 41));
  EXPECT_EQ(reader.Next(&r, &error), PolicyReader::Result::kNeedMore);
  reader.Feed("\n");
  EXPECT_EQ(reader.Next(&r, &error), PolicyReader::Result::kRequest);
}

TEST(PolicyReader, ReadsPipelinedRequestsInOrder) {
  PolicyReader reader;
  std::string two = kRcpt;
  std::string second = kRcpt;
  second.replace(second.find("RCPT"), 4, "END-OF-MESSAGE");
  reader.Feed(two + second);
  PolicyRequest r;
  std::string error;
  ASSERT_EQ(reader.Next(&r, &error), PolicyReader::Result::kRequest);
  EXPECT_EQ(r.protocol_state, "RCPT");
  ASSERT_EQ(reader.Next(&r, &error), PolicyReader::Result::kRequest);
  EXPECT_EQ(r.protocol_state, "END-OF-MESSAGE");
}

TEST(PolicyReader, MalformedRequestsAreRefused) {
  PolicyRequest r;
  std::string error;
  PolicyReader no_equals;
  no_equals.Feed("request=smtpd_access_policy\ngarbage\n\n");
  EXPECT_EQ(no_equals.Next(&r, &error), PolicyReader::Result::kMalformed);
  EXPECT_EQ(error, "line without name=value");
  PolicyReader wrong_request;
  wrong_request.Feed("request=other\n\n");
  EXPECT_EQ(wrong_request.Next(&r, &error), PolicyReader::Result::kMalformed);
  PolicyReader endless;
  endless.Feed("request=" + std::string(9000, 'x'));
  EXPECT_EQ(endless.Next(&r, &error), PolicyReader::Result::kMalformed);
  EXPECT_EQ(error, "attribute line too long");
}

}  // namespace
}  // namespace coastguard::postfix
