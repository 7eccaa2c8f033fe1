#pragma once

#include "core/auth_event.h"

namespace coastguard::policy {

// Receives every attempt the engine decides and every outcome reported to it, as the caller gave
// them (the views are valid only during the call). The shared state of several nodes replicates
// these facts, so that each node counts what all of them saw (redis/shared_state.h). Called on
// the engine's thread; implementations must not block.
class AttemptObserver {
 public:
  virtual ~AttemptObserver() = default;
  virtual void Checked(const core::AuthAttempt& attempt) = 0;
  virtual void Reported(const core::AuthAttempt& attempt, core::Outcome outcome) = 0;
};

}  // namespace coastguard::policy
