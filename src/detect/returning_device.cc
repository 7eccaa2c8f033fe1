#include "detect/returning_device.h"

namespace coastguard::detect {

bool ReturningDevice::AddressQualifies(const SourceActivity* address, bool shared,
                                       uint32_t login_tag, Timestamp now) const {
  if (address == nullptr) return true;
  if (address->failed_returning.Estimate(now, w_.short_window) >= s_.max_failed_per_address) {
    return false;
  }
  if (shared) return true;
  return address->FailingOthers(login_tag, now, w_.short_window) <=
         static_cast<size_t>(s_.max_failing_logins);
}

bool ReturningDevice::Earned(const PairActivity* pair, const LoginActivity* login,
                             const SourceActivity* address, bool shared, bool may_return_sending,
                             const Attempt& attempt, uint32_t login_tag, Timestamp now) const {
  const uint32_t pw_tag = attempt.pw_tag;
  if (!s_.enabled || pair == nullptr || pair->refused_pw == 0 || pair->refused_pw != pw_tag) {
    return false;
  }
  if (!may_return_sending &&
      (!pair->refused_reading || (attempt.sends && pair->reading_client != attempt.client))) {
    return false;
  }
  const Timestamp since = core::FromSeconds(pair->refused_since_s);
  if (now - since < s_.after || now - since > s_.within) return false;
  // A password already checked and wrong: a stale device, which a check would not help.
  if (pair->failed_pw == pw_tag || pair->wrong_pwhashes.Contains(pw_tag, now, w_.short_window)) {
    return false;
  }
  if (login != nullptr) {
    if (login->wrong_pwhashes.Contains(pw_tag, now, w_.short_window)) return false;
    if (login->returning_admissions.Estimate(now, w_.short_window) >= s_.per_login) return false;
  }
  return AddressQualifies(address, shared, login_tag, now);
}

void ReturningDevice::NoteRefusal(PairActivity& pair, const Attempt& attempt, Timestamp now) const {
  const uint32_t pw_tag = attempt.pw_tag;
  const auto now_s = core::ToSeconds(now);
  // Another password (or the first refusal forgotten) starts the wait again.
  if (pair.refused_pw != pw_tag || now - core::FromSeconds(pair.refused_since_s) > s_.within) {
    pair.refused_pw = pw_tag;
    pair.refused_since_s = now_s;
    pair.refused_reading = false;
    pair.reading_client = 0;
  }
  if (!attempt.sends) {
    pair.refused_reading = true;
    pair.reading_client = attempt.client;
  }
  pair.last_seen_s = now_s;
}

void ReturningDevice::NoteAdmission(PairActivity& pair, LoginActivity& login, uint32_t pw_tag,
                                    Timestamp now) const {
  pair.admitted_pw = pw_tag;
  pair.admitted_s = core::ToSeconds(now);
  pair.admitted_known_elsewhere = false;
  pair.refused_pw = 0;
  pair.last_seen_s = core::ToSeconds(now);
  login.returning_admissions.Add(now, w_.short_window);
  login.last_seen_s = core::ToSeconds(now);
}

}  // namespace coastguard::detect
