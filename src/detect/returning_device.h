#pragma once

#include <cstdint>

#include "core/auth_event.h"
#include "detect/activity.h"

namespace coastguard::detect {

// A refused stranger that comes back, from the same address, with the same password after a
// while: a device with the password saved in it (a phone after its owner's first login on a
// fresh install, a desk PC first seen during an attack), not a combo list, which tries each
// pair once and moves on. Without this, refusing strangers feeds itself: a user refused before
// any success never becomes familiar. Such a device earns one password check; if the password
// is wrong it never earns another. Admissions per login are capped, so that an attacker who
// repeats each guess cannot turn a login block into a guessing channel. A mail client also
// reads mail: one refused only on SMTP or submission is a sending tool (a thief's spam run
// logging in for each batch), unless the account is a declared sending application or the
// place is the account's own; and a send comes back only as the client refused reading there.
struct ReturningDeviceSettings {
  bool enabled = true;
  // The same password from the same address again no sooner than this after the first refusal:
  // a mail client's next poll, not a tool's immediate retry.
  Duration after = 10 * core::kMinute;
  // ... and no later than this (the first refusal is forgotten).
  Duration within = core::kDay;
  int per_login = 2;  // admissions per login per short window
  // The address failed on at most this many other logins in the short window (not a combo
  // list's exit).
  int max_failing_logins = 1;
  // Returning devices whose check failed at one address within the short window, after which
  // that address earns no more: what a machine retrying a combo list there would show.
  int max_failed_per_address = 2;
  // Known accounts' new devices admitted at one address (not a shared one) per short window:
  // a home or a desk has one or two; an exit with a list of passwords that work has many.
  int per_address = 2;
  // An admission answers again for this long: Dovecot asks once before the password check and,
  // with auth_policy_check_after_auth, once after it, before the report.
  Duration recheck = 5 * core::kMinute;
};

template <typename V>
void DescribeSettings(V& v, ReturningDeviceSettings& s) {
  v.Table("returning_device");
  v.Boolean("enabled", s.enabled);
  v.Duration("after", s.after, core::kSecond);
  v.Duration("within", s.within, core::kMinute);
  v.Integer("per_login", s.per_login, 1, 16);
  v.Integer("max_failing_logins", s.max_failing_logins, 0, 16);
  v.Integer("max_failed_per_address", s.max_failed_per_address, 1, 1000);
  v.Integer("per_address", s.per_address, 1, 1000);
  v.Duration("recheck", s.recheck, core::kSecond);
  v.Require(s.after < s.within,
            "returning_device.after must be shorter than returning_device.within");
}

class ReturningDevice {
 public:
  ReturningDevice(const ReturningDeviceSettings& s, const Windows& w) : s_(s), w_(w) {}

  bool enabled() const { return s_.enabled; }
  // Whether the address (the exact IP's activity, may be null) may earn checks at all. At a
  // `shared` address (many of our logins succeed there) failures on other logins are someone
  // else's.
  bool AddressQualifies(const SourceActivity* address, bool shared, uint32_t login_tag,
                        Timestamp now) const;
  // The refused attempt: its password's tag, its client (ClientTag), and whether it sends.
  struct Attempt {
    uint32_t pw_tag = 0;
    uint32_t client = 0;
    bool sends = false;
  };
  // Whether the refused attempt (login `pair`) has earned a password check. `login` and
  // `address` may be null. A send earns it as the client last refused reading here, not
  // another one: a phone's outbox behind its inbox, not a spam tool behind a refused read.
  // `may_return_sending`: a device refused only on SMTP or submission may earn it too, with any
  // client (a declared sending application; the account's own place).
  bool Earned(const PairActivity* pair, const LoginActivity* login, const SourceActivity* address,
              bool shared, bool may_return_sending, const Attempt& attempt, uint32_t login_tag,
              Timestamp now) const;
  // Whether `address` (may be null) admitted its share of known accounts' new devices.
  bool AddressAdmittedEnough(const SourceActivity* address, Timestamp now) const {
    return address != nullptr &&
           address->returning_admissions.Estimate(now, w_.short_window) >= s_.per_address;
  }
  void NoteKnownAccountAdmission(SourceActivity& address, PairActivity& pair, Timestamp now) const {
    address.returning_admissions.Add(now, w_.short_window);
    pair.admitted_known_elsewhere = true;
  }
  // The same attempt asked about again (Dovecot's check after the password check).
  bool AlreadyAdmitted(const PairActivity* pair, uint32_t pw_tag, Timestamp now) const {
    return Admitted(pair, pw_tag) && now - core::FromSeconds(pair->admitted_s) <= s_.recheck;
  }
  // A check it earned failed at `address`: that password never earns another here.
  void NoteFailedCheck(SourceActivity& address, PairActivity& pair, Timestamp now) const {
    address.failed_returning.Add(now, w_.short_window);
    pair.failed_pw = pair.admitted_pw;
    pair.admitted_pw = 0;
  }
  // A refusal that did not earn a check: remembered for the next time.
  void NoteRefusal(PairActivity& pair, const Attempt& attempt, Timestamp now) const;
  // An admission: counted against the login's cap, and marked on the pair.
  void NoteAdmission(PairActivity& pair, LoginActivity& login, uint32_t pw_tag,
                     Timestamp now) const;
  // Whether the pair's success is that of an admitted returning device.
  static bool Admitted(const PairActivity* pair, uint32_t pw_tag) {
    return pair != nullptr && pair->admitted_pw != 0 && pair->admitted_pw == pw_tag;
  }

 private:
  ReturningDeviceSettings s_;
  Windows w_;
};

}  // namespace coastguard::detect
