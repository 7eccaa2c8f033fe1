#include "replay/replayer.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/text.h"

namespace coastguard::replay {
namespace {

constexpr std::string_view kLegit = "legit";

double Share(uint64_t part, uint64_t whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

}  // namespace

void Replayer::Process(std::string_view line, bool padded, std::string& out, std::string* error) {
  ++summary_.lines;
  Event event;
  const absl::Status status = parser_.Parse(line, padded, /*require_outcome=*/true, &event);
  if (!status.ok()) {
    ++summary_.bad_lines;
    if (error != nullptr) *error = core::Message(status);
    core::Verdict bad;
    bad.reasons.Add(core::Reason::kBadInput);
    core::AppendVerdictJson(bad, out);
    out += '\n';
    return;
  }
  if (error != nullptr) error->clear();

  const core::Verdict verdict = engine_.CheckThenReport(event.attempt, event.outcome);
  core::AppendVerdictJson(verdict, out);
  out += '\n';

  const std::string_view label = event.label.empty() ? kLegit : event.label;
  if (current_ == nullptr || label != label_) {
    label_.assign(label);
    current_ = &summary_.labels[label_];  // std::map: pointers stay valid
  }
  const bool legit = label == kLegit;
  if (!legit && summary_.first_attack < 0) summary_.first_attack = event.attempt.ts;
  LabelSummary& s = *current_;
  ++s.attempts;
  switch (verdict.action) {
    case core::Action::kAllow: ++s.allowed; break;
    case core::Action::kDelay: ++s.delayed; break;
    case core::Action::kReject: ++s.rejected; break;
  }
  if (event.outcome != core::Outcome::kSuccess) return;
  const bool hurt = verdict.action != core::Action::kAllow;
  if (legit) {
    ++s.right_password;
    s.right_password_hurt += hurt;
    if (summary_.first_attack >= 0) {
      ++s.right_password_since_attack;
      s.right_password_hurt_since_attack += hurt;
    }
    return;
  }
  std::string login(event.attempt.login);
  if (verdict.action != core::Action::kReject) s.compromised.insert(login);
  s.would_be_compromised.insert(std::move(login));
}

std::string FormatSummary(const Summary& summary, const policy::Engine& engine) {
  std::string out = core::Cat("replay: ", summary.lines, " lines, ", summary.bad_lines, " bad\n");
  char row[256];
  std::snprintf(row, sizeof(row), "%-24s %10s %10s %10s %10s  %s\n", "label", "attempts", "allowed",
                "delayed", "rejected", "outcome");
  out += row;
  for (const auto& [label, s] : summary.labels) {
    std::string outcome;
    if (label == kLegit) {
      outcome =
          core::Cat("right-password attempts hurt: ", s.right_password_hurt, "/", s.right_password,
                    "; since first attack: ", s.right_password_hurt_since_attack, "/",
                    s.right_password_since_attack);
      char share[64];
      std::snprintf(share, sizeof(share), " (%.3f%%)",
                    Share(s.right_password_hurt_since_attack, s.right_password_since_attack));
      outcome += share;
    } else {
      const uint64_t would = s.would_be_compromised.size();
      const uint64_t got = s.compromised.size();
      char share[64];
      std::snprintf(share, sizeof(share), " (%.1f%% protected)", Share(would - got, would));
      outcome = core::Cat("accounts logged into: ", got, " of ", would, " with the right password");
      outcome += would > 0 ? share : "";
    }
    std::snprintf(
        row, sizeof(row), "%-24s %10llu %10llu %10llu %10llu  ", label.c_str(),
        static_cast<unsigned long long>(s.attempts), static_cast<unsigned long long>(s.allowed),
        static_cast<unsigned long long>(s.delayed), static_cast<unsigned long long>(s.rejected));
    out += row;
    out += outcome;
    out += '\n';
  }
  const auto& episodes = engine.service_attack().episodes();
  double hours = 0;
  for (const auto& e : episodes) hours += static_cast<double>(e.end - e.start) / core::kHour;
  char line[160];
  std::snprintf(line, sizeof(line), "service attack mode: %llu episodes, %.2f hours in all\n",
                static_cast<unsigned long long>(engine.service_attack().attacks_started()), hours);
  out += line;
  return out;
}

std::string SummaryJson(const Summary& summary, const policy::Engine& engine) {
  nlohmann::json labels = nlohmann::json::object();
  for (const auto& [label, s] : summary.labels) {
    nlohmann::json j = {{"attempts", s.attempts},
                        {"allowed", s.allowed},
                        {"delayed", s.delayed},
                        {"rejected", s.rejected}};
    if (label == kLegit) {
      j["right_password"] = s.right_password;
      j["right_password_hurt"] = s.right_password_hurt;
      j["right_password_since_attack"] = s.right_password_since_attack;
      j["right_password_hurt_since_attack"] = s.right_password_hurt_since_attack;
    } else {
      j["would_be_compromised"] = s.would_be_compromised.size();
      j["compromised"] = s.compromised.size();
    }
    labels[label] = j;
  }
  nlohmann::json episodes = nlohmann::json::array();
  for (const auto& e : engine.service_attack().episodes()) {
    episodes.push_back(
        {static_cast<double>(e.start) / core::kSecond, static_cast<double>(e.end) / core::kSecond});
  }
  return nlohmann::json{{"lines", summary.lines},
                        {"bad_lines", summary.bad_lines},
                        {"labels", labels},
                        {"attack_episodes", episodes}}
      .dump(2);
}

}  // namespace coastguard::replay
