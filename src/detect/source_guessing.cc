#include "detect/source_guessing.h"

#include <algorithm>

namespace coastguard::detect {

int SourceGuessing::LoginThreshold(const SourceKey& key) const {
  if (key.network.is_v4()) return key.bits >= 32 ? t_.ip_logins : t_.ipv4_24_logins;
  if (key.bits >= 128) return t_.ip_logins;
  return key.bits >= 64 ? t_.ipv6_64_logins : t_.ipv6_48_logins;
}

core::Reason SourceGuessing::Evaluate(const SourceKey& key, const SourceActivity& source,
                                      Timestamp now) const {
  const int extra = t_.successes_per_extra_login > 0
                        ? static_cast<int>(source.successes.Estimate(now, w_.long_window)) /
                              t_.successes_per_extra_login
                        : 0;
  // Prefixes gather many subscribers' addresses, so they need twice the unknown users.
  const bool exact = key.bits >= key.network.family_bits();
  const int unknown_threshold = (exact || key.bits == 64 ? 1 : 2) * t_.unknown_users + extra;
  if (static_cast<int>(source.unknown_logins.Count(now, w_.short_window)) >= unknown_threshold) {
    return core::Reason::kUnknownUsers;
  }
  // The busier the source, the higher the bar, up to what the set can count: past that a busy
  // NAT or carrier address would never be closed to strangers, whatever a combo list did there
  // (its users are familiar with it and stay unaffected). The unknown-users bar is not capped:
  // past the 8 its set counts it turns that check off at busy sources, and capping it measured
  // more friction for little on the families (docs/detection.md).
  constexpr int kCountable = static_cast<int>(decltype(source.failed_logins)::kCapacity);
  if (static_cast<int>(source.failed_logins.Count(now, w_.short_window)) >=
      std::min(LoginThreshold(key) + extra, kCountable)) {
    return exact ? core::Reason::kIpGuessing : core::Reason::kPrefixGuessing;
  }
  return core::Reason::kCount;
}

}  // namespace coastguard::detect
