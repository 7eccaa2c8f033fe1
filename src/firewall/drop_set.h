#pragma once

#include <cstdint>
#include <map>
#include <queue>
#include <utility>
#include <vector>

#include "core/ip_address.h"
#include "core/time.h"

namespace coastguard::firewall {

// One change to the firewall's set of dropped networks.
struct Change {
  enum class Kind : uint8_t { kAdd, kDelete };
  Kind kind = Kind::kAdd;
  core::Cidr network;
  core::Duration timeout = 0;  // kAdd: how long the element lives in the kernel
};

// The networks the firewall drops, each with its expiry. A firewall's interval set refuses
// elements that overlap (203.0.113.7 inside 203.0.113.0/24), so of nested networks only the
// widest live one is installed; a narrower one that outlives it is installed when it goes.
// Installed elements carry their own timeout, so the kernel drops them on time even if the
// daemon is gone. Pure: the caller applies the changes. Single-threaded.
class DropSet {
 public:
  explicit DropSet(size_t max_networks) : max_networks_(max_networks) {}

  // Drops `network` until `expires` (or longer, if it already was). False if the set is full.
  bool Put(const core::Cidr& network, core::Timestamp expires, core::Timestamp now,
           std::vector<Change>* out);
  void Remove(const core::Cidr& network, core::Timestamp now, std::vector<Change>* out);
  // Forgets what expired; installs the narrower networks a widest one was hiding, two seconds
  // after it expired (when the kernel has surely dropped it). Call about once a second.
  void Expire(core::Timestamp now, std::vector<Change>* out);

  size_t size() const { return wanted_.size(); }
  size_t installed() const { return installed_.size(); }
  uint64_t refused() const { return refused_; }
  // The installed elements (tests, `coastguard config nftables`' listing).
  template <typename Fn>
  void ForEachInstalled(Fn&& fn) const {
    for (const auto& [key, expires] : installed_) fn(ToCidr(key), expires);
  }

 private:
  // Ordered so that a network's narrower networks follow it directly: base, then length.
  using Key = std::pair<std::array<uint8_t, 16>, int>;
  static Key KeyOf(const core::Cidr& c) { return {c.base.Masked(c.bits).bytes(), c.bits}; }
  static core::Cidr ToCidr(const Key& k) {
    return core::Cidr{core::IpAddress::FromBytes(k.first), k.second};
  }
  static bool Inside(const Key& outer, const Key& inner);

  bool CoveredByWider(const core::Cidr& network, core::Timestamp now) const;
  void Install(const Key& key, core::Timestamp expires, core::Timestamp now,
               std::vector<Change>* out);
  // Installs the widest live wanted networks inside `outer` (itself excluded).
  void Uncover(const Key& outer, core::Timestamp now, std::vector<Change>* out);

  size_t max_networks_;
  uint64_t refused_ = 0;
  std::map<Key, core::Timestamp> wanted_;     // every live drop
  std::map<Key, core::Timestamp> installed_;  // what the kernel has
  // Expiries to act on, earliest first; stale entries (the key since changed) are skipped.
  std::priority_queue<std::pair<core::Timestamp, Key>, std::vector<std::pair<core::Timestamp, Key>>,
                      std::greater<>>
      expiries_;
};

}  // namespace coastguard::firewall
