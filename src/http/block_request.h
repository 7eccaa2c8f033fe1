#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "core/ip_address.h"
#include "core/time.h"
#include "policy/blocks.h"
#include "policy/engine.h"

namespace coastguard::http {

// What a block or allow-list request names, read the same way for the admin API (/v1/blocks,
// /v1/allow) and weakforced's commands (addBLEntry, delBLEntry, addWLEntry, delWLEntry): an
// address ("ip"), a network ("network", or weakforced's "netmask"), a login, or, where the API
// allows it, a login from one address.
struct TargetFields {
  const char* network = "network";
  bool login_from_ip = false;  // "ip" with "login" names that login from that address
};

struct BlockTarget {
  policy::BlockKey key;
  core::Cidr network;   // the address (as a full-length network) or network, if named
  std::string login;    // canonical, if named
  std::string subject;  // as operators read it: "198.51.100.0/24", "bob@example.com from 1.2.3.4"
};

// Errors are messages for a 400 reply.
absl::StatusOr<BlockTarget> ParseBlockTarget(const nlohmann::json& body,
                                             const policy::Engine& engine,
                                             const TargetFields& fields);

struct BlockRequest {
  BlockTarget target;
  core::Duration ttl = 0;
  std::string subject;  // the target's, with " (reason)" when the request gives one
};

// A block to add: the target, its TTL in whole seconds from `ttl_field` (1 s to 10 years;
// `default_ttl` when absent, or required when that is 0), and an optional "reason".
absl::StatusOr<BlockRequest> ParseBlockRequest(const nlohmann::json& body,
                                               const policy::Engine& engine,
                                               const TargetFields& fields, const char* ttl_field,
                                               core::Duration default_ttl);

// The reply when the block list is full of blocks in force (HTTP 507).
inline constexpr const char* kBlockListFull =
    "the block list is full of blocks in force (its share of [memory] budget_mb): remove "
    "blocks or raise the budget";

}  // namespace coastguard::http
