#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/ip_address.h"
#include "core/time.h"
#include "core/verdict.h"

namespace coastguard::policy {

using core::Duration;
using core::Timestamp;

enum class BlockKind : uint8_t { kIp, kPrefix, kLogin, kLoginIp };
// Automatic source and login blocks spare logins that know the source (the office NAT stays
// open to its own users); operators' blocks and brute-force pair blocks apply to everyone.
enum class BlockScope : uint8_t { kUnfamiliar, kAll };

std::string_view BlockKindName(BlockKind kind);
std::string_view BlockScopeName(BlockScope scope);

struct BlockKey {
  BlockKind kind = BlockKind::kIp;
  core::IpAddress network;  // kIp, kPrefix, kLoginIp
  uint8_t bits = 0;         // prefix length for kPrefix; family bits for kIp/kLoginIp
  uint64_t login = 0;       // login digest for kLogin, kLoginIp
  friend bool operator==(const BlockKey&, const BlockKey&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const BlockKey& k) {
    return H::combine(std::move(h), k.kind, k.network, k.bits, k.login);
  }
};

inline BlockKey NetworkBlockKey(const core::Cidr& network) {
  const bool exact = network.bits >= network.base.family_bits();
  return {exact ? BlockKind::kIp : BlockKind::kPrefix, network.base,
          static_cast<uint8_t>(network.bits), 0};
}
inline BlockKey LoginBlockKey(uint64_t login) { return {BlockKind::kLogin, {}, 0, login}; }
inline BlockKey LoginIpBlockKey(uint64_t login, const core::IpAddress& ip) {
  return {BlockKind::kLoginIp, ip, static_cast<uint8_t>(ip.family_bits()), login};
}

struct Block {
  Timestamp created = 0;
  Timestamp expires = 0;
  core::Reason reason = core::Reason::kManual;
  BlockScope scope = BlockScope::kAll;
  uint32_t offenses = 1;  // how many times this key has been blocked within the memory window
  std::string subject;    // human-readable: "203.0.113.0/24", "alice@example.com", ...
};

struct BlockSettings {
  Duration max_ttl = core::kDay;
  // How long an expired block is remembered: a repeat offence inside it doubles the TTL and is
  // blocked on its first failure, not after a fresh threshold.
  Duration offense_memory = core::kDay;
  size_t max_blocks = 1'000'000;
};

template <typename V>
void DescribeSettings(V& v, BlockSettings& s) {
  v.Table("blocks");
  v.Duration("max_ttl", s.max_ttl, core::kSecond);
  v.Duration("offense_memory", s.offense_memory, 0);
  v.Integer("max_blocks", s.max_blocks, 16, 100'000'000);
}

// block ip 203.0.113.7 reason=ip_guessing scope=unfamiliar ttl=3600s offenses=1
std::string BlockLogLine(const BlockKey& key, const Block& block);

// Temporary blocks with TTL, reason and escalation. Single-threaded (engine thread).
class BlockList {
 public:
  explicit BlockList(const BlockSettings& settings) : settings_(settings) {}

  // The live block for `key`, or null.
  const Block* Find(const BlockKey& key, Timestamp now) const;
  // The entry for `key`, live or remembered as an offence, or null (explain).
  const Block* Entry(const BlockKey& key) const {
    const auto it = blocks_.find(key);
    return it == blocks_.end() ? nullptr : &it->second;
  }
  // Blocks `key`; a key blocked before (within the offense memory) gets ttl * 2^offenses,
  // capped at max_ttl. Returns the block.
  const Block& Add(const BlockKey& key, std::string subject, core::Reason reason, BlockScope scope,
                   Duration ttl, Timestamp now);
  // Sets an exact TTL with no escalation (operator API, persistence restore). False (and
  // counted in dropped()) when max_blocks blocks are already remembered at `now`.
  bool Put(const BlockKey& key, const Block& block, Timestamp now);
  bool Remove(const BlockKey& key);
  // An attempt hit a live block: keep it up while the attacker keeps knocking.
  void Touch(const BlockKey& key, Timestamp now, Duration min_remaining);
  // True if `key` was blocked recently and is not blocked now.
  bool RecentOffender(const BlockKey& key, Timestamp now) const;
  // True if `key` is blocked for `reason`, or was within the offense memory.
  bool BlockedFor(const BlockKey& key, core::Reason reason, Timestamp now) const;
  // True if `key` is blocked, or was within the offense memory (Find or RecentOffender, in one
  // lookup).
  bool BlockedLately(const BlockKey& key, Timestamp now) const;
  // Drops blocks past expiry plus offense memory, and measures what is left (live(),
  // MemoryBytes()). Call about once a second; O(n).
  size_t Purge(Timestamp now);

  // Blocks in force at the last Purge: metrics must not scan the list per request.
  size_t live() const { return live_; }
  size_t size() const { return blocks_.size(); }
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const auto& [key, block] : blocks_) fn(key, block);
  }
  size_t MemoryBytes() const;
  uint64_t dropped() const { return dropped_; }
  size_t max_blocks() const { return settings_.max_blocks; }

 private:
  // Room for one more key when the list is full: drops what is no longer in force (offence
  // memory matters less than a block in force), at most once a second and only once a block
  // can have expired, so a full list costs O(1) per refused block, not a scan.
  bool MakeRoom(Timestamp now);

  BlockSettings settings_;
  uint64_t dropped_ = 0;      // blocks refused because max_blocks live blocks already existed
  Timestamp full_until_ = 0;  // no block in force expires before this (while full)
  size_t live_ = 0;           // as of the last Purge
  size_t subject_heap_ = 0;   // as of the last Purge
  Block overflow_;
  // Expired blocks stay here until offense_memory passes (that is the repeat-offender memory).
  absl::flat_hash_map<BlockKey, Block> blocks_;
};

// Allow lists: networks and logins that are never blocked. Operators' business networks,
// monitoring probes, service accounts.
class AllowList {
 public:
  void AddNetwork(const core::Cidr& cidr);
  bool RemoveNetwork(const core::Cidr& cidr);
  void AddLogin(uint64_t login, std::string subject);
  bool RemoveLogin(uint64_t login);
  bool Allows(const core::IpAddress& ip, uint64_t login) const;
  const std::vector<core::Cidr>& networks() const { return networks_; }
  const absl::flat_hash_map<uint64_t, std::string>& logins() const { return logins_; }

 private:
  std::vector<core::Cidr> networks_;  // few entries: a linear scan beats a trie here
  absl::flat_hash_map<uint64_t, std::string> logins_;
};

}  // namespace coastguard::policy
