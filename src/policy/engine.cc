#include "policy/engine.h"

#include <algorithm>

#include "core/digest.h"

namespace coastguard::policy {
namespace {

using core::Action;
using core::Reason;
using core::Verdict;
using detect::Familiarity;
using detect::SourceKey;

constexpr size_t kRecentDecisions = 4096;
// Other accounts refused as strangers at an address (presenting client ids) before an account's
// own id stops vouching there: one is a companion's new phone on the same wifi, two a list.
constexpr size_t kRefusedStrangers = 2;

using core::BudgetShares;
using core::EntryBytes;
using core::TableCapacity;

size_t BudgetBytes(const EngineConfig& c) { return c.memory_budget_mb << 20; }

// A login with a home, an office and a phone holds about 8 sources (places, devices, habits, the
// addresses it settled at), and a few recent addresses.
constexpr size_t kFamiliarityLoginBytes = EntryBytes<uint64_t, detect::FamiliarityStore::Record>() +
                                          12 * sizeof(detect::FamiliarityStore::Source);
// A block's subject (an IPv6 network, a login) is often past the small-string buffer.
constexpr size_t kBlockBytes = (sizeof(std::pair<BlockKey, Block>) + 1) * 21 / 8 + 48;
// Evidence keeps the canonical login for operators: a string past the small-string buffer.
constexpr size_t kEvidenceBytes = EntryBytes<uint64_t, detect::LoginEvidence>() + 32;

detect::FamiliaritySettings SizedFamiliarity(const EngineConfig& c) {
  detect::FamiliaritySettings s = c.familiarity;
  s.max_logins = TableCapacity(BudgetBytes(c), BudgetShares::kFamiliarity, kFamiliarityLoginBytes);
  // Logins with many places hold more than the typical 8: the byte bound keeps the share.
  s.max_bytes = core::ShareBytes(BudgetBytes(c), BudgetShares::kFamiliarity);
  return s;
}

BlockSettings SizedBlocks(const EngineConfig& c) {
  BlockSettings s = c.blocks;
  s.max_blocks =
      std::min(s.max_blocks, TableCapacity(BudgetBytes(c), BudgetShares::kBlocks, kBlockBytes));
  return s;
}

// What the service-wide distinct-source sketch counts: the IPv4 address or the IPv6 /64.
uint64_t FailingSource(const core::IpAddress& ip, uint64_t prefix_digest) {
  return ip.is_v4() ? core::Digest64(ip.bytes().data(), ip.bytes().size(), 0) : prefix_digest;
}

BlockKey SourceBlockKey(const SourceKey& source) {
  return NetworkBlockKey(core::Cidr{source.network, source.bits});
}

std::string SourceSubject(const SourceKey& source) {
  if (source.bits >= source.network.family_bits()) return source.network.ToString();
  return source.network.ToString() + "/" + std::to_string(source.bits);
}

}  // namespace

Engine::Engine(const EngineConfig& config, uint64_t hash_seed)
    : config_(config),
      seed_(hash_seed),
      brute_force_(config.brute_force, config.windows),
      account_guessing_(config.account_guessing, config.windows),
      source_guessing_(config.source_guessing, config.windows),
      service_attack_(config.service_attack),
      compromise_(config.compromise, config.windows),
      returning_(config.returning_device, config.windows),
      familiarity_(SizedFamiliarity(config)),
      sources_(TableCapacity(BudgetBytes(config), BudgetShares::kSources,
                             EntryBytes<SourceKey, detect::SourceActivity>())),
      logins_(TableCapacity(BudgetBytes(config), BudgetShares::kLogins,
                            EntryBytes<uint64_t, detect::LoginActivity>())),
      pairs_(TableCapacity(BudgetBytes(config), BudgetShares::kLoginIp,
                           EntryBytes<uint64_t, detect::PairActivity>())),
      evidence_(TableCapacity(BudgetBytes(config), BudgetShares::kEvidence, kEvidenceBytes)),
      blocks_(SizedBlocks(config)) {
  for (const core::Cidr& cidr : config.allow_networks) allows_.AddNetwork(cidr);
  for (const std::string& login : config.allow_logins) {
    if (auto canonical = Canonical(login); canonical.ok()) {
      allows_.AddLogin(LoginDigest(*canonical), *canonical);
    }
  }
  for (const std::string& login : config.sending_applications) {
    if (auto canonical = Canonical(login); canonical.ok()) {
      sending_applications_.insert(LoginDigest(*canonical));
    }
  }
  recent_.reserve(kRecentDecisions);
}

absl::StatusOr<std::string> Engine::Canonical(std::string_view login) const {
  return core::CanonicalLogin(login, config_.logins);
}

uint64_t Engine::LoginDigest(std::string_view canonical_login) const {
  return core::Digest64(canonical_login, seed_);
}

uint64_t Engine::PairKey(uint64_t login, const core::IpAddress& ip) const {
  return core::Mix64(login, core::Digest64(ip.bytes().data(), ip.bytes().size(), seed_));
}

bool Engine::SourceHasSuccesses(const BlockKey& key, Timestamp now) const {
  if (key.kind != BlockKind::kIp && key.kind != BlockKind::kPrefix) return false;
  const detect::SourceActivity* s = sources_.Find(detect::SourceKey{key.network, key.bits});
  return s != nullptr && !s->successes.Empty(now, config_.windows.long_window);
}

const detect::PairActivity* Engine::FindPair(uint64_t login, const core::IpAddress& ip) const {
  return pairs_.Find(PairKey(login, ip));
}

int Engine::SourceLevels(const core::IpAddress& ip, SourceKey out[3]) {
  if (ip.is_v4()) {
    out[0] = {ip, 32};
    out[1] = {ip.Masked(24), 24};
    return 2;
  }
  out[0] = {ip, 128};
  out[1] = {ip.Masked(64), 64};
  out[2] = {ip.Masked(48), 48};
  return 3;
}

bool Engine::Prepare(const core::AuthAttempt& attempt, Prepared* out) {
  if (!core::CanonicalLoginInto(attempt.login, config_.logins, out->login).ok()) return false;
  out->login_digest = LoginDigest(out->login);
  out->device = attempt.client_id.empty() ? 0 : core::Digest64(attempt.client_id, seed_);
  out->where =
      detect::FamiliarityStore::SourceDigests::Of(attempt.ip, out->device, attempt.protocol);
  out->level_count = SourceLevels(attempt.ip, out->levels);
  out->pair_key = PairKey(out->login_digest, attempt.ip);
  const detect::Recognition r = familiarity_.Recognize(out->login_digest, out->where, attempt.ts);
  out->fam = r.familiarity;
  out->device_view = r.device;
  out->known_login = r.known;
  out->own_prefix = r.familiarity == Familiarity::kPrefix;
  out->settled_address = r.settled_address;
  // A place is evidence only as far as the device agrees: a password taken from a combo list
  // brings neither the owner's client id nor the owner's habit of sending one. The owner's own
  // prefix, shared with few others, still vouches (a second client at home).
  // On a crowded prefix (an office's NAT), the exact address the account keeps coming back to
  // still vouches for its second client there (the office PC's invoicing program beside its
  // mail client), unless strangers are trying that address: a bot behind the same NAT, seen
  // failing, refused with ids, or blocked (whose later attempts leave no failures to see).
  if (r.device == detect::DeviceView::kMissing) {
    if (out->fam != Familiarity::kPrefix ||
        (Crowded(out->levels[1], attempt.ts) &&
         (!r.settled_address || StrangersTried(out->levels[0], out->login_digest, attempt.ts)))) {
      out->fam = Familiarity::kNone;
    } else {
      out->device_view = detect::DeviceView::kNoInfo;
    }
  } else if (r.device == detect::DeviceView::kNew) {
    if (out->fam == Familiarity::kWidePrefix) {
      out->fam = Familiarity::kNone;  // a carrier's pool, and a device the login never used
    } else if (out->fam == Familiarity::kPrefix && Crowded(out->levels[1], attempt.ts)) {
      out->fam = Familiarity::kWidePrefix;  // a shared prefix (CGNAT, campus, office)
    }
  }
  // A crowded prefix (a carrier's CGNAT /24, an office's NAT) is the account's own through the
  // addresses it reads and sends from, not through everyone behind it: where the account shows
  // no device habit for sending, the prefix vouches for a send only from an address the account
  // itself used lately. The office PC's invoicing program sends from the address the office's
  // mail client polls from; a proxy exit in the victim's carrier pool, from one it never had;
  // a bot behind the office's NAT with a password it guessed, from one strangers try.
  if (core::SendsMail(attempt.protocol) && out->fam == Familiarity::kPrefix &&
      out->device_view == detect::DeviceView::kNoInfo && Crowded(out->levels[1], attempt.ts) &&
      (!r.recent_address || StrangersTried(out->levels[0], out->login_digest, attempt.ts))) {
    out->fam = Familiarity::kWidePrefix;
  }
  // The account's client id where the account never was (a traveller's own phone) vouches, but
  // not from an address failing on other accounts: a client id is no secret, and a combo list
  // or a spraying wave sends the popular ones.
  // Nor from one refused as a stranger on other accounts while presenting client ids: under
  // attack mode a combo list's exit is refused before any password is checked, so it never
  // shows failures. (A busy shared address, proven, vouches for its users' new devices: none of
  // them is refused there to count.)
  if (out->fam == Familiarity::kDevice &&
      StrangersTried(out->levels[0], out->login_digest, attempt.ts)) {
    out->fam = Familiarity::kNone;
  }
  // A network failing on many accounts (a carrier's /24 with a combo list's exits in it) is
  // closed to strangers, but not to the account's own device roaming where it roams: the
  // combination is what a stolen password does not bring.
  out->own_device_roaming =
      (out->fam == Familiarity::kWidePrefix || out->fam == Familiarity::kDevice) &&
      out->device_view == detect::DeviceView::kMatch;
  if (attempt.pwhash.empty()) {
    // Without a pwhash a stale device cannot be told from guessing: every failure is distinct.
    out->pw_tag = static_cast<uint32_t>(++anonymous_pw_tag_ * 0x9e3779b1u);
  } else {
    out->pw_tag = static_cast<uint32_t>(core::Digest64(attempt.pwhash, seed_ ^ out->login_digest));
  }
  return true;
}

detect::Familiarity Engine::FamiliarityOf(uint64_t login, const core::IpAddress& ip,
                                          std::string_view client_id, Timestamp now) const {
  const uint64_t device = client_id.empty() ? 0 : core::Digest64(client_id, seed_);
  return familiarity_.Lookup(login, ip, device, now);
}

bool Engine::StrangersTried(const SourceKey& address, uint64_t login, Timestamp now) const {
  const detect::SourceActivity* s = sources_.Find(address);
  const auto login_tag = static_cast<uint32_t>(login);
  const Duration window = config_.windows.short_window;
  if (s != nullptr && (s->FailingOthers(login_tag, now, window) > 0 ||
                       s->RefusedOthers(login_tag, now, window) >= kRefusedStrangers)) {
    return true;
  }
  // A block's refusals leave no failures to see, and the failures that set it age out first.
  return blocks_.BlockedLately(SourceBlockKey(address), now);
}

bool Engine::Crowded(const SourceKey& prefix, Timestamp now) const {
  const detect::SourceActivity* s = sources_.Find(prefix);
  return s != nullptr && s->Crowded(now, config_.windows.long_window);
}

bool Engine::Gateway(const SourceKey& address, uint64_t device, Timestamp now) const {
  const detect::SourceActivity* s = sources_.Find(address);
  return s != nullptr && s->OnlyClient(device) && s->Crowded(now, config_.windows.long_window);
}

bool Engine::Proven(const core::IpAddress& ip, Timestamp now) const {
  return compromise_.Proven(sources_.Find(SourceKey{ip, static_cast<uint8_t>(ip.family_bits())}),
                            now);
}

bool Engine::CheckBlocks(const BlockKey& key, Familiarity fam, Reason block_reason, Timestamp now,
                         Verdict* verdict, bool* everyone) {
  const Block* block = blocks_.Find(key, now);
  if (block == nullptr) return false;
  if (block->scope == BlockScope::kUnfamiliar && detect::IsFamiliar(fam)) return false;
  if (block->scope != BlockScope::kUnfamiliar) *everyone = true;
  verdict->action = Action::kReject;
  verdict->reasons.Add(block_reason);
  verdict->reasons.Add(block->reason);
  // Someone still knocking on a blocked key: keep it blocked at least one more base period.
  blocks_.Touch(key, now, std::min<core::Duration>(block->expires - block->created, core::kHour));
  return true;
}

Verdict Engine::BadInput(const core::AuthAttempt& attempt) {
  // Unreadable input is decided fail-open, as Dovecot would decide without us.
  ++stats_.bad_input;
  Verdict v;
  v.reasons.Add(Reason::kBadInput);
  return Finish(attempt, 0, v);
}

Verdict Engine::Check(const core::AuthAttempt& attempt) {
  ++stats_.checks;
  if (!Prepare(attempt, &scratch_)) return BadInput(attempt);
  if (observer_ != nullptr) observer_->Checked(attempt);
  return Decide(attempt, scratch_);
}

Verdict Engine::CheckThenReport(const core::AuthAttempt& attempt, core::Outcome outcome) {
  return CheckAndLearn(attempt, outcome, /*logged=*/false);
}

Verdict Engine::CheckLogged(const core::AuthAttempt& attempt, core::Outcome outcome) {
  return CheckAndLearn(attempt, outcome, /*logged=*/true);
}

Verdict Engine::CheckAndLearn(const core::AuthAttempt& attempt, core::Outcome outcome,
                              bool logged) {
  ++stats_.checks;
  if (!Prepare(attempt, &scratch_)) {
    if (logged) {  // a log line is its report too: counted as one, bad input and all
      ++stats_.reports;
      ++stats_.bad_input;
    }
    return BadInput(attempt);
  }
  if (observer_ != nullptr) observer_->Checked(attempt);
  const Verdict v = Decide(attempt, scratch_, /*count_refused_sends=*/!logged);
  if (logged || v.action != Action::kReject) {
    ++stats_.reports;
    if (observer_ != nullptr) observer_->Reported(attempt, outcome);
    Learn(attempt, scratch_, outcome);
  }
  return v;
}

void Engine::Observe(const core::AuthAttempt& attempt, const core::Outcome* outcome) {
  if (!Prepare(attempt, &scratch_)) return;
  ++stats_.observed;
  // Reset even if a table's allocation throws: a local decision must never skip its stats.
  struct Observing {
    bool& flag;
    explicit Observing(bool& f) : flag(f) { flag = true; }
    ~Observing() { flag = false; }
  } observing(observing_);
  if (outcome == nullptr) {
    // What a check changes: attack mode, returning devices.
    Decide(attempt, scratch_, /*count_refused_sends=*/false);
  } else {
    Learn(attempt, scratch_, *outcome);
  }
}

Verdict Engine::Decide(const core::AuthAttempt& attempt, const Prepared& p,
                       bool count_refused_sends) {
  const Timestamp now = attempt.ts;
  Verdict v;
  if (allows_.Allows(attempt.ip, p.login_digest)) {
    v.reasons.Add(Reason::kAllowlisted);
    return Finish(attempt, p.login_digest, v);
  }
  const Familiarity fam = p.fam;
  bool everyone = false;  // a block that applies to familiar logins too
  bool login_blocked = CheckBlocks(LoginIpBlockKey(p.login_digest, attempt.ip), fam,
                                   Reason::kBlockedLoginIp, now, &v, &everyone);
  login_blocked |=
      CheckBlocks(LoginBlockKey(p.login_digest), fam, Reason::kBlockedLogin, now, &v, &everyone);
  bool blocked = login_blocked;
  bool address_blocked = false;
  for (int i = 0; i < p.level_count; ++i) {
    const bool level_blocked = CheckBlocks(
        SourceBlockKey(p.levels[i]), i > 0 && p.own_device_roaming ? Familiarity::kPrefix : fam,
        i == 0 ? Reason::kBlockedIp : Reason::kBlockedPrefix, now, &v, &everyone);
    if (i == 0) address_blocked = level_blocked;
    blocked |= level_blocked;
  }
  if (!blocked && fam == Familiarity::kNone) service_attack_.OnUnfamiliarAttempt(now);
  // A busy shared address (office NAT, carrier CGNAT) vouches for its users' new places and
  // devices, but not for a client that contradicts the login's habit.
  const bool stranger_refused =
      !blocked && fam == Familiarity::kNone && service_attack_.UnderAttack(now) &&
      (p.device_view == detect::DeviceView::kMissing || !Proven(attempt.ip, now));
  // Without an id where the account always sends one, from a place it does not know: what a
  // password from a combo list brings, attack or not. Only with returning devices on, so that a
  // new client at a new office has a way in.
  const bool stranger_device = returning_.enabled() && !blocked && fam == Familiarity::kNone &&
                               p.device_view == detect::DeviceView::kMissing;
  // A known account sending from a place it is not familiar with, with no client of its own:
  // a stolen password's spam run, which logs straight into SMTP. The owner's client reads mail
  // where it sends from, and that read is let in and teaches the place, so such a send has no
  // returning-device way in of its own (an admission would vouch for the thief's place). Not at
  // an address where many of our logins succeed (an office's NAT, a webmail host).
  // Likewise a client id the account never used, where it identifies when sending, sending
  // first, from anywhere but the address the account keeps coming back to: a new phone or laptop
  // reads its mailbox first, and that read teaches its id; a spam run sends from a proxy in the
  // victim's own carrier pool, with a popular id. Many of our logins succeeding at the address does
  // not exempt it; every success there having come with this one client does (a webmail host, the
  // IT person's desk). Neither for a declared sending application. The lookups come last: most
  // attempts are reads.
  const auto sends_as_stranger = [&] {
    return (fam == Familiarity::kNone && p.device_view != detect::DeviceView::kMatch &&
            !Crowded(p.levels[0], now)) ||
           (p.device_view == detect::DeviceView::kNew && !p.settled_address &&
            !Gateway(p.levels[0], p.device, now));
  };
  const bool stranger_sending =
      config_.familiarity.refuse_stranger_sends && !blocked && !stranger_refused &&
      !stranger_device && core::SendsMail(attempt.protocol) && p.known_login &&
      !sending_applications_.contains(p.login_digest) && sends_as_stranger();
  if (blocked || stranger_refused || stranger_device || stranger_sending) {
    // What refuses strangers would keep a user refused before any success a stranger forever.
    const Refusal refusal = !blocked && !stranger_refused ? Refusal::kDeviceOnly
                            : !blocked                    ? Refusal::kAttackMode
                            : login_blocked               ? Refusal::kOther
                            : address_blocked             ? Refusal::kSourceBlocks
                                                          : Refusal::kPrefixBlocks;
    if (!everyone && !stranger_sending && AdmitReturning(attempt, p, refusal)) {
      v = Verdict{};
      v.reasons.Add(Reason::kReturningDevice);
      return Finish(attempt, p.login_digest, v);
    }
    // A stranger refused in attack mode presenting a client id: noted against what ids vouch
    // for at this address (Prepare). Without an id there is nothing to note, and a flood of
    // refused guesses from new addresses, which mostly send none, adds no entries that push out
    // what the table knows.
    if (stranger_refused && p.device != 0) {
      detect::SourceActivity& address = sources_.FindOrInsert(p.levels[0], now);
      address.refused_logins.Insert(static_cast<uint32_t>(p.login_digest), now,
                                    config_.windows.short_window);
      address.last_seen_s = core::ToSeconds(now);
    }
    if (stranger_refused) {
      v.action = Action::kReject;
      v.reasons.Add(Reason::kServiceUnderAttack);
      v.reasons.Add(Reason::kUnfamiliarSource);
    } else if (stranger_device || stranger_sending) {
      if (stranger_sending && count_refused_sends) CountRefusedSend(attempt, p);
      v.action = Action::kReject;
      v.reasons.Add(stranger_device ? Reason::kStrangerDevice : Reason::kStrangerSending);
      v.reasons.Add(Reason::kUnfamiliarSource);
    }
    return Finish(attempt, p.login_digest, v);
  }

  if (const detect::PairActivity* pair = pairs_.Find(p.pair_key)) {
    if (const uint32_t delay = brute_force_.DelayMs(*pair, now); delay > 0) {
      v.action = Action::kDelay;
      v.delay_ms = delay;
      v.reasons.Add(Reason::kBruteForce);
    }
  }
  return Finish(attempt, p.login_digest, v);
}

void Engine::CountRefusedSend(const core::AuthAttempt& attempt, const Prepared& p) {
  // Refused before its password is checked, a spam run's guess leaves no failure to count:
  // counted as one, so that the service-wide detector still sees a run from many exits. Once
  // per address per window: no block stops a refused send, and one address retrying (an
  // attacker, or a mail client's outbox) must not start attack mode by itself.
  const uint64_t source = FailingSource(attempt.ip, p.where.prefix);
  const auto tag = static_cast<uint32_t>(source);
  const core::Duration window = config_.windows.short_window;
  if (counted_send_refusals_.Contains(tag, attempt.ts, window)) return;
  counted_send_refusals_.Insert(tag, attempt.ts, window);
  service_attack_.OnUnfamiliarFailure(false, source, attempt.ts);
}

bool Engine::AdmitReturning(const core::AuthAttempt& attempt, const Prepared& p, Refusal refusal) {
  if (!returning_.enabled()) return false;
  const Timestamp now = attempt.ts;
  const detect::SourceActivity* address = sources_.Find(p.levels[0]);
  // Many of our logins succeed from this very address (an office NAT, a campus): its failures
  // on other accounts are a machine behind it, not the device coming back.
  const bool shared = (refusal == Refusal::kSourceBlocks || refusal == Refusal::kPrefixBlocks) &&
                      Crowded(p.levels[0], now);
  // An account with places of its own is refused elsewhere for a reason, unless the device is
  // one it uses: a password that works, used again and again, is what a thief has too. At a
  // shared address closed for what others did there, it is a colleague's desk.
  // Being a stranger is no such reason by itself: attack mode and a network's block refuse every
  // stranger, and a known account's new desktop at a new desk, or its iPad in the carrier pool
  // its phone uses, would stay refused for as long as they last. Such a device may earn its
  // check, but only by coming back to read mail (the thief's spam run sends), not with the id
  // missing where the account always sends one, not from an address blocked for its own
  // guessing, and only a couple per address (an exit with a list of working passwords).
  const bool known_elsewhere = p.known_login && p.device_view != detect::DeviceView::kMatch;
  const bool only_a_stranger =
      (refusal == Refusal::kAttackMode || refusal == Refusal::kPrefixBlocks) &&
      p.device_view != detect::DeviceView::kMissing;
  if (known_elsewhere && refusal != Refusal::kDeviceOnly && !shared && !only_a_stranger) {
    return false;
  }
  if (returning_.AlreadyAdmitted(pairs_.Find(p.pair_key), p.pw_tag, now)) return true;
  // Nothing to wait for from here: no record for it (refused attempts come in floods).
  if (!returning_.AddressQualifies(address, shared, static_cast<uint32_t>(p.login_digest), now)) {
    return false;
  }
  detect::PairActivity& pair = pairs_.FindOrInsert(p.pair_key, now);
  const detect::ReturningDevice::Attempt refused{p.pw_tag, detect::ClientTag(p.device),
                                                 core::SendsMail(attempt.protocol)};
  const bool known_stranger = known_elsewhere && !shared && only_a_stranger;
  if (known_stranger && (refused.sends || returning_.AddressAdmittedEnough(address, now))) {
    returning_.NoteRefusal(pair, refused, now);
    return false;
  }
  // Returning by sending alone is a device's way back where the account is a sending
  // application, or where the account already succeeded from this /24 (a second client at its
  // own desk, refused for its missing id there): not a thief's spam run from an exit of his.
  const bool may_return_sending = p.own_prefix || sending_applications_.contains(p.login_digest);
  if (returning_.Earned(&pair, logins_.Find(p.login_digest), address, shared, may_return_sending,
                        refused, static_cast<uint32_t>(p.login_digest), now)) {
    returning_.NoteAdmission(pair, logins_.FindOrInsert(p.login_digest, now), p.pw_tag, now);
    if (known_stranger) {
      returning_.NoteKnownAccountAdmission(sources_.FindOrInsert(p.levels[0], now), pair, now);
    }
    return true;
  }
  returning_.NoteRefusal(pair, refused, now);
  return false;
}

Verdict Engine::Finish(const core::AuthAttempt& attempt, uint64_t login, Verdict v) {
  if (observing_) return v;
  ++stats_.actions[static_cast<size_t>(v.action)];
  v.reasons.ForEach([&](Reason r) { ++stats_.reasons[static_cast<size_t>(r)]; });
  Remember(attempt, login, v);
  if (timeline_ != nullptr) {
    const history::Series series = v.action == Action::kReject  ? history::Series::kLoginReject
                                   : v.action == Action::kDelay ? history::Series::kLoginDelay
                                                                : history::Series::kLoginAllow;
    timeline_->Login(attempt.ts, series, attempt.ip,
                     login == 0 ? std::string_view() : std::string_view(scratch_.login),
                     service_attack_.UnderAttack(attempt.ts));
  }
  return v;
}

void Engine::Remember(const core::AuthAttempt& attempt, uint64_t login, const Verdict& v) {
  if (!keep_recent_) return;
  RecentDecision d{attempt.ts, attempt.ip, login, v};
  d.protocol = attempt.protocol;
  d.device_length = static_cast<uint8_t>(
      std::min<size_t>(attempt.client_id.size(), RecentDecision::kDeviceBytes));
  std::copy_n(attempt.client_id.data(), d.device_length, d.device);
  if (login != 0) {
    d.familiarity = scratch_.fam;
    d.login_length =
        static_cast<uint8_t>(std::min<size_t>(scratch_.login.size(), RecentDecision::kLoginBytes));
    std::copy_n(scratch_.login.data(), d.login_length, d.login_text);
  }
  if (recent_.size() < kRecentDecisions) {
    recent_.push_back(d);
  } else {
    recent_[recent_next_] = d;
  }
  recent_next_ = (recent_next_ + 1) % kRecentDecisions;
}

void Engine::RememberOutcome(const core::AuthAttempt& attempt, uint64_t login,
                             core::Outcome outcome) {
  // The check was one of the last few decisions (the report follows it at once, give or take
  // other connections' checks in between); looking further back costs more than it finds.
  constexpr size_t kLookBack = 16;
  const size_t n = recent_.size();
  for (size_t back = 1; back <= std::min(kLookBack, n); ++back) {
    RecentDecision& d = recent_[(recent_next_ + kRecentDecisions - back) % kRecentDecisions % n];
    if (d.login == login && d.ip == attempt.ip && !d.has_outcome) {
      d.has_outcome = true;
      d.outcome = outcome;
      return;
    }
  }
}

void Engine::AddBlock(const BlockKey& key, std::string subject, Reason reason, BlockScope scope,
                      core::Duration ttl, Timestamp now) {
  const Block& block = blocks_.Add(key, std::move(subject), reason, scope, ttl, now);
  if (!observing_) ++stats_.blocks_created;  // another node's attempt: counted there
  if (sink_ != nullptr && block.offenses > 0) sink_->BlockSet(key, block);
}

void Engine::Report(const core::AuthAttempt& attempt, core::Outcome outcome) {
  ++stats_.reports;
  if (!Prepare(attempt, &scratch_)) {
    ++stats_.bad_input;
    return;
  }
  if (observer_ != nullptr) observer_->Reported(attempt, outcome);
  Learn(attempt, scratch_, outcome);
}

void Engine::Learn(const core::AuthAttempt& attempt, const Prepared& p, core::Outcome outcome) {
  const Timestamp now = attempt.ts;
  if (!observing_) RememberOutcome(attempt, p.login_digest, outcome);
  if (timeline_ != nullptr && !observing_ && outcome != core::Outcome::kSuccess) {
    timeline_->LoginFailed(now, p.login);
  }
  if (outcome != core::Outcome::kSuccess) {
    OnFailure(attempt, p, outcome == core::Outcome::kUnknownUser);
    return;
  }
  // Evidence first: it judges the place as it was before this success made it familiar.
  RecordEvidence(attempt, p);
  if (sink_ != nullptr) {
    changes_.clear();
    familiarity_.Learn(p.login_digest, p.where, now, &changes_);
    for (const auto& change : changes_) sink_->FamiliarityLearned(change.login, change.source);
  } else {
    familiarity_.Learn(p.login_digest, p.where, now, nullptr);
  }
  const auto login_tag = static_cast<uint32_t>(p.login_digest);
  // A known account's new device let in from a stranger's place says nothing of the place (a
  // familiar success was let in by no returning rule: no lookup for it).
  const detect::PairActivity* pair = detect::IsFamiliar(p.fam) ? nullptr : pairs_.Find(p.pair_key);
  const bool vouches_for_place = pair == nullptr || !pair->admitted_known_elsewhere ||
                                 !detect::ReturningDevice::Admitted(pair, p.pw_tag);
  for (int i = 0; i < p.level_count; ++i) {
    detect::SourceActivity& s = sources_.FindOrInsert(p.levels[i], now);
    s.last_seen_s = core::ToSeconds(now);
    // The login's failures from here were its owner's typos, not a guess on another account.
    s.failed_logins.Erase(login_tag);
    if (!vouches_for_place) continue;
    if (i == 0) s.NoteClient(p.device, s.successes.Empty(now, config_.windows.long_window));
    s.successes.Add(now, config_.windows.long_window);
    s.successful_logins.Insert(login_tag, now, config_.windows.long_window);
  }
  // The owner got in from here: forgive the typos that preceded it (OWASP: reset on success).
  pairs_.Erase(p.pair_key);
}

void Engine::RecordEvidence(const core::AuthAttempt& attempt, const Prepared& p) {
  // A place the account knows is neither new nor suspicious; most successes stop here.
  if (detect::IsFamiliar(p.fam)) return;
  const Timestamp now = attempt.ts;
  detect::UnfamiliarSuccess success;
  success.familiarity = p.fam;
  success.device = p.device_view;
  success.account_known = familiarity_.Find(p.login_digest) != nullptr;
  success.under_attack = service_attack_.UnderAttack(now);
  success.address = sources_.Find(p.levels[0]);
  success.address_proven = compromise_.Proven(success.address, now);
  for (int i = 0; i < p.level_count; ++i) {
    const BlockKey key = SourceBlockKey(p.levels[i]);
    if (blocks_.Find(key, now) != nullptr || blocks_.RecentOffender(key, now)) {
      success.source_blocked = true;
    }
  }
  success.login = logins_.Find(p.login_digest);
  if (!success.account_known) {  // only asked about accounts without a usual place
    success.account_guessed =
        blocks_.BlockedFor(LoginBlockKey(p.login_digest), Reason::kAccountUnderAttack, now);
  }
  success.vouched =
      p.own_device_roaming || detect::ReturningDevice::Admitted(pairs_.Find(p.pair_key), p.pw_tag);
  const uint8_t flags = compromise_.Flags(success, now);
  if (flags == 0) return;
  detect::LoginEvidence& evidence = evidence_.FindOrInsert(p.login_digest, now);
  detect::Compromise::Record(evidence, flags, now, attempt.ip, p.login);
  if (sink_ != nullptr) sink_->EvidenceRecorded(p.login_digest, evidence);
}

bool Engine::ClearSuspect(uint64_t login, Timestamp now) {
  detect::LoginEvidence* e = evidence_.Find(login);
  if (e == nullptr) return false;
  e->cleared_s = core::ToSeconds(now);
  if (sink_ != nullptr) sink_->EvidenceRecorded(login, *e);
  return true;
}

void Engine::OnFailure(const core::AuthAttempt& attempt, const Prepared& p, bool unknown_user) {
  const Timestamp now = attempt.ts;
  const bool unfamiliar = !detect::IsFamiliar(p.fam);
  const auto login_tag = static_cast<uint32_t>(p.login_digest);
  const core::Duration short_window = config_.windows.short_window;

  const SourceKey* levels = p.levels;
  if (detect::PairActivity* admitted = pairs_.Find(p.pair_key);
      admitted != nullptr && detect::ReturningDevice::Admitted(admitted, p.pw_tag)) {
    returning_.NoteFailedCheck(sources_.FindOrInsert(levels[0], now), *admitted, now);
  }
  uint32_t prefix_tag = 0;
  for (int i = 0; i < p.level_count; ++i) {
    detect::SourceActivity& s = sources_.FindOrInsert(levels[i], now);
    s.last_seen_s = core::ToSeconds(now);
    if (unknown_user) s.unknown_logins.Insert(login_tag, now, short_window);
    if (!unfamiliar) continue;
    s.unfamiliar_failures.Add(now, short_window);
    s.failed_logins.Insert(login_tag, now, short_window);
    if (i == 1) {
      prefix_tag =
          static_cast<uint32_t>(core::Digest64(levels[i].network.bytes().data(), 16, seed_));
    }
    const BlockKey key = SourceBlockKey(levels[i]);
    if (blocks_.Find(key, now) != nullptr) continue;
    const Reason reason = source_guessing_.Evaluate(levels[i], s, now);
    if (reason != Reason::kCount) {
      AddBlock(key, SourceSubject(levels[i]), reason, BlockScope::kUnfamiliar,
               source_guessing_.block_ttl(), now);
    } else if (blocks_.RecentOffender(key, now)) {
      // Blocked before and failing again as soon as the block ran out: no fresh allowance.
      AddBlock(key, SourceSubject(levels[i]), Reason::kIpGuessing, BlockScope::kUnfamiliar,
               source_guessing_.block_ttl(), now);
    }
  }

  if (unknown_user) {
    if (unfamiliar)
      service_attack_.OnUnfamiliarFailure(true, FailingSource(attempt.ip, p.where.prefix), now);
    return;  // nothing to protect: the account does not exist
  }

  detect::PairActivity& pair = pairs_.FindOrInsert(p.pair_key, now);
  pair.last_seen_s = core::ToSeconds(now);
  pair.failures.Add(now, short_window);
  const bool new_password = pair.wrong_pwhashes.Insert(p.pw_tag, now, short_window);
  const BlockKey pair_key = LoginIpBlockKey(p.login_digest, attempt.ip);
  if (blocks_.Find(pair_key, now) == nullptr &&
      (brute_force_.ShouldBlock(pair, now) ||
       (new_password && blocks_.RecentOffender(pair_key, now)))) {
    AddBlock(pair_key, p.login + " from " + attempt.ip.ToString(), Reason::kBruteForce,
             BlockScope::kAll, brute_force_.block_ttl(), now);
  }

  if (!unfamiliar) return;
  service_attack_.OnUnfamiliarFailure(false, FailingSource(attempt.ip, p.where.prefix), now);
  detect::LoginActivity& login = logins_.FindOrInsert(p.login_digest, now);
  login.last_seen_s = core::ToSeconds(now);
  login.failures.Add(now, short_window);
  login.wrong_pwhashes.Insert(p.pw_tag, now, short_window);
  login.failing_sources.Insert(prefix_tag, now, short_window);
  const BlockKey login_key = LoginBlockKey(p.login_digest);
  if (blocks_.Find(login_key, now) == nullptr && account_guessing_.ShouldBlock(login, now)) {
    AddBlock(login_key, p.login, Reason::kAccountUnderAttack, BlockScope::kUnfamiliar,
             account_guessing_.block_ttl(), now);
  }
}

bool Engine::OperatorBlock(const BlockKey& key, std::string subject, core::Duration ttl,
                           Timestamp now) {
  const Block block{now, now + ttl, Reason::kManual, BlockScope::kAll, 1, std::move(subject)};
  if (!blocks_.Put(key, block, now)) return false;
  if (sink_ != nullptr) sink_->BlockSet(key, block);
  return true;
}

bool Engine::Unblock(const BlockKey& key) {
  const bool removed = blocks_.Remove(key);
  if (removed && sink_ != nullptr) sink_->BlockRemoved(key);
  return removed;
}

void Engine::Reset(const core::IpAddress* ip, std::string_view login) {
  uint64_t login_digest = 0;
  if (!login.empty()) {
    if (auto canonical = Canonical(login); canonical.ok()) login_digest = LoginDigest(*canonical);
  }
  if (ip != nullptr) {
    SourceKey levels[3];
    const int n = SourceLevels(*ip, levels);
    sources_.Erase(levels[0]);
    for (int i = 0; i < n; ++i) Unblock(SourceBlockKey(levels[i]));
    if (login_digest != 0) {
      pairs_.Erase(PairKey(login_digest, *ip));
      Unblock(LoginIpBlockKey(login_digest, *ip));
    }
  }
  if (login_digest != 0) {
    logins_.Erase(login_digest);
    Unblock(LoginBlockKey(login_digest));
  }
}

void Engine::AllowNetwork(const core::Cidr& cidr, bool add) {
  if (add) {
    allows_.AddNetwork(cidr);
  } else if (!allows_.RemoveNetwork(cidr)) {
    return;
  }
  if (sink_ != nullptr) sink_->AllowNetwork(cidr, add);
}

bool Engine::AllowLogin(std::string_view login, bool add) {
  auto canonical = Canonical(login);
  if (!canonical.ok()) return false;
  const uint64_t digest = LoginDigest(*canonical);
  if (add) {
    allows_.AddLogin(digest, *canonical);
  } else if (!allows_.RemoveLogin(digest)) {
    return true;
  }
  if (sink_ != nullptr) sink_->AllowLogin(digest, *canonical, add);
  return true;
}

void Engine::RestoreFamiliarity(uint64_t login, const detect::FamiliarityStore::Source& source) {
  familiarity_.Restore(login, source);
}

void Engine::RestoreBlock(const BlockKey& key, const Block& block) {
  // A smaller budget than the state was saved with: the blocks past it are dropped (counted).
  blocks_.Put(key, block, block.created);
}

void Engine::ApplyBlock(const BlockKey& key, const Block& block) {
  // Two nodes may block one key for different spans: the one that lasts longer holds.
  if (const Block* mine = blocks_.Entry(key); mine != nullptr && mine->expires >= block.expires) {
    return;
  }
  if (blocks_.Put(key, block, block.created) && sink_ != nullptr) sink_->BlockSet(key, block);
}

void Engine::ApplyEvidence(uint64_t login, const detect::LoginEvidence& evidence) {
  RestoreEvidence(login, evidence);
  if (sink_ != nullptr) sink_->EvidenceRecorded(login, evidence);
}

void Engine::RestoreEvidence(uint64_t login, const detect::LoginEvidence& evidence) {
  const auto at = core::FromSeconds(static_cast<uint32_t>(evidence.Retention(0)));
  evidence_.FindOrInsert(login, at) = evidence;
}

Engine::TableSizes Engine::sizes() const {
  TableSizes t{};
  t.sources = sources_.size();
  t.logins = logins_.size();
  t.pairs = pairs_.size();
  t.familiarity_logins = familiarity_.logins();
  t.familiarity_entries = familiarity_.entries();
  t.blocks = blocks_.size();
  t.source_evictions = sources_.evictions();
  t.login_evictions = logins_.evictions();
  t.pair_evictions = pairs_.evictions();
  t.familiarity_evictions = familiarity_.evictions();
  t.blocks_dropped = blocks_.dropped();
  t.memory_bytes = sources_.MemoryBytes() + logins_.MemoryBytes() + pairs_.MemoryBytes() +
                   familiarity_.MemoryBytes() + blocks_.MemoryBytes() + EvidenceMemoryBytes();
  return t;
}

void Engine::Maintain(Timestamp now) {
  blocks_.Purge(now);
  evidence_heap_ = 0;
  evidence_.ForEach([&](uint64_t, const detect::LoginEvidence& e) {
    if (e.login.capacity() > 15) evidence_heap_ += e.login.capacity() + 1;
  });
}

size_t Engine::EvidenceMemoryBytes() const { return evidence_.MemoryBytes() + evidence_heap_; }

void Engine::AppendTables(std::vector<core::TableUsage>& out) const {
  const size_t budget = BudgetBytes(config_);
  auto bounded = [&](std::string_view t, const auto& map, size_t share) {
    out.push_back(core::MapUsage(t, map, budget, share));
  };
  bounded("sources", sources_, BudgetShares::kSources);
  bounded("logins", logins_, BudgetShares::kLogins);
  bounded("login_ip", pairs_, BudgetShares::kLoginIp);
  out.push_back({"familiarity_logins",
                 familiarity_.logins(),
                 familiarity_.capacity(),
                 core::ShareBytes(budget, BudgetShares::kFamiliarity),
                 familiarity_.MemoryBytes(),
                 familiarity_.evictions(),
                 {}});
  // Pairs inside familiarity_logins' share: a count, not a table of its own.
  out.push_back({"familiarity_entries", familiarity_.entries(), 0, 0, 0, 0, {}});
  // A full block list refuses new blocks rather than evicting one in force.
  out.push_back({"blocks", blocks_.size(), blocks_.max_blocks(),
                 core::ShareBytes(budget, BudgetShares::kBlocks), blocks_.MemoryBytes(),
                 blocks_.dropped(), "blocks_refused"});
  out.push_back({"evidence",
                 evidence_.size(),
                 evidence_.capacity(),
                 core::ShareBytes(budget, BudgetShares::kEvidence),
                 EvidenceMemoryBytes(),
                 evidence_.evictions(),
                 {}});
}

}  // namespace coastguard::policy
