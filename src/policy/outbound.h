#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.h"
#include "core/verdict.h"
#include "counters/bounded_map.h"
#include "detect/sending.h"
#include "history/timeline.h"
#include "policy/engine.h"
#include "policy/outbound_config.h"

namespace coastguard::policy {

// One message as the outbound guard sees it.
struct OutboundMessage {
  core::Timestamp ts = 0;
  std::string_view sasl_username;  // empty: not authenticated, not ours to judge
  // The submitting client's address, when the MTA knows it (Postfix says "unknown" otherwise).
  std::optional<core::IpAddress> client;
  std::string_view sender;
  std::string_view queue_id;
  // The MTA's id of the message from its first recipient on (Postfix's `instance`; the queue
  // id is still empty at the first RCPT): ties a hold at RCPT to the message's end.
  std::string_view instance = {};
};

// Something the operator (or an automated flow) should act on: mail held from an account.
struct HoldEvent {
  core::Timestamp ts = 0;
  std::string account;
  core::Reason reason = core::Reason::kCompromisedLogin;
  std::string queue_id;
  std::string evidence;  // human-readable
};

// hold account=dave@example.com queue_id=4Xyz reason=compromised_login evidence="..."
std::string HoldLogLine(const HoldEvent& event);
// {"account":...,"event":"hold","evidence":...,"queue_id":...,"reason":...,"ts":...} (webhook)
std::string HoldEventJson(const HoldEvent& event);

// The outbound guard: per-account sending limits and anomalies, linked to what the auth guard
// saw when the account last logged in. Decides per recipient (RCPT) and per message
// (END-OF-MESSAGE). Single-threaded, like the auth engine it reads.
class Outbound {
 public:
  Outbound(const OutboundConfig& config, Engine& auth);

  core::Verdict CheckRecipient(const OutboundMessage& m, std::string_view recipient);
  core::Verdict CheckMessage(const OutboundMessage& m);
  // Replay: every recipient as at RCPT, then the message as at END-OF-MESSAGE. Hold wins,
  // then defer (some recipients over a limit), then allow.
  core::Verdict CheckMail(const OutboundMessage& m, const std::vector<std::string_view>& rcpts);

  // Accounts whose mail is held now for a suspicious login (GET /v1/suspects).
  template <typename Fn>
  void ForEachSuspect(Timestamp now, Fn&& fn) const {
    auth_.ForEachEvidence([&](uint64_t, const detect::LoginEvidence& e) {
      if (e.SuspiciousAt(now, config_.suspect_window)) fn(e);
    });
  }

  // The per-account counters, for snapshots; and their restore at startup.
  template <typename Fn>
  void ForEachAccount(Fn&& fn) const {
    accounts_.ForEach(fn);
  }
  void RestoreAccount(uint64_t login, const detect::AccountSending& sending) {
    accounts_.FindOrInsert(login, core::FromSeconds(sending.last_seen_s)) = sending;
  }

  void set_on_hold(std::function<void(const HoldEvent&)> fn) { on_hold_ = std::move(fn); }
  // The console's history: mail verdicts per minute (none by default).
  void set_timeline(history::Timeline* timeline) { timeline_ = timeline; }
  const OutboundConfig& config() const { return config_; }
  size_t accounts() const { return accounts_.size(); }
  uint64_t evictions() const { return accounts_.evictions(); }
  void AppendTables(std::vector<core::TableUsage>& out) const;
  // The outbound guard's /metrics families.
  void AppendMetrics(std::string& out) const;

 private:
  // A message held at RCPT whose end has not been checked yet: its hold event is sent then,
  // with the queue id, unless the end holds it for a reason of its own.
  struct PendingHold {
    uint32_t ts_s = 0;
    core::Reason reason = core::Reason::kSendingSpike;
    std::string evidence;
    int64_t Retention(Timestamp) const { return ts_s; }
  };
  // Messages whose end never comes (the client went away, or Postfix asks only at RCPT) are
  // evicted when the table is full, the oldest of a sample first: a fixed bound outside the
  // memory budget, like the webhook's queues (about 2.5 MB: the evidence, which may quote a
  // sender the client chose, is kept to kPendingEvidence bytes).
  static constexpr size_t kPendingHolds = 4096;
  static constexpr size_t kPendingEvidence = 512;

  history::Timeline* timeline_ = nullptr;
  // `evidence`, when not null, gets the hold's evidence (human-readable) if the verdict holds.
  core::Verdict Judge(const OutboundMessage& m, bool message_stage, std::string_view recipient,
                      std::string* evidence);
  uint64_t MessageKey(const OutboundMessage& m) const;
  void SendHold(const OutboundMessage& m, core::Reason reason, std::string evidence);
  bool Suspect(uint64_t login, Timestamp now, std::string* evidence) const;
  bool RecentlyNew(uint64_t login, Timestamp now) const;

  OutboundConfig config_;
  Engine& auth_;
  counters::BoundedMap<uint64_t, detect::AccountSending> accounts_;
  counters::BoundedMap<uint64_t, PendingHold> pending_holds_{kPendingHolds};  // by MessageKey
  std::map<uint64_t, const detect::SendingLimits*> bulk_;                     // by login digest
  std::function<void(const HoldEvent&)> on_hold_;
  std::string last_username_;  // memo of the last account's canonical form and digest
  std::string last_canonical_;
  uint64_t last_login_ = 0;
  bool last_canonical_ok_ = false;
};

}  // namespace coastguard::policy
