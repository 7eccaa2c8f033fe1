#pragma once

#include <cstdint>
#include <string_view>

#include "detect/compromise.h"
#include "detect/familiarity.h"
#include "policy/blocks.h"

namespace coastguard::policy {

// Receives every change to the state that must survive a restart (familiarity, blocks, allow
// lists, the compromise evidence that holds an account's mail), in the order the engine makes them.
// Implemented by the persistence journal; called on the engine's thread, so implementations must
// not block.
class StateSink {
 public:
  virtual ~StateSink() = default;
  virtual void FamiliarityLearned(uint64_t login, const detect::FamiliarityStore::Source& s) = 0;
  virtual void BlockSet(const BlockKey& key, const Block& block) = 0;
  virtual void BlockRemoved(const BlockKey& key) = 0;
  virtual void AllowNetwork(const core::Cidr& cidr, bool added) = 0;
  virtual void AllowLogin(uint64_t login, std::string_view subject, bool added) = 0;
  // The account's evidence as it now is (recorded, or cleared by an operator).
  virtual void EvidenceRecorded(uint64_t login, const detect::LoginEvidence& evidence) = 0;
};

// Logs each block and unblock (core::Log), then passes every change on to `next` (the store):
// the operator's log shows every decision that shuts someone out for a while, one line per
// block rather than per request.
class LoggingSink : public StateSink {
 public:
  explicit LoggingSink(StateSink& next) : next_(next) {}
  void FamiliarityLearned(uint64_t login, const detect::FamiliarityStore::Source& s) override;
  void BlockSet(const BlockKey& key, const Block& block) override;
  void BlockRemoved(const BlockKey& key) override;
  void AllowNetwork(const core::Cidr& cidr, bool added) override;
  void AllowLogin(uint64_t login, std::string_view subject, bool added) override;
  void EvidenceRecorded(uint64_t login, const detect::LoginEvidence& evidence) override;

 private:
  StateSink& next_;
};

}  // namespace coastguard::policy
