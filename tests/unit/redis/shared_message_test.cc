#include "redis/shared_message.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace coastguard::redis {
namespace {

struct Seen {
  std::vector<std::string> logins;
  std::vector<int> outcomes;  // -1: checked
  std::vector<std::string> states;
};

MessageHandlers Collect(Seen& seen) {
  return {[&seen](const core::AuthAttempt& a, const core::Outcome* outcome) {
            seen.logins.push_back(std::string(a.login) + "|" + std::string(a.pwhash) + "|" +
                                  std::string(a.client_id) + "|" + a.ip.ToString());
            seen.outcomes.push_back(outcome == nullptr ? -1 : static_cast<int>(*outcome));
          },
          [&seen](std::string_view record) { seen.states.emplace_back(record); }};
}

TEST(SharedMessage, CarriesAttemptsOutcomesAndStateRecordsInOrder) {
  MessageWriter w(42, "node-a");
  core::AuthAttempt a;
  a.ts = 1'700'000'000'000'000;
  a.protocol = core::Protocol::kImap;
  a.ip = *core::IpAddress::Parse("2001:db8::7");
  a.login = "alice@example.com";
  a.pwhash = "1a2b";
  a.client_id = "K-9";
  w.Checked(a, 5);
  w.Reported(a, core::Outcome::kBadPassword, 6);
  w.State(std::string("\x02rest", 5), 7);
  EXPECT_EQ(w.records(), 3u);

  MessageHeader h;
  Seen seen;
  ASSERT_TRUE(ReadMessage(w.bytes(), &h, Collect(seen)).ok());
  EXPECT_EQ(h.instance, 42u);
  EXPECT_EQ(h.sent_at, 5);  // stamped by its first record
  EXPECT_EQ(h.node, "node-a");
  ASSERT_EQ(seen.logins.size(), 2u);
  EXPECT_EQ(seen.logins[0], "alice@example.com|1a2b|K-9|2001:db8::7");
  EXPECT_EQ(seen.outcomes, (std::vector<int>{-1, static_cast<int>(core::Outcome::kBadPassword)}));
  EXPECT_EQ(seen.states, (std::vector<std::string>{std::string("\x02rest", 5)}));
}

TEST(SharedMessage, ACutOrForeignMessageIsAnErrorAndStopsAtTheBadRecord) {
  MessageWriter w(1, "n");
  core::AuthAttempt a;
  a.ip = *core::IpAddress::Parse("192.0.2.1");
  a.login = "bob";
  w.Checked(a, 1);
  w.Checked(a, 1);
  MessageHeader h;
  Seen seen;
  const std::string cut = w.bytes().substr(0, w.bytes().size() - 2);
  EXPECT_FALSE(ReadMessage(cut, &h, Collect(seen)).ok());
  EXPECT_EQ(seen.logins.size(), 1u);  // the whole first record, not the cut second
  EXPECT_FALSE(ReadMessage("hello", &h, Collect(seen)).ok());
  EXPECT_FALSE(ReadHeader("", &h).ok());
}

TEST(SharedMessage, ClearStartsAFreshMessage) {
  MessageWriter w(1, "n");
  w.State("x", 1);
  w.Clear();
  EXPECT_TRUE(w.empty());
  w.State("y", 9);
  MessageHeader h;
  Seen seen;
  ASSERT_TRUE(ReadMessage(w.bytes(), &h, Collect(seen)).ok());
  EXPECT_EQ(h.sent_at, 9);
  EXPECT_EQ(seen.states, (std::vector<std::string>{"y"}));
}

}  // namespace
}  // namespace coastguard::redis
