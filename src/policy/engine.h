#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "core/auth_event.h"
#include "core/memory_budget.h"
#include "core/verdict.h"
#include "counters/bounded_map.h"
#include "counters/recent_set.h"
#include "detect/account_guessing.h"
#include "detect/activity.h"
#include "detect/brute_force.h"
#include "detect/compromise.h"
#include "detect/familiarity.h"
#include "detect/returning_device.h"
#include "detect/service_attack.h"
#include "detect/source_guessing.h"
#include "history/timeline.h"
#include "policy/attempt_observer.h"
#include "policy/blocks.h"
#include "policy/engine_config.h"
#include "policy/state_sink.h"

namespace coastguard::policy {

using core::Timestamp;

struct EngineStats {
  uint64_t checks = 0;
  uint64_t reports = 0;
  uint64_t bad_input = 0;
  std::array<uint64_t, 5> actions{};  // by core::Action
  std::array<uint64_t, static_cast<size_t>(core::Reason::kCount)> reasons{};
  uint64_t blocks_created = 0;
  uint64_t observed = 0;  // attempts and outcomes other nodes saw (Observe)
};

// One decided attempt, kept in a ring for the explain API and the console.
struct RecentDecision {
  static constexpr size_t kDeviceBytes = 31;
  static constexpr size_t kLoginBytes = 63;
  Timestamp ts = 0;
  core::IpAddress ip;
  uint64_t login = 0;
  core::Verdict verdict;
  core::Protocol protocol = core::Protocol::kOther;
  // How familiar the place and device were when it was decided (a success makes them familiar).
  detect::Familiarity familiarity = detect::Familiarity::kNone;
  bool has_outcome = false;  // set when the password check's result was reported
  core::Outcome outcome = core::Outcome::kSuccess;
  uint8_t device_length = 0;
  char device[kDeviceBytes] = {};  // the client id as sent, cut to kDeviceBytes
  uint8_t login_length = 0;
  char login_text[kLoginBytes] = {};  // the canonical login, cut to kLoginBytes
  std::string_view device_id() const { return {device, device_length}; }
  std::string_view login_name() const { return {login_text, login_length}; }
};

// The decision engine: owns every counter, the familiarity store, blocks and allow lists, and
// turns (state, attempt, attempt time) into a verdict. No clock, no I/O, no threads: the caller
// supplies the time in each attempt, and the only side channel is the optional StateSink.
// Single-threaded: the server calls it from its one event loop, replay from its one thread.
class Engine {
 public:
  // `hash_seed` keys every digest: the live server keeps a secret one in its data directory,
  // replay uses a fixed one so that decisions are reproducible.
  Engine(const EngineConfig& config, uint64_t hash_seed);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Before the password check (Dovecot's "allow" command).
  core::Verdict Check(const core::AuthAttempt& attempt);
  // After the password check of an attempt that was not rejected (Dovecot's "report").
  void Report(const core::AuthAttempt& attempt, core::Outcome outcome);
  // Check, then Report unless rejected: replay's semantics, preparing the attempt once.
  core::Verdict CheckThenReport(const core::AuthAttempt& attempt, core::Outcome outcome);
  // A login the server already decided (a log line): the verdict Coastguard would have given,
  // then the outcome learned whatever the verdict.
  core::Verdict CheckLogged(const core::AuthAttempt& attempt, core::Outcome outcome);
  // What another node sharing this one's state checked (no outcome) or was told (an outcome):
  // counted as if it had come here, without a verdict to answer, stats, history or observer
  // calls. The state sink sees what it changes, as for a local attempt.
  void Observe(const core::AuthAttempt& attempt, const core::Outcome* outcome);

  // Operator actions. Logins are canonicalised as in Check. Return false on bad input.
  // An operator's block: applies to everyone, exact TTL, reason "manual". False when the block
  // list is full of blocks in force (its share of the memory budget).
  bool OperatorBlock(const BlockKey& key, std::string subject, core::Duration ttl, Timestamp now);
  bool Unblock(const BlockKey& key);
  // Clears counters and blocks for an IP and/or a login (weakforced "reset").
  void Reset(const core::IpAddress* ip, std::string_view login);
  void AllowNetwork(const core::Cidr& cidr, bool add);
  bool AllowLogin(std::string_view login, bool add);

  // Restores persisted state at startup (no sink calls).
  void RestoreFamiliarity(uint64_t login, const detect::FamiliarityStore::Source& source);
  void RestoreBlock(const BlockKey& key, const Block& block);
  void RestoreAllowNetwork(const core::Cidr& cidr) { allows_.AddNetwork(cidr); }
  void RestoreAllowLogin(uint64_t login, std::string subject) {
    allows_.AddLogin(login, std::move(subject));
  }
  void RestoreEvidence(uint64_t login, const detect::LoginEvidence& evidence);
  // Live state from another node (the sink sees it, unlike Restore*): a block, kept unless one
  // here outlasts it; an account's evidence.
  void ApplyBlock(const BlockKey& key, const Block& block);
  void ApplyEvidence(uint64_t login, const detect::LoginEvidence& evidence);

  void set_sink(StateSink* sink) { sink_ = sink; }
  void set_observer(AttemptObserver* observer) { observer_ = observer; }
  // Whether to keep the ring of recent decisions (explain API, console; on by default). Replay
  // has nobody to show it to and turns it off: decisions never read it.
  void set_keep_recent(bool keep) { keep_recent_ = keep; }
  // The console's history, fed with every verdict and reported failure (none by default).
  void set_timeline(history::Timeline* timeline) { timeline_ = timeline; }
  // Drops expired blocks and measures the heap the tables' metrics report (a scan, so once a
  // second rather than per /metrics request). Call about once a second.
  void Maintain(Timestamp now);

  // Read access for explain, metrics and tests.
  uint64_t LoginDigest(std::string_view canonical_login) const;
  absl::StatusOr<std::string> Canonical(std::string_view login) const;
  const EngineConfig& config() const { return config_; }
  const EngineStats& stats() const { return stats_; }
  const BlockList& blocks() const { return blocks_; }
  // True if anyone logged in successfully from the source `key` names (an IP or prefix block
  // key) within the long window: a place its own users still come from (the firewall never
  // drops such a place on an automatic block, which spares the users it knows).
  bool SourceHasSuccesses(const BlockKey& key, Timestamp now) const;
  const AllowList& allows() const { return allows_; }
  const detect::FamiliarityStore& familiarity() const { return familiarity_; }
  const detect::ServiceAttack& service_attack() const { return service_attack_; }
  const detect::SourceActivity* FindSource(const detect::SourceKey& key) const {
    return sources_.Find(key);
  }
  const detect::LoginActivity* FindLogin(uint64_t login) const { return logins_.Find(login); }
  const detect::PairActivity* FindPair(uint64_t login, const core::IpAddress& ip) const;
  detect::Familiarity FamiliarityOf(uint64_t login, const core::IpAddress& ip,
                                    std::string_view client_id, Timestamp now) const;
  // An address several of our users log in from successfully (detect::Compromise::Proven).
  bool Proven(const core::IpAddress& ip, Timestamp now) const;
  const std::vector<RecentDecision>& recent() const { return recent_; }
  // What the auth guard knew of the account's latest suspicious or new-place login, if any.
  const detect::LoginEvidence* Evidence(uint64_t login) const { return evidence_.Find(login); }
  // The operator vouches for the account (password reset, user confirmed): clears suspicion.
  bool ClearSuspect(uint64_t login, Timestamp now);
  template <typename Fn>
  void ForEachEvidence(Fn&& fn) const {
    evidence_.ForEach(fn);
  }

  struct TableSizes {
    size_t sources, logins, pairs, familiarity_logins, familiarity_entries, blocks;
    uint64_t source_evictions, login_evictions, pair_evictions, familiarity_evictions;
    uint64_t blocks_dropped;
    size_t memory_bytes;
  };
  TableSizes sizes() const;
  // Each table's keys, capacity, share of the memory budget, bytes and evictions.
  void AppendTables(std::vector<core::TableUsage>& out) const;
  // The auth guard's /metrics families: checks, verdicts and reasons, blocks, attack mode (its
  // tables are in AppendTables).
  void AppendMetrics(std::string& out, Timestamp now) const;

  // The source levels an address is counted at: the IP itself, then its prefixes.
  static int SourceLevels(const core::IpAddress& ip, detect::SourceKey out[3]);

 private:
  size_t EvidenceMemoryBytes() const;
  // What Check and Report both derive from an attempt.
  struct Prepared {
    std::string login;
    uint64_t login_digest = 0;
    uint64_t pair_key = 0;  // the login from this exact IP (pairs_)
    uint64_t device = 0;
    uint32_t pw_tag = 0;
    detect::FamiliarityStore::SourceDigests where;
    // The familiarity decisions use: the place's, weakened where the device disagrees.
    detect::Familiarity fam = detect::Familiarity::kNone;
    detect::DeviceView device_view = detect::DeviceView::kNoInfo;
    bool known_login = false;  // the login has succeeded somewhere before
    // The place is the login's own, whatever the device: its /24 or /64 (or its own device in
    // a pool it roams), before a missing or new client id weakened `fam`.
    bool own_prefix = false;
    // This very address is one the login keeps coming back to (its home's, its office's).
    bool settled_address = false;
    // The login's own client id, in a wide prefix it roams in or elsewhere: prefix blocks and
    // attack mode do not refuse it.
    bool own_device_roaming = false;
    detect::SourceKey levels[3];
    int level_count = 0;
  };
  bool Prepare(const core::AuthAttempt& attempt, Prepared* out);
  // Many of our logins succeed from this source (an address, a /24 or /64): knowing it says
  // little about one of them.
  bool Crowded(const detect::SourceKey& prefix, Timestamp now) const;
  // A crowded address all of whose successes came with this one client (`device`, 0 for none):
  // a webmail host, or the desk of someone who logs in to many accounts.
  bool Gateway(const detect::SourceKey& address, uint64_t device, Timestamp now) const;
  // Logins other than `login` failed at this address, or were refused there as strangers with
  // client ids, within the short window, or the address is blocked or was within the offense
  // memory: a combo list's or a spraying wave's exit, or a bot behind a shared NAT. What an
  // account's own client or address vouches for does not hold there.
  bool StrangersTried(const detect::SourceKey& address, uint64_t login, Timestamp now) const;
  // `count_refused_sends`: a send refused unchecked (stranger_sending) counts for attack mode.
  // Not for a log line, whose outcome is learned whatever the verdict, nor for another node's
  // attempt, which its own node counted.
  core::Verdict Decide(const core::AuthAttempt& attempt, const Prepared& p,
                       bool count_refused_sends = true);
  core::Verdict BadInput(const core::AuthAttempt& attempt);
  // CheckThenReport, or for a log line (`logged`) CheckLogged.
  core::Verdict CheckAndLearn(const core::AuthAttempt& attempt, core::Outcome outcome, bool logged);
  // A send refused as stranger_sending, counted for attack mode (once per address per window).
  void CountRefusedSend(const core::AuthAttempt& attempt, const Prepared& p);
  void Learn(const core::AuthAttempt& attempt, const Prepared& p, core::Outcome outcome);
  void RecordEvidence(const core::AuthAttempt& attempt, const Prepared& p);
  uint64_t PairKey(uint64_t login, const core::IpAddress& ip) const;
  bool CheckBlocks(const BlockKey& key, detect::Familiarity fam, core::Reason block_reason,
                   Timestamp now, core::Verdict* verdict, bool* everyone);
  // Whether a refused stranger earned a password check (detect::ReturningDevice); notes the
  // refusal when not.
  enum class Refusal {
    kDeviceOnly,    // only a missing client id (stranger_device; stranger_sending never returns)
    kSourceBlocks,  // only blocks for strangers, the address's own among them
    kPrefixBlocks,  // only blocks for strangers of the address's prefixes
    kAttackMode,    // only attack mode (stranger_refused)
    kOther,         // a block of the login, with or without the rest
  };
  bool AdmitReturning(const core::AuthAttempt& attempt, const Prepared& p, Refusal refusal);
  void AddBlock(const BlockKey& key, std::string subject, core::Reason reason, BlockScope scope,
                core::Duration ttl, Timestamp now);
  void OnFailure(const core::AuthAttempt& attempt, const Prepared& p, bool unknown_user);
  void Remember(const core::AuthAttempt& attempt, uint64_t login, const core::Verdict& v);
  // Notes a reported outcome on the attempt's recent decision (the latest one for the pair).
  void RememberOutcome(const core::AuthAttempt& attempt, uint64_t login, core::Outcome outcome);
  core::Verdict Finish(const core::AuthAttempt& attempt, uint64_t login, core::Verdict v);

  EngineConfig config_;
  uint64_t seed_;
  uint64_t anonymous_pw_tag_ = 0;
  detect::BruteForce brute_force_;
  detect::AccountGuessing account_guessing_;
  detect::SourceGuessing source_guessing_;
  detect::ServiceAttack service_attack_;
  // Addresses whose refused sends (stranger_sending) were counted for attack mode lately: once
  // per address per windows.short, so that no single address starts attack mode.
  counters::RecentSet<64> counted_send_refusals_;
  detect::Compromise compromise_;
  detect::ReturningDevice returning_;
  detect::FamiliarityStore familiarity_;
  counters::BoundedMap<detect::SourceKey, detect::SourceActivity> sources_;
  counters::BoundedMap<uint64_t, detect::LoginActivity> logins_;
  counters::BoundedMap<uint64_t, detect::PairActivity> pairs_;
  size_t evidence_heap_ = 0;  // logins past the small-string buffer, as of Maintain
  counters::BoundedMap<uint64_t, detect::LoginEvidence> evidence_;
  BlockList blocks_;
  AllowList allows_;
  absl::flat_hash_set<uint64_t> sending_applications_;  // login digests; fixed at construction
  StateSink* sink_ = nullptr;
  AttemptObserver* observer_ = nullptr;
  bool observing_ = false;  // within Observe: nothing to answer, count or show
  history::Timeline* timeline_ = nullptr;
  bool keep_recent_ = true;
  EngineStats stats_;
  std::vector<RecentDecision> recent_;
  size_t recent_next_ = 0;
  Prepared scratch_;  // reused per call: keeps the login string's buffer
  std::vector<detect::FamiliarityStore::Change> changes_;
};

}  // namespace coastguard::policy
