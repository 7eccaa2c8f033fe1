#include "policy/blocks.h"

#include <algorithm>
#include <limits>

#include "core/text.h"

namespace coastguard::policy {

std::string_view BlockKindName(BlockKind kind) {
  switch (kind) {
    case BlockKind::kIp: return "ip";
    case BlockKind::kPrefix: return "prefix";
    case BlockKind::kLogin: return "login";
    case BlockKind::kLoginIp: return "login_ip";
  }
  return "ip";
}

std::string_view BlockScopeName(BlockScope scope) {
  return scope == BlockScope::kAll ? "all" : "unfamiliar";
}

std::string BlockLogLine(const BlockKey& key, const Block& block) {
  return core::Cat("block ", BlockKindName(key.kind), " ", block.subject,
                   " reason=", core::ReasonName(block.reason),
                   " scope=", BlockScopeName(block.scope),
                   " ttl=", static_cast<long long>((block.expires - block.created) / core::kSecond),
                   "s offenses=", block.offenses);
}

const Block* BlockList::Find(const BlockKey& key, Timestamp now) const {
  const auto it = blocks_.find(key);
  if (it == blocks_.end() || it->second.expires <= now) return nullptr;
  return &it->second;
}

const Block& BlockList::Add(const BlockKey& key, std::string subject, core::Reason reason,
                            BlockScope scope, Duration ttl, Timestamp now) {
  if (blocks_.size() >= settings_.max_blocks && !blocks_.contains(key) && !MakeRoom(now)) {
    // Full of live blocks: refuse this one rather than evict an arbitrary live block.
    ++dropped_;
    overflow_ = Block{now, now, reason, scope, 0, std::move(subject)};
    return overflow_;
  }
  auto [it, inserted] = blocks_.try_emplace(key);
  Block& block = it->second;
  uint32_t offenses = 1;
  if (!inserted) {
    const bool remembered = now < block.expires + settings_.offense_memory;
    offenses = remembered ? std::min<uint32_t>(block.offenses + (block.expires <= now), 30) : 1;
  }
  const Duration escalated =
      std::min(ttl << std::min<uint32_t>(offenses - 1, 20), settings_.max_ttl);
  block.created = now;
  block.expires = std::max(inserted ? 0 : block.expires, now + escalated);
  block.reason = reason;
  block.scope = scope;
  block.offenses = offenses;
  block.subject = std::move(subject);
  full_until_ = std::min(full_until_, block.expires);
  return block;
}

bool BlockList::Put(const BlockKey& key, const Block& block, Timestamp now) {
  if (blocks_.size() >= settings_.max_blocks && !blocks_.contains(key) && !MakeRoom(now)) {
    ++dropped_;
    return false;
  }
  blocks_[key] = block;
  full_until_ = std::min(full_until_, block.expires);
  return true;
}

bool BlockList::MakeRoom(Timestamp now) {
  if (now < full_until_) return false;
  absl::erase_if(blocks_, [&](const auto& entry) { return entry.second.expires <= now; });
  if (blocks_.size() < settings_.max_blocks) return true;
  Timestamp first_expiry = std::numeric_limits<Timestamp>::max();
  for (const auto& [key, block] : blocks_) first_expiry = std::min(first_expiry, block.expires);
  full_until_ = std::max(first_expiry, now + core::kSecond);
  return false;
}

bool BlockList::Remove(const BlockKey& key) {
  if (blocks_.erase(key) == 0) return false;
  full_until_ = 0;
  return true;
}

void BlockList::Touch(const BlockKey& key, Timestamp now, Duration min_remaining) {
  const auto it = blocks_.find(key);
  if (it == blocks_.end() || it->second.expires <= now) return;
  it->second.expires = std::max(it->second.expires, now + min_remaining);
}

bool BlockList::RecentOffender(const BlockKey& key, Timestamp now) const {
  const auto it = blocks_.find(key);
  return it != blocks_.end() && it->second.expires <= now &&
         now < it->second.expires + settings_.offense_memory;
}

bool BlockList::BlockedFor(const BlockKey& key, core::Reason reason, Timestamp now) const {
  const auto it = blocks_.find(key);
  return it != blocks_.end() && it->second.reason == reason &&
         now < it->second.expires + settings_.offense_memory;
}

bool BlockList::BlockedLately(const BlockKey& key, Timestamp now) const {
  const auto it = blocks_.find(key);
  return it != blocks_.end() && now < it->second.expires + settings_.offense_memory;
}

size_t BlockList::Purge(Timestamp now) {
  live_ = 0;
  subject_heap_ = 0;
  const size_t purged = absl::erase_if(blocks_, [&](const auto& entry) {
    const Block& block = entry.second;
    if (block.expires + settings_.offense_memory <= now) return true;
    live_ += block.expires > now;
    if (block.subject.capacity() > 15) subject_heap_ += block.subject.capacity() + 1;
    return false;
  });
  if (blocks_.size() < settings_.max_blocks) full_until_ = 0;
  return purged;
}

size_t BlockList::MemoryBytes() const {
  return blocks_.capacity() * (sizeof(std::pair<BlockKey, Block>) + 1) + subject_heap_;
}

void AllowList::AddNetwork(const core::Cidr& cidr) {
  if (std::find(networks_.begin(), networks_.end(), cidr) == networks_.end()) {
    networks_.push_back(cidr);
  }
}

bool AllowList::RemoveNetwork(const core::Cidr& cidr) {
  const auto it = std::find(networks_.begin(), networks_.end(), cidr);
  if (it == networks_.end()) return false;
  networks_.erase(it);
  return true;
}

void AllowList::AddLogin(uint64_t login, std::string subject) {
  logins_[login] = std::move(subject);
}

bool AllowList::RemoveLogin(uint64_t login) { return logins_.erase(login) > 0; }

bool AllowList::Allows(const core::IpAddress& ip, uint64_t login) const {
  if (logins_.contains(login)) return true;
  for (const core::Cidr& cidr : networks_) {
    if (cidr.Contains(ip)) return true;
  }
  return false;
}

}  // namespace coastguard::policy
