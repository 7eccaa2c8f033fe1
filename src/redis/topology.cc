#include "redis/topology.h"

#include <hiredis/hiredis.h>

#include "core/text.h"
#include "redis/blocking.h"
#include "redis/replies.h"

namespace coastguard::redis {
namespace {

absl::StatusOr<std::vector<Endpoint>> Addresses(const std::vector<std::string>& texts,
                                                uint16_t default_port, std::string_view what) {
  std::vector<Endpoint> out;
  for (const std::string& text : texts) {
    auto e = ParseHostPort(text, default_port);
    if (!e.ok()) {
      return core::InvalidInput(
          core::Cat("[shared] ", what, ": '", text, "': ", core::Message(e.status())));
    }
    out.push_back(std::move(*e));
  }
  return out;
}

std::string List(const std::vector<Endpoint>& endpoints) {
  std::string out;
  for (const Endpoint& e : endpoints) out += core::Cat(out.empty() ? "" : ",", e.ToString());
  return out;
}

}  // namespace

std::string_view Topology::KindName() const {
  switch (kind) {
    case Kind::kServer: return "server";
    case Kind::kSentinel: return "sentinel";
    case Kind::kCluster: return "cluster";
  }
  return "server";
}

std::string Topology::Describe() const {
  switch (kind) {
    case Kind::kServer: return server.ToString();
    case Kind::kSentinel: return core::Cat("sentinel:", master_name, "@", List(sentinels));
    case Kind::kCluster: return core::Cat("cluster:", List(cluster));
  }
  return "";
}

Endpoint Topology::WithLogin(const Endpoint& address) const {
  Endpoint e = address;
  e.user = login.user;
  e.password = login.password;
  e.db = login.db;
  return e;
}

absl::StatusOr<Topology> ResolveTopology(const SharedConfig& config) {
  Topology t;
  if (!config.sentinel.empty()) {
    t.kind = Topology::Kind::kSentinel;
    auto sentinels = Addresses(config.sentinel, 26379, "sentinel");
    if (!sentinels.ok()) return sentinels.status();
    for (Endpoint& s : *sentinels) {
      s.user = config.sentinel_user;
      s.password = config.sentinel_password;
    }
    t.sentinels = std::move(*sentinels);
    t.master_name = config.master_name;
    t.login.db = config.db;
  } else if (!config.cluster.empty()) {
    t.kind = Topology::Kind::kCluster;
    auto nodes = Addresses(config.cluster, 6379, "cluster");
    if (!nodes.ok()) return nodes.status();
    t.cluster = std::move(*nodes);
  } else {
    auto server = ParseRedisUrl(config.redis);
    if (!server.ok()) {
      return core::InvalidInput(core::Cat("[shared] redis: ", core::Message(server.status())));
    }
    t.server = std::move(*server);
    t.login = t.server;
  }
  if (!config.user.empty()) t.login.user = config.user;
  if (!config.password.empty()) t.login.password = config.password;
  if (t.kind == Topology::Kind::kServer) t.server = t.WithLogin(t.server);
  for (Endpoint& node : t.cluster) node = t.WithLogin(node);
  return t;
}

absl::StatusOr<Endpoint> LocateBlocking(const Topology& topology, std::string_view key,
                                        core::Duration timeout) {
  std::string errors;
  switch (topology.kind) {
    case Topology::Kind::kServer: return topology.server;
    case Topology::Kind::kSentinel:
      for (const Endpoint& sentinel : topology.sentinels) {
        auto c = ConnectBlocking(sentinel, timeout);
        if (!c.ok()) {
          errors += core::Cat("; ", core::Message(c.status()));
          continue;
        }
        BlockingReply r =
            CallBlocking(c->get(), {"SENTINEL", "get-master-addr-by-name", topology.master_name});
        auto master = ParseMasterAddress(r.get());
        if (master.ok()) return topology.WithLogin(*master);
        errors += core::Cat("; ", sentinel.ToString(), ": ", core::Message(master.status()));
      }
      return absl::UnavailableError(
          core::Cat("no Sentinel named master '", topology.master_name, "'", errors));
    case Topology::Kind::kCluster:
      for (const Endpoint& node : topology.cluster) {
        auto c = ConnectBlocking(node, timeout);
        if (!c.ok()) {
          errors += core::Cat("; ", core::Message(c.status()));
          continue;
        }
        BlockingReply r = CallBlocking(c->get(), {"CLUSTER", "SLOTS"});
        auto map = ParseClusterSlots(r.get(), node);
        if (!map.ok()) {
          errors += core::Cat("; ", node.ToString(), ": ", core::Message(map.status()));
          continue;
        }
        const int16_t owner = map->owner[KeySlot(key)];
        if (owner >= 0) return topology.WithLogin(map->masters[static_cast<size_t>(owner)]);
        errors += core::Cat("; ", node.ToString(), ": the key's slot has no master");
      }
      return absl::UnavailableError(core::Cat("no Cluster node answered", errors));
  }
  return absl::InternalError("unknown topology");
}

}  // namespace coastguard::redis
