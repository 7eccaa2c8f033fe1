#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/time.h"
#include "redis/endpoint.h"
#include "redis/shared_config.h"

namespace coastguard::redis {

// Where the shared state lives, from [shared]: one server, a master that Sentinel names, or a
// Redis Cluster. Endpoints of data servers carry the credentials and database to log in with.
struct Topology {
  enum class Kind : uint8_t { kServer, kSentinel, kCluster };
  Kind kind = Kind::kServer;
  Endpoint server;                  // kServer
  std::vector<Endpoint> sentinels;  // kSentinel, with the Sentinels' own credentials
  std::string master_name;          // kSentinel
  std::vector<Endpoint> cluster;    // kCluster: seed nodes
  Endpoint login;                   // user, password and db for masters and Cluster nodes

  // "server", "sentinel" or "cluster".
  std::string_view KindName() const;
  // For the log and /metrics: the server, or what the client starts from; never a password.
  std::string Describe() const;
  // A data server's address with this topology's login.
  Endpoint WithLogin(const Endpoint& address) const;
};

absl::StatusOr<Topology> ResolveTopology(const SharedConfig& config);

// Blocking, for startup only: the server that holds `key` now (the server; the master the
// Sentinels name; the Cluster node that owns the key's slot). Each Sentinel or seed node is
// asked in turn, each for at most `timeout`.
absl::StatusOr<Endpoint> LocateBlocking(const Topology& topology, std::string_view key,
                                        core::Duration timeout);

}  // namespace coastguard::redis
