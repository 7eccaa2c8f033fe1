#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "forms/form_guard.h"
#include "policy/engine.h"
#include "policy/outbound.h"
#include "wire/event_line.h"
#include "wire/form_check.h"

namespace coastguard::replay {

// Replay's fixed digest seed: decisions must not depend on the process.
inline constexpr uint64_t kSeed = 0x636f617374677264ULL;  // "coastgrd"
// Replay signs and checks render tokens and ALTCHA challenges with the configured secret, else
// with a fixed one, so that a generator that knows it can make valid tokens (docs/replay.md).
inline std::string FormKey(const forms::FormsConfig& config) {
  return config.secret.empty() ? "coastguard-replay" : config.secret;
}

// What happened to one label's events ("legit", or the name of an attack).
struct LabelSummary {
  uint64_t attempts = 0;
  uint64_t allowed = 0;
  uint64_t delayed = 0;
  uint64_t rejected = 0;
  // Legit: right-password attempts, and those rejected or delayed (friction), overall and
  // counted from the first attack event on.
  uint64_t right_password = 0;
  uint64_t right_password_hurt = 0;
  uint64_t right_password_since_attack = 0;
  uint64_t right_password_hurt_since_attack = 0;
  // Attacks: accounts the attacker had the right password for, and those it got into.
  absl::flat_hash_set<std::string> would_be_compromised;
  absl::flat_hash_set<std::string> compromised;
  // Mail lines: messages by verdict. For attack labels (spam), messages that got out from
  // accounts later held, before their first hold, and from accounts never held.
  uint64_t messages = 0;
  uint64_t messages_allowed = 0;
  uint64_t messages_deferred = 0;
  uint64_t messages_held = 0;
  uint64_t messages_rejected = 0;
  uint64_t spam_out_before_hold = 0;
  absl::flat_hash_map<std::string, uint64_t> spam_out_by_account;  // not yet held
  absl::flat_hash_set<std::string> held_accounts;
  // Form lines by verdict (accept, challenge, hold, reject).
  std::array<uint64_t, 4> forms{};
  uint64_t FormsTotal() const { return forms[0] + forms[1] + forms[2] + forms[3]; }

  // Spam messages that got out from accounts never held.
  uint64_t OutFromAccountsNeverHeld() const {
    uint64_t n = 0;
    for (const auto& [account, count] : spam_out_by_account) n += count;
    return n;
  }
};

struct Summary {
  uint64_t lines = 0;
  uint64_t bad_lines = 0;
  core::Timestamp first_attack = -1;
  std::map<std::string, LabelSummary> labels;  // ordered: output is deterministic
};

// Runs replay lines through an engine with the live server's semantics: check, then (unless
// rejected) report the line's outcome, as Dovecot reports after the password check.
class Replayer {
 public:
  // `outbound` decides "mail" lines; without it they are decided as bad input.
  // `forms` decides "form" lines; without it they are decided as bad input.
  explicit Replayer(policy::Engine& engine, policy::Outbound* outbound = nullptr,
                    forms::FormGuard* forms = nullptr)
      : engine_(engine), outbound_(outbound), forms_(forms) {}

  // Decides one line and appends its decision line (with '\n') to `out`. `padded`: see
  // wire::EventParser::Parse. A bad line gets verdict allow / reason bad_input and a message in
  // `error` (empty otherwise).
  void Process(std::string_view line, bool padded, std::string& out, std::string* error);

  const Summary& summary() const { return summary_; }
  const policy::Engine& engine() const { return engine_; }

 private:
  void CountMail(const wire::Event& event, const core::Verdict& verdict, LabelSummary& s,
                 bool legit);
  void ProcessForm(std::string_view line, bool padded, std::string& out, std::string* error);
  LabelSummary& LabelFor(std::string_view label);

  policy::Engine& engine_;
  policy::Outbound* outbound_;
  forms::FormGuard* forms_;
  wire::FormCheckParser form_parser_;
  forms::FormRequest form_;
  wire::EventParser parser_;
  wire::Event event_;
  Summary summary_;
  uint64_t SessionKey(std::string_view login, const core::IpAddress& ip) const;
  void BadLine(const std::string& message, std::string& out, std::string* error);
  // The latest SMTP AUTH verdict per (login, address): a mail line after a refused login is
  // mail that could never have been submitted, and is decided "reject" with the login's
  // reasons, as the live server's Postfix would never have asked.
  absl::flat_hash_map<uint64_t, uint32_t> refused_smtp_;  // key -> reason bits, 0 = allowed
  std::string label_;                                     // the label of the previous line...
  LabelSummary* current_ = nullptr;  // ...and its summary, to skip the map lookup
};

// Human-readable summary table, and the same as JSON.
// Both include the service-wide attack episodes the engine went through.
std::string FormatSummary(const Summary& summary, const policy::Engine& engine);
std::string SummaryJson(const Summary& summary, const policy::Engine& engine);

}  // namespace coastguard::replay
