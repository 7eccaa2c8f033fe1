#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "core/time.h"
#include "redis/endpoint.h"

namespace coastguard::redis {

// The hash seed every node of one deployment must share: login, device and place digests key
// the state the nodes exchange. The first node to ask stores its own seed under `key`; the
// others adopt it. Blocking, with `timeout` for the connection and each request: called once
// at startup, before the loop serves anything.
absl::StatusOr<uint64_t> AgreeSeed(const Endpoint& endpoint, const std::string& key,
                                   uint64_t proposal, core::Duration timeout);

std::string SeedHex(uint64_t seed);
bool ParseSeedHex(std::string_view text, uint64_t* seed);

}  // namespace coastguard::redis
