#include "nft/firewall_sink.h"

#include "core/log.h"
#include "core/text.h"
#include "io/event_loop.h"

namespace coastguard::nft {
namespace {

// A pair block (one login from one address: a brute force on one account) holds the address.
core::Cidr Network(const policy::BlockKey& key) {
  if (key.kind == policy::BlockKind::kLoginIp) {
    return core::Cidr{key.network, key.network.family_bits()};
  }
  return core::Cidr{key.network, key.bits};
}

bool IsNetworkBlock(const policy::BlockKey& key) {
  return key.kind == policy::BlockKind::kIp || key.kind == policy::BlockKind::kPrefix;
}

// What the firewall acts on: blocks on addresses and prefixes, and on a login from an address.
bool IsAddressed(const policy::BlockKey& key) {
  return IsNetworkBlock(key) || key.kind == policy::BlockKind::kLoginIp;
}

}  // namespace

FirewallSink::FirewallSink(policy::StateSink& next, policy::Engine& engine, Nftables& nftables,
                           size_t max_networks, std::function<void(std::function<void()>)> schedule)
    : next_(next),
      engine_(engine),
      nftables_(nftables),
      drops_(max_networks),
      schedule_(std::move(schedule)) {}

bool FirewallSink::Wanted(const policy::BlockKey& key, const policy::Block& block,
                          core::Timestamp now) const {
  if (!IsAddressed(key)) return false;
  if (key.kind == policy::BlockKind::kLoginIp) {
    // A log-only server cannot refuse the next guess; the firewall can, unless the address is
    // one its users log in from (the office NAT, a user's own home).
    return !engine_.SourceHasSuccesses(policy::NetworkBlockKey(Network(key)), now);
  }
  if (block.scope == policy::BlockScope::kAll) return true;
  return !engine_.SourceHasSuccesses(key, now);
}

void FirewallSink::BlockSet(const policy::BlockKey& key, const policy::Block& block) {
  next_.BlockSet(key, block);
  if (!IsAddressed(key)) return;
  // Blocks are set while an attempt is decided: "now" is that attempt's time, which the
  // block's creation records.
  const core::Timestamp now = block.created;
  if (!Wanted(key, block, now)) {
    ++spared_;
    return;
  }
  drops_.Put(Network(key), block.expires, now, &pending_);
  Flush();
}

void FirewallSink::BlockRemoved(const policy::BlockKey& key) {
  next_.BlockRemoved(key);
  if (!IsAddressed(key)) return;
  const core::Cidr network = Network(key);
  const core::Timestamp now = io::EventLoop::Now();
  // Another block may hold the same address (an operator's, another login's pair): then it
  // stays, with the longest of their times. Unblocks are operators' actions: a scan is fine.
  core::Timestamp held_until = 0;
  engine_.blocks().ForEach([&](const policy::BlockKey& other, const policy::Block& block) {
    if (!(other == key) && IsAddressed(other) && Network(other) == network && block.expires > now &&
        Wanted(other, block, now)) {
      held_until = std::max(held_until, block.expires);
    }
  });
  drops_.Remove(network, now, &pending_);
  if (held_until > now) drops_.Put(network, held_until, now, &pending_);
  Flush();
}

void FirewallSink::Sync(core::Timestamp now) {
  engine_.blocks().ForEach([&](const policy::BlockKey& key, const policy::Block& block) {
    if (block.expires > now && Wanted(key, block, now)) {
      drops_.Put(Network(key), block.expires, now, &pending_);
    }
  });
  Flush();
}

void FirewallSink::Maintain(core::Timestamp now) {
  drops_.Expire(now, &pending_);
  Flush();
}

void FirewallSink::Flush() {
  if (pending_.empty() || flush_scheduled_) return;
  flush_scheduled_ = true;
  // One batch for every block decided in this turn of the loop.
  schedule_([this] {
    flush_scheduled_ = false;
    std::vector<firewall::Change> batch;
    batch.swap(pending_);
    if (absl::Status s = nftables_.Apply(batch); !s.ok()) {
      core::Log(core::Cat("firewall: ", core::Message(s)));
    }
    applied_ += batch.size();
  });
}

}  // namespace coastguard::nft
