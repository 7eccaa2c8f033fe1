#pragma once

#include "detect/activity.h"

namespace coastguard::detect {

// Distributed guessing against one account: many distinct wrong passwords for one login, from
// several networks it has no history with. The account is then closed to unfamiliar sources
// only; its owner, logging in from home or the office, does not notice.
struct AccountGuessingThresholds {
  int wrong_passwords = 8;  // distinct wrong passwords from unfamiliar sources in the window
  int sources = 3;          // ... coming from at least this many distinct /24 or /64
  Duration block_ttl = core::kHour;
};

template <typename V>
void DescribeSettings(V& v, AccountGuessingThresholds& t) {
  v.Table("account_guessing");
  v.Integer("wrong_passwords", t.wrong_passwords, 1, 16);
  v.Integer("sources", t.sources, 1, 8);
  v.Duration("block_ttl", t.block_ttl, core::kSecond);
}

class AccountGuessing {
 public:
  AccountGuessing(const AccountGuessingThresholds& t, const Windows& w) : t_(t), w_(w) {}
  bool ShouldBlock(const LoginActivity& login, Timestamp now) const;
  Duration block_ttl() const { return t_.block_ttl; }

 private:
  AccountGuessingThresholds t_;
  Windows w_;
};

}  // namespace coastguard::detect
