#include "replay/replayer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "core/text.h"

namespace coastguard::replay {
namespace {

std::string Line(double ts, const std::string& ip, const std::string& login,
                 const std::string& outcome, const std::string& label,
                 const std::string& pwhash = "abcd") {
  return "{\"ts\": " + std::to_string(ts) + ", \"kind\": \"auth\", \"protocol\": \"imap\", " +
         "\"ip\": \"" + ip + "\", \"login\": \"" + login + "\", \"pwhash\": \"" + pwhash +
         "\", \"outcome\": \"" + outcome + "\", \"label\": \"" + label + "\"}";
}

// A small mixed scenario: legit users, a brute force and a spread-out stuffing run.
std::vector<std::string> Scenario() {
  std::mt19937 rng(7);
  std::vector<std::string> lines;
  double ts = 1793577600;
  for (int i = 0; i < 3000; ++i) {
    ts += 0.5;
    const int user = static_cast<int>(rng() % 300);
    const std::string login = "user" + std::to_string(user) + "@example.com";
    switch (rng() % 4) {
      case 0:
        lines.push_back(
            Line(ts, "81.17." + std::to_string(user) + ".1", login, "success", "legit"));
        break;
      case 1:
        lines.push_back(Line(ts, "203.0.113.9", "user7@example.com", "bad_password", "brute_force",
                             std::to_string(rng() % 4096)));
        break;
      default:
        lines.push_back(
            Line(ts, std::to_string(11 + rng() % 200) + ".1.2." + std::to_string(rng() % 250),
                 login, rng() % 10 == 0 ? "success" : "bad_password", "stuffing"));
    }
  }
  return lines;
}

std::string Decide(const std::vector<std::string>& lines) {
  policy::Engine engine(policy::EngineConfig{}, 0x5eed);
  Replayer replayer(engine);
  std::string out;
  for (const std::string& line : lines) replayer.Process(line, false, out, nullptr);
  return out;
}

TEST(Replay, SameInputSameConfigGivesByteIdenticalDecisions) {
  const auto lines = Scenario();
  const std::string first = Decide(lines);
  EXPECT_EQ(first, Decide(lines));
  EXPECT_NE(first.find("\"reject\""), std::string::npos);  // the scenario does exercise rejects
}

TEST(Replay, EveryLineGetsExactlyOneDecisionLineEvenWhenBad) {
  policy::Engine engine(policy::EngineConfig{}, 1);
  Replayer replayer(engine);
  std::string out, error;
  replayer.Process("{not json", false, out, &error);
  EXPECT_FALSE(error.empty());
  replayer.Process(R"({"ts": 1, "kind": "auth", "protocol": "imap", "ip": "1.2.3.4"})", false, out,
                   &error);
  EXPECT_EQ(error, "missing login");
  replayer.Process(Line(2, "1.2.3.4", "a@b.c", "success", "legit"), false, out, &error);
  EXPECT_TRUE(error.empty());
  EXPECT_EQ(out,
            "{\"verdict\": \"allow\", \"delay_ms\": 0, \"reasons\": [\"bad_input\"]}\n"
            "{\"verdict\": \"allow\", \"delay_ms\": 0, \"reasons\": [\"bad_input\"]}\n"
            "{\"verdict\": \"allow\", \"delay_ms\": 0, \"reasons\": []}\n");
  EXPECT_EQ(replayer.summary().bad_lines, 2u);
}

TEST(Replay, SummaryCountsCompromisesAndFriction) {
  policy::Engine engine(policy::EngineConfig{}, 1);
  Replayer replayer(engine);
  std::string out;
  replayer.Process(Line(1, "81.17.5.5", "alice@example.com", "success", "legit"), false, out,
                   nullptr);
  for (int i = 0; i < 8; ++i) {
    replayer.Process(Line(2 + i, "203.0.113.9", "alice@example.com", "bad_password", "brute_force",
                          "g" + std::to_string(i)),
                     false, out, nullptr);
  }
  replayer.Process(Line(20, "203.0.113.9", "alice@example.com", "success", "brute_force"), false,
                   out, nullptr);
  replayer.Process(Line(21, "81.17.5.5", "alice@example.com", "success", "legit"), false, out,
                   nullptr);
  const Summary& s = replayer.summary();
  const LabelSummary& attack = s.labels.at("brute_force");
  EXPECT_EQ(attack.would_be_compromised.size(), 1u);
  EXPECT_EQ(attack.compromised.size(), 0u);
  const LabelSummary& legit = s.labels.at("legit");
  EXPECT_EQ(legit.right_password, 2u);
  EXPECT_EQ(legit.right_password_since_attack, 1u);
  EXPECT_EQ(legit.right_password_hurt_since_attack, 0u);
}

}  // namespace
}  // namespace coastguard::replay

namespace coastguard::replay {
namespace {

TEST(Replay, FormLinesGetFormVerdictsAndCountByLabel) {
  policy::Engine engine(policy::EngineConfig{}, 1);
  forms::FormGuard forms(forms::FormsConfig{}, "key", 1);
  Replayer replayer(engine, nullptr, &forms);
  std::string out, error;
  replayer.Process(
      R"({"ts": 1700000000, "kind": "form", "form": "signup", "ip": "192.0.2.1", "fields": {"n": "Zoë"}, "roles": {"n": "name"}})",
      false, out, &error);
  replayer.Process(
      R"({"ts": 1700000001, "kind": "form", "label": "lure", "form": "signup", "ip": "192.0.2.2", "fields": {"n": "see https://x.example"}, "roles": {"n": "name"}})",
      false, out, &error);
  replayer.Process(R"({"ts": 1700000002, "kind": "form", "form": "signup"})", false, out, &error);
  EXPECT_EQ(error, "missing ip");
  EXPECT_EQ(out,
            "{\"verdict\": \"accept\", \"delay_ms\": 0, \"reasons\": [], \"score\": 0.0}\n"
            "{\"verdict\": \"reject\", \"delay_ms\": 0, \"reasons\": [\"url_in_name\"], \"score\": "
            "6.0}\n"
            "{\"verdict\": \"reject\", \"delay_ms\": 0, \"reasons\": [\"bad_input\"], \"score\": "
            "10.0}\n");
  EXPECT_EQ(replayer.summary().labels.at("lure").forms[3], 1u);
  EXPECT_EQ(replayer.summary().labels.at("legit").forms[0], 1u);
  EXPECT_EQ(replayer.summary().bad_lines, 1u);
}

}  // namespace
}  // namespace coastguard::replay
