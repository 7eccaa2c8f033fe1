#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/time.h"
#include "redis/endpoint.h"

struct redisContext;
struct redisReply;

namespace coastguard::redis {

// Blocking requests, for startup only (before the loop serves anything): the seed agreement and
// finding where the seed lives. Every connect and request is bounded by the timeout given.
struct ContextFree {
  void operator()(redisContext* c) const;
};
struct ReplyFree {
  void operator()(redisReply* r) const;
};
using BlockingContext = std::unique_ptr<redisContext, ContextFree>;
using BlockingReply = std::unique_ptr<redisReply, ReplyFree>;

// Connects and logs in (AUTH with the endpoint's user and password, SELECT its db).
absl::StatusOr<BlockingContext> ConnectBlocking(const Endpoint& endpoint, core::Duration timeout);
// One request; null when the connection failed (the context's errstr says why).
BlockingReply CallBlocking(redisContext* c, const std::vector<std::string>& args);
// "<what> refused: <Redis's error>" or "<what>: <connection error>".
absl::Status RefusedBlocking(const redisContext* c, const BlockingReply& r, std::string_view what);

}  // namespace coastguard::redis
