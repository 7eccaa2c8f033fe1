#pragma once

#include <cstdint>
#include <string_view>

#include "core/time.h"

namespace coastguard::breach {

// Receives what changes the accounts marked for a breached password: each password report and
// each notification mail sent (BreachedLogins). The shared state of several nodes sends them to
// the others, which apply them with ObserveReport/ObserveNotified: an account marked, or a user
// told, on one frontend is marked or told everywhere. Called on the owner's thread; must not
// block.
class BreachObserver {
 public:
  virtual ~BreachObserver() = default;
  virtual void BreachReported(std::string_view login, std::string_view ip, std::string_view service,
                              bool breached, uint32_t breach_count, core::Timestamp now) = 0;
  virtual void BreachNotified(std::string_view login, core::Timestamp now) = 0;
};

}  // namespace coastguard::breach
