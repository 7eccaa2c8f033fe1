#include "core/digest.h"

// Inlined from Debian's header: a call into libxxhash per digest cost more than the hash of
// a short key (an address, two words), and an attempt takes several.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace coastguard::core {

uint64_t Digest64(std::string_view data, uint64_t seed) {
  return XXH3_64bits_withSeed(data.data(), data.size(), seed);
}

uint64_t Digest64(const void* data, size_t size, uint64_t seed) {
  return XXH3_64bits_withSeed(data, size, seed);
}

uint64_t Mix64(uint64_t a, uint64_t b) {
  const uint64_t pair[2] = {a, b};
  return XXH3_64bits(pair, sizeof(pair));
}

}  // namespace coastguard::core
