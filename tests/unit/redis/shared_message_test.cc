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
          [&seen](std::string_view record) { seen.states.emplace_back(record); }, nullptr, nullptr};
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

TEST(SharedMessage, CarriesFormChecksWholeButNeverAPasswordFieldsValue) {
  const std::string long_text(5000, 'w');  // longer than a login field may be
  forms::FormRequest request;
  request.form = "contact";
  request.ip = *core::IpAddress::Parse("198.51.100.7");
  request.has_user_agent = true;
  request.user_agent = "Mozilla/5.0";
  request.recipient = "victim@example.org";
  request.token = "tok";
  request.fields = {{"message", long_text, forms::Role::kText},
                    {"password", "hunter2", forms::Role::kSecret},
                    {"name", "Win at prize.example", forms::Role::kName}};
  forms::DecidedForm decided;
  decided.action = forms::FormAction::kHold;
  decided.reported = {7, 0xfedcba9876543210ULL};
  MessageWriter w(1, "n");
  w.Form(request, decided, 1'700'000'000'000'000, 3);
  MessageHeader h;
  std::vector<std::string> seen;
  int64_t seen_ts = 0;
  forms::DecidedForm seen_decided;
  MessageHandlers handlers;
  handlers.form = [&](const forms::FormRequest& r, const forms::DecidedForm& d, int64_t ts) {
    seen_ts = ts;
    seen_decided = d;
    seen.push_back(std::string(r.form) + "|" + r.ip.ToString() + "|" + std::string(r.user_agent) +
                   "|" + std::string(r.recipient) + "|" + std::string(r.token) + "|" +
                   (r.has_user_agent ? "ua" : "-"));
    for (const forms::FormField& f : r.fields) {
      seen.push_back(std::string(f.name) + "=" + std::string(f.value) + "/" +
                     std::to_string(static_cast<int>(f.role)));
    }
  };
  ASSERT_TRUE(ReadMessage(w.bytes(), &h, handlers).ok());
  EXPECT_EQ(seen_ts, 1'700'000'000'000'000);
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0], "contact|198.51.100.7|Mozilla/5.0|victim@example.org|tok|ua");
  EXPECT_EQ(seen[1], "message=" + long_text + "/0");
  EXPECT_EQ(seen[2], "password=/" + std::to_string(static_cast<int>(forms::Role::kSecret)));
  EXPECT_EQ(seen[3], "name=Win at prize.example/1");
  EXPECT_EQ(w.bytes().find("hunter2"), std::string::npos);
  EXPECT_EQ(seen_decided.action, forms::FormAction::kHold);
  EXPECT_FALSE(seen_decided.rejected);
  EXPECT_EQ(seen_decided.reported, decided.reported);
}

TEST(SharedMessage, AFormCheckTheCheckItselfWouldRefuseIsABadRecord) {
  auto written = [](const forms::FormRequest& request) {
    MessageWriter w(1, "n");
    w.Form(request, forms::DecidedForm{}, 1, 1);
    return w.bytes();
  };
  forms::FormRequest good;
  good.form = "contact";
  good.ip = *core::IpAddress::Parse("192.0.2.1");
  good.fields = {{"comment", "hello", forms::Role::kText}};
  MessageHeader h;
  int forms_seen = 0;
  MessageHandlers handlers;
  handlers.form = [&](const forms::FormRequest&, const forms::DecidedForm&, int64_t) {
    ++forms_seen;
  };
  ASSERT_TRUE(ReadMessage(written(good), &h, handlers).ok());
  EXPECT_EQ(forms_seen, 1);
  forms::FormRequest bad_name = good;
  bad_name.form = "no spaces";
  EXPECT_FALSE(ReadMessage(written(bad_name), &h, handlers).ok());
  const std::string long_id(129, 'i');
  forms::FormRequest bad_id = good;
  bad_id.id = long_id;
  EXPECT_FALSE(ReadMessage(written(bad_id), &h, handlers).ok());
  // A role past the last one, and a record cut short.
  std::string bytes = written(good);
  const size_t role_at = bytes.find("comment") - 5;  // u8 role, u32 length, then the name
  bytes[role_at] = 42;
  EXPECT_FALSE(ReadMessage(bytes, &h, handlers).ok());
  const std::string whole = written(good);
  for (size_t cut = 1; cut < 40; ++cut) {
    std::string shorter = whole.substr(0, whole.size() - cut);
    EXPECT_FALSE(ReadMessage(shorter, &h, handlers).ok()) << cut;
  }
  EXPECT_EQ(forms_seen, 1);
}

TEST(SharedMessage, CarriesBreachReportsAndNotifications) {
  MessageWriter w(1, "n");
  w.Breach({.notified = false,
            .ts = 10,
            .breached = true,
            .breach_count = 77,
            .login = "carol@example.com",
            .ip = "192.0.2.5",
            .service = "imap"},
           1);
  BreachRecord notified;
  notified.notified = true;
  notified.ts = 11;
  notified.login = "carol@example.com";
  w.Breach(notified, 1);
  MessageHeader h;
  std::vector<BreachRecord> seen;
  std::vector<std::string> logins;
  MessageHandlers handlers;
  handlers.breach = [&](const BreachRecord& r) {
    seen.push_back(r);
    logins.emplace_back(std::string(r.login) + "|" + std::string(r.ip) + "|" +
                        std::string(r.service));
  };
  ASSERT_TRUE(ReadMessage(w.bytes(), &h, handlers).ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_FALSE(seen[0].notified);
  EXPECT_TRUE(seen[0].breached);
  EXPECT_EQ(seen[0].breach_count, 77u);
  EXPECT_EQ(seen[0].ts, 10);
  EXPECT_EQ(logins[0], "carol@example.com|192.0.2.5|imap");
  EXPECT_TRUE(seen[1].notified);
  EXPECT_EQ(seen[1].ts, 11);
}

TEST(SharedMessage, ARecordOfANewerTypeIsSkippedAndTheRestRead) {
  MessageWriter w(1, "n");
  w.State("a", 1);
  std::string bytes = w.bytes();
  bytes.push_back(static_cast<char>(99));  // a type this version does not know, 3 bytes long
  const uint32_t length = 3;
  bytes.append(reinterpret_cast<const char*>(&length), 4);
  bytes.append("xyz");
  MessageWriter tail(1, "n");
  tail.State("b", 1);
  // The second writer's records, without its header: append them after the unknown one.
  MessageHeader h;
  const size_t header = tail.bytes().size() - (1 + 4 + 1);
  bytes.append(tail.bytes().substr(header));
  Seen seen;
  ASSERT_TRUE(ReadMessage(bytes, &h, Collect(seen)).ok());
  EXPECT_EQ(seen.states, (std::vector<std::string>{"a", "b"}));
}

TEST(SharedMessage, AnotherNodesTimeIsNeverInTheFutureNorHoursInThePast) {
  constexpr int64_t now = 1'800'000'000'000'000;
  EXPECT_EQ(BoundRemoteTime(now - 5'000, now), now - 5'000);  // a few ms late: as sent
  EXPECT_EQ(BoundRemoteTime(now + 9'000'000, now), now);      // a clock ahead
  EXPECT_EQ(BoundRemoteTime(INT64_MIN, now), now - kMaxRemoteAge);
  EXPECT_EQ(BoundRemoteTime(INT64_MAX, now), now);
}

}  // namespace
}  // namespace coastguard::redis
