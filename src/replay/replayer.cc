#include "replay/replayer.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/digest.h"
#include "core/text.h"

namespace coastguard::replay {
namespace {

constexpr std::string_view kLegit = "legit";

double Share(uint64_t part, uint64_t whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

}  // namespace

LabelSummary& Replayer::LabelFor(std::string_view label) {
  if (current_ == nullptr || label != label_) {
    label_.assign(label);
    current_ = &summary_.labels[label_];  // std::map: pointers stay valid
  }
  return *current_;
}

void Replayer::ProcessForm(std::string_view line, bool padded, std::string& out,
                           std::string* error) {
  if (forms_ == nullptr) return BadLine("form lines need the form guard", out, error);
  const core::Timestamp ts = event_.attempt.ts;
  const std::string label(event_.label.empty() ? kLegit : event_.label);
  if (absl::Status s = form_parser_.Parse(line, padded, &form_); !s.ok()) {
    // A check the application could not make sends nothing: the form shape, rejected.
    ++summary_.bad_lines;
    if (error != nullptr) *error = core::Message(s);
    forms::FormVerdict bad;
    bad.action = forms::FormAction::kReject;
    bad.reasons.Add(forms::FormReason::kBadInput);
    bad.score = forms::FormReasonWeight(forms::FormReason::kBadInput);
    wire::AppendFormDecisionLine(bad, out);
    out += '\n';
    return;
  }
  if (error != nullptr) error->clear();
  const forms::FormVerdict verdict = forms_->Check(form_, ts);
  wire::AppendFormDecisionLine(verdict, out);
  out += '\n';
  ++LabelFor(label).forms[static_cast<size_t>(verdict.action)];
}

void Replayer::Process(std::string_view line, bool padded, std::string& out, std::string* error) {
  ++summary_.lines;
  wire::Event& event = event_;  // reused: keeps the recipients' capacity
  const absl::Status status = parser_.Parse(line, padded, /*require_outcome=*/true, &event);
  if (!status.ok()) return BadLine(core::Message(status), out, error);
  if (event.kind == wire::EventKind::kForm) return ProcessForm(line, padded, out, error);
  if (event.kind == wire::EventKind::kMail && outbound_ == nullptr) {
    return BadLine("mail lines need the outbound guard", out, error);
  }
  if (error != nullptr) error->clear();

  core::Verdict verdict;
  if (event.kind == wire::EventKind::kMail) {
    const auto refused = refused_smtp_.find(SessionKey(event.mail.sasl_user, event.attempt.ip));
    if (refused != refused_smtp_.end() && refused->second != 0) {
      verdict.action = core::Action::kReject;
      for (unsigned r = 0; r < static_cast<unsigned>(core::Reason::kCount); ++r) {
        if (refused->second & (1u << r)) verdict.reasons.Add(static_cast<core::Reason>(r));
      }
    } else {
      const policy::OutboundMessage message{event.attempt.ts, event.mail.sasl_user,
                                            event.attempt.ip, event.mail.sender, ""};
      verdict = outbound_->CheckMail(message, event.mail.recipients);
    }
  } else {
    for (uint32_t i = 1; i < event.attempts; ++i)
      engine_.CheckThenReport(event.attempt, event.outcome);
    verdict = engine_.CheckThenReport(event.attempt, event.outcome);
    if (outbound_ != nullptr && core::SendsMail(event.attempt.protocol)) {
      // Bounded like everything else: a replay of years of logs must not grow without end.
      if (refused_smtp_.size() > 1'000'000) refused_smtp_.clear();
      const bool refused =
          verdict.action == core::Action::kReject || event.outcome != core::Outcome::kSuccess;
      uint32_t bits = verdict.reasons.bits();
      if (refused && bits == 0) bits = 1u << static_cast<unsigned>(core::Reason::kBadInput);
      refused_smtp_[SessionKey(event.attempt.login, event.attempt.ip)] = refused ? bits : 0;
    }
  }
  wire::AppendDecisionLine(verdict, out);
  out += '\n';

  const std::string_view label = event.label.empty() ? kLegit : event.label;
  const bool legit = label == kLegit;
  if (!legit && summary_.first_attack < 0) summary_.first_attack = event.attempt.ts;
  LabelSummary& s = LabelFor(label);
  if (event.kind == wire::EventKind::kMail) return CountMail(event, verdict, s, legit);
  ++s.attempts;
  switch (verdict.action) {
    case core::Action::kAllow: ++s.allowed; break;
    case core::Action::kDelay: ++s.delayed; break;
    default: ++s.rejected; break;
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

void Replayer::BadLine(const std::string& message, std::string& out, std::string* error) {
  // Still one decision line, so that decisions stay aligned with their input lines.
  ++summary_.bad_lines;
  if (error != nullptr) *error = message;
  core::Verdict bad;
  bad.reasons.Add(core::Reason::kBadInput);
  wire::AppendDecisionLine(bad, out);
  out += '\n';
}

uint64_t Replayer::SessionKey(std::string_view login, const core::IpAddress& ip) const {
  auto canonical = engine_.Canonical(login);
  const uint64_t digest = canonical.ok() ? engine_.LoginDigest(*canonical) : 0;
  return core::Mix64(digest, core::Digest64(ip.bytes().data(), ip.bytes().size(), 0));
}

void Replayer::CountMail(const wire::Event& event, const core::Verdict& verdict, LabelSummary& s,
                         bool legit) {
  ++s.messages;
  switch (verdict.action) {
    case core::Action::kAllow:
    case core::Action::kDelay: ++s.messages_allowed; break;
    case core::Action::kDefer: ++s.messages_deferred; break;
    case core::Action::kHold: ++s.messages_held; break;
    case core::Action::kReject: ++s.messages_rejected; break;
  }
  if (legit) return;
  std::string account(event.mail.sasl_user);
  if (verdict.action == core::Action::kHold) {
    if (s.held_accounts.insert(account).second) {
      // This account's first hold: what it sent before it got out before the hold.
      const auto it = s.spam_out_by_account.find(account);
      if (it != s.spam_out_by_account.end()) {
        s.spam_out_before_hold += it->second;
        s.spam_out_by_account.erase(it);
      }
    }
  } else if (verdict.action == core::Action::kAllow && !s.held_accounts.contains(account)) {
    ++s.spam_out_by_account[account];
  }
}

std::string FormatSummary(const Summary& summary, const policy::Engine& engine) {
  std::string out = core::Cat("replay: ", summary.lines, " lines, ", summary.bad_lines, " bad\n");
  char row[256];
  std::snprintf(row, sizeof(row), "%-24s %10s %10s %10s %10s  %s\n", "label", "attempts", "allowed",
                "delayed", "rejected", "outcome");
  out += row;
  for (const auto& [label, s] : summary.labels) {
    if (s.attempts == 0) continue;
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
  bool mail_header = false;
  for (const auto& [label, s] : summary.labels) {
    if (s.messages == 0) continue;
    if (!mail_header) {
      std::snprintf(row, sizeof(row), "%-24s %10s %10s %10s %10s  %s\n", "mail label", "messages",
                    "allowed", "deferred", "held", "outcome");
      out += row;
      mail_header = true;
    }
    std::snprintf(row, sizeof(row), "%-24s %10llu %10llu %10llu %10llu  ", label.c_str(),
                  static_cast<unsigned long long>(s.messages),
                  static_cast<unsigned long long>(s.messages_allowed),
                  static_cast<unsigned long long>(s.messages_deferred),
                  static_cast<unsigned long long>(s.messages_held + s.messages_rejected));
    out += row;
    const uint64_t stopped = s.messages - s.messages_allowed;
    char share[160];
    if (label == kLegit) {
      std::snprintf(share, sizeof(share), "affected: %llu (%.3f%%)\n",
                    static_cast<unsigned long long>(stopped), Share(stopped, s.messages));
    } else {
      const uint64_t never_held = s.OutFromAccountsNeverHeld();
      std::snprintf(share, sizeof(share),
                    "stopped: %.1f%%; got out before the first hold: %llu, from accounts never "
                    "held: %llu\n",
                    Share(stopped, s.messages),
                    static_cast<unsigned long long>(s.spam_out_before_hold),
                    static_cast<unsigned long long>(never_held));
    }
    out += share;
  }
  bool form_header = false;
  for (const auto& [label, s] : summary.labels) {
    const uint64_t total = s.FormsTotal();
    if (total == 0) continue;
    if (!form_header) {
      std::snprintf(row, sizeof(row), "%-24s %10s %10s %10s %10s %10s  %s\n", "form label",
                    "submitted", "accepted", "challenged", "held", "rejected", "outcome");
      out += row;
      form_header = true;
    }
    std::snprintf(
        row, sizeof(row), "%-24s %10llu %10llu %10llu %10llu %10llu  ", label.c_str(),
        static_cast<unsigned long long>(total), static_cast<unsigned long long>(s.forms[0]),
        static_cast<unsigned long long>(s.forms[1]), static_cast<unsigned long long>(s.forms[2]),
        static_cast<unsigned long long>(s.forms[3]));
    out += row;
    const uint64_t stopped = total - s.forms[0];
    char share[96];
    std::snprintf(share, sizeof(share), "%s: %.2f%%\n", label == kLegit ? "hurt" : "stopped",
                  Share(stopped, total));
    out += share;
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
    if (s.messages > 0) {
      const uint64_t never_held = s.OutFromAccountsNeverHeld();
      j["mail"] = {{"messages", s.messages},
                   {"allowed", s.messages_allowed},
                   {"deferred", s.messages_deferred},
                   {"held", s.messages_held},
                   {"rejected", s.messages_rejected}};
      if (label != kLegit) {
        j["mail"]["out_before_first_hold"] = s.spam_out_before_hold;
        j["mail"]["out_from_accounts_never_held"] = never_held;
      }
    }
    if (s.FormsTotal() > 0) {
      j["forms"] = {{"submitted", s.FormsTotal()},
                    {"accepted", s.forms[0]},
                    {"challenged", s.forms[1]},
                    {"held", s.forms[2]},
                    {"rejected", s.forms[3]}};
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
      .dump(2, ' ', false, nlohmann::json::error_handler_t::replace);  // labels are outside input
}

}  // namespace coastguard::replay
