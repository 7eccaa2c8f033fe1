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

namespace {

// Asks each of `servers` in turn (`ask` sends the request and reads its answer) until one
// answers with an endpoint; else every reason, after `what`.
template <typename Ask>
absl::StatusOr<Endpoint> FirstAnswer(const std::vector<Endpoint>& servers, core::Duration timeout,
                                     std::string_view what, Ask ask) {
  std::string errors;
  for (const Endpoint& server : servers) {
    auto c = ConnectBlocking(server, timeout);
    absl::StatusOr<Endpoint> answer = c.ok() ? ask(c->get(), server) : c.status();
    if (answer.ok()) return answer;
    errors += core::Cat("; ", c.ok() ? core::Cat(server.ToString(), ": ") : std::string(),
                        core::Message(answer.status()));
  }
  return absl::UnavailableError(core::Cat(what, errors));
}

}  // namespace

absl::StatusOr<Endpoint> LocateBlocking(const Topology& topology, std::string_view key,
                                        core::Duration timeout) {
  switch (topology.kind) {
    case Topology::Kind::kServer: return topology.server;
    case Topology::Kind::kSentinel:
      return FirstAnswer(topology.sentinels, timeout,
                         core::Cat("no Sentinel named master '", topology.master_name, "'"),
                         [&](redisContext* c, const Endpoint&) -> absl::StatusOr<Endpoint> {
                           BlockingReply r = CallBlocking(
                               c, {"SENTINEL", "get-master-addr-by-name", topology.master_name});
                           auto master = ParseMasterAddress(r.get());
                           if (!master.ok()) return master.status();
                           return topology.WithLogin(*master);
                         });
    case Topology::Kind::kCluster:
      return FirstAnswer(topology.cluster, timeout, "no Cluster node answered",
                         [&](redisContext* c, const Endpoint& node) -> absl::StatusOr<Endpoint> {
                           BlockingReply r = CallBlocking(c, {"CLUSTER", "SLOTS"});
                           auto map = ParseClusterSlots(r.get(), node);
                           if (!map.ok()) return map.status();
                           const int16_t owner = map->owner[KeySlot(key)];
                           if (owner < 0)
                             return absl::UnavailableError("the key's slot has no master");
                           return topology.WithLogin(map->masters[static_cast<size_t>(owner)]);
                         });
  }
  return absl::InternalError("unknown topology");
}

}  // namespace coastguard::redis
