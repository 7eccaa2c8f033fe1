#include "policy/outbound.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/digest.h"
#include "core/metrics_text.h"
#include "core/text.h"

namespace coastguard::policy {
namespace {

using core::Action;
using core::Reason;
using core::Verdict;

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return out;
}

std::string_view DomainOf(std::string_view address) {
  const size_t at = address.rfind('@');
  return at == std::string_view::npos ? std::string_view() : address.substr(at + 1);
}

// The recipient's domain, lower-cased, as a 32-bit tag for the distinct-domain count.
uint32_t DomainTag(std::string_view recipient) {
  const size_t at = recipient.rfind('@');
  return static_cast<uint32_t>(core::Digest64(
      Lower(at == std::string_view::npos ? recipient : recipient.substr(at + 1)), 0x646f6d));
}

// The envelope sender is the account's own address, or an address in the account's domain
// (aliases). Postfix's reject_sender_login_mismatch is the control; this is evidence.
bool SenderBelongs(std::string_view sender, std::string_view canonical_login) {
  const std::string lowered = Lower(sender);
  if (lowered == canonical_login) return true;
  const std::string_view domain = DomainOf(canonical_login);
  return !domain.empty() && DomainOf(lowered) == domain;
}

size_t BudgetBytes(const Engine& auth) { return auth.config().memory_budget_mb << 20; }

// What a hold is reported as: a compromised login, else the sending pattern.
Reason HoldReason(const Verdict& v) {
  return v.reasons.Has(Reason::kCompromisedLogin) ? Reason::kCompromisedLogin
                                                  : Reason::kSendingSpike;
}

}  // namespace

Outbound::Outbound(const OutboundConfig& config, Engine& auth)
    : config_(config),
      auth_(auth),
      // Keyed by a sasl_username a client may make up: its share of the budget, like any table.
      accounts_(
          std::min(config.max_accounts,
                   core::TableCapacity(BudgetBytes(auth), core::BudgetShares::kOutboundAccounts,
                                       core::EntryBytes<uint64_t, detect::AccountSending>()))) {
  for (const auto& [login, limits] : config_.bulk_accounts) {
    if (auto canonical = auth_.Canonical(login); canonical.ok()) {
      bulk_[auth_.LoginDigest(*canonical)] = &limits;
    }
  }
}

bool Outbound::Suspect(uint64_t login, Timestamp now, std::string* evidence) const {
  const detect::LoginEvidence* e = auth_.Evidence(login);
  if (e == nullptr || !e->SuspiciousAt(now, config_.suspect_window)) return false;
  if (evidence != nullptr) {
    *evidence = core::Cat("login at ", e->suspicious_s, " from ", e->ip.ToString(), ": ",
                          detect::DescribeEvidence(e->flags));
  }
  return true;
}

bool Outbound::RecentlyNew(uint64_t login, Timestamp now) const {
  const detect::LoginEvidence* e = auth_.Evidence(login);
  return e != nullptr && e->NewPlaceAt(now, config_.new_login_window);
}

Verdict Outbound::Judge(const OutboundMessage& m, bool message_stage, std::string_view recipient,
                        std::string* hold_evidence) {
  Verdict v;
  if (m.sasl_username.empty()) return v;  // not submitted by one of our accounts
  // A message asks once per recipient and once more at its end: canonicalise the account once.
  if (m.sasl_username != last_username_) {
    auto canonical = auth_.Canonical(m.sasl_username);
    last_username_.assign(m.sasl_username);
    last_canonical_ok_ = canonical.ok();
    if (canonical.ok()) {
      last_canonical_ = std::move(*canonical);
      last_login_ = auth_.LoginDigest(last_canonical_);
    }
  }
  if (!last_canonical_ok_) {
    v.reasons.Add(Reason::kBadInput);
    return v;
  }
  const std::string* canonical = &last_canonical_;
  const uint64_t login = last_login_;
  const Timestamp now = m.ts;
  std::string evidence;
  if (Suspect(login, now, &evidence)) {
    v.action = Action::kHold;
    v.reasons.Add(Reason::kCompromisedLogin);
  }
  const auto bulk = bulk_.find(login);
  const detect::SendingLimits& limits = bulk != bulk_.end() ? *bulk->second : config_.limits;
  detect::AccountSending& account = accounts_.FindOrInsert(login, now);
  const detect::SendingCheck check =
      message_stage
          ? detect::Sending::AddMessage(account, limits, now)
          : detect::Sending::AddRecipient(account, DomainTag(recipient),
                                          core::Digest64(Lower(recipient), 0x726370), limits, now);
  if (check == detect::SendingCheck::kRateLimited) {
    v.reasons.Add(Reason::kRateLimited);
    if (v.action == Action::kAllow) v.action = Action::kDefer;
  } else if (check == detect::SendingCheck::kSpike && bulk == bulk_.end()) {
    v.reasons.Add(Reason::kSendingSpike);
    // A spike alone is a signal (a person's big invitation); right after a login from a new
    // place it is the pattern of a stolen credential.
    if (RecentlyNew(login, now)) {
      v.action = Action::kHold;
      const detect::LoginEvidence* e = auth_.Evidence(login);
      evidence = core::Cat("spike after a login from a new place at ", e->new_location_s);
    }
  }
  const bool new_place = RecentlyNew(login, now);
  // A stolen credential writes to strangers: many first-time recipients soon after a login
  // from a new place is held even below the account's usual volume.
  if (new_place && bulk == bulk_.end() &&
      detect::Sending::NewRecipients(account, now) >= limits.spike_min) {
    v.reasons.Add(Reason::kSendingSpike);
    if (v.action != Action::kHold) {
      v.action = Action::kHold;
      evidence = core::Cat(static_cast<uint64_t>(detect::Sending::NewRecipients(account, now)),
                           " recipients never written to before, within an hour of a login from a "
                           "new place");
    }
  }
  if (!m.sender.empty() && !SenderBelongs(m.sender, *canonical)) {
    v.reasons.Add(Reason::kSenderMismatch);
    if (new_place && v.action != Action::kHold) {
      v.action = Action::kHold;
      evidence =
          core::Cat("sender ", m.sender, " is not the account's, after a login from a new place");
    }
  }
  if (v.action == Action::kHold && hold_evidence != nullptr) *hold_evidence = std::move(evidence);
  return v;
}

uint64_t Outbound::MessageKey(const OutboundMessage& m) const {
  return core::Digest64(m.instance, core::Digest64(m.sasl_username, 0x696e73));
}

void Outbound::SendHold(const OutboundMessage& m, Reason reason, std::string evidence) {
  if (on_hold_) {
    on_hold_(
        HoldEvent{m.ts, last_canonical_, reason, std::string(m.queue_id), std::move(evidence)});
  }
}

Verdict Outbound::CheckRecipient(const OutboundMessage& m, std::string_view recipient) {
  std::string evidence;
  const Verdict v = Judge(m, /*message_stage=*/false, recipient, &evidence);
  if (v.action == Action::kHold && !m.instance.empty()) {
    // The first recipient that held the message says why; the message's end reports it.
    PendingHold& pending = pending_holds_.FindOrInsert(MessageKey(m), m.ts);
    if (pending.ts_s == 0) {
      // A copy of its own length: a resized string would keep the long one's buffer.
      pending = {core::ToSeconds(m.ts), HoldReason(v),
                 std::string(evidence.data(), std::min(evidence.size(), kPendingEvidence))};
    }
  }
  if (timeline_ != nullptr && !m.sasl_username.empty()) {
    // A message is counted once, at its end; a recipient only when it is deferred or held.
    if (v.action == Action::kHold) timeline_->Count(m.ts, history::Series::kMailHold);
    if (v.action == Action::kDefer) timeline_->Count(m.ts, history::Series::kMailDefer);
  }
  return v;
}

Verdict Outbound::CheckMessage(const OutboundMessage& m) {
  std::string evidence;
  const Verdict v = Judge(m, /*message_stage=*/true, "", &evidence);
  bool held = v.action == Action::kHold;
  if (held) SendHold(m, HoldReason(v), std::move(evidence));
  if (!m.instance.empty() && !m.sasl_username.empty()) {
    const uint64_t key = MessageKey(m);
    if (PendingHold* pending = pending_holds_.Find(key)) {
      // Held at RCPT: Postfix holds the whole message once it is accepted. Deferred at its
      // end (DEFER_IF_PERMIT), it is not accepted at all, and its retry is a message of its own.
      if (!held && v.action != Action::kDefer) {
        SendHold(m, pending->reason, std::move(pending->evidence));
        held = true;
      }
      pending_holds_.Erase(key);
    }
  }
  if (timeline_ != nullptr && !m.sasl_username.empty()) {
    timeline_->Count(m.ts, held                         ? history::Series::kMailHold
                           : v.action == Action::kDefer ? history::Series::kMailDefer
                                                        : history::Series::kMailAllow);
  }
  return v;
}

Verdict Outbound::CheckMail(const OutboundMessage& one,
                            const std::vector<std::string_view>& recipients) {
  // One message at a time, from its first recipient to its end: a constant instance ties them.
  OutboundMessage m = one;
  if (m.instance.empty()) m.instance = "replay";
  Verdict result;
  bool deferred = false;
  for (const std::string_view rcpt : recipients) {
    const Verdict v = CheckRecipient(m, rcpt);
    v.reasons.ForEach([&](Reason r) { result.reasons.Add(r); });
    if (v.action == Action::kHold) result.action = Action::kHold;
    deferred |= v.action == Action::kDefer;
  }
  if (result.action != Action::kHold && deferred && recipients.size() > 0) {
    // Postfix defers the recipients over the limit and accepts the others.
    result.action = Action::kDefer;
  }
  const Verdict message = CheckMessage(m);
  message.reasons.ForEach([&](Reason r) { result.reasons.Add(r); });
  // Deferred at its end, the message is not accepted, whatever its recipients were to get.
  if (message.action != Action::kAllow) result.action = message.action;
  return result;
}

void Outbound::AppendTables(std::vector<core::TableUsage>& out) const {
  out.push_back(core::MapUsage("outbound_accounts", accounts_, BudgetBytes(auth_),
                               core::BudgetShares::kOutboundAccounts));
}

void Outbound::AppendMetrics(std::string& out) const {
  core::MetricFamily(out, "coastguard_outbound_accounts", "gauge",
                     "Accounts with sending counters.", static_cast<double>(accounts_.size()));
  core::MetricFamily(out, "coastguard_outbound_pending_holds", "gauge",
                     "Messages held at RCPT whose end has not been checked yet.",
                     static_cast<double>(pending_holds_.size()));
  core::MetricFamily(out, "coastguard_outbound_pending_holds_evicted_total", "counter",
                     "Messages held at RCPT whose end never came before the table was full "
                     "(no hold event was sent for them).",
                     static_cast<double>(pending_holds_.evictions()));
}

std::string HoldLogLine(const HoldEvent& e) {
  return core::Cat("hold account=", e.account, " queue_id=", e.queue_id.empty() ? "-" : e.queue_id,
                   " reason=", core::ReasonName(e.reason), " evidence=\"", e.evidence, "\"");
}

std::string HoldEventJson(const HoldEvent& e) {
  // Accounts come from outside and may not be valid UTF-8: replaced, never thrown on.
  return nlohmann::json{{"event", "hold"},
                        {"ts", static_cast<double>(e.ts) / core::kSecond},
                        {"account", e.account},
                        {"queue_id", e.queue_id},
                        {"reason", core::ReasonName(e.reason)},
                        {"evidence", e.evidence}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace coastguard::policy
