#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "redis/endpoint.h"

struct redisReply;

namespace coastguard::redis {

// What Redis tells a client about where its data lives: the Cluster's slot map and redirects,
// Sentinel's answers about the master. Pure functions of a reply; replies come from the network,
// so every field is checked (tests/fuzz/fuzz_redis_replies.cc).

inline constexpr size_t kClusterSlots = 16384;

// The Cluster slot of a key: CRC16 (XMODEM) of the key, or of the part between the first '{'
// and the next '}' when that part is not empty (a hash tag), modulo 16384.
uint16_t KeySlot(std::string_view key);

// A -MOVED or -ASK error: the slot now (MOVED) or for this one request (ASK) lives at `target`.
// Redis may leave the host out (":6380"): then it is `asked`'s host.
struct Redirect {
  bool ask = false;
  uint16_t slot = 0;
  Endpoint target;
};
std::optional<Redirect> ParseRedirect(std::string_view error, const Endpoint& asked);

// CLUSTER SLOTS: the masters, and which of them holds each slot (-1: nobody).
struct SlotMap {
  std::vector<Endpoint> masters;               // host and port only
  std::array<int16_t, kClusterSlots> owner{};  // index into masters
  size_t covered = 0;                          // slots with an owner
};
// Hosts the reply leaves empty (or "?") are `asked`'s.
absl::StatusOr<SlotMap> ParseClusterSlots(const redisReply* reply, const Endpoint& asked);

// SENTINEL get-master-addr-by-name: the master's address; NotFound when the Sentinel does not
// know the name (a nil reply).
absl::StatusOr<Endpoint> ParseMasterAddress(const redisReply* reply);

// A +switch-master message from a Sentinel: "<name> <old ip> <old port> <new ip> <new port>".
// The new master's address when the message is about `master_name`.
std::optional<Endpoint> ParseSwitchMaster(std::string_view payload, std::string_view master_name);

// ROLE: "master", "slave" or "sentinel" (empty when the reply is not one).
std::string_view ParseRole(const redisReply* reply);

}  // namespace coastguard::redis
