#pragma once

#include <cstdint>

#include "detect/familiarity.h"
#include "policy/blocks.h"

namespace coastguard::policy {

// Receives every change to the state that must survive a restart (familiarity, blocks, allow
// lists), in the order the engine makes them. Implemented by the persistence journal; called on
// the engine's thread, so implementations must not block.
class StateSink {
 public:
  virtual ~StateSink() = default;
  virtual void FamiliarityLearned(uint64_t login, const detect::FamiliarityStore::Source& s) = 0;
  virtual void BlockSet(const BlockKey& key, const Block& block) = 0;
  virtual void BlockRemoved(const BlockKey& key) = 0;
  virtual void AllowNetwork(const core::Cidr& cidr, bool added) = 0;
  virtual void AllowLogin(uint64_t login, std::string_view subject, bool added) = 0;
};

}  // namespace coastguard::policy
