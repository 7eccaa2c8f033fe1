#include "detect/compromise.h"

namespace coastguard::detect {

bool Compromise::Proven(const SourceActivity* address, Timestamp now) const {
  // Only the exact address counts: a /24 of home connections says nothing about the proxy next
  // door.
  return address != nullptr &&
         address->successful_logins.Count(now, w_.long_window) >=
             static_cast<size_t>(s_.proven_logins) &&
         address->successes.Estimate(now, w_.long_window) >=
             address->unfamiliar_failures.Estimate(now, w_.short_window);
}

uint8_t Compromise::Flags(const UnfamiliarSuccess& success, Timestamp now) const {
  uint8_t flags = 0;
  // New to an account we know elsewhere. An account seen for the first time (a new user, or
  // the first days after deployment) has no usual place to differ from.
  if (success.familiarity != Familiarity::kDevice && success.account_known) {
    flags |= LoginEvidence::kNewLocation;
  }
  if (success.familiarity == Familiarity::kNone && success.under_attack && !success.vouched) {
    flags |= LoginEvidence::kUnfamiliarDuringAttack;
  }
  // What a stolen password cannot bring along: the owner's client, or the owner's habit of
  // identifying it.
  if (success.device == DeviceView::kMissing) {
    flags |= LoginEvidence::kStrangerDevice;
  }
  // The address itself failed on other accounts, or the address or a prefix around it is
  // blocked (or was, recently). Prefix-wide counts alone are too common on shared ISPs.
  // An address many of our users log in from (an office NAT) sees typos on many accounts:
  // that is not guessing.
  const SourceActivity* a = success.address;
  if (a != nullptr &&
      (a->failed_logins.Count(now, w_.short_window) >=
           static_cast<size_t>(s_.guessing_source_logins) ||
       a->unknown_logins.Count(now, w_.short_window) >=
           static_cast<size_t>(s_.guessing_source_unknown_logins)) &&
      !success.address_proven) {
    flags |= LoginEvidence::kFromGuessingSource;
  }
  if (success.source_blocked && !success.vouched) flags |= LoginEvidence::kFromGuessingSource;
  // The success that ends a distributed guessing run comes from a stranger's address; the
  // owner's phone roaming in its usual carrier pool (wide-prefix familiar) is not suspect.
  // An account with no success within the familiarity TTL (new, dormant, or a fresh install)
  // has no usual place: for it, a few wrong passwords from a few networks are the background
  // every server gets (bots trying info@), and only a run the account-guessing detector closed
  // the account for counts.
  if (success.familiarity == Familiarity::kNone && success.login != nullptr &&
      (success.account_known || success.account_guessed) &&
      success.login->failing_sources.Count(now, w_.short_window) >=
          static_cast<size_t>(s_.distributed_networks)) {
    flags |= LoginEvidence::kAfterDistributedFailures;
  }
  return flags;
}

void Compromise::Record(LoginEvidence& e, uint8_t flags, Timestamp now, const core::IpAddress& ip,
                        std::string_view login) {
  if (flags & LoginEvidence::kNewLocation) e.new_location_s = core::ToSeconds(now);
  if (flags & LoginEvidence::kSuspicious) {
    e.suspicious_s = core::ToSeconds(now);
    e.flags = flags;
    e.ip = ip;
    e.login.assign(login);
  }
}

std::string DescribeEvidence(uint8_t flags) {
  std::string out;
  auto add = [&](const char* text) {
    if (!out.empty()) out += ", ";
    out += text;
  };
  if (flags & LoginEvidence::kFromGuessingSource)
    add("from an address that failed on other accounts");
  if (flags & LoginEvidence::kUnfamiliarDuringAttack)
    add("a stranger's login during a service-wide attack");
  if (flags & LoginEvidence::kAfterDistributedFailures)
    add("after wrong passwords from several networks");
  if (flags & LoginEvidence::kStrangerDevice)
    add("a client the account never used, or none where it always sends one");
  return out;
}

}  // namespace coastguard::detect
