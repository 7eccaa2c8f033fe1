#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "firewall/drop_set.h"
#include "nft/nftables.h"
#include "policy/engine.h"
#include "policy/state_sink.h"

namespace coastguard::nft {

// Passes every state change on to `next` (the store) and keeps the blocked networks in
// nftables: operators' blocks, the engine's blocks on addresses and prefixes, and the address
// of a blocked (login, address) pair. Blocks on a login alone are not the firewall's business,
// and allow lists are never added. An automatic block
// spares the users who know the source; the firewall cannot tell them apart, so it leaves out a
// source anyone logged in from successfully (the office NAT): the engine goes on refusing the
// strangers there, one login at a time.
class FirewallSink : public policy::StateSink {
 public:
  // `schedule` runs a function soon on the loop (changes are applied in batches).
  FirewallSink(policy::StateSink& next, policy::Engine& engine, Nftables& nftables,
               size_t max_networks, std::function<void(std::function<void()>)> schedule);

  // Puts the blocks the engine already holds (restored from the store) into the set.
  void Sync(core::Timestamp now);
  // Once a second: expiries (and what they uncover).
  void Maintain(core::Timestamp now);

  void FamiliarityLearned(uint64_t login, const detect::FamiliarityStore::Source& s) override {
    next_.FamiliarityLearned(login, s);
  }
  void BlockSet(const policy::BlockKey& key, const policy::Block& block) override;
  void BlockRemoved(const policy::BlockKey& key) override;
  void AllowNetwork(const core::Cidr& cidr, bool added) override {
    next_.AllowNetwork(cidr, added);
  }
  void AllowLogin(uint64_t login, std::string_view subject, bool added) override {
    next_.AllowLogin(login, subject, added);
  }
  void EvidenceRecorded(uint64_t login, const detect::LoginEvidence& evidence) override {
    next_.EvidenceRecorded(login, evidence);
  }

  const firewall::DropSet& drops() const { return drops_; }
  uint64_t spared() const { return spared_; }  // blocks left out: the source has users
  uint64_t applied() const { return applied_; }

 private:
  bool Wanted(const policy::BlockKey& key, const policy::Block& block, core::Timestamp now) const;
  void Flush();

  policy::StateSink& next_;
  policy::Engine& engine_;
  Nftables& nftables_;
  firewall::DropSet drops_;
  std::function<void(std::function<void()>)> schedule_;
  std::vector<firewall::Change> pending_;
  bool flush_scheduled_ = false;
  uint64_t spared_ = 0;
  uint64_t applied_ = 0;
};

}  // namespace coastguard::nft
