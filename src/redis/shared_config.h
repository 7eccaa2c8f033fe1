#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/time.h"

namespace coastguard::redis {

// [shared]: several nodes (frontends with their own Dovecot and Postfix) deciding as one, their
// state shared through Redis (docs/cluster.md). No redis: a single node, as without the table.
// Exactly one of `redis` (one server), `sentinel` (a master that Sentinel names and fails over)
// and `cluster` (a Redis Cluster's seed nodes) says where Redis is.
struct SharedConfig {
  std::string redis;                  // redis://[user:password@]host:port/db or unix:///path?db=N
  std::vector<std::string> sentinel;  // host:port of each Sentinel
  std::string master_name;            // the master's name in the Sentinels' configuration
  std::string sentinel_user;          // the Sentinels' own ACL user and password, if they have one
  std::string sentinel_password;
  std::vector<std::string> cluster;  // host:port of some Cluster nodes; the rest are learned
  std::string user;                  // ACL user on the data servers; overrides the URL's
  std::string password;              // overrides the URL's
  int db = 0;                        // with sentinel: the master's database (a Cluster has only 0)
  std::string node;  // this node's name in metrics, /v1/service and the log; "": host name
  std::string prefix = "cg:";  // every key and the channel start with it
  // Attempts are sent to the other nodes in one message per interval: the lag of their view.
  core::Duration flush_every = 5 * core::kMillisecond;
  // A request unanswered for this long: Redis is slow or gone; the node drops the connection,
  // decides on its own state meanwhile, and reconnects with a backoff.
  core::Duration timeout = 250 * core::kMillisecond;
  bool enabled() const { return !redis.empty() || !sentinel.empty() || !cluster.empty(); }
};

template <typename V>
void DescribeSettings(V& v, SharedConfig& c) {
  v.Table("shared");
  v.Text("redis", c.redis);
  v.List("sentinel", [&c](const std::string& text) -> absl::Status {
    c.sentinel.push_back(text);
    return absl::OkStatus();
  });
  v.Text("master_name", c.master_name);
  v.Text("sentinel_user", c.sentinel_user);
  v.Text("sentinel_password", c.sentinel_password);
  v.List("cluster", [&c](const std::string& text) -> absl::Status {
    c.cluster.push_back(text);
    return absl::OkStatus();
  });
  v.Text("user", c.user);
  v.Text("password", c.password);
  v.Integer("db", c.db, 0, 15'999);
  v.Text("node", c.node);
  v.Text("prefix", c.prefix);
  v.Duration("flush_every", c.flush_every, core::kMillisecond);
  v.Duration("timeout", c.timeout, 10 * core::kMillisecond);
  v.Require(c.redis.empty() || c.redis.starts_with("redis://") || c.redis.starts_with("unix://"),
            "shared.redis must be redis://host:port/db or unix:///path/to/redis.sock");
  v.Require(
      (c.redis.empty() ? 0 : 1) + (c.sentinel.empty() ? 0 : 1) + (c.cluster.empty() ? 0 : 1) <= 1,
      "shared: give one of redis, sentinel and cluster");
  v.Require(c.sentinel.empty() || !c.master_name.empty(),
            "shared.sentinel needs shared.master_name");
  v.Require(c.cluster.empty() || c.db == 0, "shared.db: a Redis Cluster has only database 0");
  v.Require(c.flush_every <= c.timeout, "shared.flush_every must not exceed shared.timeout");
  v.Require(c.prefix.size() <= 32 && c.prefix.find_first_of(" {}\r\n") == std::string::npos,
            "shared.prefix is at most 32 characters, without spaces or braces");
}

}  // namespace coastguard::redis
