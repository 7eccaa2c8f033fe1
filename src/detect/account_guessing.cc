#include "detect/account_guessing.h"

namespace coastguard::detect {

bool AccountGuessing::ShouldBlock(const LoginActivity& login, Timestamp now) const {
  return static_cast<int>(login.wrong_pwhashes.Count(now, w_.short_window)) >= t_.wrong_passwords &&
         static_cast<int>(login.failing_sources.Count(now, w_.short_window)) >= t_.sources;
}

}  // namespace coastguard::detect
