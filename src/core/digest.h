#pragma once

#include <cstdint>
#include <string_view>

namespace coastguard::core {

// Seeded 64-bit digest (XXH3) of attacker-controlled strings: logins, client ids, pwhashes.
// Tables key on digests, never on strings. The seed is a per-installation secret in the live
// server (so nobody can aim collisions at a victim's login) and a fixed value in replay (so that
// replay is reproducible).
uint64_t Digest64(std::string_view data, uint64_t seed);
uint64_t Digest64(const void* data, size_t size, uint64_t seed);

// Mixes two 64-bit values into one (for composite keys such as login+IP).
uint64_t Mix64(uint64_t a, uint64_t b);

}  // namespace coastguard::core
