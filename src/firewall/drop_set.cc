#include "firewall/drop_set.h"

#include <algorithm>

namespace coastguard::firewall {
namespace {

// The kernel's element timeouts have millisecond granularity; a block about to end still gets a
// second, so that it is never installed with no timeout at all.
constexpr core::Duration kKernelSlack = 2 * core::kSecond;

core::Duration Timeout(core::Timestamp expires, core::Timestamp now) {
  return std::max<core::Duration>(expires - now, core::kSecond);
}

}  // namespace

bool DropSet::Inside(const Key& outer, const Key& inner) {
  if (inner.second < outer.second) return false;
  const core::Cidr o = ToCidr(outer);
  const core::IpAddress inner_base = core::IpAddress::FromBytes(inner.first);
  return o.base.is_v4() == inner_base.is_v4() && o.Contains(inner_base);
}

bool DropSet::CoveredByWider(const core::Cidr& network, core::Timestamp now) const {
  for (int bits = 0; bits < network.bits; ++bits) {
    const auto it = installed_.find(KeyOf(core::Cidr{network.base, bits}));
    if (it != installed_.end() && it->second > now) return true;
  }
  return false;
}

void DropSet::Install(const Key& key, core::Timestamp expires, core::Timestamp now,
                      std::vector<Change>* out) {
  const core::Cidr network = ToCidr(key);
  // Narrower networks inside it leave first: the kernel refuses an element that overlaps one
  // it holds. They come back if they outlive it.
  for (auto inner = installed_.upper_bound(key);
       inner != installed_.end() && Inside(key, inner->first);) {
    out->push_back({Change::Kind::kDelete, ToCidr(inner->first), 0});
    inner = installed_.erase(inner);
  }
  auto [it, inserted] = installed_.try_emplace(key, expires);
  if (!inserted) {
    if (it->second == expires) return;
    // A new timeout needs the element replaced.
    out->push_back({Change::Kind::kDelete, network, 0});
    it->second = expires;
  }
  out->push_back({Change::Kind::kAdd, network, Timeout(expires, now)});
  expiries_.emplace(expires, key);
}

void DropSet::Uncover(const Key& outer, core::Timestamp now, std::vector<Change>* out) {
  const Key* cover = nullptr;
  for (auto it = wanted_.upper_bound(outer); it != wanted_.end() && Inside(outer, it->first);
       ++it) {
    if (it->second <= now) continue;
    if (cover != nullptr && Inside(*cover, it->first)) continue;
    Install(it->first, it->second, now, out);
    cover = &it->first;
  }
}

bool DropSet::Put(const core::Cidr& network, core::Timestamp expires, core::Timestamp now,
                  std::vector<Change>* out) {
  if (expires <= now) return true;
  const Key key = KeyOf(network);
  auto it = wanted_.find(key);
  if (it == wanted_.end()) {
    if (wanted_.size() >= max_networks_) {
      Expire(now, out);
      if (wanted_.size() >= max_networks_) {
        ++refused_;
        return false;
      }
    }
    it = wanted_.emplace(key, expires).first;
  } else {
    // Several blocks can hold one network (an operator's and a pair's): the longest wins.
    if (expires <= it->second) return true;
    it->second = expires;
  }
  expiries_.emplace(expires, key);
  if (!CoveredByWider(ToCidr(key), now)) Install(key, expires, now, out);
  return true;
}

void DropSet::Remove(const core::Cidr& network, core::Timestamp now, std::vector<Change>* out) {
  const Key key = KeyOf(network);
  if (wanted_.erase(key) == 0) return;
  if (installed_.erase(key) > 0) {
    out->push_back({Change::Kind::kDelete, ToCidr(key), 0});
    Uncover(key, now, out);
  }
}

void DropSet::Expire(core::Timestamp now, std::vector<Change>* out) {
  // The kernel's timeout started when the element was applied, a little after it was decided,
  // and is at least a second: what it hid is installed only once it is surely gone.
  const core::Timestamp gone = now - kKernelSlack;
  while (!expiries_.empty() && expiries_.top().first <= gone) {
    const auto [expires, key] = expiries_.top();
    expiries_.pop();
    const auto wanted = wanted_.find(key);
    if (wanted != wanted_.end() && wanted->second == expires) wanted_.erase(wanted);
    const auto installed = installed_.find(key);
    if (installed != installed_.end() && installed->second == expires) {
      // The kernel removed the element itself; what it hid may still be wanted.
      installed_.erase(installed);
      Uncover(key, now, out);
    }
  }
}

}  // namespace coastguard::firewall
