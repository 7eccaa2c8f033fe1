#pragma once

#include <string>

#include "core/time.h"

namespace coastguard::redis {

// [shared]: several nodes (frontends with their own Dovecot and Postfix) deciding as one, their
// state shared through Redis (docs/cluster.md). No redis: a single node, as without the table.
struct SharedConfig {
  std::string redis;     // redis://[user:password@]host:port/db or unix:///path?db=N
  std::string user;      // ACL user; overrides the URL's
  std::string password;  // overrides the URL's
  std::string node;      // this node's name in metrics, /v1/service and the log; "": host name
  std::string prefix = "cg:";  // every key and the channel start with it
  // Attempts are sent to the other nodes in one message per interval: the lag of their view.
  core::Duration flush_every = 5 * core::kMillisecond;
  // A request unanswered for this long: Redis is slow or gone; the node drops the connection,
  // decides on its own state meanwhile, and reconnects with a backoff.
  core::Duration timeout = 250 * core::kMillisecond;
  bool enabled() const { return !redis.empty(); }
};

template <typename V>
void DescribeSettings(V& v, SharedConfig& c) {
  v.Table("shared");
  v.Text("redis", c.redis);
  v.Text("user", c.user);
  v.Text("password", c.password);
  v.Text("node", c.node);
  v.Text("prefix", c.prefix);
  v.Duration("flush_every", c.flush_every, core::kMillisecond);
  v.Duration("timeout", c.timeout, 10 * core::kMillisecond);
  v.Require(c.redis.empty() || c.redis.starts_with("redis://") || c.redis.starts_with("unix://"),
            "shared.redis must be redis://host:port/db or unix:///path/to/redis.sock");
  v.Require(c.flush_every <= c.timeout, "shared.flush_every must not exceed shared.timeout");
  v.Require(c.prefix.size() <= 32 && c.prefix.find_first_of(" {}\r\n") == std::string::npos,
            "shared.prefix is at most 32 characters, without spaces or braces");
}

}  // namespace coastguard::redis
